package appstoretest

import (
	"context"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/lucian-app/phase12/shared/appstore"
	"github.com/lucian-app/phase12/shared/barrier"
	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/nextaction"
	"github.com/lucian-app/phase12/shared/tasks"
)

// TransactItems records the item count of every TransactWriteItems.
type TransactItems struct {
	dynamo.API
	mu    sync.Mutex
	sizes []int
}

func (c *TransactItems) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, o ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	c.mu.Lock()
	c.sizes = append(c.sizes, len(in.TransactItems))
	c.mu.Unlock()
	return c.API.TransactWriteItems(ctx, in, o...)
}

// Take returns the sizes recorded since the last Take.
func (c *TransactItems) Take() []int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.sizes
	c.sizes = nil
	return out
}

// runNextStats: a completion adds to the next-action statistics in its own transaction
// (one item more), a postponement counts on the task, and parallel completions lose no
// count.
func runNextStats(t *testing.T, db dynamo.API, table, run string) {
	ctx := context.Background()
	counted := &TransactItems{API: db}
	s := appstore.New(counted, table)
	berlin, _ := time.LoadLocation("Europe/Berlin")
	at := time.Date(2026, 12, 1, 9, 30, 0, 0, berlin) // Tuesday morning: h33, slot 0
	mk := func(owner, id, due string) tasks.Task {
		p := "work"
		tk := tasks.Task{ID: id, Title: "Write the report", Due: &due, Priority: 4, Project: &p, CreatedAt: at.Add(-time.Hour), UpdatedAt: at.Add(-time.Hour), Version: 1}
		if err := s.CreateTask(ctx, owner, tk); err != nil {
			t.Fatal(err)
		}
		counted.Take()
		return tk
	}
	edit := func(prev tasks.Task, f func(*tasks.Task)) tasks.Task {
		next := prev
		f(&next)
		next.Version++
		next.UpdatedAt = at
		return next
	}
	t.Run("a completion adds its counters in the same transaction, one item more", func(t *testing.T) {
		owner := "stats-" + run
		tk := mk(owner, "s1", "2026-12-01")
		if err := s.EditTask(ctx, owner, tk, edit(tk, func(n *tasks.Task) { n.Completed = true }), tasks.Activity{Zone: berlin}); err != nil {
			t.Fatal(err)
		}
		// task, open copy's delete, completion item (the weekly review's), open count,
		// statistics
		if got := counted.Take(); len(got) != 1 || got[0] != 5 {
			t.Errorf("transactions %v, want one of 5 items", got)
		}
		bucketed := nextaction.Completion(tk, at, berlin)[0].Adds
		stored, err := s.StatsCounters(ctx, owner, nextaction.Era(nextaction.Week(at)))
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range bucketed {
			if math.Abs(stored[a.Attr]-a.N)/a.N > 1e-12 {
				t.Errorf("%s = %v, want %v", a.Attr, stored[a.Attr], a.N)
			}
		}
		st, err := s.NextStats(ctx, owner, at.AddDate(0, 0, 7))
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(st.Hours[33]-0.9) > 1e-9 {
			t.Errorf("a week later h33 reads %v, want 0.9", st.Hours[33])
		}
	})
	t.Run("a repeating task's completion counts; moving it is no postponement", func(t *testing.T) {
		owner := "stats-rec-" + run
		tk := mk(owner, "r1", "2026-12-01")
		next := edit(tk, func(n *tasks.Task) { d := "2026-12-08"; n.Due = &d })
		if err := s.EditTask(ctx, owner, tk, next, tasks.Activity{Completes: true, Zone: berlin}); err != nil {
			t.Fatal(err)
		}
		// task, open copy moved (delete, put), the occurrence's completion (weekly review), statistics
		if got := counted.Take(); len(got) != 1 || got[0] != 5 {
			t.Errorf("transactions %v, want one of 5 items", got)
		}
		got, _ := s.GetTask(ctx, owner, "r1")
		st, _ := s.NextStats(ctx, owner, at)
		if got.Postponed != 0 || math.Abs(st.Hours[33]-1) > 1e-9 {
			t.Errorf("postponed %d, h33 %v; want 0 and 1", got.Postponed, st.Hours[33])
		}
	})
	t.Run("postponements count on the task and its open copy, not in the statistics", func(t *testing.T) {
		owner := "stats-pp-" + run
		tk := mk(owner, "p1", "2026-12-01")
		for i, due := range []string{"2026-12-02", "2026-12-03", "2026-12-01", "2026-12-05"} {
			next := edit(tk, func(n *tasks.Task) { d := due; n.Due = &d })
			if err := s.ReplaceTask(ctx, owner, tk, next); err != nil {
				t.Fatalf("edit %d: %v", i, err)
			}
			tk, _ = s.GetTask(ctx, owner, "p1")
		}
		// later, later, earlier (not counted), later
		open, _ := s.OpenTasks(ctx, owner)
		if tk.Postponed != 3 || len(open) != 1 || open[0].Postponed != 3 {
			t.Errorf("postponed %d (open copy %+v), want 3 on both", tk.Postponed, open)
		}
		// task, open copy (delete, put): no statistics item
		for _, n := range counted.Take() {
			if n != 3 {
				t.Errorf("a postponement's transaction has %d items, want 3", n)
			}
		}
		if st, _ := s.StatsCounters(ctx, owner, nextaction.Era(nextaction.Week(at))); len(st) != 0 {
			t.Errorf("statistics %v after postponements only, want none", st)
		}
	})
	t.Run("weights late in an era round-trip", func(t *testing.T) {
		owner := "stats-era-" + run
		late := nextaction.Epoch.AddDate(0, 0, 7*(nextaction.EraWeeks-60)).Add(9*time.Hour + 30*time.Minute) // a Monday
		tk := mk(owner, "e1", "2033-01-01")
		next := edit(tk, func(n *tasks.Task) { n.Completed = true })
		next.UpdatedAt = late
		if err := s.EditTask(ctx, owner, tk, next, tasks.Activity{Zone: time.UTC}); err != nil {
			t.Fatal(err)
		}
		st, err := s.NextStats(ctx, owner, late)
		if err != nil || math.Abs(st.Hours[9]-1) > 1e-9 {
			t.Errorf("h9 %v (err %v), want 1", st.Hours[9], err)
		}
	})
	t.Run("parallel completions lose no count", func(t *testing.T) {
		owner := "stats-par-" + run
		const n = 16
		list := make([]tasks.Task, n)
		for i := range list {
			list[i] = mk(owner, fmt.Sprintf("c%02d", i), "2026-12-01")
		}
		errs := make([]error, n)
		barrier.Run(n, func(i int) {
			tk := list[i]
			errs[i] = s.EditTask(ctx, owner, tk, edit(tk, func(x *tasks.Task) { x.Completed = true }), tasks.Activity{Zone: berlin})
		})
		for i, err := range errs {
			if err != nil {
				t.Errorf("completion %d: %v", i, err)
			}
		}
		st, _ := s.NextStats(ctx, owner, at)
		if math.Abs(st.Hours[33]-n) > 1e-9 {
			t.Errorf("h33 = %v after %d parallel completions, want %d", st.Hours[33], n, n)
		}
	})
}
