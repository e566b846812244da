package wiring_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/eventstore"
	"github.com/lucian-app/phase12/shared/ids"
	"github.com/lucian-app/phase12/shared/productevents"
	"github.com/lucian-app/phase12/shared/topic"
	"github.com/lucian-app/phase12/shared/wiring"
	"github.com/lucian-app/phase12/shared/wiring/registry"
)

// TestFirstValueFromTheCommandOS: completing a task through POST /intents/execute
// (complete_task) records the user's first value as a PATCH /tasks/{id} completion does:
// one first_value event naming the task, counted once per user in the week's counters,
// whatever later completions, replays and other intents follow; an intent that completes
// nothing records none.
func TestFirstValueFromTheCommandOS(t *testing.T) {
	db := dynamotest.New(t)
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	fns := map[string]apiHandler{}
	for _, id := range []string{"TasksFunction", "ExecuteIntentFunction"} {
		h, err := registry.Functions()[id](wiring.Deps{DynamoDB: db, SNS: &topic.Recorder{}, HTTP: &http.Client{},
			Getenv: func(k string) string { return bothTables[k] }, Now: clock, NewID: ids.New(clock, nil),
			Log: wiring.NewLogger(io.Discard, ""), Function: id})
		if err != nil {
			t.Fatalf("build %s: %v", id, err)
		}
		fns[id] = h.(apiHandler)
	}
	store := eventstore.New(db, dynamotest.AppTable, dynamotest.OpsTable)
	ctx := context.Background()
	create := func(user, title string) string {
		t.Helper()
		resp := apiCall{method: "POST", route: "/tasks", path: "/tasks", body: fmt.Sprintf(`{"title":%q}`, title),
			claims: map[string]string{"sub": user}}.do(t, fns["TasksFunction"])
		var out struct{ Task struct{ ID string } }
		if resp.StatusCode != 201 || json.Unmarshal([]byte(resp.Body), &out) != nil {
			t.Fatalf("POST /tasks: %d %s", resp.StatusCode, resp.Body)
		}
		return out.Task.ID
	}
	execute := func(user, key, in string, want int) {
		t.Helper()
		resp := apiCall{method: "POST", route: "/intents/execute", path: "/intents/execute", body: `{"intent":` + in + `,"timezone":"UTC"}`,
			header: map[string]string{"Idempotency-Key": key}, claims: map[string]string{"sub": user}}.do(t, fns["ExecuteIntentFunction"])
		if resp.StatusCode != want {
			t.Fatalf("execute %s: %d %s, want %d", in, resp.StatusCode, resp.Body, want)
		}
	}
	firstValues := func(user string) []productevents.Event {
		t.Helper()
		evs, err := store.ListUserEvents(ctx, user, []string{productevents.FirstValue}, now.Add(-time.Hour), now.Add(time.Hour), 10)
		if err != nil {
			t.Fatal(err)
		}
		return evs
	}
	users := func() int64 {
		t.Helper()
		c, err := store.WeekCounts(ctx, "2026-W48")
		if err != nil {
			t.Fatal(err)
		}
		return c[productevents.FirstValue].Users
	}

	// Ann completes her first task through the command OS.
	taxes := create("ann", "file taxes")
	create("ann", "buy stamps")
	if got := firstValues("ann"); len(got) != 0 {
		t.Fatalf("first value before any completion: %+v", got)
	}
	execute("ann", "k1", `{"type":"complete_task","task_ref":"file taxes"}`, 200)
	got := firstValues("ann")
	if len(got) != 1 || got[0].TaskID != taxes || !got[0].At.Equal(now) {
		t.Fatalf("ann's first_value events = %+v, want one naming %s at %s", got, taxes, now)
	}
	if n := users(); n != 1 {
		t.Fatalf("first_value users this week = %d, want 1", n)
	}
	// A replay, a second completion and a rename change nothing.
	execute("ann", "k1", `{"type":"complete_task","task_ref":"file taxes"}`, 200)
	now = now.Add(time.Minute)
	execute("ann", "k2", `{"type":"complete_task","task_ref":"buy stamps"}`, 200)
	if got := firstValues("ann"); len(got) != 1 || got[0].TaskID != taxes || users() != 1 {
		t.Errorf("after a replay and a second completion: %+v, %d users; want the first only", got, users())
	}
	// Cy renames a task: no completion, no first value.
	create("cy", "plan trip")
	execute("cy", "k3", `{"type":"rename_task","task_ref":"plan trip","title":"plan the trip"}`, 200)
	if got := firstValues("cy"); len(got) != 0 || users() != 1 {
		t.Errorf("a rename recorded first value: %+v, %d users", got, users())
	}
	// Bob completes through the task route: the same record, a second user.
	id := create("bob", "walk the dog")
	resp := apiCall{method: "PATCH", route: "/tasks/{id}", path: "/tasks/" + id, params: map[string]string{"id": id},
		body: `{"completed":true}`, claims: map[string]string{"sub": "bob"}}.do(t, fns["TasksFunction"])
	if resp.StatusCode != 200 {
		t.Fatalf("PATCH: %d %s", resp.StatusCode, resp.Body)
	}
	if got := firstValues("bob"); len(got) != 1 || got[0].TaskID != id || users() != 2 {
		t.Errorf("bob's first value through PATCH: %+v, %d users; want one naming %s, 2 users", got, users(), id)
	}
}
