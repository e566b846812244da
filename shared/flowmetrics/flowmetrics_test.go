package flowmetrics

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/burnrate"
	"github.com/lucian-app/phase12/shared/slo"
)

var now = time.Date(2026, 11, 28, 9, 25, 30, 0, time.UTC)

func catalog(t testing.TB) slo.Catalog {
	t.Helper()
	c, err := slo.Default()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestValidate(t *testing.T) {
	at := now.Add(-time.Minute).Format(time.RFC3339)
	tests := []struct {
		name string
		raw  string
		want string // "" = accepted
	}{
		{"valid", `{"flow":"today_load_client","latency_ms":420,"outcome":"ok","at":"` + at + `"}`, ""},
		{"fractional latency and offset", `{"flow":"create_task_client","latency_ms":12.5,"outcome":"error","at":"2026-11-28T10:20:00+01:00"}`, ""},
		{"zero latency", `{"flow":"create_task_client","latency_ms":0,"outcome":"ok","at":"` + at + `"}`, ""},
		{"unknown fields ignored", `{"flow":"create_task_client","latency_ms":1,"outcome":"ok","at":"` + at + `","device":"x"}`, ""},
		{"exactly 24h old", `{"flow":"create_task_client","latency_ms":1,"outcome":"ok","at":"2026-11-27T09:25:30Z"}`, ""},
		{"exactly 5m ahead", `{"flow":"create_task_client","latency_ms":1,"outcome":"ok","at":"2026-11-28T09:30:30Z"}`, ""},
		{"not an object", `[1,2]`, "event: must be a JSON object"},
		{"a string", `"today_load"`, "event: must be a JSON object"},
		{"null", `null`, "event: must be a JSON object"},
		{"unknown flow", `{"flow":"checkout","latency_ms":1,"outcome":"ok","at":"` + at + `"}`, `flow: unknown flow "checkout" (reportable: today_load_client, create_task_client)`},
		{"a server flow watched by a client flow", `{"flow":"today_load","latency_ms":1,"outcome":"ok","at":"` + at + `"}`,
			"flow: today_load is measured by the server; report what the app saw as today_load_client"},
		{"a server flow without a client flow", `{"flow":"undo","latency_ms":1,"outcome":"error","at":"` + at + `"}`,
			"flow: undo is measured by the server and cannot be reported"},
		{"missing flow", `{"latency_ms":1,"outcome":"ok","at":"` + at + `"}`, "flow: required"},
		{"empty flow", `{"flow":"","latency_ms":1,"outcome":"ok","at":"` + at + `"}`, "flow: required"},
		{"flow not a string", `{"flow":7,"latency_ms":1,"outcome":"ok","at":"` + at + `"}`, "flow: must be a string"},
		{"negative latency", `{"flow":"create_task_client","latency_ms":-1,"outcome":"ok","at":"` + at + `"}`, "latency_ms: must not be negative"},
		{"absurd latency", `{"flow":"create_task_client","latency_ms":900001,"outcome":"ok","at":"` + at + `"}`, "latency_ms: 900001 is over 900000 (15m0s): not a plausible latency"},
		{"latency as string", `{"flow":"create_task_client","latency_ms":"12","outcome":"ok","at":"` + at + `"}`, "latency_ms: must be a number of milliseconds"},
		{"null latency", `{"flow":"create_task_client","latency_ms":null,"outcome":"ok","at":"` + at + `"}`, "latency_ms: required"},
		{"bad outcome", `{"flow":"create_task_client","latency_ms":1,"outcome":"success","at":"` + at + `"}`, `outcome: must be "ok" or "error", not "success"`},
		{"missing at", `{"flow":"create_task_client","latency_ms":1,"outcome":"ok"}`, "at: required"},
		{"at without offset", `{"flow":"create_task_client","latency_ms":1,"outcome":"ok","at":"2026-11-28T09:00:00"}`, "at: must be an RFC 3339 time with offset"},
		{"at as epoch", `{"flow":"create_task_client","latency_ms":1,"outcome":"ok","at":1795856400}`, "at: must be a string"},
		{"too old", `{"flow":"create_task_client","latency_ms":1,"outcome":"ok","at":"2026-11-27T09:25:29Z"}`, "at: more than 24h0m0s in the past"},
		{"too far ahead", `{"flow":"create_task_client","latency_ms":1,"outcome":"ok","at":"2026-11-28T09:30:31Z"}`, "at: more than 5m0s in the future"},
		{"every problem at once", `{"flow":"nope","latency_ms":-3,"outcome":"meh"}`,
			`flow: unknown flow "nope" (reportable: today_load_client, create_task_client); latency_ms: must not be negative; outcome: must be "ok" or "error", not "meh"; at: required`},
	}
	cat := catalog(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, rejected := Validate(cat, now, []json.RawMessage{json.RawMessage(tt.raw)})
			if tt.want == "" {
				if len(rejected) != 0 || len(got) != 1 {
					t.Fatalf("rejected %+v, want the event accepted", rejected)
				}
				return
			}
			if len(rejected) != 1 || len(got) != 0 {
				t.Fatalf("accepted %+v, rejected %+v; want one rejection", got, rejected)
			}
			if !strings.HasPrefix(rejected[0].Reason, tt.want) {
				t.Errorf("reason = %q, want it to start with %q", rejected[0].Reason, tt.want)
			}
		})
	}
}

