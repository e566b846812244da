package appstoretest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/appstore"
	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/tasks"
)

// ItemsRead counts the items Query calls return: what a read pays for.
type ItemsRead struct {
	dynamo.API
	mu sync.Mutex
	n  int
}

// N is the items read since the last Reset.
func (c *ItemsRead) N() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// Reset zeroes the count.
func (c *ItemsRead) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n = 0
}

func (c *ItemsRead) Query(ctx context.Context, in *dynamodb.QueryInput, o ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	out, err := c.API.Query(ctx, in, o...)
	if err == nil {
		c.mu.Lock()
		c.n += len(out.Items)
		c.mu.Unlock()
	}
	return out, err
}

func due(t tasks.Task) string {
	if t.Due == nil {
		return "none"
	}
	return *t.Due
}

func ids(list []tasks.Task) string {
	out := make([]string, len(list))
	for i, t := range list {
		out[i] = t.ID
	}
	return strings.Join(out, ",")
}

// openOf is the reference: the owner's open tasks from the whole history.
func openOf(t *testing.T, s *appstore.Store, owner string) string {
	t.Helper()
	all, err := s.ListTasks(context.Background(), owner, true)
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(all, func(a, b tasks.Task) int { return strings.Compare(a.ID, b.ID) })
	return ids(all)
}

func openCopies(t *testing.T, s *appstore.Store, owner string) string {
	t.Helper()
	open, err := s.OpenTasks(context.Background(), owner)
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(open, func(a, b tasks.Task) int { return strings.Compare(a.ID, b.ID) })
	return ids(open)
}

// runOpenCopies: completing, un-completing, rescheduling, editing and
// deleting keep the open copies exactly the open tasks, fields included.
func runOpenCopies(t *testing.T, db dynamo.API, table, run string) {
	ctx := context.Background()
	s := appstore.New(db, table)
	owner := "copies-" + run
	at := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	date, instant := "2026-11-30", "2026-11-29T15:00:00+01:00"
	t1 := tasks.Task{ID: "c1", Title: "dated", Due: &date, Priority: 2, CreatedAt: at, UpdatedAt: at, Version: 1}
	t2 := tasks.Task{ID: "c2", Title: "timed", Due: &instant, Priority: 4, CreatedAt: at, UpdatedAt: at, Version: 1}
	t3 := tasks.Task{ID: "c3", Title: "undated", Priority: 1, CreatedAt: at, UpdatedAt: at, Version: 1}
	for _, tk := range []tasks.Task{t1, t2, t3} {
		if err := s.CreateTask(ctx, owner, tk); err != nil {
			t.Fatal(err)
		}
	}
	step := func(what string, prev, next tasks.Task) {
		t.Helper()
		if err := s.ReplaceTask(ctx, owner, prev, next); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if got, want := openCopies(t, s, owner), openOf(t, s, owner); got != want {
			t.Errorf("after %s: open copies %q, want the open tasks %q", what, got, want)
		}
		open, _ := s.OpenTasks(ctx, owner)
		for _, c := range open {
			if c.ID == next.ID && (c.Title != next.Title || c.Version != next.Version || due(c) != due(next)) {
				t.Errorf("after %s: the copy is %+v, want %+v", what, c, next)
			}
		}
	}
	done := t1
	done.Completed, done.Version = true, 2
	step("completing a dated task", t1, done)
	reopened := done
	reopened.Completed, reopened.Version = false, 3
	step("un-completing it", done, reopened)
	later := "2026-12-24T09:00:00Z"
	moved := t2
	moved.Due, moved.Version = &later, 2
	step("rescheduling a timed task", t2, moved)
	undated := moved
	undated.Due, undated.Version = nil, 3
	step("clearing its due", moved, undated)
	renamed := t3
	renamed.Title, renamed.Version = "undated, renamed", 2
	step("renaming an undated task (same sort key)", t3, renamed)
	if got, want := openCopies(t, s, owner), "c1,c2,c3"; got != want {
		t.Errorf("open copies %q, want %q", got, want)
	}
}

