// Package eventstoretest is the behaviour the product events' store must show on any
// DynamoDB: the unit tests run it on the embedded store, the contract tests on DynamoDB
// Local over the wire, where twins behind a start barrier really overlap.
package eventstoretest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/barrier"
	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/eventstore"
	pe "github.com/lucian-app/phase12/shared/productevents"
)

// Start is a Monday, 09:00 UTC (ISO week 2026-W49).
var Start = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)

// Twins is how many requests race to record one event.
const Twins = 20

// Run runs the suite on db; appTable and opsTable must exist (they may be one table).
func Run(t *testing.T, db dynamo.API, appTable, opsTable string) {
	ctx := context.Background()
	run := fmt.Sprint(time.Now().UnixNano())
	user := func(name string) string { return name + "-" + run }
	newStore := func() *eventstore.Store { return eventstore.New(db, appTable, opsTable) }
	// Each subtest counts in its own week; counters are compared before and after, so
	// runs sharing a table do not mix either.
	weekSeq := 0
	nextWeek := func() time.Time {
		weekSeq++
		return Start.AddDate(0, 0, 7*weekSeq)
	}
	ev := func(id, name string, at time.Time) pe.Event {
		return pe.Event{EventID: id + "-" + run, Name: name, At: at}
	}

	t.Run("an event is stored once per user and event_id, and counted once", func(t *testing.T) {
		s, u, at := newStore(), user("once"), nextWeek()
		before := counts(t, s, pe.WeekOf(at))
		e := ev("e1", pe.NextShown, at)
		e.TaskID = "task-1"
		if got, err := s.Record(ctx, u, e, false); err != nil || got != pe.Recorded {
			t.Fatalf("first Record = %v, %v; want Recorded", got, err)
		}
		again := e
		again.Name, again.At = pe.NextStarted, at.Add(time.Minute) // the id decides, not the rest
		if got, err := s.Record(ctx, u, again, false); err != nil || got != pe.Duplicate {
			t.Fatalf("second Record = %v, %v; want Duplicate", got, err)
		}
		other := user("other")
		if got, err := s.Record(ctx, other, e, false); err != nil || got != pe.Recorded {
			t.Fatalf("another user's event with the same id = %v, %v; want Recorded", got, err)
		}
		after := counts(t, s, pe.WeekOf(at))
		if got := after[pe.NextShown].Events - before[pe.NextShown].Events; got != 2 {
			t.Errorf("next_shown events counted = %d, want 2 (one per user)", got)
		}
		if got := after[pe.NextStarted].Events - before[pe.NextStarted].Events; got != 0 {
			t.Errorf("next_started counted %d for a duplicate, want 0", got)
		}
		list, err := s.ListUserEvents(ctx, u, nil, at.Add(-time.Hour), at.Add(time.Hour), 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].EventID != e.EventID || list[0].TaskID != "task-1" || !list[0].At.Equal(at) {
			t.Errorf("ListUserEvents = %+v, want just %+v", list, e)
		}
	})

	t.Run("a Once name counts a user the first time only", func(t *testing.T) {
		s, u, at := newStore(), user("onb"), nextWeek()
		before := counts(t, s, pe.WeekOf(at))
		for i := range 3 {
			if got, err := s.Record(ctx, u, ev(fmt.Sprint("start", i), pe.OnboardingStarted, at.Add(time.Duration(i)*time.Minute)), true); err != nil || got != pe.Recorded {
				t.Fatalf("Record %d = %v, %v; want Recorded", i, got, err)
			}
		}
		after := counts(t, s, pe.WeekOf(at))
		d := pe.Counts{Events: after[pe.OnboardingStarted].Events - before[pe.OnboardingStarted].Events,
			Users: after[pe.OnboardingStarted].Users - before[pe.OnboardingStarted].Users}
		if d != (pe.Counts{Events: 3, Users: 1}) {
			t.Errorf("onboarding_started counted %+v, want 3 events from 1 user", d)
		}
	})

	t.Run("the server's first value is recorded once whatever the completions", func(t *testing.T) {
		s, u, at := newStore(), user("fv"), nextWeek()
		svc := &pe.Service{Store: s, Now: func() time.Time { return at }}
		before := counts(t, s, pe.WeekOf(at))
		var firsts int
		for i := range 3 {
			first, err := svc.FirstValue(ctx, u, fmt.Sprint("task", i), at.Add(time.Duration(i)*time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			if first {
				firsts++
			}
		}
		after := counts(t, s, pe.WeekOf(at))
		if firsts != 1 || after[pe.FirstValue].Users-before[pe.FirstValue].Users != 1 {
			t.Errorf("first value: %d firsts, %d users counted; want 1 and 1", firsts, after[pe.FirstValue].Users-before[pe.FirstValue].Users)
		}
		list, err := s.ListUserEvents(ctx, u, []string{pe.FirstValue}, at.Add(-time.Hour), at.Add(24*time.Hour), 10)
		if err != nil || len(list) != 1 || list[0].TaskID != "task0" {
			t.Errorf("first_value events = %+v, %v; want the first completion (task0) only", list, err)
		}
	})

	t.Run("ListUserEvents reads a time range of the named events, newest first, bounded", func(t *testing.T) {
		counted := dynamotest.Count(db)
		s := eventstore.New(counted, appTable, opsTable)
		u, at := user("list"), nextWeek()
		names := []string{pe.NextShown, pe.NextDismissed, pe.NextStarted}
		for i := range 30 {
			if _, err := s.Record(ctx, u, ev(fmt.Sprint("l", i), names[i%3], at.Add(time.Duration(i)*time.Minute)), false); err != nil {
				t.Fatal(err)
			}
		}
		counted.Reset()
		from, to := at.Add(5*time.Minute), at.Add(25*time.Minute) // minutes 5..24
		got, err := s.ListUserEvents(ctx, u, []string{pe.NextShown, pe.NextDismissed}, from, to, 4)
		if err != nil {
			t.Fatal(err)
		}
		// In minutes 5..24, next_shown is at 6, 9, ... 24 and next_dismissed at 7, 10, ... 22;
		// the newest four of both are 24, 22, 21, 19.
		want := []int{24, 22, 21, 19}
		if len(got) != len(want) {
			t.Fatalf("got %d events %+v, want %d", len(got), got, len(want))
		}
		for i, m := range want {
			if !got[i].At.Equal(at.Add(time.Duration(m) * time.Minute)) {
				t.Errorf("event %d at %v, want minute %d", i, got[i].At, m)
			}
		}
		if q := counted.Calls("Query"); q != 2 {
			t.Errorf("%d Queries, want 2 (one per name)", q)
		}
		// to is exclusive, from inclusive.
		edge, err := s.ListUserEvents(ctx, u, []string{pe.NextShown}, at.Add(3*time.Minute), at.Add(6*time.Minute), 10)
		if err != nil || len(edge) != 1 || !edge[0].At.Equal(at.Add(3*time.Minute)) {
			t.Errorf("[minute 3, minute 6) of next_shown = %+v, %v; want minute 3 only", edge, err)
		}
		if other, err := s.ListUserEvents(ctx, user("nobody"), nil, at, to, 10); err != nil || len(other) != 0 {
			t.Errorf("another user's list = %+v, %v; want empty", other, err)
		}
		if _, err := s.ListUserEvents(ctx, u, []string{"nope"}, from, to, 4); err == nil {
			t.Error("an unknown name was accepted")
		}
		if _, err := s.ListUserEvents(ctx, u, nil, from, to, pe.MaxListLimit+1); err == nil {
			t.Error("a limit over MaxListLimit was accepted")
		}
	})

	t.Run("twins sending one event at once store and count it once", func(t *testing.T) {
		s, u, at := newStore(), user("twins"), nextWeek()
		before := counts(t, s, pe.WeekOf(at))
		e := ev("twin", pe.OnboardingCompleted, at)
		var (
			mu       sync.Mutex
			recorded int
			errs     []error
		)
		barrier.Run(Twins, func(int) {
			out, err := s.Record(ctx, u, e, true)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
			} else if out == pe.Recorded {
				recorded++
			}
		})
		if len(errs) > 0 {
			t.Fatalf("twins failed: %v", errs)
		}
		after := counts(t, s, pe.WeekOf(at))
		c := pe.Counts{Events: after[pe.OnboardingCompleted].Events - before[pe.OnboardingCompleted].Events,
			Users: after[pe.OnboardingCompleted].Users - before[pe.OnboardingCompleted].Users}
		if recorded != 1 || c != (pe.Counts{Events: 1, Users: 1}) {
			t.Errorf("%d of %d twins recorded, counted %+v; want 1 and {1 1}", recorded, Twins, c)
		}
	})
}

func counts(t *testing.T, s *eventstore.Store, week string) map[string]pe.Counts {
	t.Helper()
	c, err := s.WeekCounts(context.Background(), week)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