func TestValidateKeepsIndexes(t *testing.T) {
	at := now.Format(time.RFC3339)
	good := `{"flow":"create_task_client","latency_ms":5,"outcome":"ok","at":"` + at + `"}`
	raw := []json.RawMessage{json.RawMessage(good), json.RawMessage(`{}`), json.RawMessage(good), json.RawMessage(`{"flow":"x"}`)}
	events, rejected := Validate(catalog(t), now, raw)
	if len(events) != 2 {
		t.Errorf("accepted %d, want 2", len(events))
	}
	var got []int
	for _, r := range rejected {
		got = append(got, r.Index)
	}
	if want := []int{1, 3}; !reflect.DeepEqual(got, want) {
		t.Errorf("rejected indexes = %v, want %v", got, want)
	}
	want := Event{Flow: "create_task_client", LatencyMs: 5, OK: true, At: now.Truncate(time.Second)}
	if events[0] != want {
		t.Errorf("event = %+v, want %+v", events[0], want)
	}
}

func TestAggregate(t *testing.T) {
	cat := catalog(t)
	t0 := time.Date(2026, 11, 28, 9, 59, 10, 0, time.UTC)
	events := []Event{
		{Flow: "create_task", LatencyMs: 200, OK: true, At: t0},
		{Flow: "create_task", LatencyMs: 900, OK: true, At: t0.Add(20 * time.Second)},  // slow: bad latency
		{Flow: "create_task", LatencyMs: 100, OK: false, At: t0.Add(55 * time.Second)}, // 10:00:05, error
		{Flow: "undo", LatencyMs: 0.5, OK: true, At: t0},
	}
	got := Aggregate(cat, events)
	type row struct {
		flow    string
		res     Resolution
		start   string
		total   uint64
		latGood uint64
		avGood  uint64
		sketchN int
	}
	var rows []row
	for _, d := range got {
		var n int
		for _, c := range d.Latency {
			n += int(c)
		}
		rows = append(rows, row{d.Flow, d.Resolution, d.Start.Format(time.RFC3339), d.Total, d.Good["latency"], d.Good["availability"], n})
	}
	want := []row{
		{"create_task", Minute, "2026-11-28T09:59:00Z", 2, 1, 2, 2},
		{"create_task", Minute, "2026-11-28T10:00:00Z", 1, 1, 0, 1},
		{"create_task", Hour, "2026-11-28T09:00:00Z", 2, 1, 2, 2},
		{"create_task", Hour, "2026-11-28T10:00:00Z", 1, 1, 0, 1},
		{"create_task", Day, "2026-11-28T00:00:00Z", 3, 2, 2, 3},
		{"undo", Minute, "2026-11-28T09:59:00Z", 1, 1, 1, 1},
		{"undo", Hour, "2026-11-28T09:00:00Z", 1, 1, 1, 1},
		{"undo", Day, "2026-11-28T00:00:00Z", 1, 1, 1, 1},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("Aggregate() =\n%v\nwant\n%v", rows, want)
	}
	// A bucket of only bad events still names the objective, with zero good.
	if v, ok := got[1].Good["availability"]; !ok || v != 0 {
		t.Errorf("bad-only bucket Good = %v, want availability: 0 present", got[1].Good)
	}
}

