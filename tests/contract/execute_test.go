//go:build contract

package contract

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/appstore"
	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/execute"
	"github.com/lucian-app/phase12/shared/execute/executetest"
	"github.com/lucian-app/phase12/shared/intent"
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

func TestExecuteCallsCountedOverTheWire(t *testing.T) {
	calls := dynamotest.NewCallCounter()
	db, table := newDynamo(t, calls.Option)
	f := undotest.New(t, appstore.New(db, table))
	ctx := context.Background()
	for _, req := range []execute.Request{createTask("Buy milk"),
		{Intent: &intent.Intent{Type: intent.CreateGoal, Title: "Run a marathon"}},
		{Text: "add call mom tomorrow 9am p2", Timezone: "Europe/Berlin"}} {
		key := "count-" + req.Text
		if req.Intent != nil {
			key += req.Intent.Title
		}
		calls.Reset()
		first, err := f.Engine.Execute(ctx, "alice", key, req)
		if err != nil {
			t.Fatal(err)
		}
		if got := calls.Calls(""); got != 1 || calls.Calls("TransactWriteItems") != 1 {
			t.Errorf("first execution of %q: %d calls, want exactly 1 TransactWriteItems", key, got)
		}
		calls.Reset()
		again, err := f.Engine.Execute(ctx, "alice", key, req)
		if err != nil || !again.Replayed || string(again.Body) != string(first.Body) {
			t.Fatalf("replay: %+v %v", again, err)
		}
		if got := calls.Calls(""); got != 2 || calls.Calls("TransactWriteItems") != 1 || calls.Calls("PutItem") != 1 {
			t.Errorf("replay of %q: %d calls, want 2 (the cancelled transaction, the audit entry)", key, got)
		}
	}
	token, _ := f.CreateTask(t, "undo-count", "Undo me")
	calls.Reset()
	if _, err := f.Undo.Undo(ctx, "alice", token); err != nil {
		t.Fatal(err)
	}
	if got := calls.Calls(""); got != 1 {
		t.Errorf("undo: %d calls, want 1", got)
	}
	calls.Reset()
	if res, err := f.Undo.Undo(ctx, "alice", token); err != nil || !res.AlreadyUndone {
		t.Fatalf("second undo: %+v %v", res, err)
	}
	if got := calls.Calls(""); got != 1 {
		t.Errorf("second undo: %d calls, want 1 (the outcome comes from the cancellation)", got)
	}
}

func TestSameKeyConcurrentlyOnDynamoDBLocal(t *testing.T) {
	db, table := newDynamo(t)
	store := appstore.New(db, table)
	executetest.RunSameKeyConcurrently(t, undotest.New(t, store).Engine, store)
}

func TestUndoOnDynamoDBLocal(t *testing.T) {
	undotest.RunOutcomes(t, func() *appstore.Store {
		db, table := newDynamo(t)
		return appstore.New(db, table)
	})
	db, table := newDynamo(t)
	undotest.RunRaces(t, appstore.New(db, table))
}

// faultyEngine is an engine whose DynamoDB client goes through faults.
func faultyEngine(t *testing.T) (*undotest.Fixture, *faultTransport) {
	t.Helper()
	faults := newFaultTransport()
	db, table := newDynamo(t, func(o *dynamodb.Options) { o.HTTPClient = &http.Client{Transport: faults} })
	return undotest.New(t, appstore.New(db, table)), faults
}

func TestLostResponseStillExecutesOnce(t *testing.T) {
	f, faults := faultyEngine(t)
	ctx := context.Background()
	faults.dropReply("TransactWriteItems", 1)
	first, err := f.Engine.Execute(ctx, "alice", "lost", createTask("Buy milk"))
	if err != nil {
		// The retry budget may surface the loss; the client then retries.
		if apperr.CodeOf(err) != apperr.DependencyUnavailable {
			t.Fatalf("first attempt: %v, want success or 503", err)
		}
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
}

func TestTransactionConflictIsRetriedThenAnswered(t *testing.T) {
	f, faults := faultyEngine(t)
	ctx := context.Background()
	faults.reply("TransactWriteItems", 2, 400, transactionConflictBody)
	r, err := f.Engine.Execute(ctx, "alice", "twin", createTask("Buy milk"))
	if err != nil || r.Status != 201 || r.Replayed {
		t.Fatalf("after two conflicts: %+v %v, want a 201", r, err)
	}
	if list, _ := f.Store.ListTasks(ctx, "alice", false); len(list) != 1 {
		t.Errorf("tasks = %d, want 1", len(list))
	}

	// A conflict that never clears, with no record to replay: 503.
	faults.reply("TransactWriteItems", 100, 400, transactionConflictBody)
	_, err = f.Engine.Execute(ctx, "alice", "stuck", createTask("Buy bread"))
	if apperr.CodeOf(err) != apperr.DependencyUnavailable {
		t.Errorf("endless conflict: %v, want dependency_unavailable", err)
	}
	faults.reply("TransactWriteItems", 100, 400, transactionInProgressBody)
	_, err = f.Engine.Execute(ctx, "alice", "in-progress", createTask("Buy eggs"))
	if apperr.CodeOf(err) != apperr.DependencyUnavailable {
		t.Errorf("TransactionInProgressException: %v, want dependency_unavailable", err)
	}
	faults.reply("TransactWriteItems", 0, 0, "")
	if list, _ := f.Store.ListTasks(ctx, "alice", false); len(list) != 1 {
		t.Errorf("tasks = %d, want still 1", len(list))
	}
}
