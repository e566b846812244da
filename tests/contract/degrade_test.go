//go:build contract

package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/lucian-app/phase12/shared/apigw"
	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/ids"
	"github.com/lucian-app/phase12/shared/topic"
	"github.com/lucian-app/phase12/shared/wiring"
	"github.com/lucian-app/phase12/shared/wiring/registry"
)

// slowTransport stands between the SDK and DynamoDB Local: it adds a delay to every call
// (giving up, without forwarding, when the request's context ends first), or answers
// every call with a server error. It counts, per table, the calls forwarded and the calls
// that waited out the whole delay.
type slowTransport struct {
	next      http.RoundTripper
	mu        sync.Mutex
	delay     time.Duration
	fail      bool
	forwarded map[string]int
	sat       int
	seen      map[string]int
	// noDeadline counts calls whose context had no deadline; longest is the most time
	// any call's context had left when it reached the transport.
	noDeadline int
	longest    time.Duration
}

func (s *slowTransport) set(delay time.Duration, fail bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay, s.fail = delay, fail
}

// budgets resets and then reads what the calls' contexts had left.
func (s *slowTransport) budgets(reset bool) (noDeadline int, longest time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	noDeadline, longest = s.noDeadline, s.longest
	if reset {
		s.noDeadline, s.longest = 0, 0
	}
	return noDeadline, longest
}

func (s *slowTransport) counts(table string) (seen, forwarded, sat int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.seen[table], s.forwarded[table], s.sat
}

const internalServerErrorBody = `{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"injected"}`

func (s *slowTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	var req struct{ TableName string }
	_ = json.Unmarshal(body, &req)
	table := req.TableName
	if table == "" && bytes.Contains(body, []byte("TransactItems")) {
		table = "transaction"
	}
	s.mu.Lock()
	s.seen[table]++
	if d, ok := r.Context().Deadline(); !ok {
		s.noDeadline++
	} else if left := time.Until(d); left > s.longest {
		s.longest = left
	}
	delay, fail := s.delay, s.fail
	s.mu.Unlock()
	if fail {
		return &http.Response{StatusCode: 500, Header: http.Header{"Content-Type": {"application/x-amz-json-1.0"}},
			Body: io.NopCloser(strings.NewReader(internalServerErrorBody)), Request: r}, nil
	}
	if delay > 0 {
		select {
		case <-time.After(delay):
			s.mu.Lock()
			s.sat++
			s.mu.Unlock()
		case <-r.Context().Done():
			return nil, r.Context().Err()
		}
	}
	s.mu.Lock()
	s.forwarded[table]++
	s.mu.Unlock()
	return s.next.RoundTrip(r)
}

func after0(s *slowTransport) int { _, f, _ := s.counts("transaction"); return f }
func sat0(s *slowTransport) int   { _, _, n := s.counts(""); return n }

type lambdaHTTP = func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error)

