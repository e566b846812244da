package digest_test

import (
	"context"
	"flag"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/alert"
	"github.com/lucian-app/phase12/shared/burnrate"
	"github.com/lucian-app/phase12/shared/clock"
	"github.com/lucian-app/phase12/shared/digest"
	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/flowmetrics"
	"github.com/lucian-app/phase12/shared/ids"
	"github.com/lucian-app/phase12/shared/opsstore"
	"github.com/lucian-app/phase12/shared/opsstore/opsstoretest"
	"github.com/lucian-app/phase12/shared/sketch"
	"github.com/lucian-app/phase12/shared/slo"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// The known week: 2026-W48, Monday 23 to Sunday 29 November 2026, digested at the
// scheduled time, Monday 30 November 08:00 UTC.
var (
	weekStart = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	scheduled = time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
)

// day describes one day bucket of a flow: events, how many were slow (over every latency
// threshold) and how many failed, and the latency of the fast and the slow ones.
type day struct {
	flow           string
	at             time.Time
	events         uint64
	slow, failed   uint64
	fastMs, slowMs float64
}

func (d day) delta(cat slo.Catalog) flowmetrics.Delta {
	f, _ := cat.Flow(d.flow)
	b := flowmetrics.Bucket{Total: d.events, Good: map[string]uint64{}}
	for _, o := range f.Objectives {
		switch o.Kind {
		case slo.Latency:
			b.Good[o.Name] = d.events - d.slow
		case slo.Degraded:
			b.Good[o.Name] = d.events // the fixture's week had no degraded answers
		default:
			b.Good[o.Name] = d.events - d.failed
		}
	}
	sk := &sketch.Sketch{}
	for i := range d.events {
		ms := d.fastMs + float64(i%50) // a spread, so the quantiles differ
		if i < d.slow {
			ms = d.slowMs
		}
		sk.Add(ms)
	}
	b.Latency = sk.Counts()
	return flowmetrics.Delta{Flow: d.flow, Resolution: flowmetrics.Day, Start: d.at, Bucket: b}
}

// knownWeek is the week's data: today_load was slow on Thursday (its latency objective
// missed for the week), create_task had an outage on Wednesday (pages, and alerts with
// false-positive verdicts), execute_intent was fine, undo reported nothing; create_task also
// burned budget before the week (its budget is overspent).
func knownWeek(cat slo.Catalog) []flowmetrics.Delta {
	var days []day
	for i := range 7 {
		at := weekStart.AddDate(0, 0, i)
		tl := day{flow: "today_load", at: at, events: 1000, slow: 20, failed: 0, fastMs: 240, slowMs: 2600}
		if i == 3 {
			tl.slow = 400
		}
		ct := day{flow: "create_task", at: at, events: 500, slow: 5, failed: 0, fastMs: 110, slowMs: 900}
		if i == 2 {
			ct.failed = 40
		}
		days = append(days, tl, ct, day{flow: "execute_intent", at: at, events: 200, fastMs: 35})
	}
	days = append(days,
		day{flow: "create_task", at: weekStart.AddDate(0, 0, -12), events: 500, failed: 10, fastMs: 120},
		// Outside the budgeting window (31 days before the week's end): not counted.
		day{flow: "create_task", at: weekStart.AddDate(0, 0, -24), events: 500, failed: 500, fastMs: 120},
		// The next week: not counted.
		day{flow: "today_load", at: weekStart.AddDate(0, 0, 7), events: 1000, slow: 1000, fastMs: 240, slowMs: 9000},
	)
	out := make([]flowmetrics.Delta, len(days))
	for i, d := range days {
		out[i] = d.delta(cat)
	}
	return out
}

// incident is one incident of the known week and what on-call did with it.
type incident struct {
	flow, objective string
	severity        burnrate.Severity
	at              time.Time
	ackAfter        time.Duration // 0: not acknowledged
	verdict         string
}

func knownIncidents() []incident {
	wed, thu, sat := weekStart.AddDate(0, 0, 2), weekStart.AddDate(0, 0, 3), weekStart.AddDate(0, 0, 5)
	return []incident{
		{"create_task", "availability", burnrate.Page, weekStart.Add(-10 * time.Minute), 2 * time.Minute, alert.TruePositive}, // the week before
		{"create_task", "availability", burnrate.Page, wed.Add(10 * time.Hour), 4*time.Minute + 30*time.Second, alert.TruePositive},
		{"create_task", "availability", burnrate.Ticket, wed.Add(11 * time.Hour), 3 * time.Hour, alert.FalsePositive},
		{"create_task", "availability", burnrate.Page, wed.Add(15 * time.Hour), 12 * time.Minute, alert.FalsePositive},
		{"create_task", "latency", burnrate.Page, wed.Add(16 * time.Hour), 0, ""},
		{"today_load", "latency", burnrate.Ticket, thu.Add(9 * time.Hour), 40 * time.Minute, alert.TruePositive},
		{"today_load", alert.NoData, burnrate.Ticket, sat.Add(3 * time.Hour), 2 * time.Hour, alert.FalsePositive},
		{"today_load", "latency", burnrate.Page, weekStart.AddDate(0, 0, 7).Add(5 * time.Minute), 0, ""}, // the week after
	}
}

// env is a digest over OpsTable on minidyn, with the known week stored.
type env struct {
	store   *opsstore.Store
	counter *opsstoretest.ItemCounter
	cat     slo.Catalog
	clock   *clock.Manual
	builder *digest.Builder
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	cat, err := slo.Default()
	if err != nil {
		t.Fatal(err)
	}
	counter := opsstoretest.CountItems(dynamotest.New(t))
	store := opsstore.New(counter, dynamotest.OpsTable)
	if err := store.Add(ctx, knownWeek(cat)); err != nil {
		t.Fatal(err)
	}
	newID := ids.Sequence("A")
	versions := map[alert.Key]int64{}
	for _, in := range knownIncidents() {
		k := alert.Key{Flow: in.flow, Objective: in.objective, Severity: in.severity}
		a := alert.Alert{ID: newID(), Flow: k.Flow, Objective: k.Objective, Severity: k.Severity, State: alert.Resolved,
			DedupKey: k.DedupKey(), TriggeredAt: in.at}
		versions[k]++
		if err := store.Save(ctx, alert.State{Alert: a, Version: versions[k]}, true); err != nil {
			t.Fatal(err)
		}
		if in.ackAfter > 0 {
			v := in.verdict
			if _, err := store.Acknowledge(ctx, a.ID, alert.Acknowledgement{At: in.at.Add(in.ackAfter), By: "oncall-1",
				TimeToAckSeconds: int64(in.ackAfter / time.Second), Verdict: &v}); err != nil {
				t.Fatal(err)
			}
		}
	}
	c := clock.NewManual(scheduled.Add(3 * time.Second))
	return &env{store: store, counter: counter, cat: cat, clock: c,
		builder: &digest.Builder{Catalog: cat, Metrics: store, Incidents: store, Now: c.Now}}
}

// recorder is an SNS topic that keeps what it accepted and fails while told to.
type recorder struct {
	mu   sync.Mutex
	msgs []alert.Message
	fail error
}

func (r *recorder) Publish(_ context.Context, m alert.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	r.msgs = append(r.msgs, m)
	return nil
}

func (r *recorder) setFailure(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fail = err
}

func (r *recorder) messages() []alert.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]alert.Message{}, r.msgs...)
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }
