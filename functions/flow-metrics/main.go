// Command flow-metrics is FlowMetricsFunction: POST /metrics/flows, flow events aggregated
// into OpsTable's minute, hour and day buckets.
package main

import (
	"github.com/lucian-app/phase12/shared/wiring"
	"github.com/lucian-app/phase12/shared/wiring/ssmparam"
)

func main() { wiring.Main("FlowMetricsFunction", ssmparam.With(wiring.FlowMetrics)) }
