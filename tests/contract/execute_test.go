//go:build contract

package contract

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/appstore"
	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/execute"
	"github.com/lucian-app/phase12/shared/execute/executetest"
	"github.com/lucian-app/phase12/shared/httpapi/httpapitest"
	"github.com/lucian-app/phase12/shared/intent"
	"github.com/lucian-app/phase12/shared/tasks"
	"github.com/lucian-app/phase12/shared/undo"
	"github.com/lucian-app/phase12/shared/undo/undotest"
)

func createTask(title string) execute.Request {
	return execute.Request{Intent: &intent.Intent{Type: intent.CreateTask, Title: title}}
}

func executionID(t *testing.T, body []byte) string {
	t.Helper()
	var b struct {
		ExecutionID string `json:"execution_id"`
	}
	if err := json.Unmarshal(body, &b); err != nil || b.ExecutionID == "" {
		t.Fatalf("no execution_id in %s", body)
	}
	return b.ExecutionID
}

// counted is a fixture whose DynamoDB calls are counted twice: per API
// call (SDK middleware) and per HTTP request (transport), so a retry shows
// as a difference between the two.
func counted(t *testing.T) (*undotest.Fixture, *dynamotest.CallCounter, *dynamotest.TransportCounter) {
	t.Helper()
	calls, wire := dynamotest.NewCallCounter(), dynamotest.NewTransportCounter(nil)
	db, table := newDynamo(t, calls.Option, func(o *dynamodb.Options) { o.HTTPClient = wire.Client() })
	return undotest.New(t, appstore.New(db, table)), calls, wire
}

// wantCalls checks both counts: n API calls, n HTTP requests, ops as given.
func wantCalls(t *testing.T, what string, calls *dynamotest.CallCounter, wire *dynamotest.TransportCounter, ops map[string]int) {
	t.Helper()
	n := 0
	for op, want := range ops {
		n += want
		if got := calls.Calls(op); got != want {
			t.Errorf("%s: %d %s calls, want %d", what, got, op, want)
		}
		if got := wire.Calls(op); got != want {
			t.Errorf("%s: %d %s requests on the wire, want %d", what, got, op, want)
		}
	}
	if calls.Calls("") != n || wire.Calls("") != n {
		t.Errorf("%s: %d calls, %d requests, want %d of each (%v)", what, calls.Calls(""), wire.Calls(""), n, ops)
	}
	calls.Reset()
	wire.Reset()
}

func TestExecuteCallsCountedOverTheWire(t *testing.T) {
	f, calls, wire := counted(t)
	ctx := context.Background()
	for _, req := range []execute.Request{createTask("Buy milk"),
		{Intent: &intent.Intent{Type: intent.CreateGoal, Title: "Run a marathon"}},
		{Text: "add call mom tomorrow 9am p2", Timezone: "Europe/Berlin"}} {
		key := "count-" + req.Text
		if req.Intent != nil {
			key += req.Intent.Title
		}
		calls.Reset()
		wire.Reset()
		first, err := f.Engine.Execute(ctx, "alice", key, req)
		if err != nil {
			t.Fatal(err)
		}
		wantCalls(t, "first execution of "+key, calls, wire, map[string]int{"TransactWriteItems": 1})
		again, err := f.Engine.Execute(ctx, "alice", key, req)
		if err != nil || !again.Replayed || string(again.Body) != string(first.Body) {
			t.Fatalf("replay: %+v %v", again, err)
		}
		// The cancelled transaction carries the stored response; the audit entry is the second call.
		wantCalls(t, "replay of "+key, calls, wire, map[string]int{"TransactWriteItems": 1, "PutItem": 1})
	}
}

// Undo is one transaction whatever its outcome, per SDK call and per
// HTTP request.
func TestUndoIsOneCallForEveryOutcome(t *testing.T) {
	f, calls, wire := counted(t)
	undotest.RunOneCallPerOutcome(t, f, calls, wire)
}

// On DynamoDB Local twins really overlap. The transport counts how many
// of their transactions DynamoDB Local cancelled with TransactionConflict
// (logged for docs/benchmarks.md; the engine's answer must not depend on
// it, and the fault tests inject it).
func TestTwinsOfEveryIntentTypeOnDynamoDBLocal(t *testing.T) {
	wire := dynamotest.NewTransportCounter(nil)
	db, table := newDynamo(t, func(o *dynamodb.Options) { o.HTTPClient = wire.Client() })
	store := appstore.New(db, table)
	executetest.RunTwins(t, undotest.New(t, store).Engine, store, 20)
	t.Logf("%d TransactWriteItems requests, %d of them cancelled with TransactionConflict",
		wire.Calls("TransactWriteItems"), wire.Conflicts.Calls("TransactWriteItems"))
}

