package opsstore_test

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/flowmetrics"
	"github.com/lucian-app/phase12/shared/opsstore"
	"github.com/lucian-app/phase12/shared/opsstore/opsstoretest"
	"github.com/lucian-app/phase12/shared/slo"
)

func TestStoreOnMinidyn(t *testing.T) {
	opsstoretest.Run(t, dynamotest.New(t), dynamotest.OpsTable)
}

// TestQuantilesFromStoredBuckets: p50/p95/p99 read back from the minute buckets of a window
// (as the ops snapshot reads them) are within 1% of the exact nearest-rank quantiles of a
// known sample.
func TestQuantilesFromStoredBuckets(t *testing.T) {
	cat, err := slo.Default()
	if err != nil {
		t.Fatal(err)
	}
	store := opsstore.New(dynamotest.New(t), dynamotest.OpsTable)
	now := time.Date(2026, 11, 28, 9, 30, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(12, 34))
	var events []flowmetrics.Event
	var sample []float64
	for i := range 20_000 {
		// Log-normal around 300 ms with a slow tail: the shape of real request latencies.
		ms := 300 * math.Exp(0.6*rng.NormFloat64())
		if i%50 == 0 {
			ms *= 8
		}
		sample = append(sample, ms)
		events = append(events, flowmetrics.Event{Flow: "today_load", LatencyMs: ms, OK: true,
			At: now.Add(-time.Duration(rng.IntN(50*60)) * time.Second)})
	}
	if err := store.Add(context.Background(), flowmetrics.Aggregate(cat, events)); err != nil {
		t.Fatal(err)
	}
	w, err := flowmetrics.Read(context.Background(), store, flowmetrics.Query{Flow: "today_load", Now: now,
		Windows: []time.Duration{time.Hour}, Budget: 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(sample)
	for _, src := range []struct {
		name string
		b    flowmetrics.Bucket
	}{{"1h window (minute buckets)", w.Span(time.Hour)}, {"day bucket", w.Budget}} {
		sk := src.b.Sketch()
		if sk.Count() != uint64(len(sample)) {
			t.Fatalf("%s: %d events in the sketch, want %d", src.name, sk.Count(), len(sample))
		}
		for _, q := range []float64{0.50, 0.95, 0.99} {
			exact := sample[int(math.Ceil(q*float64(len(sample))))-1]
			got := sk.Quantile(q)
			if rel := math.Abs(got-exact) / exact; rel > 0.01 {
				t.Errorf("%s: p%.0f = %.2f ms, exact %.2f ms: relative error %.4f, want <= 0.01", src.name, q*100, got, exact, rel)
			} else {
				t.Logf("%s: p%.0f = %.2f ms, exact %.2f ms (relative error %.4f)", src.name, q*100, got, exact, rel)
			}
		}
	}
}
