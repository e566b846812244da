// Package appstoretest is the behaviour AppTable's store must show on any
// DynamoDB: the unit tests run it on the embedded store, the contract tests
// on DynamoDB Local over the wire, so both prove the same things.
package appstoretest

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/appstore"
	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/tasks"
)

// Run runs the suite on db, whose table must exist.
func Run(t *testing.T, db dynamo.API, table string) {
	ctx := context.Background()
	s := appstore.New(db, table)
	at := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	// Unique owners per run, so the suite can share a table.
	run := fmt.Sprint(time.Now().UnixNano())
	alice, bob := "alice-"+run, "bob-"+run
	due := "2026-11-28"
	project := "home"
	task := tasks.Task{ID: "t1", Title: "Buy milk", Due: &due, Priority: 1, Project: &project, CreatedAt: at, UpdatedAt: at, Version: 1}

	t.Run("create then get round-trips every field", func(t *testing.T) {
		if err := s.CreateTask(ctx, alice, task); err != nil {
			t.Fatal(err)
		}
		got, err := s.GetTask(ctx, alice, "t1")
		if err != nil {
			t.Fatal(err)
		}
		if got.Title != task.Title || *got.Due != due || got.Priority != 1 || *got.Project != project ||
			!got.CreatedAt.Equal(at) || got.Version != 1 || got.Completed {
			t.Errorf("got %+v, want %+v", got, task)
		}
	})
	t.Run("create is conditional: the same id twice conflicts", func(t *testing.T) {
		err := s.CreateTask(ctx, alice, task)
		if got := apperr.CodeOf(err); got != apperr.Conflict {
			t.Errorf("second create: code %q, want conflict (err %v)", got, err)
		}
	})
	t.Run("another owner cannot see the task", func(t *testing.T) {
		_, err := s.GetTask(ctx, bob, "t1")
		if got := apperr.CodeOf(err); got != apperr.NotFound {
			t.Errorf("code %q, want not_found", got)
		}
		list, err := s.ListTasks(ctx, bob, false)
		if err != nil || len(list) != 0 {
			t.Errorf("bob lists %v (err %v), want nothing", list, err)
		}
	})
	t.Run("replace is conditional on the version", func(t *testing.T) {
		next := task
		next.Title, next.Version = "Buy oat milk", 2
		if err := s.ReplaceTask(ctx, alice, task, next); err != nil {
			t.Fatal(err)
		}
		stale := task
		stale.Title, stale.Version = "stale edit", 2
		if got := apperr.CodeOf(s.ReplaceTask(ctx, alice, task, stale)); got != apperr.Conflict {
			t.Errorf("stale replace: code %q, want conflict", got)
		}
		if got := apperr.CodeOf(s.ReplaceTask(ctx, bob, next, stale)); got != apperr.NotFound {
			t.Errorf("foreign replace: code %q, want not_found", got)
		}
		got, _ := s.GetTask(ctx, alice, "t1")
		if got.Title != "Buy oat milk" || got.Version != 2 {
			t.Errorf("after replace: %+v", got)
		}
	})
	t.Run("list returns every task and filters completed ones", func(t *testing.T) {
		for i := range 30 {
			tk := tasks.Task{ID: fmt.Sprintf("bulk-%02d", i), Title: "t", Priority: 4, CreatedAt: at, UpdatedAt: at, Version: 1,
				Completed: i%3 == 0}
			if err := s.CreateTask(ctx, alice, tk); err != nil {
				t.Fatal(err)
			}
		}
		all, err := s.ListTasks(ctx, alice, false)
		if err != nil || len(all) != 31 {
			t.Fatalf("all: %d tasks (err %v), want 31", len(all), err)
		}
		open, err := s.ListTasks(ctx, alice, true)
		if err != nil || len(open) != 21 {
			t.Fatalf("open: %d tasks (err %v), want 21", len(open), err)
		}
	})
	t.Run("goals are kept per owner, oldest first", func(t *testing.T) {
		target := "2027-06-30"
		for _, id := range []string{"g1", "g2"} {
			if err := s.CreateGoal(ctx, alice, tasks.Goal{ID: id, Title: "Run " + id, TargetDate: &target, CreatedAt: at, UpdatedAt: at, Version: 1}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.ListGoals(ctx, alice)
		if err != nil || len(got) != 2 || got[0].ID != "g1" || *got[1].TargetDate != target {
			t.Errorf("alice's goals: %+v (err %v)", got, err)
		}
		if got, _ := s.ListGoals(ctx, bob); len(got) != 0 {
			t.Errorf("bob sees %d goals, want 0", len(got))
		}
	})
	t.Run("labels and recurrence round-trip in the task and its open copy", func(t *testing.T) {
		rule := "FREQ=WEEKLY;BYDAY=MO"
		monday := "2026-11-30"
		rec := tasks.Task{ID: "t-rec", Title: "Water plants", Due: &monday, Priority: 4, CreatedAt: at, UpdatedAt: at, Version: 1,
			Labels: []string{"garden", "home"}, Recurrence: &rule}
		carol := "carol-" + run
		if err := s.CreateTask(ctx, carol, rec); err != nil {
			t.Fatal(err)
		}
		got, err := s.GetTask(ctx, carol, rec.ID)
		if err != nil {
			t.Fatal(err)
		}
		open, err := s.OpenTasks(ctx, carol)
		if err != nil {
			t.Fatal(err)
		}
		if len(open) != 1 {
			t.Fatalf("carol's open tasks: %+v, want the one task", open)
		}
		for name, g := range map[string]tasks.Task{"task": got, "open copy": open[0]} {
			if !reflect.DeepEqual(g.Labels, rec.Labels) || g.Recurrence == nil || *g.Recurrence != rule {
				t.Errorf("%s: labels %q recurrence %v, want %q and %q", name, g.Labels, g.Recurrence, rec.Labels, rule)
			}
		}
		// An item written without them (every task before DESIGN §7) reads as none.
		if got, _ := s.GetTask(ctx, alice, "t1"); got.Labels != nil || got.Recurrence != nil {
			t.Errorf("a task without labels reads labels %q recurrence %v, want none", got.Labels, got.Recurrence)
		}
	})
	runOpenCopies(t, db, table, run)
	runPages(t, db, table, run)
	runQuotas(t, db, table, run)
	runWeekFacts(t, db, table, run)
	runNextStats(t, db, table, run)
}