func TestConfirmationConfirmsTheItemShownOnDynamoDBLocal(t *testing.T) {
	db, table := newDynamo(t)
	store := appstore.New(db, table)
	executetest.RunConfirmationBinding(t, undotest.New(t, store).Engine, store)
}

func TestUndoOnDynamoDBLocal(t *testing.T) {
	undotest.RunOutcomes(t, func() *appstore.Store {
		db, table := newDynamo(t)
		return appstore.New(db, table)
	})
	db, table := newDynamo(t)
	undotest.RunRaces(t, appstore.New(db, table))
}

// faultyEngine is an engine whose DynamoDB client goes through faults,
// counted at the transport so every attempt shows.
func faultyEngine(t *testing.T) (*undotest.Fixture, *faultTransport, *dynamotest.TransportCounter) {
	t.Helper()
	faults := newFaultTransport()
	wire := dynamotest.NewTransportCounter(faults)
	db, table := newDynamo(t, func(o *dynamodb.Options) { o.HTTPClient = wire.Client() })
	return undotest.New(t, appstore.New(db, table)), faults, wire
}

func TestLostResponseStillExecutesOnce(t *testing.T) {
	f, faults, wire := faultyEngine(t)
	ctx := context.Background()
	faults.dropReply("TransactWriteItems", 1)
	first, err := f.Engine.Execute(ctx, "alice", "lost", createTask("Buy milk"))
	if faults.dropped("TransactWriteItems") != 1 {
		t.Fatalf("the fault did not fire: %d replies dropped, want 1", faults.dropped("TransactWriteItems"))
	}
	// The SDK sent the transaction again after the lost reply.
	if got := wire.Calls("TransactWriteItems"); got < 2 {
		t.Errorf("%d TransactWriteItems requests, want the lost one and at least one retry", got)
	}
	// The SDK's retry carries the first attempt's ClientRequestToken, so
	// DynamoDB answers it as the same, already applied, transaction: 201.
	switch {
	case err == nil && first.Status != 201:
		t.Fatalf("first attempt: %d %s, want the 201 its lost reply carried", first.Status, first.Body)
	case err != nil && apperr.CodeOf(err) != apperr.DependencyUnavailable:
		t.Fatalf("first attempt: %v, want the stored 201 or 503", err)
	}
	retry, err := f.Engine.Execute(ctx, "alice", "lost", createTask("Buy milk"))
	if err != nil || !retry.Replayed || retry.Status != 201 {
		t.Fatalf("client retry: %+v %v, want the stored 201, replayed", retry, err)
	}
	if first.Body != nil && executionID(t, first.Body) != executionID(t, retry.Body) {
		t.Errorf("the retry answered another execution: %s vs %s", first.Body, retry.Body)
	}
	if list, _ := f.Store.ListTasks(ctx, "alice", false); len(list) != 1 {
		t.Errorf("tasks = %d, want exactly 1", len(list))
	}
	entries, _ := f.Store.ListAudit(ctx, "alice", 10)
	outcomes := map[string]int{}
	for _, e := range entries {
		outcomes[e.Outcome]++
	}
	if outcomes[execute.OutcomeExecuted] != 1 || outcomes[execute.OutcomeReplayed] < 1 {
		t.Errorf("audit outcomes %v, want 1 executed and the replays", outcomes)
	}
}

// executeHTTP runs one POST /intents/execute through the handler, as API
// Gateway would deliver it.
func executeHTTP(t *testing.T, e *execute.Engine, key, body string) *httptest.ResponseRecorder {
	t.Helper()
	r := httpapitest.NewRequest("POST", "/intents/execute", strings.NewReader(body), httpapitest.Claims("alice"))
	r.Header.Set("Idempotency-Key", key)
	w := httptest.NewRecorder()
	execute.Handler(e, slog.New(slog.NewTextHandler(io.Discard, nil))).ServeHTTP(w, r)
	return w
}

