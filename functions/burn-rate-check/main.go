// Command burn-rate-check is BurnRateCheckFunction: every minute, the multi-window burn-rate
// rules over every flow, paging through the AlertTopic.
package main

import "github.com/lucian-app/phase12/shared/wiring"

func main() { wiring.Main("BurnRateCheckFunction", wiring.BurnRateCheck) }
