package alert_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/alert"
	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/burnrate"
	"github.com/lucian-app/phase12/shared/flowmetrics"
)

// failingReader fails the reads of one flow.
type failingReader struct {
	flowmetrics.Reader
	flow string
	err  error
}

func (f *failingReader) Buckets(ctx context.Context, flow string, res flowmetrics.Resolution, from, to time.Time) ([]flowmetrics.Point, error) {
	if flow == f.flow && f.err != nil {
		return nil, f.err
	}
	return f.Reader.Buckets(ctx, flow, res, from, to)
}

func TestAFailedReadIsNotARecovery(t *testing.T) {
	w := newWorld(t)
	reader := &failingReader{Reader: w.store, flow: "create_task"}
	w.checker.Metrics = reader
	w.report("create_task", 500, 500, 100)
	w.mustCheck()
	if w.count(attrs("flow", "create_task", "action", "trigger")) == 0 {
		t.Fatal("no trigger for a total outage")
	}
	reader.err = errors.New("dynamodb: throttled")
	for range 30 { // well past ResolveAfter
		w.now = w.now.Add(time.Minute)
		rep, err := w.check()
		if !errors.Is(err, reader.err) {
			t.Fatalf("error = %v, want the read failure reported", err)
		}
		if rep.Resolved != 0 {
			t.Fatalf("resolved %d alerts of a flow that could not be read", rep.Resolved)
		}
	}
	if got := w.count(attrs("action", "resolve")); got != 0 {
		t.Errorf("resolves = %d, want 0", got)
	}
}

func TestResolveWaitsForTheConditionToStayClear(t *testing.T) {
	w := newWorld(t)
	w.report("undo", 500, 500, 10)
	w.mustCheck()
	page := attrs("flow", "undo", "objective", "availability", "severity", "page", "action", "resolve")
	// Clean traffic: the failed events (stamped 08:59:59) leave the 5m short window of the
	// 1h rule at 09:04 and the 30m one of the 6h rule at 09:29; then ResolveAfter (10m)
	// must pass.
	var resolvedAt time.Duration
	for i := 1; i <= 60; i++ {
		w.now = w.now.Add(time.Minute)
		w.report("undo", 100, 0, 10)
		w.mustCheck()
		if resolvedAt == 0 && w.count(page) == 1 {
			resolvedAt = time.Duration(i) * time.Minute
		}
	}
	if want := 39 * time.Minute; resolvedAt != want {
		t.Errorf("page resolved %v after the failing run, want %v (clear at 09:29, + 10m)", resolvedAt, want)
	}
}

func TestBlipWithinResolveAfterKeepsTheIncident(t *testing.T) {
	w := newWorld(t)
	w.checker.Rules = burnrate.Rules()[:1] // only the 1h/5m page, to keep the arithmetic short
	w.report("undo", 500, 500, 10)
	w.mustCheck()
	for i := 1; i <= 8; i++ { // clear from minute 5 (the 5m window) ...
		w.now = w.now.Add(time.Minute)
		w.report("undo", 100, 0, 10)
		w.mustCheck()
	}
	w.now = w.now.Add(time.Minute)
	w.report("undo", 100, 100, 10) // ... then burning again before ResolveAfter passed
	w.mustCheck()
	for range 30 {
		w.now = w.now.Add(time.Minute)
		w.report("undo", 100, 0, 10)
		w.mustCheck()
	}
	key := attrs("flow", "undo", "objective", "availability", "severity", "page")
	if got := w.count(merge(key, "action", "trigger")); got != 1 {
		t.Errorf("triggers = %d, want 1: a relapse within ResolveAfter is the same incident", got)
	}
	if got := w.count(merge(key, "action", "resolve")); got != 1 {
		t.Errorf("resolves = %d, want 1", got)
	}
}

// staleStore loses every race: another run always wrote first.
type staleStore struct{ alert.Store }

func (staleStore) Save(context.Context, alert.State, bool) error { return alert.ErrStale }

func TestAnOverlappingRunWinsQuietly(t *testing.T) {
	w := newWorld(t)
	w.checker.Store = staleStore{w.store}
	w.report("undo", 500, 500, 10)
	rep, err := w.check()
	if err != nil {
		t.Fatalf("error = %v; losing a race to another run is not a failure", err)
	}
	if rep.Triggered != 0 || len(w.sns.Messages()) != 0 {
		t.Errorf("triggered %d, published %d; the run that lost the race must not page", rep.Triggered, len(w.sns.Messages()))
	}
}

