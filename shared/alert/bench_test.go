package alert_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/alert"
	"github.com/lucian-app/phase12/shared/burnrate"
	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/flowmetrics"
	"github.com/lucian-app/phase12/shared/ids"
	"github.com/lucian-app/phase12/shared/opsstore"
	"github.com/lucian-app/phase12/shared/opsstore/opsstoretest"
	"github.com/lucian-app/phase12/shared/slo"
	"github.com/lucian-app/phase12/shared/topic"
)

// catalog20 is a catalogue of twenty flows, each with a latency and an availability
// objective.
func catalog20(b *testing.B) slo.Catalog {
	var y strings.Builder
	y.WriteString("apiVersion: phase12/v1\nversion: 1\nbudgetingWindow: 30d\nflows:\n")
	for i := range 20 {
		fmt.Fprintf(&y, "  - name: flow_%02d\n    source: server\n    objectives:\n      - name: latency\n        target: 0.95\n        thresholdMs: 800\n      - name: availability\n        target: 0.999\n", i)
	}
	c, err := slo.Parse([]byte(y.String()))
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// seed fills every bucket a check reads: each flow has a minute bucket for each of the
// last 65 minutes and of every window's far edge, an hour bucket for each of the last 73
// hours and a day bucket for each of the last 30 days, with a healthy 0.05% error ratio.
// Each of callers writes all of them (a sharded store puts each caller's in its shard);
// without callers they are written once, with none.
func seed(b testing.TB, w flowmetrics.Writer, cat slo.Catalog, now time.Time, callers ...string) {
	if len(callers) == 0 {
		callers = []string{""}
	}
	bucket := func(n uint64) flowmetrics.Bucket {
		return flowmetrics.Bucket{Total: n, Good: map[string]uint64{"latency": n * 97 / 100, "availability": n - n/2000},
			Latency: map[string]uint64{"b300": n / 2, "b350": n / 4, "b400": n / 4}}
	}
	for _, f := range cat.Flows {
		var ds []flowmetrics.Delta
		m := now.Truncate(time.Minute)
		for i := range 65 {
			ds = append(ds, flowmetrics.Delta{Flow: f.Name, Resolution: flowmetrics.Minute, Start: m.Add(-time.Duration(i) * time.Minute), Bucket: bucket(100)})
		}
		for _, win := range []time.Duration{2 * time.Hour, 6 * time.Hour, 24 * time.Hour, 72 * time.Hour} {
			start := m.Add(-win + time.Minute)
			for t := start.Truncate(time.Hour); t.Before(start.Truncate(time.Hour).Add(time.Hour)); t = t.Add(time.Minute) {
				ds = append(ds, flowmetrics.Delta{Flow: f.Name, Resolution: flowmetrics.Minute, Start: t, Bucket: bucket(100)})
			}
		}
		for i := range 73 {
			ds = append(ds, flowmetrics.Delta{Flow: f.Name, Resolution: flowmetrics.Hour, Start: m.Truncate(time.Hour).Add(-time.Duration(i) * time.Hour), Bucket: bucket(6000)})
		}
		for i := range 30 {
			ds = append(ds, flowmetrics.Delta{Flow: f.Name, Resolution: flowmetrics.Day, Start: flowmetrics.Day.Start(m).AddDate(0, 0, -i), Bucket: bucket(144000)})
		}
		for _, c := range callers {
			for i := range ds {
				ds[i].Caller = c
			}
			if err := w.Add(context.Background(), ds); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// callersInShards returns, for a store of n shards, one caller in each shard 1 to n.
func callersInShards(s *opsstore.Store) []string {
	out := make([]string, s.ItemsPerBucket())
	found := 0
	for i := 0; found < len(out)-1; i++ {
		c := fmt.Sprintf("user-%d", i)
		if sh := s.Shard(c); out[sh] == "" && sh > 0 {
			out[sh] = c
			found++
		}
	}
	return out[1:]
}

func checker(cat slo.Catalog, metrics flowmetrics.Reader, store alert.Store, now time.Time) *alert.Checker {
	return &alert.Checker{
		Catalog: cat, Rules: burnrate.Rules(), NoData: alert.DefaultNoDataRule(), Metrics: metrics, Store: store,
		Publisher: &recorderPublisher{&topic.Recorder{}}, ResolveAfter: alert.DefaultResolveAfter,
		Now: func() time.Time { return now }, NewID: ids.Sequence("A"), Log: slog.New(slog.DiscardHandler),
	}
}

type recorderPublisher struct{ r *topic.Recorder }

func (p *recorderPublisher) Publish(context.Context, alert.Message) error { return nil }

// BenchmarkBurnRateCheck20Flows is one scheduled run over twenty healthy flows with every
// bucket it reads present: on minidyn (which scans its whole table per Query, so this is
// mostly minidyn), and on an in-memory store (the check's own work).
func BenchmarkBurnRateCheck20Flows(b *testing.B) {
	cat := catalog20(b)
	now := time.Date(2026, 11, 28, 9, 25, 30, 0, time.UTC)

	b.Run("minidyn", func(b *testing.B) {
		db := opsstoretest.CountItems(dynamotest.New(b))
		store := opsstore.New(db, dynamotest.OpsTable)
		seed(b, store, cat, now)
		c := checker(cat, store, store, now)
		db.Reset()
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Run(context.Background()); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(db.Items())/float64(b.N), "items/op")
	})

	b.Run("memory", func(b *testing.B) {
		m := &memMetrics{}
		seed(b, m, cat, now)
		c := checker(cat, m, &memStates{}, now)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Run(context.Background()); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(m.read)/float64(b.N), "items/op")
	})
}

// memMetrics is an in-memory bucket store.
type memMetrics struct {
	mu      sync.Mutex
	buckets map[string]flowmetrics.Bucket
	read    int
}

func memKey(flow string, res flowmetrics.Resolution, t time.Time) string {
	return fmt.Sprintf("%s|%d|%d", flow, res, t.Unix())
}

func (m *memMetrics) Add(_ context.Context, ds []flowmetrics.Delta) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.buckets == nil {
		m.buckets = map[string]flowmetrics.Bucket{}
	}
	for _, d := range ds {
		k := memKey(d.Flow, d.Resolution, d.Start)
		bk := m.buckets[k]
		bk.Add(d.Bucket)
		m.buckets[k] = bk
	}
	return nil
}

func (m *memMetrics) Buckets(_ context.Context, flow string, res flowmetrics.Resolution, from, to time.Time) ([]flowmetrics.Point, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []flowmetrics.Point
	for t := from; !t.After(to); t = t.Add(res.Step()) {
		if bk, ok := m.buckets[memKey(flow, res, t)]; ok {
			out = append(out, flowmetrics.Point{Start: t, Bucket: bk})
		}
	}
	m.read += len(out)
	return out, nil
}

// memStates is an in-memory alert state store.
type memStates struct {
	mu     sync.Mutex
	states map[alert.Key]alert.State
}

func (s *memStates) States(context.Context) ([]alert.State, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]alert.State, 0, len(s.states))
	for _, st := range s.states {
		out = append(out, st)
	}
	return out, nil
}

func (s *memStates) Save(_ context.Context, next alert.State, _ bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.states == nil {
		s.states = map[alert.Key]alert.State{}
	}
	if s.states[next.Alert.Key()].Version != next.Version-1 {
		return alert.ErrStale
	}
	s.states[next.Alert.Key()] = next
	return nil
}
