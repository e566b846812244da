package execute_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/execute"
	"github.com/lucian-app/phase12/shared/intent"
	"github.com/lucian-app/phase12/shared/tasks"
)

// taskOf reads the task an execution answered with.
func taskOf(t *testing.T, r execute.Response) tasks.Task {
	t.Helper()
	var body struct {
		Result struct {
			Task tasks.Task `json:"task"`
		} `json:"result"`
	}
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatalf("body %s: %v", r.Body, err)
	}
	return body.Result.Task
}

func text(s, tz string) execute.Request { return execute.Request{Text: s, Timezone: tz} }

func structured(in intent.Intent, tz string) execute.Request {
	return execute.Request{Intent: &in, Timezone: tz}
}

// runner executes for alice and fails the test on an error.
func runner(t *testing.T, e *execute.Engine) func(key string, req execute.Request) execute.Response {
	return func(key string, req execute.Request) execute.Response {
		t.Helper()
		r, err := e.Execute(context.Background(), "alice", key, req)
		if err != nil {
			t.Fatalf("execute %s: %v", key, err)
		}
		return r
	}
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

// Completing a repeating task moves it to its next occurrence instead of
// closing it (issue 15, point 2): once per key, said in the audit, and
// today_load shows it on its new day.
func TestCompletingARepeatingTaskMovesItToItsNextOccurrence(t *testing.T) {
	e, _, store := newEngine(t, dynamotest.New(t)) // Saturday 28 November 2026, 10:00 in Berlin
	ctx := context.Background()
	run := runner(t, e)
	berlin, _ := time.LoadLocation("Europe/Berlin")
	created := taskOf(t, run("k1", text("water plants every monday 9am @garden", "Europe/Berlin")))
	if deref(created.Due) != "2026-11-30T09:00:00+01:00" || deref(created.Recurrence) != "FREQ=WEEKLY;BYDAY=MO" ||
		!reflect.DeepEqual(created.Labels, []string{"garden"}) {
		t.Fatalf("created %+v (due %s, recurrence %s), want Monday 30 Nov 09:00, weekly on Mondays, @garden",
			created, deref(created.Due), deref(created.Recurrence))
	}
	first := run("k2", text("done water plants", "Europe/Berlin"))
	moved := taskOf(t, first)
	if first.Status != 200 || moved.Completed || deref(moved.Due) != "2026-12-07T09:00:00+01:00" || moved.Version != 2 {
		t.Fatalf("completed: %d %s, want 200 and the task open, due Monday 7 Dec 09:00, version 2", first.Status, first.Body)
	}
	// The same key replays; the task moves once.
	again := run("k2", text("done water plants", "Europe/Berlin"))
	if !again.Replayed || string(again.Body) != string(first.Body) {
		t.Errorf("replay: %s (replayed %v), want the stored body", again.Body, again.Replayed)
	}
	if got, _ := store.GetTask(ctx, "alice", created.ID); got.Version != 2 {
		t.Errorf("after the replay the task is at version %d, want 2", got.Version)
	}
	entries, err := store.ListAudit(ctx, "alice", 10)
	if err != nil {
		t.Fatal(err)
	}
	if en := entries[1]; en.IdempotencyKey != "k2" || en.Outcome != execute.OutcomeExecuted ||
		en.Detail != "recurring: moved to its next occurrence 2026-12-07T09:00:00+01:00" {
		t.Errorf("audit entry %+v, want k2 executed with the move in its detail", en)
	}
	// today_load: not on Monday 30 November any more, but on 7 December.
	page := tasks.Page{Limit: 10}
	on := func(day int) []tasks.Task {
		list, _, err := store.TodayTasks(ctx, "alice", tasks.TodayWindowAt(berlin, time.Date(2026, 11, day, 12, 0, 0, 0, berlin)), page)
		if err != nil {
			t.Fatal(err)
		}
		return list
	}
	if len(on(30)) != 0 {
		t.Errorf("today_load on 30 Nov lists %+v, want nothing: the task moved on", on(30))
	}
	dec7, _, _ := store.TodayTasks(ctx, "alice", tasks.TodayWindowAt(berlin, time.Date(2026, 12, 7, 12, 0, 0, 0, berlin)), page)
	if len(dec7) != 1 || dec7[0].ID != created.ID {
		t.Errorf("today_load on 7 Dec lists %+v, want the task", dec7)
	}
	// Completed early again, it moves past its own day, not to it.
	third := taskOf(t, run("k3", text("done water plants", "Europe/Berlin")))
	if deref(third.Due) != "2026-12-14T09:00:00+01:00" {
		t.Errorf("second completion: due %s, want Monday 14 Dec 09:00", deref(third.Due))
	}
	// A series that has ended closes the task, and the audit says so.
	trial := intent.Intent{Type: intent.CreateTask, Title: "trial", Due: "2026-11-28", Recurrence: "FREQ=DAILY;UNTIL=20261128T235959Z"}
	run("k4", structured(trial, ""))
	closed := taskOf(t, run("k5", structured(intent.Intent{Type: intent.CompleteTask, TaskRef: "trial"}, "Europe/Berlin")))
	if !closed.Completed {
		t.Errorf("a task whose series ended: %+v, want it completed", closed)
	}
	if entries, _ := store.ListAudit(ctx, "alice", 1); entries[0].Detail != "recurring: the series has ended; completed" {
		t.Errorf("audit detail %q, want the series' end", entries[0].Detail)
	}
}

// rename_task, set_priority, move_task and push (a shift) edit the task
// through the same transaction, each a new version (issue 15, point 4).
func TestEditIntentsChangeTheTaskOnce(t *testing.T) {
	e, _, store := newEngine(t, dynamotest.New(t))
	ctx := context.Background()
	run := runner(t, e)
	run("c", structured(intent.Intent{Type: intent.CreateTask, Title: "buy milk", Due: "2026-11-30"}, ""))
	steps := []struct {
		key  string
		req  execute.Request
		want func(tasks.Task) bool
	}{
		{"p", text("set priority of buy milk to p1", "UTC"), func(t tasks.Task) bool { return t.Priority == 1 }},
		{"m", text("move buy milk to #groceries", "UTC"), func(t tasks.Task) bool { return deref(t.Project) == "groceries" }},
		{"r", text("rename buy milk to buy oat milk", "UTC"), func(t tasks.Task) bool { return t.Title == "buy oat milk" }},
		{"s", text("push buy oat milk by 2 days", "UTC"), func(t tasks.Task) bool { return deref(t.Due) == "2026-12-02" }},
		{"w", structured(intent.Intent{Type: intent.RescheduleTask, TaskRef: "oat milk", Shift: "P1W"}, ""), func(t tasks.Task) bool {
			return deref(t.Due) == "2026-12-09"
		}},
		{"d", text("verschiebe oat milk auf Freitag", "Europe/Berlin"), func(t tasks.Task) bool { return false }},
	}
	steps[5].req.Locale = "de"
	steps[5].want = func(t tasks.Task) bool { return deref(t.Due) == "2026-12-04" }
	for i, s := range steps {
		r := run(s.key, s.req)
		got := taskOf(t, r)
		if r.Status != 200 || !s.want(got) || got.Version != i+2 {
			t.Errorf("%s: %d %s, want the change at version %d", s.key, r.Status, r.Body, i+2)
		}
		if again, err := e.Execute(ctx, "alice", s.key, s.req); err != nil || !again.Replayed || string(again.Body) != string(r.Body) {
			t.Errorf("%s replay: %s %v, want the stored body", s.key, again.Body, err)
		}
	}
	final, _ := store.OpenTasks(ctx, "alice")
	if len(final) != 1 || final[0].Version != 7 || final[0].Priority != 1 || deref(final[0].Project) != "groceries" {
		t.Errorf("open copy %+v, want every change once (version 7)", final)
	}
	if _, err := e.Execute(ctx, "alice", "bad", structured(intent.Intent{Type: intent.MoveTask, TaskRef: "oat milk", Project: "#"}, "")); apperr.CodeOf(err) != apperr.InvalidRequest ||
		!strings.Contains(err.Error(), "intent.project") {
		t.Errorf("a move without a project: %v, want 400 naming intent.project", err)
	}
}

// query_tasks answers the tasks in its range and writes nothing but its
// audit entry: no effect, no execution record (issue 15, point 4).
func TestQueryTasksReadsAndWritesOnlyItsAuditEntry(t *testing.T) {
	db := dynamotest.Count(dynamotest.New(t))
	e, _, store := newEngine(t, db) // Saturday 28 November 2026, 10:00 in Berlin; the week ends Sunday 29
	ctx := context.Background()
	run := runner(t, e)
	at := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	for i, due := range []string{"2026-11-27", "2026-11-28", "2026-11-28T15:00:00+01:00", "2026-11-29", "2026-12-03", ""} {
		nt := tasks.NewTask{Title: "t" + string(rune('0'+i))}
		if due != "" {
			nt.Due = &due
		}
		task, err := tasks.BuildTask(nt, "id"+string(rune('0'+i)), at)
		if err != nil {
			t.Fatal(err)
		}
		if err := store.CreateTask(ctx, "alice", task); err != nil {
			t.Fatal(err)
		}
	}
	titles := func(r execute.Response) []string {
		var body struct {
			Result struct {
				Range string       `json:"range"`
				Tasks []tasks.Task `json:"tasks"`
				More  int          `json:"more"`
			} `json:"result"`
		}
		if err := json.Unmarshal(r.Body, &body); err != nil {
			t.Fatal(err)
		}
		out := []string{}
		for _, tk := range body.Result.Tasks {
			out = append(out, tk.Title)
		}
		return out
	}
	for _, c := range []struct {
		text string
		want []string
	}{
		{"what's due today", []string{"t1", "t2"}},
		{"what's overdue", []string{"t0"}},
		{"what's due tomorrow", []string{"t3"}},
		{"what's due this week", []string{"t1", "t2", "t3"}},
	} {
		db.Reset()
		r := run("q-"+c.text, text(c.text, "Europe/Berlin"))
		if got := titles(r); r.Status != 200 || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: %d %v, want 200 %v", c.text, r.Status, got, c.want)
		}
		// The key's record is looked up, the open tasks read, the audit entry written.
		if db.Calls("") != 3 || db.Calls("TransactWriteItems") != 0 || db.Calls("PutItem") != 1 {
			t.Errorf("%q: %d calls (%d transactions, %d puts), want 3: a read of the key, a query, the audit entry",
				c.text, db.Calls(""), db.Calls("TransactWriteItems"), db.Calls("PutItem"))
		}
	}
	// Asking again reads again: nothing was stored to replay.
	r := run("q-what's due today", text("what's due today", "Europe/Berlin"))
	if r.Replayed {
		t.Errorf("a second query under its key was replayed, want it read again")
	}
	if _, ok, _ := store.Execution(ctx, "alice", "q-what's due today"); ok {
		t.Errorf("a query left an execution record")
	}
	entries, _ := store.ListAudit(ctx, "alice", 1)
	if entries[0].Type != intent.QueryTasks || entries[0].Outcome != execute.OutcomeExecuted || entries[0].Status != 200 {
		t.Errorf("audit entry %+v, want query_tasks executed 200", entries[0])
	}
	// A query needs its zone; a key used for another request is refused.
	q := structured(intent.Intent{Type: intent.QueryTasks, Range: "today"}, "")
	if _, err := e.Execute(ctx, "alice", "q-nozone", q); apperr.CodeOf(err) != apperr.InvalidRequest || !strings.Contains(err.Error(), "timezone") {
		t.Errorf("a query without a timezone: %v, want 400 naming timezone", err)
	}
	if _, err := e.Preview(ctx, "alice", q); apperr.CodeOf(err) != apperr.InvalidRequest {
		t.Errorf("a query preview without a timezone: %v, want 400", err)
	}
	run("used", createTask("x"))
	q.Timezone = "UTC"
	if _, err := e.Execute(ctx, "alice", "used", q); apperr.CodeOf(err) != apperr.IdempotencyKeyReused {
		t.Errorf("a query under a key used for a creation: %v, want 422", err)
	}
}