func TestAnObjectiveRemovedFromTheCatalogueResolves(t *testing.T) {
	w := newWorld(t)
	w.checker.ResolveAfter = 0
	w.report("undo", 500, 500, 10)
	w.mustCheck()
	cat := w.checker.Catalog
	cat.Flows = cat.Flows[:3] // undo is gone
	w.checker.Catalog = cat
	w.now = w.now.Add(time.Minute)
	w.mustCheck()
	if got := w.count(attrs("flow", "undo", "action", "resolve")); got == 0 {
		t.Errorf("no resolve for alerts of a flow no longer in the catalogue")
	}
}

// fakeRecords is an in-memory alert.Records that can lose the first-ack race.
type fakeRecords struct {
	a          alert.Alert
	raceLost   bool
	acked      int
	verdictSet []string
}

func (f *fakeRecords) Get(_ context.Context, id string) (alert.Alert, error) {
	if id != f.a.ID {
		return alert.Alert{}, apperr.New(apperr.NotFound, "no alert")
	}
	return f.a, nil
}

func (f *fakeRecords) List(context.Context, alert.Status, int) ([]alert.Alert, error) {
	return []alert.Alert{f.a}, nil
}

func (f *fakeRecords) Acknowledge(_ context.Context, _ string, ack alert.Acknowledgement) (alert.Alert, error) {
	if f.raceLost {
		by, tta, at := "someone-else", int64(1), ack.At.Add(-time.Second)
		f.a.AcknowledgedAt, f.a.AcknowledgedBy, f.a.TimeToAckSeconds = &at, &by, &tta
		return alert.Alert{}, alert.ErrAcknowledged
	}
	f.acked++
	f.a.AcknowledgedAt, f.a.AcknowledgedBy, f.a.TimeToAckSeconds, f.a.Verdict = &ack.At, &ack.By, &ack.TimeToAckSeconds, ack.Verdict
	return f.a, nil
}

func (f *fakeRecords) SetVerdict(_ context.Context, _ string, v string) (alert.Alert, error) {
	f.verdictSet = append(f.verdictSet, v)
	f.a.Verdict = &v
	return f.a, nil
}

func TestAck(t *testing.T) {
	opened := time.Date(2026, 11, 28, 3, 0, 0, 0, time.UTC)
	tp, fp, bad := alert.TruePositive, alert.FalsePositive, "meh"
	tests := []struct {
		name        string
		raceLost    bool
		now         time.Time
		verdict     *string
		wantErr     apperr.Code
		wantTTA     int64
		wantBy      string
		wantVerdict []string // SetVerdict calls
	}{
		{"first ack measures from the trigger", false, opened.Add(8*time.Minute + 59*time.Second), &tp, "", 539, "me", nil},
		{"a clock behind the trigger counts zero", false, opened.Add(-time.Second), nil, "", 0, "me", nil},
		{"lost the race: only the verdict is recorded", true, opened.Add(time.Minute), &fp, "", 1, "someone-else", []string{fp}},
		{"invalid verdict", false, opened, &bad, apperr.InvalidRequest, 0, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &fakeRecords{a: alert.Alert{ID: "A1", TriggeredAt: opened}, raceLost: tt.raceLost}
			got, err := alert.Ack(context.Background(), r, "A1", "me", tt.verdict, tt.now)
			if tt.wantErr != "" {
				if apperr.CodeOf(err) != tt.wantErr {
					t.Fatalf("error = %v, want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.TimeToAckSeconds == nil || *got.TimeToAckSeconds != tt.wantTTA || *got.AcknowledgedBy != tt.wantBy {
				t.Errorf("ack = tta %v by %v, want %d by %s", got.TimeToAckSeconds, got.AcknowledgedBy, tt.wantTTA, tt.wantBy)
			}
			if len(r.verdictSet) != len(tt.wantVerdict) {
				t.Errorf("SetVerdict calls = %v, want %v", r.verdictSet, tt.wantVerdict)
			}
		})
	}
	if _, err := alert.Ack(context.Background(), &fakeRecords{a: alert.Alert{ID: "A1"}}, "nope", "me", nil, opened); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("unknown alert: %v, want not_found", err)
	}
}

func TestWindows(t *testing.T) {
	got := alert.Windows(burnrate.Rules(), alert.DefaultNoDataRule())
	want := []time.Duration{5 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 6 * time.Hour, 24 * time.Hour, 72 * time.Hour}
	if len(got) != len(want) {
		t.Fatalf("Windows() = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Windows()[%d] = %v, want %v", i, got[i], want[i])
		}
	}
}
