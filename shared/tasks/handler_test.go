package tasks_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/appstore"
	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/httpapi/httpapitest"
	"github.com/lucian-app/phase12/shared/ids"
	"github.com/lucian-app/phase12/shared/tasks"
)

var now = time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)

func newHandler(t testing.TB) http.Handler {
	t.Helper()
	store := appstore.New(dynamotest.New(t), dynamotest.AppTable)
	clock := func() time.Time { return now }
	svc := &tasks.Service{Repo: store, Now: clock, NewID: ids.New(clock, nil)}
	return tasks.Handler(svc, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

type call struct {
	method, target, body string
	user                 string // "" = no identity
}

func do(t testing.TB, h http.Handler, c call) (int, map[string]any) {
	t.Helper()
	var claims map[string]string
	if c.user != "" {
		claims = httpapitest.Claims(c.user)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httpapitest.NewRequest(c.method, c.target, strings.NewReader(c.body), claims))
	body := map[string]any{}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("%s %s: body %q is not JSON", c.method, c.target, rec.Body)
	}
	return rec.Code, body
}

func errorOf(body map[string]any) (code, message string) {
	e, _ := body["error"].(map[string]any)
	code, _ = e["code"].(string)
	message, _ = e["message"].(string)
	return code, message
}

func TestTasksRoutes(t *testing.T) {
	h := newHandler(t)
	status, body := do(t, h, call{"POST", "/tasks", `{"title":"Buy milk","due":"2026-11-28","priority":1,"project":"groceries"}`, "alice"})
	if status != 201 {
		t.Fatalf("create: %d %v", status, body)
	}
	task := body["task"].(map[string]any)
	id := task["id"].(string)
	for k, want := range map[string]any{"title": "Buy milk", "due": "2026-11-28", "priority": 1.0, "project": "groceries",
		"completed": false, "version": 1.0, "created_at": "2026-11-28T09:00:00Z"} {
		if task[k] != want {
			t.Errorf("task[%s] = %v, want %v", k, task[k], want)
		}
	}
	do(t, h, call{"POST", "/tasks", `{"title":"Someday"}`, "alice"})
	status, body = do(t, h, call{"GET", "/tasks/today?timezone=Europe/Berlin", "", "alice"})
	if list := body["tasks"].([]any); status != 200 || len(list) != 2 || list[0].(map[string]any)["id"] != id {
		t.Errorf("today: %d %v, want the dated task then the undated one", status, body)
	}
	status, body = do(t, h, call{"PATCH", "/tasks/" + id, `{"completed":true,"version":1}`, "alice"})
	if status != 200 || body["task"].(map[string]any)["version"] != 2.0 {
		t.Errorf("patch: %d %v", status, body)
	}
	status, body = do(t, h, call{"POST", "/goals", `{"title":"Run a marathon","target_date":"2027-06-30"}`, "alice"})
	if status != 201 || body["goal"].(map[string]any)["target_date"] != "2027-06-30" {
		t.Errorf("create goal: %d %v", status, body)
	}
	status, body = do(t, h, call{"GET", "/goals", "", "alice"})
	if status != 200 || len(body["goals"].([]any)) != 1 {
		t.Errorf("goals: %d %v", status, body)
	}
	status, body = do(t, h, call{"GET", "/goals", "", "bob"})
	if status != 200 || len(body["goals"].([]any)) != 0 {
		t.Errorf("bob's goals: %d %v, want none", status, body)
	}
}

// Both lists page with limit and an opaque cursor; next is absent on the
// last page, and a cursor does not carry over to another user.
func TestListsPageThrough(t *testing.T) {
	h := newHandler(t)
	for i := range 7 {
		do(t, h, call{"POST", "/tasks", fmt.Sprintf(`{"title":"task %d","due":"2026-11-2%d"}`, i, i), "alice"})
		do(t, h, call{"POST", "/goals", fmt.Sprintf(`{"title":"goal %d"}`, i), "alice"})
	}
	for _, route := range []struct{ path, items string }{
		{"/tasks/today?timezone=Europe/Berlin&limit=3", "tasks"},
		{"/goals?limit=3", "goals"},
	} {
		seen, pages, next := map[string]bool{}, 0, ""
		for {
			path := route.path
			if next != "" {
				path += "&cursor=" + url.QueryEscape(next)
			}
			status, body := do(t, h, call{"GET", path, "", "alice"})
			items, _ := body[route.items].([]any)
			if status != 200 || len(items) > 3 {
				t.Fatalf("%s page %d: %d %v", route.path, pages, status, body)
			}
			for _, it := range items {
				seen[it.(map[string]any)["id"].(string)] = true
			}
			pages++
			n, more := body["next"].(string)
			if !more {
				break
			}
			if pages == 1 {
				if status, body := do(t, h, call{"GET", route.path + "&cursor=" + url.QueryEscape(n), "", "bob"}); status != 400 {
					t.Errorf("bob with alice's cursor on %s: %d %v, want 400", route.path, status, body)
				}
			}
			next = n
		}
		if len(seen) != 7 || pages < 3 {
			t.Errorf("%s: %d distinct items over %d pages, want all 7 over at least 3", route.path, len(seen), pages)
		}
	}
}

func TestTasksBadInput(t *testing.T) {
	h := newHandler(t)
	_, created := do(t, h, call{"POST", "/tasks", `{"title":"Mine"}`, "alice"})
	id := created["task"].(map[string]any)["id"].(string)
	tests := []struct {
		name       string
		call       call
		wantStatus int
		wantCode   string
		wantMsg    string
	}{
		{"no identity", call{"GET", "/tasks/today?timezone=UTC", "", ""}, 401, "unauthorized", "no identity"},
		{"no identity on create", call{"POST", "/tasks", `{"title":"x"}`, ""}, 401, "unauthorized", ""},
		{"invalid JSON", call{"POST", "/tasks", `{"title":`, "alice"}, 400, "invalid_request", "body:"},
		{"wrong type", call{"POST", "/tasks", `{"title":"x","priority":"high"}`, "alice"}, 400, "invalid_request", "priority: must be an integer"},
		{"title wrong type", call{"POST", "/tasks", `{"title":["x"]}`, "alice"}, 400, "invalid_request", "title: must be a string"},
		{"invalid UTF-8", call{"POST", "/tasks", "{\"title\":\"\xc3\x28\"}", "alice"}, 400, "invalid_request", "UTF-8"},
		{"too large", call{"POST", "/tasks", `{"title":"` + strings.Repeat("x", 70000) + `"}`, "alice"}, 413, "payload_too_large", ""},
		{"missing title", call{"POST", "/tasks", `{"due":"2026-11-28"}`, "alice"}, 400, "invalid_request", "title: required"},
		{"bad due", call{"POST", "/tasks", `{"title":"x","due":"next week"}`, "alice"}, 400, "invalid_request", "due:"},
		{"unknown timezone", call{"GET", "/tasks/today?timezone=Mars/Base", "", "alice"}, 400, "invalid_request", `timezone: unknown time zone "Mars/Base"`},
		{"missing timezone", call{"GET", "/tasks/today", "", "alice"}, 400, "invalid_request", "timezone: required"},
		{"unknown id", call{"PATCH", "/tasks/nope", `{"completed":true}`, "alice"}, 404, "not_found", ""},
		{"another user's id", call{"PATCH", "/tasks/" + id, `{"completed":true}`, "bob"}, 404, "not_found", ""},
		{"stale version", call{"PATCH", "/tasks/" + id, `{"completed":true,"version":7}`, "alice"}, 409, "conflict", "version"},
		{"empty patch", call{"PATCH", "/tasks/" + id, `{}`, "alice"}, 400, "invalid_request", "nothing to change"},
		{"goal bad date", call{"POST", "/goals", `{"title":"x","target_date":"june"}`, "alice"}, 400, "invalid_request", "target_date:"},
		{"limit over 500", call{"GET", "/tasks/today?timezone=UTC&limit=501", "", "alice"}, 400, "invalid_request", "limit: an integer from 1 to 500"},
		{"limit zero", call{"GET", "/goals?limit=0", "", "alice"}, 400, "invalid_request", "limit:"},
		{"forged cursor", call{"GET", "/tasks/today?timezone=UTC&cursor=bm90LWEtY3Vyc29y", "", "alice"}, 400, "invalid_request", "cursor:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := do(t, h, tt.call)
			code, msg := errorOf(body)
			if status != tt.wantStatus || code != tt.wantCode || !strings.Contains(msg, tt.wantMsg) {
				t.Errorf("got %d %s %q, want %d %s containing %q", status, code, msg, tt.wantStatus, tt.wantCode, tt.wantMsg)
			}
			if rid := body["error"].(map[string]any)["request_id"]; rid != httpapitest.RequestID {
				t.Errorf("request_id = %v, want API Gateway's", rid)
			}
		})
	}
}

