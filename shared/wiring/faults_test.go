package wiring_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/flowmetrics"
	"github.com/lucian-app/phase12/shared/ids"
	"github.com/lucian-app/phase12/shared/opsstore"
	"github.com/lucian-app/phase12/shared/topic"
	"github.com/lucian-app/phase12/shared/wiring"
	"github.com/lucian-app/phase12/shared/wiring/registry"
)

// faultDB is the embedded store with faults per table: every call delayed (as a slow
// DynamoDB would be: it gives up when the caller's context ends), or failing with a
// server error. It counts the calls that reached each table, the slow calls that ran to
// the end of their delay, and the longest deadline a call came with.
type faultDB struct {
	dynamo.API
	mu        sync.Mutex
	delay     map[string]time.Duration
	fail      map[string]bool
	calls     map[string]int
	sat       map[string]int           // slow calls that waited the whole delay
	deadlines map[string]time.Duration // longest time left on a call's context
}

func newFaultDB(t *testing.T) *faultDB {
	return &faultDB{API: dynamotest.New(t), delay: map[string]time.Duration{}, fail: map[string]bool{},
		calls: map[string]int{}, sat: map[string]int{}, deadlines: map[string]time.Duration{}}
}

func (f *faultDB) set(table string, delay time.Duration, fail bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.delay[table], f.fail[table] = delay, fail
}

func (f *faultDB) count(table string) (calls, sat int, longest time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[table], f.sat[table], f.deadlines[table]
}

func (f *faultDB) before(ctx context.Context, table string) error {
	f.mu.Lock()
	f.calls[table]++
	if dl, ok := ctx.Deadline(); ok {
		f.deadlines[table] = max(f.deadlines[table], time.Until(dl))
	}
	delay, fail := f.delay[table], f.fail[table]
	f.mu.Unlock()
	if fail {
		return &types.InternalServerError{Message: aws.String("injected failure")}
	}
	if delay > 0 {
		select {
		case <-time.After(delay):
			f.mu.Lock()
			f.sat[table]++
			f.mu.Unlock()
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

func (f *faultDB) GetItem(ctx context.Context, in *dynamodb.GetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	if err := f.before(ctx, aws.ToString(in.TableName)); err != nil {
		return nil, err
	}
	return f.API.GetItem(ctx, in, o...)
}

func (f *faultDB) PutItem(ctx context.Context, in *dynamodb.PutItemInput, o ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	if err := f.before(ctx, aws.ToString(in.TableName)); err != nil {
		return nil, err
	}
	return f.API.PutItem(ctx, in, o...)
}

func (f *faultDB) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, o ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	if err := f.before(ctx, aws.ToString(in.TableName)); err != nil {
		return nil, err
	}
	return f.API.UpdateItem(ctx, in, o...)
}

func (f *faultDB) DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, o ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error) {
	if err := f.before(ctx, aws.ToString(in.TableName)); err != nil {
		return nil, err
	}
	return f.API.DeleteItem(ctx, in, o...)
}

func (f *faultDB) Query(ctx context.Context, in *dynamodb.QueryInput, o ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	if err := f.before(ctx, aws.ToString(in.TableName)); err != nil {
		return nil, err
	}
	return f.API.Query(ctx, in, o...)
}

func (f *faultDB) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	for table := range in.RequestItems {
		if err := f.before(ctx, table); err != nil {
			return nil, err
		}
	}
	return f.API.BatchGetItem(ctx, in, o...)
}

func (f *faultDB) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, o ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	table := dynamotest.AppTable
	if len(in.TransactItems) > 0 {
		switch it := in.TransactItems[0]; {
		case it.Put != nil:
			table = aws.ToString(it.Put.TableName)
		case it.Update != nil:
			table = aws.ToString(it.Update.TableName)
		case it.Delete != nil:
			table = aws.ToString(it.Delete.TableName)
		case it.ConditionCheck != nil:
			table = aws.ToString(it.ConditionCheck.TableName)
		}
	}
	if err := f.before(ctx, table); err != nil {
		return nil, err
	}
	return f.API.TransactWriteItems(ctx, in, o...)
}

// faultWorld is TasksFunction and ExecuteIntentFunction as deployed, over a faultDB, on
// the wall clock (the breakers and the budgets run on it).
type faultWorld struct {
	db  *faultDB
	fns map[string]apiHandler
}

