package appstoretest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/appstore"
	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/tasks"
)

// HeavyUser is n tasks of one user as a long history looks: 50 due today
// or overdue (dates and times), 30 undated, a fifth of the rest due later
// and the others completed.
func HeavyUser(n int, now time.Time) []tasks.Task {
	created := now.AddDate(-2, 0, 0).UTC()
	list := make([]tasks.Task, 0, n)
	for i := range n {
		tk := tasks.Task{ID: fmt.Sprintf("t%06d", i), Title: "task", Priority: 1 + i%4, CreatedAt: created, UpdatedAt: created, Version: 1}
		switch {
		case i < 50:
			d := now.AddDate(0, 0, -(i % 5)).Format(time.DateOnly)
			if i%2 == 0 {
				d = now.Add(-time.Duration(i) * time.Hour).Format(time.RFC3339)
			}
			tk.Due = &d
		case i < 80:
		case i%5 == 0:
			d := now.AddDate(0, 0, 1+i%300).Format(time.DateOnly)
			tk.Due = &d
		default:
			d := now.AddDate(0, 0, -i%700).Format(time.DateOnly)
			tk.Due, tk.Completed = &d, true
		}
		list = append(list, tk)
	}
	return list
}

// BenchmarkTodayLoad reads the first page of today_load (limit 100) of a
// user with n tasks (HeavyUser, written by seed), reporting the items read
// per request and the p50 and p95 of the requests' wall time.
func BenchmarkTodayLoad(b *testing.B, db dynamo.API, table string, n int, seed func(owner string, list []tasks.Task)) {
	loc, _ := time.LoadLocation("Europe/Berlin")
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, loc)
	owner := fmt.Sprint("bench-", n)
	seed(owner, HeavyUser(n, now))
	counted := &ItemsRead{API: db}
	s := appstore.New(counted, table)
	w := tasks.TodayWindowAt(loc, now)
	var took []time.Duration
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		list, _, err := s.TodayTasks(context.Background(), owner, w, tasks.Page{Limit: 100})
		took = append(took, time.Since(start))
		if err != nil || len(list) != 80 {
			b.Fatalf("today: %d tasks, %v; want 80", len(list), err)
		}
	}
	slices.Sort(took)
	at := func(q float64) float64 { return float64(took[int(q*float64(len(took)-1))].Microseconds()) / 1000 }
	b.ReportMetric(float64(counted.N())/float64(len(took)), "items-read/op")
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.95), "p95-ms")
}
