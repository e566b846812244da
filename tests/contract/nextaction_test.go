//go:build contract

package contract

import (
	"context"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/appstore"
	"github.com/lucian-app/phase12/shared/appstore/appstoretest"
	"github.com/lucian-app/phase12/shared/tasks"
)

// TestNextActionReadsTheCandidatesAndOneItemAt100000Tasks: one user with 100,000 tasks
// (appstoretest.HeavyUser: 80 of them due today, overdue or undated) and a statistics
// item; GET /tasks/next's service reads at most three Queries of at most the candidates
// plus one page of items, and one GetItem, and answers what the rules give over the
// today view computed in memory.
func TestNextActionReadsTheCandidatesAndOneItemAt100000Tasks(t *testing.T) {
	db, table := newDynamo(t)
	loc, _ := time.LoadLocation("Europe/Berlin")
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, loc)
	list := appstoretest.HeavyUser(100000, now)
	seedTasks(t, db, table, "heavy", list)
	// One completion through the store writes the statistics item.
	s := appstore.New(db, table)
	p := "work"
	done := tasks.Task{ID: "x-done", Title: "Write the report", Project: &p, Priority: 4, CreatedAt: now.Add(-time.Hour), UpdatedAt: now.Add(-time.Hour), Version: 1}
	if err := s.CreateTask(context.Background(), "heavy", done); err != nil {
		t.Fatal(err)
	}
	next := done
	next.Completed, next.Version, next.UpdatedAt = true, 2, now.Add(-time.Minute)
	if err := s.EditTask(context.Background(), "heavy", done, next, tasks.Activity{Zone: loc}); err != nil {
		t.Fatal(err)
	}
	ans := appstoretest.NextReads(t, db, table, "heavy", append(list, next), loc, now)
	if len(ans.Next) != 3 {
		t.Errorf("%d suggestions, want 3", len(ans.Next))
	}
}