func TestBucketMinusClamps(t *testing.T) {
	b := Bucket{Total: 5, Good: map[string]uint64{"latency": 4}, Latency: map[string]uint64{"b1": 3, "z": 2}}
	o := Bucket{Total: 7, Good: map[string]uint64{"latency": 1}, Latency: map[string]uint64{"b1": 1, "z": 9}}
	got := b.Minus(o)
	want := Bucket{Total: 0, Good: map[string]uint64{"latency": 3}, Latency: map[string]uint64{"b1": 2}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Minus() = %+v, want %+v", got, want)
	}
	if got, want := (Bucket{Total: 3, Good: map[string]uint64{"a": 9}}).Counts("a"), (burnrate.Counts{Good: 3, Total: 3}); got != want {
		t.Errorf("Counts() = %+v, want %+v (good clamped to total)", got, want)
	}
}

// memStore keeps deltas in memory and counts the buckets it returns.
type memStore struct {
	buckets map[string]Bucket
	read    int
}

func memKey(flow string, res Resolution, start time.Time) string {
	return fmt.Sprintf("%s|%d|%d", flow, res, start.Unix())
}

func (m *memStore) Add(_ context.Context, ds []Delta) error {
	if m.buckets == nil {
		m.buckets = map[string]Bucket{}
	}
	for _, d := range ds {
		k := memKey(d.Flow, d.Resolution, d.Start)
		b := m.buckets[k]
		b.Add(d.Bucket)
		m.buckets[k] = b
	}
	return nil
}

func (m *memStore) Buckets(_ context.Context, flow string, res Resolution, from, to time.Time) ([]Point, error) {
	var out []Point
	for t := from; !t.After(to); t = t.Add(res.Step()) {
		if b, ok := m.buckets[memKey(flow, res, t)]; ok {
			out = append(out, Point{Start: t, Bucket: b})
		}
	}
	m.read += len(out)
	return out, nil
}

var ruleWindows = []time.Duration{5 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 6 * time.Hour, 24 * time.Hour, 72 * time.Hour}

// TestReadMatchesBruteForce compares Read with counting the events themselves, at clocks
// that put the window edges on every kind of minute offset.
func TestReadMatchesBruteForce(t *testing.T) {
	cat := catalog(t)
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 40 {
		clock := now.Add(time.Duration(rng.IntN(24*60)) * time.Minute).Add(time.Duration(rng.IntN(60)) * time.Second)
		var events []Event
		for range 3000 {
			// Spread over four days before the clock and a little after it.
			at := clock.Add(-time.Duration(rng.Int64N(int64(80 * time.Hour)))).Add(2 * time.Minute)
			events = append(events, Event{Flow: "today_load", LatencyMs: rng.Float64() * 3000, OK: rng.IntN(10) > 0, At: at})
		}
		m := &memStore{}
		if err := m.Add(context.Background(), Aggregate(cat, events)); err != nil {
			t.Fatal(err)
		}
		q := Query{Flow: "today_load", Now: clock, Windows: ruleWindows, Budget: 30 * 24 * time.Hour}
		got, err := Read(context.Background(), m, q)
		if err != nil {
			t.Fatal(err)
		}
		cur := clock.Truncate(time.Minute)
		for _, w := range ruleWindows {
			var want burnrate.Counts
			for _, e := range events {
				if mi := e.At.Truncate(time.Minute); mi.After(cur.Add(-w)) && !mi.After(cur) {
					want.Total++
					if e.OK {
						want.Good++
					}
				}
			}
			if g := got.Span(w).Counts("availability"); g != want {
				t.Errorf("trial %d at %v: window %v = %+v, want %+v", trial, clock, w, g, want)
			}
		}
		if got.Budget.Total != 3000 {
			t.Errorf("trial %d: budget total = %d, want all 3000 events", trial, got.Budget.Total)
		}
		if max := MaxBuckets(q); m.read > max {
			t.Errorf("trial %d: read %d buckets, more than the bound %d", trial, m.read, max)
		}
	}
}

func TestMaxBuckets(t *testing.T) {
	q := Query{Windows: ruleWindows, Budget: 30 * 24 * time.Hour}
	// 60 minutes + 5 ahead + 4 edges of 30 + 73 hours + 30 days
	if got, want := MaxBuckets(q), 60+5+4*30+73+30; got != want {
		t.Errorf("MaxBuckets() = %d, want %d", got, want)
	}
}

func TestReadRejectsOddWindows(t *testing.T) {
	for _, w := range []time.Duration{0, 90 * time.Second, 90 * time.Minute} {
		if _, err := Read(context.Background(), &memStore{}, Query{Flow: "undo", Now: now, Windows: []time.Duration{w}}); err == nil {
			t.Errorf("Read(window %v) error = nil, want one", w)
		}
	}
}
