// Command ops is OpsFunction: the ops group's SLO snapshot, incident list and acks.
package main

import "github.com/lucian-app/phase12/shared/wiring"

func main() { wiring.Main("OpsFunction", wiring.Ops) }