func newFaultWorld(t *testing.T, reports string) *faultWorld {
	t.Helper()
	w := &faultWorld{db: newFaultDB(t), fns: map[string]apiHandler{}}
	env := map[string]string{wiring.EnvAppTable: dynamotest.AppTable, wiring.EnvOpsTable: dynamotest.OpsTable, wiring.EnvFlowReports: reports}
	for _, id := range []string{"TasksFunction", "ExecuteIntentFunction"} {
		d := wiring.Deps{DynamoDB: w.db, SNS: &topic.Recorder{}, HTTP: &http.Client{},
			Getenv: func(k string) string { return env[k] }, Now: time.Now, NewID: ids.New(time.Now, nil),
			Log: wiring.NewLogger(io.Discard, ""), Function: id}
		h, err := registry.Functions()[id](d)
		if err != nil {
			t.Fatalf("build %s: %v", id, err)
		}
		w.fns[id] = h.(apiHandler)
	}
	return w
}

type todayAnswer struct {
	status     int
	retryAfter string
	Tasks      []struct{ Title string } `json:"tasks"`
	Degraded   bool                     `json:"degraded"`
	StaleAsOf  *time.Time               `json:"stale_as_of"`
	Error      struct{ Code string }    `json:"error"`
}

func (w *faultWorld) today(t *testing.T, user string) todayAnswer {
	t.Helper()
	resp := apiCall{method: "GET", route: "/tasks/today", path: "/tasks/today?timezone=UTC", claims: map[string]string{"sub": user}}.do(t, w.fns["TasksFunction"])
	a := todayAnswer{status: resp.StatusCode, retryAfter: resp.Headers["Retry-After"]}
	if err := json.Unmarshal([]byte(resp.Body), &a); err != nil {
		t.Fatalf("GET /tasks/today: %d %s", resp.StatusCode, resp.Body)
	}
	return a
}

func (w *faultWorld) execute(t *testing.T, user, key, text string) (int, map[string]string, string) {
	t.Helper()
	resp := apiCall{method: "POST", route: "/intents/execute", path: "/intents/execute", claims: map[string]string{"sub": user},
		header: map[string]string{"Idempotency-Key": key}, body: `{"text":"` + text + `","timezone":"UTC"}`}.do(t, w.fns["ExecuteIntentFunction"])
	return resp.StatusCode, resp.Headers, resp.Body
}

func titles(a todayAnswer) string {
	var out []string
	for _, tk := range a.Tasks {
		out = append(out, tk.Title)
	}
	return strings.Join(out, ",")
}

