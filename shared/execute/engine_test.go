package execute_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/appstore"
	"github.com/lucian-app/phase12/shared/clock"
	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/execute"
	"github.com/lucian-app/phase12/shared/execute/executetest"
	"github.com/lucian-app/phase12/shared/ids"
	"github.com/lucian-app/phase12/shared/intent"
	"github.com/lucian-app/phase12/shared/undo/undotest"
)

func newEngine(t testing.TB, db dynamo.API) (*execute.Engine, *clock.Manual, *appstore.Store) {
	t.Helper()
	clk := clock.NewManual(time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC))
	store := appstore.New(db, dynamotest.AppTable)
	return &execute.Engine{Store: store, Now: clk.Now, NewID: ids.New(clk.Now, nil), UndoEnabled: true,
		UndoWindow: 30 * time.Second}, clk, store
}

func createTask(title string) execute.Request {
	return execute.Request{Intent: &intent.Intent{Type: intent.CreateTask, Title: title}}
}

func TestFirstExecutionIsOneCallAndReplayAtMostTwo(t *testing.T) {
	db := dynamotest.Count(dynamotest.New(t))
	e, _, _ := newEngine(t, db)
	ctx := context.Background()
	for _, req := range []execute.Request{createTask("Buy milk"), {Text: "new goal run a marathon by june 30", Timezone: "Europe/Berlin"}} {
		db.Reset()
		first, err := e.Execute(ctx, "alice", "key-"+req.Text, req)
		if err != nil {
			t.Fatal(err)
		}
		if got := db.Calls(""); got != 1 || db.Calls("TransactWriteItems") != 1 {
			t.Errorf("first execution: %d DynamoDB calls, want exactly 1 TransactWriteItems", got)
		}
		db.Reset()
		again, err := e.Execute(ctx, "alice", "key-"+req.Text, req)
		if err != nil {
			t.Fatal(err)
		}
		if got := db.Calls(""); got != 2 {
			t.Errorf("replay: %d DynamoDB calls, want 2 (the cancelled transaction, the audit entry)", got)
		}
		if !again.Replayed || again.Status != first.Status || string(again.Body) != string(first.Body) {
			t.Errorf("replay = %d %s (replayed %v), want the stored %d %s", again.Status, again.Body, again.Replayed, first.Status, first.Body)
		}
	}
}

// TestTwinsOfEveryIntentTypeExecuteOnce on the embedded store, 5 rounds: the fast check. The
// claim's proof is the contract tier's 20 rounds on DynamoDB Local, which runs the twins at
// once (the embedded store takes a global lock, and 20 rounds here took 2 to 10 minutes on a
// loaded 2-core machine, a third of the unit tier).
func TestTwinsOfEveryIntentTypeExecuteOnce(t *testing.T) {
	db := dynamotest.New(t)
	e, _, store := newEngine(t, db)
	executetest.RunTwins(t, e, store, 5)
}

func TestSameKeyDifferentRequestIs422(t *testing.T) {
	e, _, store := newEngine(t, dynamotest.New(t))
	ctx := context.Background()
	if _, err := e.Execute(ctx, "alice", "k1", createTask("Buy milk")); err != nil {
		t.Fatal(err)
	}
	_, err := e.Execute(ctx, "alice", "k1", createTask("Buy bread"))
	if code := apperr.CodeOf(err); code != apperr.IdempotencyKeyReused {
		t.Fatalf("code = %q (err %v), want idempotency_key_reused", code, err)
	}
	// Keys are scoped per user: bob's k1 is a new execution.
	r, err := e.Execute(ctx, "bob", "k1", createTask("Buy bread"))
	if err != nil || r.Replayed || r.Status != 201 {
		t.Errorf("bob's k1: %+v %v, want a fresh 201", r, err)
	}
	if list, _ := store.ListTasks(ctx, "alice", false); len(list) != 1 {
		t.Errorf("alice has %d tasks, want 1", len(list))
	}
}

func TestKeyIsFreeAfterItsWindow(t *testing.T) {
	e, clk, store := newEngine(t, dynamotest.New(t))
	ctx := context.Background()
	if _, err := e.Execute(ctx, "alice", "k1", createTask("Buy milk")); err != nil {
		t.Fatal(err)
	}
	clk.Add(execute.IdempotencyWindow + time.Second)
	r, err := e.Execute(ctx, "alice", "k1", createTask("Buy bread"))
	if err != nil || r.Replayed {
		t.Fatalf("after 24 h: %+v %v, want a new execution", r, err)
	}
	if list, _ := store.ListTasks(ctx, "alice", false); len(list) != 2 {
		t.Errorf("tasks = %d, want 2", len(list))
	}
}