// want503 checks the answer to a dependency that did not recover: 503
// dependency_unavailable with Retry-After, never a 500.
func want503(t *testing.T, what string, w *httptest.ResponseRecorder) {
	t.Helper()
	var body struct {
		Error struct{ Code string } `json:"error"`
	}
	_ = json.Unmarshal(w.Body.Bytes(), &body)
	if w.Code != 503 || body.Error.Code != string(apperr.DependencyUnavailable) || w.Header().Get("Retry-After") == "" {
		t.Errorf("%s: %d %s (Retry-After %q), want 503 dependency_unavailable with Retry-After",
			what, w.Code, w.Body, w.Header().Get("Retry-After"))
	}
}

func TestTransactionConflictIsRetriedThenAnswered(t *testing.T) {
	f, faults, wire := faultyEngine(t)
	ctx := context.Background()
	faults.reply("TransactWriteItems", 2, 400, transactionConflictBody)
	r, err := f.Engine.Execute(ctx, "alice", "twin", createTask("Buy milk"))
	if err != nil || r.Status != 201 || r.Replayed {
		t.Fatalf("after two conflicts: %+v %v, want a 201", r, err)
	}
	if got := wire.Calls("TransactWriteItems"); got != 3 {
		t.Errorf("%d TransactWriteItems requests, want 3 (two conflicts, one commit)", got)
	}

	// A conflict that never clears while the twin's record is live: the
	// twin committed, so this request answers as its replay.
	faults.reply("TransactWriteItems", 100, 400, transactionConflictBody)
	again, err := f.Engine.Execute(ctx, "alice", "twin", createTask("Buy milk"))
	if err != nil || !again.Replayed || string(again.Body) != string(r.Body) {
		t.Errorf("conflicts with the twin's record live: %+v %v, want the twin's 201 replayed", again, err)
	}

	// A conflict that never clears, with no record to replay: 503.
	want503(t, "endless conflict", executeHTTP(t, f.Engine, "stuck", `{"intent":{"type":"create_task","title":"Buy bread"}}`))
	faults.reply("TransactWriteItems", 100, 400, transactionInProgressBody)
	want503(t, "TransactionInProgressException", executeHTTP(t, f.Engine, "in-progress", `{"intent":{"type":"create_task","title":"Buy eggs"}}`))
	faults.reply("TransactWriteItems", 0, 0, "")
	if list, _ := f.Store.ListTasks(ctx, "alice", false); len(list) != 1 {
		t.Errorf("tasks = %d, want still 1", len(list))
	}
}

// A transaction cancelled with ThrottlingError reasons is transient: the
// engine sends it again with backoff, then answers 503, never 500.
func TestThrottledTransactionIsRetriedThen503(t *testing.T) {
	f, faults, wire := faultyEngine(t)
	ctx := context.Background()
	var slept []time.Duration
	f.Store.Sleep = func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }
	faults.reply("TransactWriteItems", 2, 400, transactionThrottledBody)
	r, err := f.Engine.Execute(ctx, "alice", "throttled", createTask("Buy milk"))
	if err != nil || r.Status != 201 {
		t.Fatalf("after two throttled attempts: %+v %v, want a 201", r, err)
	}
	if got := wire.Calls("TransactWriteItems"); got != 3 || len(slept) != 2 || slept[1] <= slept[0]/2 {
		t.Errorf("%d TransactWriteItems requests, backoffs %v: want 3 requests and 2 growing backoffs", got, slept)
	}
	faults.reply("TransactWriteItems", 100, 400, transactionThrottledBody)
	want503(t, "endless throttling", executeHTTP(t, f.Engine, "throttled-forever", `{"intent":{"type":"create_task","title":"Buy bread"}}`))
	faults.reply("TransactWriteItems", 0, 0, "")
	if list, _ := f.Store.ListTasks(ctx, "alice", false); len(list) != 1 {
		t.Errorf("tasks = %d, want 1 (the throttled-forever request wrote nothing)", len(list))
	}
}