// TestSlowThenFailingThenRecoveringAppTable is issue 13's fault test on the embedded store:
// with 3 s added to every AppTable call, today_load answers the last good answer
// (degraded, stale_as_of) or 503 with Retry-After, each call cut at the route's budget;
// execute answers 503 and writes nothing; the breaker opens (calls stop reaching
// AppTable) and, once AppTable recovers, a probe closes it and traffic flows again. The
// degraded answers are counted in today_load's degraded objective.
func TestSlowThenFailingThenRecoveringAppTable(t *testing.T) {
	w := newFaultWorld(t, "inline")
	if status, _, body := w.execute(t, "alice", "k1", "add milk"); status != 201 {
		t.Fatalf("healthy execute: %d %s", status, body)
	}
	good := w.today(t, "alice")
	if good.status != 200 || good.Degraded || titles(good) != "milk" {
		t.Fatalf("healthy today: %+v", good)
	}

	w.db.set(dynamotest.AppTable, 3*time.Second, false)
	a := w.today(t, "alice")
	if a.status != 200 || !a.Degraded || a.StaleAsOf == nil || titles(a) != "milk" {
		t.Errorf("today with AppTable slow: %+v, want 200 with the last good answer, degraded, stale_as_of", a)
	}
	if a.StaleAsOf != nil && time.Since(*a.StaleAsOf) > 5*time.Minute {
		t.Errorf("stale_as_of %v is more than 5 minutes old", a.StaleAsOf)
	}
	b := w.today(t, "bob")
	if b.status != 503 || b.Error.Code != "dependency_unavailable" || b.retryAfter == "" {
		t.Errorf("today for a user with no last good answer: %+v, want 503 dependency_unavailable with Retry-After", b)
	}
	if status, h, body := w.execute(t, "alice", "k2", "add bread"); status != 503 || h["Retry-After"] == "" || !strings.Contains(body, "dependency_unavailable") {
		t.Errorf("execute with AppTable slow: %d %v %s, want 503 dependency_unavailable with Retry-After", status, h, body)
	}
	_, sat, longest := w.db.count(dynamotest.AppTable)
	if sat != 0 {
		t.Errorf("%d AppTable calls waited out the 3 s delay; want none (each is cut at its route's budget)", sat)
	}
	if longest > 1200*time.Millisecond {
		t.Errorf("an AppTable call came with %v left; want at most today_load's budget of 1200 ms", longest)
	}

	// Failing now, fast: the breaker opens after 5 failures in a row, then refuses
	// without calling.
	w.db.set(dynamotest.AppTable, 0, true)
	for range 5 {
		w.today(t, "bob")
	}
	before, _, _ := w.db.count(dynamotest.AppTable)
	for range 3 {
		if a := w.today(t, "alice"); a.status != 200 || !a.Degraded {
			t.Errorf("today with the breaker open: %+v, want the degraded answer", a)
		}
		if b := w.today(t, "bob"); b.status != 503 {
			t.Errorf("today for bob with the breaker open: %+v, want 503", b)
		}
	}
	if after, _, _ := w.db.count(dynamotest.AppTable); after != before {
		t.Errorf("AppTable calls went from %d to %d with the breaker open; want none", before, after)
	}

	// Recovery: after the breaker's open time a probe goes through and closes it.
	w.db.set(dynamotest.AppTable, 0, false)
	deadline := time.Now().Add(20 * time.Second)
	for w.today(t, "bob").status != 200 {
		if time.Now().After(deadline) {
			t.Fatal("the breaker never let traffic through again after AppTable recovered")
		}
		time.Sleep(250 * time.Millisecond)
	}
	if a := w.today(t, "alice"); a.status != 200 || a.Degraded || titles(a) != "milk" {
		t.Errorf("today after recovery: %+v, want fresh (not degraded)", a)
	}
	status, h, body := w.execute(t, "alice", "k2", "add bread")
	if status != 201 || h["Idempotent-Replayed"] != "" {
		t.Errorf("the refused execute again after recovery: %d %v %s, want 201, not a replay (nothing was written before)", status, h, body)
	}
	if a := w.today(t, "alice"); titles(a) != "bread,milk" && titles(a) != "milk,bread" {
		t.Errorf("tasks after recovery: %q, want milk and bread once each", titles(a))
	}

	// Every degraded answer is counted: today_load's degraded objective has one bad
	// event for each stale answer and each fast 503.
	pts, err := opsstore.New(w.db.API, dynamotest.OpsTable).Buckets(context.Background(), "today_load", flowmetrics.Minute,
		time.Now().Add(-time.Hour), time.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	var total, good2 uint64
	for _, p := range pts {
		total += p.Total
		good2 += p.Good["degraded"]
	}
	// Not degraded: the healthy answer before, the 3 plain failures of the failing phase
	// (a server error is the availability objective's; with the slow phase's 2 timeouts
	// they make the 5 that open the breaker), and the 3 answers after recovery. Degraded:
	// the slow phase's 2, the failing phase's last 2 (refused by the open breaker), the 6
	// with the breaker open, and the refusals while it was still open during recovery.
	if bad := total - good2; bad < 10 || good2 != 7 {
		t.Errorf("today_load: %d events, %d not degraded; want 7 not degraded and at least 10 degraded", total, good2)
	}
}

// TestSlowOpsTableAddsNothingToARequest: with 3 s added to every OpsTable call and the
// reports in the background (as deployed), today_load answers before any report's write
// finishes: reporting is off the request path.
func TestSlowOpsTableAddsNothingToARequest(t *testing.T) {
	w := newFaultWorld(t, "background")
	w.db.set(dynamotest.OpsTable, 3*time.Second, false)
	for range 10 {
		if a := w.today(t, "alice"); a.status != 200 || a.Degraded {
			t.Fatalf("today with OpsTable slow: %+v, want a fresh 200", a)
		}
		if _, sat, _ := w.db.count(dynamotest.OpsTable); sat != 0 {
			t.Fatalf("a request answered after %d OpsTable writes had waited out their delay; want it to answer without waiting", sat)
		}
	}
	if _, sat, longest := w.db.count(dynamotest.AppTable); sat != 0 || longest > 1200*time.Millisecond {
		t.Errorf("AppTable: %d slow calls, a deadline of %v; want none and at most 1200 ms", sat, longest)
	}
}