func TestMissingAndLongKeys(t *testing.T) {
	e, _, _ := newEngine(t, dynamotest.New(t))
	ctx := context.Background()
	if _, err := e.Execute(ctx, "alice", " ", createTask("x")); apperr.CodeOf(err) != apperr.IdempotencyKeyMissing {
		t.Errorf("blank key: %v, want idempotency_key_missing", err)
	}
	long := make([]byte, 256)
	for i := range long {
		long[i] = 'k'
	}
	if _, err := e.Execute(ctx, "alice", string(long), createTask("x")); apperr.CodeOf(err) != apperr.InvalidRequest {
		t.Errorf("256-char key: %v, want invalid_request", err)
	}
}

func confirmationToken(t *testing.T, err error) string {
	t.Helper()
	var ae *apperr.Error
	if e, ok := err.(*apperr.Error); ok {
		ae = e
	}
	if ae == nil || ae.Code != apperr.ConfirmationRequired {
		t.Fatalf("err = %v, want confirmation_required", err)
	}
	return ae.Extra["confirmation"].(map[string]any)["token"].(string)
}

func TestConfirmGate(t *testing.T) {
	e, clk, store := newEngine(t, dynamotest.New(t))
	ctx := context.Background()
	for _, title := range []string{"old draft", "tax return"} {
		if _, err := e.Execute(ctx, "alice", "create-"+title, createTask(title)); err != nil {
			t.Fatal(err)
		}
	}
	del := func(ref, token string) execute.Request {
		return execute.Request{Intent: &intent.Intent{Type: intent.DeleteTask, TaskRef: ref}, ConfirmationToken: token}
	}
	_, err := e.Execute(ctx, "alice", "del-1", del("old draft", ""))
	token := confirmationToken(t, err)

	// A 428 does not consume the key; a token for another intent, or of
	// another user, does not confirm.
	if _, err := e.Execute(ctx, "alice", "del-1", del("tax return", token)); apperr.CodeOf(err) != apperr.ConfirmationRequired {
		t.Errorf("token of another intent: %v, want 428", err)
	}
	if _, err := e.Execute(ctx, "bob", "bob-create", createTask("old draft")); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Execute(ctx, "bob", "del-1", del("old draft", token)); apperr.CodeOf(err) != apperr.ConfirmationRequired {
		t.Errorf("bob with alice's token for the same intent: %v, want 428", err)
	}
	if _, err := e.Execute(ctx, "alice", "del-1", del("old draft", "forged-token")); apperr.CodeOf(err) != apperr.ConfirmationRequired {
		t.Errorf("forged token: %v, want 428", err)
	}
	r, err := e.Execute(ctx, "alice", "del-1", del("old draft", token))
	if err != nil || r.Status != 200 {
		t.Fatalf("confirmed delete: %+v %v", r, err)
	}
	var body struct {
		Result struct {
			Deleted map[string]string `json:"deleted"`
		} `json:"result"`
		Undo any `json:"undo"`
	}
	_ = json.Unmarshal(r.Body, &body)
	if body.Result.Deleted["type"] != "task" || body.Undo != nil {
		t.Errorf("body = %s: a delete reports what it deleted and has no undo", r.Body)
	}
	// The same key replays; a used token under a new key is refused.
	if again, err := e.Execute(ctx, "alice", "del-1", del("old draft", token)); err != nil || !again.Replayed {
		t.Errorf("replay of the confirmed delete: %+v %v", again, err)
	}
	if _, err := e.Execute(ctx, "alice", "create-x", createTask("old draft")); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Execute(ctx, "alice", "del-2", del("old draft", token)); apperr.CodeOf(err) != apperr.ConfirmationRequired {
		t.Errorf("used token: %v, want 428", err)
	}
	// A token is good for five minutes.
	_, err = e.Execute(ctx, "alice", "del-3", del("old draft", ""))
	late := confirmationToken(t, err)
	clk.Add(execute.ConfirmationWindow + time.Second)
	if _, err := e.Execute(ctx, "alice", "del-3", del("old draft", late)); apperr.CodeOf(err) != apperr.ConfirmationRequired {
		t.Errorf("expired token: %v, want 428", err)
	}
	if list, _ := store.ListTasks(ctx, "alice", false); len(list) != 2 {
		t.Errorf("alice has %d tasks, want 2 (tax return, the new old draft)", len(list))
	}
}