// BenchmarkTodayLoad is GET /tasks/today over 200 tasks, in-process on
// minidyn: the handler, the query, the filter and the JSON.
func BenchmarkTodayLoad(b *testing.B) {
	h := newHandler(b)
	for i := range 200 {
		due := ""
		switch i % 4 {
		case 0:
			due = `,"due":"2026-11-27"`
		case 1:
			due = `,"due":"2026-11-30"`
		case 2:
			due = `,"due":"2026-11-28T15:00:00+01:00"`
		}
		if status, _ := do(b, h, call{"POST", "/tasks", fmt.Sprintf(`{"title":"task %d"%s}`, i, due), "alice"}); status != 201 {
			b.Fatal(status)
		}
	}
	req := httpapitest.NewRequest("GET", "/tasks/today?timezone=Europe/Berlin", nil, httpapitest.Claims("alice"))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}

// PATCH completing a repeating task moves it to its next occurrence (in
// its due's own offset) instead of closing it, as execute-intent does; a
// plain task closes.
func TestCompletingARepeatingTaskByPATCHMovesIt(t *testing.T) {
	h := newHandler(t)
	_, body := do(t, h, call{"POST", "/tasks", `{"title":"water plants","due":"2026-11-30","recurrence":"FREQ=WEEKLY;BYDAY=MO"}`, "alice"})
	id := body["task"].(map[string]any)["id"].(string)
	status, body := do(t, h, call{"PATCH", "/tasks/" + id, `{"completed":true}`, "alice"})
	task, _ := body["task"].(map[string]any)
	if status != 200 || task["completed"] != false || task["due"] != "2026-12-07" {
		t.Errorf("completing a weekly task due Monday 30 November: %d %v, want it open and due Monday 7 December", status, body)
	}
	if status != 200 || task["version"] != 2.0 {
		t.Errorf("version = %v, want 2", task["version"])
	}
	_, plain := do(t, h, call{"POST", "/tasks", `{"title":"once","due":"2026-11-30"}`, "alice"})
	pid := plain["task"].(map[string]any)["id"].(string)
	if status, body := do(t, h, call{"PATCH", "/tasks/" + pid, `{"completed":true}`, "alice"}); status != 200 || body["task"].(map[string]any)["completed"] != true {
		t.Errorf("completing a plain task: %d %v, want it closed", status, body)
	}
}

