package executetest

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/execute"
	"github.com/lucian-app/phase12/shared/intent"
)

// BenchmarkCreateTask executes one create_task per iteration, each under
// a new key, through engine (renewed off the clock every 100 executions by
// fresh, so an emulator's growing table is not what is measured), and
// reports the p50 and p95 of the executions' wall time beside the mean.
func BenchmarkCreateTask(b *testing.B, fresh func() *execute.Engine) {
	ctx := context.Background()
	req := execute.Request{Intent: &intent.Intent{Type: intent.CreateTask, Title: "Buy milk", Priority: 2}}
	var e *execute.Engine
	var took []time.Duration
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		if i%100 == 0 {
			b.StopTimer()
			e = fresh()
			b.StartTimer()
		}
		i++
		start := time.Now()
		r, err := e.Execute(ctx, "bench", "bench-"+strconv.Itoa(i), req)
		took = append(took, time.Since(start))
		if err != nil || r.Status != 201 {
			b.Fatal(r.Status, err)
		}
	}
	slices.Sort(took)
	at := func(q float64) float64 { return float64(took[int(q*float64(len(took)-1))].Microseconds()) / 1000 }
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.95), "p95-ms")
}
