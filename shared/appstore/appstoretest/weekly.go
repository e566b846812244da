package appstoretest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/appstore"
	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/execute"
	"github.com/lucian-app/phase12/shared/review"
	"github.com/lucian-app/phase12/shared/tasks"
)

// runWeekFacts: completing a task writes its completion in the same transaction, and the
// weekly review's read returns the completions of the week and the one before, by the
// user's wall clock, and only the open tasks due by the week's end or undated.
func runWeekFacts(t *testing.T, db dynamo.API, table, run string) {
	ctx := context.Background()
	s := appstore.New(db, table)
	hnl, err := time.LoadLocation("Pacific/Honolulu")
	if err != nil {
		t.Fatal(err)
	}
	w, _ := review.ParseWeek("2026-W49", hnl) // 2026-11-30 .. 2026-12-07 in Honolulu (UTC-10)
	t.Run("a completion is written with the task and read by the week it fell in, in the user's zone", func(t *testing.T) {
		u := "weekly-" + run
		created := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		mk := func(id, title, due string) tasks.Task {
			task := tasks.Task{ID: id, Title: title, Priority: 4, CreatedAt: created, UpdatedAt: created, Version: 1}
			if due != "" {
				task.Due = &due
			}
			if err := s.CreateTask(ctx, u, task); err != nil {
				t.Fatal(err)
			}
			return task
		}
		complete := func(task tasks.Task, at time.Time) {
			next := task
			next.Completed, next.UpdatedAt, next.Version = true, at, task.Version+1
			if err := s.ReplaceTask(ctx, u, task, next); err != nil {
				t.Fatal(err)
			}
		}
		// Sunday 23:00 in Honolulu is Monday 09:00 UTC: still week 49.
		complete(mk("a", "Surf lesson", "2026-12-06"), time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC))
		// Monday 00:30 in Honolulu: week 50, not read.
		complete(mk("b", "Too late", "2026-12-06"), time.Date(2026, 12, 7, 10, 30, 0, 0, time.UTC))
		// Last week's: read for the previous values.
		complete(mk("c", "Pack", "2026-11-26"), time.Date(2026, 11, 26, 20, 0, 0, 0, time.UTC))
		// Two weeks before: not read.
		complete(mk("d", "Ancient", "2026-11-10"), time.Date(2026, 11, 10, 20, 0, 0, 0, time.UTC))
		mk("e", "Renew lease", "2026-11-20")
		mk("f", "Someday", "")
		mk("g", "Next week", "2026-12-09")
		mk("h", "Due Sunday night", "2026-12-07T08:00:00Z")
		mk("i", "Due Monday morning", "2026-12-07T11:00:00Z")
		for i, at := range []time.Time{time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC)} {
			e := execute.AuditEntry{EntryID: fmt.Sprint("e", i), ExecutionID: fmt.Sprint("x", i), At: at, Type: "create_task", Outcome: "executed"}
			if err := s.AppendAudit(ctx, u, e); err != nil {
				t.Fatal(err)
			}
		}
		f, err := s.WeekFacts(ctx, u, w)
		if err != nil {
			t.Fatal(err)
		}
		var done []string
		for _, c := range f.Completions {
			done = append(done, c.TaskID+":"+c.Title+":"+c.Due)
		}
		if want := []string{"c:Pack:2026-11-26", "a:Surf lesson:2026-12-06"}; !equal(done, want) {
			t.Errorf("completions %q, want %q", done, want)
		}
		var open []string
		for _, o := range f.Open {
			open = append(open, o.ID)
		}
		if want := []string{"e", "h", "f"}; !equal(open, want) {
			t.Errorf("open tasks %q, want %q (dated by the week's end, instants by the week's end, undated)", open, want)
		}
		if len(f.Commands) != 1 || !f.Commands[0].At.Equal(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("commands %+v, want the one of week 49", f.Commands)
		}
		if f.Truncated {
			t.Error("a small week is marked truncated")
		}
		other, err := s.WeekFacts(ctx, "stranger-"+run, w)
		if err != nil || len(other.Completions)+len(other.Open) != 0 {
			t.Errorf("another user reads %d completions and %d open tasks (err %v), want none", len(other.Completions), len(other.Open), err)
		}
	})

	t.Run("each completed occurrence of a repeating task counts, with its own due", func(t *testing.T) {
		u := "weekly-repeat-" + run
		due, rule := "2026-11-30", "FREQ=DAILY"
		at := time.Date(2026, 11, 30, 18, 0, 0, 0, time.UTC)
		task := tasks.Task{ID: "daily", Title: "Stretch", Priority: 4, Due: &due, Recurrence: &rule, CreatedAt: at, UpdatedAt: at, Version: 1}
		if err := s.CreateTask(ctx, u, task); err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			next := task
			d := time.Date(2026, 12, 1+i, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
			next.Due, next.UpdatedAt, next.Version = &d, at.AddDate(0, 0, i), task.Version+1
			if err := s.EditTask(ctx, u, task, next, tasks.Activity{Completes: true}); err != nil {
				t.Fatal(err)
			}
			task = next
		}
		// A reschedule of the same task is no completion.
		moved := task
		d := "2026-12-05"
		moved.Due, moved.UpdatedAt, moved.Version = &d, at.AddDate(0, 0, 3), task.Version+1
		if err := s.EditTask(ctx, u, task, moved, tasks.Activity{}); err != nil {
			t.Fatal(err)
		}
		f, err := s.WeekFacts(ctx, u, w)
		if err != nil {
			t.Fatal(err)
		}
		var done []string
		for _, c := range f.Completions {
			done = append(done, c.TaskID+":"+c.Due)
		}
		if want := []string{"daily:2026-11-30", "daily:2026-12-01", "daily:2026-12-02"}; !equal(done, want) {
			t.Errorf("completions %q, want one per occurrence %q", done, want)
		}
	})
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