// A PATCH completing a date-only task without timezone counts in the next-action
// statistics in UTC (it used to count nothing); with timezone it counts in that zone.
func TestACompletionOfADateOnlyTaskWithoutTimezoneCountsInUTC(t *testing.T) {
	store := appstore.New(dynamotest.New(t), dynamotest.AppTable)
	clock := func() time.Time { return now } // Saturday 28 November 2026, 09:00 UTC
	h := tasks.Handler(&tasks.Service{Repo: store, Now: clock, NewID: ids.New(clock, nil)}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	complete := func(body string) {
		status, created := do(t, h, call{"POST", "/tasks", `{"title":"Buy milk","due":"2026-11-28"}`, "alice"})
		if status != 201 {
			t.Fatalf("create: %d %v", status, created)
		}
		id := created["task"].(map[string]any)["id"].(string)
		if status, b := do(t, h, call{"PATCH", "/tasks/" + id, body, "alice"}); status != 200 {
			t.Fatalf("complete: %d %v", status, b)
		}
	}
	complete(`{"completed":true}`)
	st, err := store.NextStats(t.Context(), "alice", now)
	if err != nil {
		t.Fatal(err)
	}
	// Saturday 09:00 UTC: hour 5*24+9 = 129 of the week.
	if st.Hours[129] < 0.999 || st.Hours[129] > 1.001 {
		t.Errorf("hour 129 counts %v, want the completion counted once in UTC", st.Hours[129])
	}
	complete(`{"completed":true,"timezone":"America/New_York"}`) // 04:00 there: hour 124
	st, _ = store.NextStats(t.Context(), "alice", now)
	if st.Hours[124] < 0.999 || st.Hours[124] > 1.001 || st.Hours[129] > 1.001 {
		t.Errorf("hours 124 and 129 count %v and %v, want 1 and 1 (the request's zone first)", st.Hours[124], st.Hours[129])
	}
}

// goal_id links a task to one of the caller's goals, on create and by PATCH (null
// unlinks): a malformed id is 400, a goal that does not exist, or is another user's, is
// 404, both naming goal_id; nothing is written then.
func TestATaskLinksToOneOfTheUsersGoals(t *testing.T) {
	h := newHandler(t)
	status, body := do(t, h, call{"POST", "/goals", `{"title":"Run a marathon","target_date":"2026-12-12"}`, "alice"})
	if status != 201 {
		t.Fatalf("goal: %d %v", status, body)
	}
	goal := body["goal"].(map[string]any)["id"].(string)
	_, body = do(t, h, call{"POST", "/goals", `{"title":"Bob's goal"}`, "bob"})
	bobs := body["goal"].(map[string]any)["id"].(string)

	status, body = do(t, h, call{"POST", "/tasks", `{"title":"Run 10 km","goal_id":"` + goal + `"}`, "alice"})
	if status != 201 || body["task"].(map[string]any)["goal_id"] != goal {
		t.Fatalf("create with her goal: %d %v, want 201 with goal_id %s", status, body, goal)
	}
	id := body["task"].(map[string]any)["id"].(string)
	status, body = do(t, h, call{"POST", "/tasks", `{"title":"Plain"}`, "alice"})
	if _, has := body["task"].(map[string]any)["goal_id"]; status != 201 || has {
		t.Errorf("a task without a goal: %d %v, want no goal_id", status, body)
	}
	for _, tt := range []struct {
		name       string
		c          call
		status     int
		code, text string
	}{
		{"an unknown goal", call{"POST", "/tasks", `{"title":"x","goal_id":"01NOSUCHGOAL"}`, "alice"}, 404, "not_found", `goal_id: you have no goal "01NOSUCHGOAL"`},
		{"another user's goal", call{"POST", "/tasks", `{"title":"x","goal_id":"` + bobs + `"}`, "alice"}, 404, "not_found", "goal_id: you have no goal"},
		{"an empty goal id", call{"POST", "/tasks", `{"title":"x","goal_id":"  "}`, "alice"}, 400, "invalid_request", "goal_id: cannot be empty"},
		{"a goal id with spaces", call{"POST", "/tasks", `{"title":"x","goal_id":"a b"}`, "alice"}, 400, "invalid_request", "goal_id:"},
		{"a goal id that is not a string", call{"POST", "/tasks", `{"title":"x","goal_id":7}`, "alice"}, 400, "invalid_request", ""},
		{"PATCH to another user's goal", call{"PATCH", "/tasks/" + id, `{"goal_id":"` + bobs + `"}`, "alice"}, 404, "not_found", "goal_id: you have no goal"},
		{"PATCH to an empty id", call{"PATCH", "/tasks/" + id, `{"goal_id":""}`, "alice"}, 400, "invalid_request", "goal_id: cannot be empty"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, body := do(t, h, tt.c)
			code, msg := errorOf(body)
			if status != tt.status || code != tt.code || !strings.Contains(msg, tt.text) {
				t.Errorf("%d %s %q, want %d %s containing %q", status, code, msg, tt.status, tt.code, tt.text)
			}
		})
	}
	// Nothing was created by the refused requests: the today view has the two tasks.
	_, body = do(t, h, call{"GET", "/tasks/today?timezone=UTC", "", "alice"})
	if n := len(body["tasks"].([]any)); n != 2 {
		t.Errorf("%d tasks after the refusals, want 2", n)
	}
	// The refused PATCH left the goal; null unlinks it.
	status, body = do(t, h, call{"PATCH", "/tasks/" + id, `{"goal_id":null}`, "alice"})
	task := body["task"].(map[string]any)
	if _, has := task["goal_id"]; status != 200 || has || task["version"] != 2.0 {
		t.Errorf("unlink: %d %v, want 200 without goal_id at version 2 (the refused PATCH changed nothing)", status, body)
	}
	status, body = do(t, h, call{"PATCH", "/tasks/" + id, `{"goal_id":"` + goal + `"}`, "alice"})
	if status != 200 || body["task"].(map[string]any)["goal_id"] != goal {
		t.Errorf("relink: %d %v", status, body)
	}
}