// Undo meets the same cancellations: retried, then 503 with Retry-After.
func TestUndoConflictAndThrottlingAreRetriedThen503(t *testing.T) {
	f, faults, wire := faultyEngine(t)
	ctx := context.Background()
	for i, body := range []string{transactionConflictBody, transactionThrottledBody} {
		token, id := f.CreateTask(t, fmt.Sprint("undo-", i), "Undo me")
		wire.Reset()
		faults.reply("TransactWriteItems", 2, 400, body)
		if res, err := f.Undo.Undo(ctx, "alice", token); err != nil || res.AlreadyUndone {
			t.Errorf("undo after two cancellations (%d): %+v %v, want undone", i, res, err)
		}
		if got := wire.Calls("TransactWriteItems"); got != 3 {
			t.Errorf("%d TransactWriteItems requests, want 3", got)
		}
		if _, err := f.Store.GetTask(ctx, "alice", id); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("task after undo: %v, want gone", err)
		}

		token, id = f.CreateTask(t, fmt.Sprint("undo-forever-", i), "Keep me")
		faults.reply("TransactWriteItems", 100, 400, body)
		r := httpapitest.NewRequest("POST", "/undo", strings.NewReader(`{"token":"`+token+`"}`), httpapitest.Claims("alice"))
		w := httptest.NewRecorder()
		undo.Handler(f.Undo, slog.New(slog.NewTextHandler(io.Discard, nil))).ServeHTTP(w, r)
		want503(t, "endless cancellations of an undo", w)
		faults.reply("TransactWriteItems", 0, 0, "")
		if _, err := f.Store.GetTask(ctx, "alice", id); err != nil {
			t.Errorf("task after a failed undo: %v, want it kept", err)
		}
	}
}

// A single-item write (an audit entry) that meets an item held by a
// transaction gets TransactionConflictException, which the SDK does not
// retry by default: the project's retryer does, then 503, never 500.
func TestWriteMeetingATransactionIsRetriedThen503(t *testing.T) {
	f, faults, wire := faultyEngine(t)
	ctx := context.Background()
	entry := execute.AuditEntry{EntryID: "e1", ExecutionID: "x1", At: time.Now(), Type: "create_task", Outcome: execute.OutcomeReplayed}
	faults.reply("PutItem", 2, 400, transactionConflictExceptionBody)
	wire.Reset()
	if err := f.Store.AppendAudit(ctx, "alice", entry); err != nil {
		t.Fatalf("audit write after two conflicts: %v, want it written", err)
	}
	if n := wire.Calls("PutItem"); n != 3 {
		t.Errorf("%d PutItem requests, want 3 (two conflicts, then the write)", n)
	}
	faults.reply("PutItem", 100, 400, transactionConflictExceptionBody)
	entry.EntryID = "e2"
	err := f.Store.AppendAudit(ctx, "alice", entry)
	faults.reply("PutItem", 0, 0, "")
	if apperr.CodeOf(err) != apperr.DependencyUnavailable {
		t.Errorf("an audit write meeting a transaction on every attempt: %v, want dependency_unavailable", err)
	}
	if entries, _ := f.Store.ListAudit(ctx, "alice", 10); len(entries) != 1 {
		t.Errorf("%d audit entries, want the one written", len(entries))
	}
}

// A PATCH is a transaction (the task, its open copy, the count): one that
// DynamoDB cancels with TransactionConflict is sent again, then 503.
func TestPatchCancelledByAConflictIsRetriedThen503(t *testing.T) {
	f, faults, wire := faultyEngine(t)
	ctx := context.Background()
	var slept int
	f.Store.Sleep = func(context.Context, time.Duration) error { slept++; return nil }
	_, id := f.CreateTask(t, "patched", "Patch me")
	faults.reply("TransactWriteItems", 2, 400, transactionConflictBody)
	wire.Reset()
	if got, err := f.Tasks.UpdateTask(ctx, "alice", id, tasks.Patch{Title: tasks.Nullable[string]{Set: true, Value: "Patched"}}); err != nil || got.Title != "Patched" {
		t.Fatalf("PATCH after two conflicts: %+v %v, want it applied", got, err)
	}
	if n := wire.Calls("TransactWriteItems"); n != 3 || slept != 2 {
		t.Errorf("%d TransactWriteItems requests and %d backoffs, want 3 and 2", n, slept)
	}
	faults.reply("TransactWriteItems", 100, 400, transactionConflictBody)
	_, err := f.Tasks.UpdateTask(ctx, "alice", id, tasks.Patch{Title: tasks.Nullable[string]{Set: true, Value: "Never"}})
	faults.reply("TransactWriteItems", 0, 0, "")
	if apperr.CodeOf(err) != apperr.DependencyUnavailable {
		t.Errorf("PATCH cancelled on every attempt: %v, want dependency_unavailable", err)
	}
	if got, _ := f.Store.GetTask(ctx, "alice", id); got.Title != "Patched" || got.Version != 2 {
		t.Errorf("task = %q version %d, want the one applied edit", got.Title, got.Version)
	}
}
