// Package reviewapitest builds the weekly review's service over any DynamoDB and proves
// what must hold on every backend: the unit tests run it on the embedded store, the
// contract tests on DynamoDB Local, where racing adoptions really run at the same time.
package reviewapitest

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/appstore"
	"github.com/lucian-app/phase12/shared/barrier"
	"github.com/lucian-app/phase12/shared/clock"
	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/execute"
	"github.com/lucian-app/phase12/shared/httpapi/httpapitest"
	"github.com/lucian-app/phase12/shared/ids"
	"github.com/lucian-app/phase12/shared/review"
	"github.com/lucian-app/phase12/shared/reviewapi"
	"github.com/lucian-app/phase12/shared/reviewstore"
	"github.com/lucian-app/phase12/shared/tasks"
)

// Monday is when the suite's clock starts: Monday 2026-12-07 09:00 UTC, after week 49.
var Monday = time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)

// Env is a service over one backend with a manual clock.
type Env struct {
	Clock   *clock.Manual
	App     *appstore.Store
	Reviews *reviewstore.Store
	Engine  *execute.Engine
	Service *reviewapi.Service
	Handler http.Handler
}

// New builds the service over db: AppTable's store on appTable, ReviewTable's on
// reviewTable (one table may serve both: their sort keys do not meet).
func New(db dynamo.API, appTable, reviewTable string) *Env {
	c := clock.NewManual(Monday)
	app := appstore.New(db, appTable)
	e := &execute.Engine{Store: app, Now: c.Now, NewID: ids.New(c.Now, rand.Reader), UndoEnabled: true, UndoWindow: 30 * time.Second}
	rs := reviewstore.New(db, reviewTable)
	s := &reviewapi.Service{Facts: app, Store: rs, Exec: e, Holdout: review.Holdout{}, Now: c.Now,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	return &Env{Clock: c, App: app, Reviews: rs, Engine: e, Service: s, Handler: reviewapi.Handler(s, s.Log)}
}

// Seed gives user a steady week 49 in UTC: six tasks due and completed on their days, and
// one undated task created weeks ago (which the steady class recommends scheduling).
func (e *Env) Seed(t testing.TB, user string) {
	t.Helper()
	ctx := context.Background()
	old := Monday.AddDate(0, 0, -30)
	for i := range 6 {
		day := Monday.AddDate(0, 0, -7+i)
		due := day.Format(time.DateOnly)
		task := tasks.Task{ID: fmt.Sprint("t", i), Title: fmt.Sprint("Task ", i), Due: &due, Priority: 4, CreatedAt: old, UpdatedAt: old, Version: 1}
		if err := e.App.CreateTask(ctx, user, task); err != nil {
			t.Fatal(err)
		}
		next := task
		next.Completed, next.UpdatedAt, next.Version = true, day.Add(10*time.Hour), 2
		if err := e.App.ReplaceTask(ctx, user, task, next); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.App.CreateTask(ctx, user, tasks.Task{ID: "someday", Title: "Learn Go generics", Priority: 4,
		CreatedAt: old, UpdatedAt: old, Version: 1}); err != nil {
		t.Fatal(err)
	}
}

// Do sends one request as user and decodes the JSON answer.
func (e *Env) Do(t testing.TB, method, path, key, body, user string) (int, map[string]any) {
	t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	if key != "" {
		r.Header.Set("Idempotency-Key", key)
	}
	rec := httptest.NewRecorder()
	e.Handler.ServeHTTP(rec, httpapitest.FromRequest(r, httpapitest.Claims(user)))
	m := map[string]any{}
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("%s %s: body %q: %v", method, path, rec.Body, err)
	}
	return rec.Code, m
}

// Twins is how many adoptions of one recommendation race.
const Twins = 8

// RunAdoptionRace: Twins adoptions of one recommendation (a new user's: create a task),
// sent at once behind a start barrier with different Idempotency-Keys, execute its action
// once: one audit entry marked executed, one task created, every answer naming the one
// execution, the recommendation adopted.
func RunAdoptionRace(t *testing.T, env *Env, user string) {
	ctx := context.Background()
	env.Seed(t, user)
	code, body := env.Do(t, "GET", "/reviews/weekly?week=2026-W49", "", "", user)
	if code != 200 {
		t.Fatalf("GET review: %d %v", code, body)
	}
	rv, _ := body["review"].(map[string]any)
	recs, _ := rv["recommendations"].([]any)
	if len(recs) == 0 {
		t.Fatalf("no recommendation in %v", rv)
	}
	first := recs[0].(map[string]any)
	recID := first["id"].(string)
	title := first["action"].(map[string]any)["title"]
	var mu sync.Mutex
	execs := map[string]int{}
	barrier.Run(Twins, func(i int) {
		code, body := env.Do(t, "POST", "/reviews/weekly/2026-W49/recommendations/"+recID+"/adopt", fmt.Sprint("key-", i), "", user)
		mu.Lock()
		defer mu.Unlock()
		if code != 200 {
			t.Errorf("adoption %d: %d %v", i, code, body)
			return
		}
		ex, _ := body["execution_id"].(string)
		execs[ex]++
	})
	if len(execs) != 1 {
		t.Errorf("the adoptions name %d executions %v, want one", len(execs), execs)
	}
	log, err := env.App.ListAudit(ctx, user, 100)
	if err != nil {
		t.Fatal(err)
	}
	executed := 0
	for _, e := range log {
		if e.Outcome == execute.OutcomeExecuted {
			executed++
		}
	}
	if executed != 1 {
		t.Errorf("%d executions in the audit trail, want exactly 1 (log %+v)", executed, log)
	}
	open, err := env.App.OpenTasks(ctx, user)
	if err != nil {
		t.Fatal(err)
	}
	made := 0
	for _, task := range open {
		if task.Title == title {
			made++
		}
	}
	if made != 1 {
		t.Errorf("%d tasks titled %v, want the one the action creates", made, title)
	}
	r, _, _ := env.Reviews.Get(ctx, user, "2026-W49")
	if rec, _ := r.Recommendation(recID); rec.State != review.StateAdopted {
		t.Errorf("state %q, want adopted", rec.State)
	}
}
