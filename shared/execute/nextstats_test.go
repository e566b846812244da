package execute_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/appstore/appstoretest"
	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
)

// complete_task and reschedule_task keep the next-action statistics in their one
// transaction: a completion adds its counters in the user's zone (one item more), a
// postponement counts on the task; a repeating task's completion is a completion.
func TestCompleteAndRescheduleIntentsKeepTheNextActionStatistics(t *testing.T) {
	items := &appstoretest.TransactItems{API: dynamotest.New(t)}
	e, _, store := newEngine(t, items) // Saturday 28 November 2026, 10:00 in Berlin
	ctx := context.Background()
	run := runner(t, e)
	berlin, _ := time.LoadLocation("Europe/Berlin")
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, berlin)
	run("c1", text("add file the taxes tomorrow #admin", "Europe/Berlin"))
	run("c2", text("add water plants every monday 9am", "Europe/Berlin"))
	items.Take()

	for i, cmd := range []string{"move file the taxes to monday", "postpone file the taxes to tuesday", "move file the taxes to friday"} {
		run("r"+string(rune('0'+i)), text(cmd, "Europe/Berlin"))
	}
	// record, audit, task, open copy (delete, put)
	for _, n := range items.Take() {
		if n != 5 {
			t.Errorf("a reschedule's transaction has %d items, want 5", n)
		}
	}
	open, _ := store.OpenTasks(ctx, "alice")
	for _, tk := range open {
		if tk.Title == "file the taxes" && tk.Postponed != 3 {
			t.Errorf("file the taxes postponed %d times, want 3", tk.Postponed)
		}
	}
	run("d1", text("done file the taxes", "Europe/Berlin"))
	run("d2", text("done water plants", "Europe/Berlin"))
	// record, audit, task, open copy's delete, completion item, open count, statistics;
	// the repeating task: record, audit, task, open copy moved (delete, put), the
	// occurrence's completion item, statistics
	if got := items.Take(); len(got) != 2 || got[0] != 7 || got[1] != 7 {
		t.Errorf("completions' transactions %v, want 7 and 7 items", got)
	}
	st, err := store.NextStats(ctx, "alice", now)
	if err != nil {
		t.Fatal(err)
	}
	// Saturday 10:00 in Berlin: hour of week 5*24+10, a weekend morning (slot 4).
	if math.Abs(st.Hours[130]-2) > 1e-9 || math.Abs(st.Sizes[0][4]-2) > 1e-9 {
		t.Errorf("h130 %v, short tasks on weekend mornings %v; want 2 and 2", st.Hours[130], st.Sizes[0][4])
	}
}