func invoke(t *testing.T, h lambdaHTTP, method, path, body string, header map[string]string, user string) events.APIGatewayV2HTTPResponse {
	t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	for k, v := range header {
		r.Header.Set(k, v)
	}
	route, _, _ := strings.Cut(path, "?")
	ev, err := apigw.NewEvent(r, apigw.Match{Route: apigw.Route{Method: method, Path: route}}, apigw.Options{Claims: map[string]string{"sub": user}})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := h(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// TestDegradationOnDynamoDBLocal is issue 13's fault test over the wire: TasksFunction and
// ExecuteIntentFunction as deployed (budgets, breakers, reports in the background) on
// DynamoDB Local, the faults in the SDK's transport. +3 s on every call: today_load answers
// its last good answer (degraded) or 503, execute 503 with nothing forwarded; failing:
// the AppTable breaker opens and calls stop; recovered: a probe closes it and the refused
// execute runs as a first execution.
func TestDegradationOnDynamoDBLocal(t *testing.T) {
	faults := &slowTransport{next: http.DefaultTransport, forwarded: map[string]int{}, seen: map[string]int{}}
	db, app := newDynamo(t, func(o *dynamodb.Options) { o.HTTPClient = &http.Client{Transport: faults} })
	ops := app + "-ops"
	if err := dynamo.EnsureTable(context.Background(), db, ops); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{wiring.EnvAppTable: app, wiring.EnvOpsTable: ops, wiring.EnvFlowReports: "background"}
	fns := map[string]lambdaHTTP{}
	for _, id := range []string{"TasksFunction", "ExecuteIntentFunction"} {
		h, err := registry.Functions()[id](wiring.Deps{DynamoDB: db, SNS: &topic.Recorder{}, HTTP: &http.Client{},
			Getenv: func(k string) string { return env[k] }, Now: time.Now, NewID: ids.New(time.Now, nil),
			Log: wiring.NewLogger(io.Discard, ""), Function: id})
		if err != nil {
			t.Fatal(err)
		}
		fns[id] = h.(lambdaHTTP)
	}
	today := func(user string) (int, string, map[string]string) {
		r := invoke(t, fns["TasksFunction"], "GET", "/tasks/today?timezone=UTC", "", nil, user)
		return r.StatusCode, r.Body, r.Headers
	}
	execute := func(key, text string) (int, string, map[string]string) {
		r := invoke(t, fns["ExecuteIntentFunction"], "POST", "/intents/execute", `{"text":"`+text+`","timezone":"UTC"}`,
			map[string]string{"Idempotency-Key": key}, "alice")
		return r.StatusCode, r.Body, r.Headers
	}
	// Healthy first. DynamoDB Local's first calls on a fresh table (a JVM warming up on a
	// busy machine) may outlast the budgets, so it is warmed up with direct calls (no
	// budget, no breaker) before the functions are measured; then each healthy request is
	// tried until it answers as a healthy one does (the outcome is asserted, not the time).
	ctx := context.Background()
	for i := range 20 {
		if _, err := db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
			{Put: &types.Put{TableName: aws.String(app), Item: map[string]types.AttributeValue{
				"PK": &types.AttributeValueMemberS{Value: "WARMUP"}, "SK": &types.AttributeValueMemberS{Value: fmt.Sprint(i)}}}},
		}}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Query(ctx, &dynamodb.QueryInput{TableName: aws.String(app), KeyConditionExpression: aws.String("PK = :p"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":p": &types.AttributeValueMemberS{Value: "WARMUP"}}}); err != nil {
			t.Fatal(err)
		}
	}
	faults.budgets(true)
	healthy := func(what string, try func() bool) {
		deadline := time.Now().Add(60 * time.Second)
		for !try() {
			if time.Now().After(deadline) {
				t.Fatalf("healthy %s never answered as a healthy one does", what)
			}
			time.Sleep(300 * time.Millisecond)
		}
	}
	// A first try cut by the budget may still have committed, so the same key may come
	// back a replay (200): both are a healthy execute.
	healthy("execute", func() bool { status, _, _ := execute("k1", "add milk"); return status == 201 || status == 200 })
	healthy("today", func() bool {
		status, body, _ := today("alice")
		return status == 200 && !strings.Contains(body, `"degraded"`)
	})
	if n, _ := faults.budgets(true); n != 0 {
		t.Errorf("%d healthy DynamoDB calls had no deadline", n)
	}

	faults.set(3*time.Second, false)
	_, before, _ := faults.counts("transaction")
	if status, body, _ := today("alice"); status != 200 || !strings.Contains(body, `"degraded":true`) || !strings.Contains(body, `"stale_as_of"`) || !strings.Contains(body, "milk") {
		t.Errorf("today with DynamoDB +3 s: %d %s, want the last good answer, degraded", status, body)
	}
	if status, body, h := today("bob"); status != 503 || !strings.Contains(body, "dependency_unavailable") || h["Retry-After"] == "" {
		t.Errorf("today without a last good answer: %d %s %v, want 503 with Retry-After", status, body, h)
	}
	if status, body, h := execute("k2", "add bread"); status != 503 || !strings.Contains(body, "dependency_unavailable") || h["Retry-After"] == "" {
		t.Errorf("execute with DynamoDB +3 s: %d %s, want 503 with Retry-After", status, body)
	}
	if _, after, sat := faults.counts("transaction"); after != before || sat != 0 {
		t.Errorf("with DynamoDB +3 s: %d transactions forwarded, %d calls waited out the delay; want none (cut at the budget)", after-before, sat)
	}
	// Every call the requests made had a deadline, and none had more left than
	// today_load's 1,200 ms budget (execute's is 800 ms; each attempt is cut at 400 ms):
	// how the answers stay within 1.5 s and 1 s without waiting out the +3 s.
	n, longest := faults.budgets(true)
	seenSlow, _, _ := faults.counts(app)
	t.Logf("DynamoDB +3 s: %d AppTable calls seen since the start, %d transactions forwarded, %d waited out the delay, longest deadline left %v", seenSlow, after0(faults)-before, sat0(faults), longest)
	if n != 0 || longest > 1200*time.Millisecond {
		t.Errorf("with DynamoDB +3 s: %d calls without a deadline, the longest had %v left; want every call within 1,200 ms", n, longest)
	}

	faults.set(0, true)
	for range 5 {
		today("bob")
	}
	seen, _, _ := faults.counts(app)
	for range 3 {
		if status, body, _ := today("alice"); status != 200 || !strings.Contains(body, `"degraded":true`) {
			t.Errorf("today with the breaker open: %d %s, want the degraded answer", status, body)
		}
	}
	now, _, _ := faults.counts(app)
	t.Logf("failing, breaker open: AppTable calls %d before and %d after 3 requests", seen, now)
	if now != seen {
		t.Errorf("AppTable calls went from %d to %d with the breaker open; want none", seen, now)
	}

	faults.set(0, false)
	// Nothing of the refused execute was written: read back past the functions.
	if out, err := db.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(app)}); err != nil {
		t.Fatal(err)
	} else {
		for _, item := range out.Items {
			for _, v := range item {
				if sv, ok := v.(*types.AttributeValueMemberS); ok && strings.Contains(sv.Value, "bread") {
					t.Errorf("the refused execute wrote %v", item)
				}
			}
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if status, _, _ := today("bob"); status == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the breaker never let traffic through again after DynamoDB recovered")
		}
		time.Sleep(250 * time.Millisecond)
	}
	status, body, h := execute("k2", "add bread")
	if status != 201 || h["Idempotent-Replayed"] != "" {
		t.Errorf("the refused execute after recovery: %d %v %s, want a first execution (nothing was written)", status, h, body)
	}
	if status, body, _ := today("alice"); status != 200 || strings.Contains(body, `"degraded"`) || strings.Count(body, `"bread"`) != 1 {
		t.Errorf("today after recovery: %d %s, want fresh, with bread once", status, body)
	}
}