func TestReferenceResolution(t *testing.T) {
	e, _, _ := newEngine(t, dynamotest.New(t))
	ctx := context.Background()
	for i, title := range []string{"Call mom", "Call dentist", "Buy milk"} {
		if _, err := e.Execute(ctx, "alice", "c"+string(rune('0'+i)), createTask(title)); err != nil {
			t.Fatal(err)
		}
	}
	complete := func(ref string) execute.Request {
		return execute.Request{Intent: &intent.Intent{Type: intent.CompleteTask, TaskRef: ref}}
	}
	_, err := e.Execute(ctx, "alice", "d1", complete("call"))
	if ae, ok := err.(*apperr.Error); !ok || ae.Code != apperr.Conflict || reflect.ValueOf(ae.Extra["candidates"]).Len() != 2 {
		t.Errorf("ambiguous: %v, want 409 with two candidates", err)
	}
	if _, err := e.Execute(ctx, "alice", "d2", complete("walk dog")); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("no match: %v, want 404", err)
	}
	r, err := e.Execute(ctx, "alice", "d3", execute.Request{Text: "done buy milk", Timezone: "UTC"})
	if err != nil || r.Status != 200 {
		t.Fatalf("done buy milk: %+v %v", r, err)
	}
	var body struct {
		Result struct {
			Task struct {
				Completed bool `json:"completed"`
				Version   int  `json:"version"`
			} `json:"task"`
		} `json:"result"`
	}
	if err := json.Unmarshal(r.Body, &body); err != nil || !body.Result.Task.Completed || body.Result.Task.Version != 2 {
		t.Errorf("completed task = %s", r.Body)
	}
}

func TestConfirmationConfirmsTheItemShown(t *testing.T) {
	e, _, store := newEngine(t, dynamotest.New(t))
	executetest.RunConfirmationBinding(t, e, store)
}

// An ambiguous title lists at most 10 candidates and says how many more
// matched; titles are matched among open tasks only.
func TestAmbiguousReferenceListsTenCandidates(t *testing.T) {
	e, _, store := newEngine(t, dynamotest.New(t))
	ctx := context.Background()
	for i := range 14 {
		if _, err := e.Execute(ctx, "alice", fmt.Sprint("c", i), createTask(fmt.Sprint("report ", i))); err != nil {
			t.Fatal(err)
		}
	}
	_, err := e.Execute(ctx, "alice", "x", execute.Request{Intent: &intent.Intent{Type: intent.CompleteTask, TaskRef: "report"}})
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Code != apperr.Conflict || reflect.ValueOf(ae.Extra["candidates"]).Len() != execute.MaxCandidates ||
		ae.Extra["more_candidates"] != 4 || !strings.Contains(ae.Message, "14 tasks match") {
		t.Fatalf("14 matches: %v %+v, want 409 with 10 candidates, more_candidates 4 and the count", err, ae)
	}
	// A completed task no longer answers to its title.
	open, _ := store.OpenTasks(ctx, "alice")
	for _, tk := range open[:13] {
		done := tk
		done.Completed, done.Version = true, tk.Version+1
		if err := store.ReplaceTask(ctx, "alice", tk, done); err != nil {
			t.Fatal(err)
		}
	}
	r, err := e.Execute(ctx, "alice", "y", execute.Request{Intent: &intent.Intent{Type: intent.CompleteTask, TaskRef: "report"}})
	if err != nil || r.Status != 200 {
		t.Errorf("one open match among 13 completed: %+v %v, want it completed", r, err)
	}
}

// Creating past a quota is 409 quota_exceeded through execute-intent as
// through POST /tasks; undo gives the room back.
func TestQuotasHoldThroughExecuteAndUndo(t *testing.T) {
	db := dynamotest.New(t)
	store := appstore.New(db, dynamotest.AppTable)
	store.MaxOpenTasks, store.MaxGoals = 2, 1
	f := undotest.New(t, store)
	ctx := context.Background()
	tok, _ := f.CreateTask(t, "q1", "one")
	f.CreateTask(t, "q2", "two")
	_, err := f.Engine.Execute(ctx, "alice", "q3", createTask("three"))
	if apperr.CodeOf(err) != apperr.QuotaExceeded || !strings.Contains(err.Error(), "2 open tasks") {
		t.Fatalf("a third open task past a quota of 2: %v, want quota_exceeded naming it", err)
	}
	if _, err := f.Undo.Undo(ctx, "alice", tok); err != nil {
		t.Fatal(err)
	}
	if r, err := f.Engine.Execute(ctx, "alice", "q4", createTask("three")); err != nil || r.Status != 201 {
		t.Errorf("after an undo: %+v %v, want room for one more", r, err)
	}
	if open, _ := store.OpenTasks(ctx, "alice"); len(open) != 2 {
		t.Errorf("%d open copies, want 2 (the undone task's copy went with it)", len(open))
	}
	goal := execute.Request{Intent: &intent.Intent{Type: intent.CreateGoal, Title: "g"}}
	if _, err := f.Engine.Execute(ctx, "alice", "g1", goal); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Engine.Execute(ctx, "alice", "g2", goal); apperr.CodeOf(err) != apperr.QuotaExceeded {
		t.Errorf("a second goal past a quota of 1: %v, want quota_exceeded", err)
	}
}