// runPages: today_load and the goals page through the whole list exactly,
// reading what they return plus at most one page; cursors of another user
// or another list are 400.
func runPages(t *testing.T, db dynamo.API, table, run string) {
	ctx := context.Background()
	counted := &ItemsRead{API: db}
	s := appstore.New(counted, table)
	owner := "pages-" + run
	loc, _ := time.LoadLocation("Europe/Berlin")
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, loc)
	rng := rand.New(rand.NewPCG(7, 9))
	var all []tasks.Task
	for i := range 120 {
		tk := tasks.Task{ID: fmt.Sprintf("p%03d", i), Title: fmt.Sprint("task ", i), Priority: 1 + rng.IntN(4),
			CreatedAt: now.Add(-time.Duration(rng.IntN(1000)) * time.Hour).UTC(), Version: 1}
		tk.UpdatedAt = tk.CreatedAt
		switch rng.IntN(5) {
		case 0: // undated
		case 1, 2: // due on a date, from 5 days ago to 5 days ahead
			d := now.AddDate(0, 0, rng.IntN(11)-5).Format(time.DateOnly)
			tk.Due = &d
		default: // due at a time, within 3 days either side, in another zone
			d := now.Add(time.Duration(rng.IntN(144)-72) * time.Hour).In(time.FixedZone("", -5*3600)).Format(time.RFC3339)
			tk.Due = &d
		}
		tk.Completed = rng.IntN(4) == 0
		if err := s.CreateTask(ctx, owner, tk); err != nil {
			t.Fatal(err)
		}
		all = append(all, tk)
	}
	want := ids(tasks.Today(all, loc, now))
	for _, limit := range []int{1, 7, 50, 500} {
		if got := ids(PageToday(t, s, counted, owner, tasks.TodayWindowAt(loc, now), limit)); got != want {
			t.Errorf("limit %d: today_load paged\n got %s\nwant %s", limit, got, want)
		}
	}

	first, next, err := s.TodayTasks(ctx, owner, tasks.TodayWindowAt(loc, now), tasks.Page{Limit: 5})
	if err != nil || len(first) != 5 || next == "" {
		t.Fatalf("first page: %d tasks, next %q, %v", len(first), next, err)
	}
	if _, _, err := s.TodayTasks(ctx, "someone-else-"+run, tasks.TodayWindowAt(loc, now), tasks.Page{Limit: 5, Cursor: next}); apperr.CodeOf(err) != apperr.InvalidRequest {
		t.Errorf("another user's cursor: %v, want invalid_request", err)
	}
	if _, _, err := s.Goals(ctx, owner, tasks.Page{Limit: 5, Cursor: next}); apperr.CodeOf(err) != apperr.InvalidRequest {
		t.Errorf("a today cursor on goals: %v, want invalid_request", err)
	}

	for i := range 12 {
		g := tasks.Goal{ID: fmt.Sprintf("g%02d", i), Title: fmt.Sprint("goal ", i), CreatedAt: now, UpdatedAt: now, Version: 1}
		if err := s.CreateGoal(ctx, owner, g); err != nil {
			t.Fatal(err)
		}
	}
	var goals []string
	page := tasks.Page{Limit: 5}
	for pages := 0; pages < 10; pages++ {
		list, next, err := s.Goals(ctx, owner, page)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range list {
			goals = append(goals, g.ID)
		}
		if next == "" {
			break
		}
		page.Cursor = next
	}
	if got, want := strings.Join(goals, ","), "g00,g01,g02,g03,g04,g05,g06,g07,g08,g09,g10,g11"; got != want {
		t.Errorf("goals paged: %s, want %s", got, want)
	}
}

// runQuotas: creating or re-opening past a per-user limit is 409
// quota_exceeded naming it; completing frees room.
func runQuotas(t *testing.T, db dynamo.API, table, run string) {
	ctx := context.Background()
	s := appstore.New(db, table)
	s.MaxOpenTasks, s.MaxGoals = 3, 2
	owner := "quota-" + run
	at := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	mk := func(i int) tasks.Task {
		return tasks.Task{ID: fmt.Sprint("q", i), Title: "t", Priority: 4, CreatedAt: at, UpdatedAt: at, Version: 1}
	}
	for i := range 3 {
		if err := s.CreateTask(ctx, owner, mk(i)); err != nil {
			t.Fatal(err)
		}
	}
	err := s.CreateTask(ctx, owner, mk(3))
	if apperr.CodeOf(err) != apperr.QuotaExceeded || !strings.Contains(err.Error(), "3 open tasks") {
		t.Errorf("a 4th open task past a quota of 3: %v, want quota_exceeded naming 3 open tasks", err)
	}
	if _, err := s.GetTask(ctx, owner, "q3"); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("the refused task was written: %v", err)
	}
	done := mk(0)
	done.Completed, done.Version = true, 2
	if err := s.ReplaceTask(ctx, owner, mk(0), done); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateTask(ctx, owner, mk(3)); err != nil {
		t.Errorf("after completing one, a new task: %v, want room", err)
	}
	reopened := done
	reopened.Completed, reopened.Version = false, 3
	if err := s.ReplaceTask(ctx, owner, done, reopened); apperr.CodeOf(err) != apperr.QuotaExceeded {
		t.Errorf("re-opening past the quota: %v, want quota_exceeded", err)
	}
	for i := range 2 {
		if err := s.CreateGoal(ctx, owner, tasks.Goal{ID: fmt.Sprint("qg", i), Title: "g", CreatedAt: at, UpdatedAt: at, Version: 1}); err != nil {
			t.Fatal(err)
		}
	}
	err = s.CreateGoal(ctx, owner, tasks.Goal{ID: "qg2", Title: "g", CreatedAt: at, UpdatedAt: at, Version: 1})
	if apperr.CodeOf(err) != apperr.QuotaExceeded || !strings.Contains(err.Error(), "2 goals") {
		t.Errorf("a 3rd goal past a quota of 2: %v, want quota_exceeded naming 2 goals", err)
	}
}

// PageToday reads owner's whole today view page by page (limit a page)
// through s, whose reads counted counts, and checks each page: 1 to limit
// tasks (a next never leads to an empty page) and at most the tasks plus
// one page of items read.
func PageToday(t testing.TB, s *appstore.Store, counted *ItemsRead, owner string, w tasks.TodayWindow, limit int) []tasks.Task {
	t.Helper()
	var got []tasks.Task
	page := tasks.Page{Limit: limit}
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatalf("limit %d: no last page after 1000", limit)
		}
		counted.Reset()
		list, next, err := s.TodayTasks(context.Background(), owner, w, page)
		if err != nil {
			t.Fatalf("limit %d page %d: %v", limit, pages, err)
		}
		t.Logf("limit %d page %d: %d tasks, %d items read", limit, pages, len(list), counted.N())
		if len(list) > limit || len(list) == 0 {
			t.Fatalf("limit %d page %d: %d tasks, want 1 to %d (a next never leads to an empty page)", limit, pages, len(list), limit)
		}
		if counted.N() > len(list)+limit {
			t.Errorf("limit %d page %d: read %d items for %d tasks, want at most %d (the tasks plus one page)",
				limit, pages, counted.N(), len(list), len(list)+limit)
		}
		got = append(got, list...)
		if next == "" {
			return got
		}
		page.Cursor = next
	}
}