// A text preview names the parts it understood, in the user's language,
// and reads numeric dates in the date order asked for (points 1, 5, 6).
func TestPreviewReadsLocaleAndShowsEntities(t *testing.T) {
	e, _, _ := newEngine(t, dynamotest.New(t))
	ctx := context.Background()
	run := runner(t, e)
	ref := time.Date(2026, 12, 1, 10, 0, 0, 0, time.FixedZone("", 3600))
	req := execute.Request{Text: "Zahnarzt morgen um 9 Uhr @privat", Timezone: "Europe/Berlin", Locale: "de-DE", ReferenceTime: &ref}
	p, err := e.Preview(ctx, "alice", req)
	if err != nil {
		t.Fatal(err)
	}
	want := []intent.Entity{{Kind: "date", Text: "morgen", Start: 9, End: 15}, {Kind: "time", Text: "um 9 Uhr", Start: 16, End: 24},
		{Kind: "label", Text: "@privat", Start: 25, End: 32}}
	if p.Intent.Due != "2026-12-02T09:00:00+01:00" || p.Intent.Title != "Zahnarzt" || !reflect.DeepEqual(p.Entities, want) {
		t.Errorf("preview %+v, want Zahnarzt due 2 Dec 09:00 with entities %+v", p, want)
	}
	dmy := execute.Request{Text: "dentist 03/04", Timezone: "Europe/Berlin", DateOrder: "dmy", ReferenceTime: &ref}
	if p, err := e.Preview(ctx, "alice", dmy); err != nil || p.Intent.Due != "2027-04-03" || len(p.Warnings) != 1 {
		t.Errorf("date_order DMY: %+v %v, want 3 April with a warning", p, err)
	}
	gb := execute.Request{Text: "dentist 03/04", Timezone: "Europe/London", Locale: "en-GB", ReferenceTime: &ref}
	if p, err := e.Preview(ctx, "alice", gb); err != nil || p.Intent.Due != "2027-04-03" {
		t.Errorf("en-GB: %+v %v, want day first", p, err)
	}
	for _, bad := range []struct {
		req  execute.Request
		want string
	}{
		{execute.Request{Text: "x", Timezone: "UTC", Locale: "fr"}, `locale: language "fr" is not supported (en or de)`},
		{execute.Request{Text: "x", Timezone: "UTC", Locale: "english please"}, `locale: "english please" is not a locale tag`},
		{execute.Request{Text: "x", Timezone: "UTC", DateOrder: "DDMM"}, `date_order: must be DMY, MDY or YMD, not "DDMM"`},
		{execute.Request{Intent: &intent.Intent{Type: intent.CreateTask, Title: "x"}, Timezone: "Mars/Base"}, "timezone: unknown time zone"},
	} {
		if _, err := e.Preview(ctx, "alice", bad.req); apperr.CodeOf(err) != apperr.InvalidRequest || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("preview %+v: %v, want 400 containing %q", bad.req, err, bad.want)
		}
	}
	// The locale is part of a text request: the same key with another locale is another request.
	run("loc", execute.Request{Text: "Bericht morgen", Timezone: "UTC"})
	if _, err := e.Execute(ctx, "alice", "loc", execute.Request{Text: "Bericht morgen", Timezone: "UTC", Locale: "de"}); apperr.CodeOf(err) != apperr.IdempotencyKeyReused {
		t.Errorf("the same text in another locale under the same key: %v, want 422", err)
	}
	// A structured intent's preview has no entities, but a list.
	if p, err := e.Preview(ctx, "alice", createTask("x")); err != nil || p.Entities == nil || len(p.Entities) != 0 {
		t.Errorf("structured preview entities %v (%v), want []", p.Entities, err)
	}
}
