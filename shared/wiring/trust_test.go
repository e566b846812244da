package wiring_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/lucian-app/phase12/shared/apigw"
	"github.com/lucian-app/phase12/shared/clock"
	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/flowmetrics"
	"github.com/lucian-app/phase12/shared/ids"
	"github.com/lucian-app/phase12/shared/opsstore"
	"github.com/lucian-app/phase12/shared/topic"
	"github.com/lucian-app/phase12/shared/wiring"
)

// The scenarios of issue 10 (point 3) through the functions as deployed: TasksFunction,
// FlowMetricsFunction and BurnRateCheckFunction built by their builders over one embedded
// store, invoked with API Gateway v2 and EventBridge events, on a manual clock.

const trustTopic = "arn:aws:sns:us-east-1:123456789012:AlertTopic"

type (
	httpFunc  = func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error)
	scheduled = func(context.Context, events.EventBridgeEvent) error
)

// taskSink stands in for AppTable's task writes (a PutItem, or a transaction with the task's
// open copy and its owner's count): every n-th fails as DynamoDB does with an internal
// error (the server-side burn of create_task; 0: none), the others succeed without being
// kept. The created tasks matter to no assertion, and minidyn scans its whole table per
// Query, so 20,000 kept tasks would make every GET /tasks/today slow.
type taskSink struct {
	dynamo.API
	every int64
	n     atomic.Int64
}

func (f *taskSink) write() error {
	if f.every > 0 && f.n.Add(1)%f.every == 0 {
		return &types.InternalServerError{Message: aws.String("injected")}
	}
	return nil
}

func (f *taskSink) PutItem(ctx context.Context, in *dynamodb.PutItemInput, o ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	if aws.ToString(in.TableName) != dynamotest.AppTable {
		return f.API.PutItem(ctx, in, o...)
	}
	return &dynamodb.PutItemOutput{}, f.write()
}

func (f *taskSink) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, o ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	for _, it := range in.TransactItems {
		switch {
		case it.Put != nil && aws.ToString(it.Put.TableName) == dynamotest.AppTable,
			it.Update != nil && aws.ToString(it.Update.TableName) == dynamotest.AppTable:
			return &dynamodb.TransactWriteItemsOutput{}, f.write()
		}
	}
	return f.API.TransactWriteItems(ctx, in, o...)
}

type tower struct {
	t     *testing.T
	clk   *clock.Manual
	sns   *topic.Recorder
	store *opsstore.Store
	tasks httpFunc
	flows httpFunc
	check scheduled
}

// newTower wires the three functions; every putsFailing-th task creation fails (0: none).
func newTower(t *testing.T, putsFailing int64) *tower {
	t.Helper()
	clk := clock.NewManual(time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC))
	sns := &topic.Recorder{Now: clk.Now, Names: map[string]string{trustTopic: "AlertTopic"}}
	env := map[string]string{wiring.EnvAppTable: dynamotest.AppTable, wiring.EnvOpsTable: dynamotest.OpsTable,
		wiring.EnvAlertTopicARN: trustTopic, wiring.EnvAckBaseURL: "https://api.example.com"}
	d := wiring.Deps{
		DynamoDB: &taskSink{API: dynamotest.New(t), every: putsFailing}, SNS: sns,
		HTTP: &http.Client{Timeout: time.Second}, Getenv: func(k string) string { return env[k] },
		Now: clk.Now, NewID: ids.Sequence("T"), Log: wiring.NewLogger(io.Discard, ""),
	}
	tw := &tower{t: t, clk: clk, sns: sns, store: opsstore.New(d.DynamoDB, dynamotest.OpsTable)}
	for name, build := range map[string]wiring.Builder{"tasks": wiring.Tasks, "flows": wiring.FlowMetrics, "check": wiring.BurnRateCheck} {
		h, err := build(d)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		switch name {
		case "tasks":
			tw.tasks = h.(httpFunc)
		case "flows":
			tw.flows = h.(httpFunc)
		case "check":
			tw.check = h.(scheduled)
		}
	}
	return tw
}

// call invokes fn as API Gateway would for user.
func (tw *tower) call(fn httpFunc, user, method, target, body string) (int, string) {
	tw.t.Helper()
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	ev, err := apigw.NewEvent(r, apigw.Match{Route: apigw.Route{Method: method, Path: r.URL.Path}},
		apigw.Options{RequestID: "trust", Time: tw.clk.Now(), Claims: map[string]string{"sub": user}})
	if err != nil {
		tw.t.Fatal(err)
	}
	resp, err := fn(context.Background(), ev)
	if err != nil {
		tw.t.Fatal(err)
	}
	return resp.StatusCode, resp.Body
}

// honestMinute is 200 users making 1,000 requests to TasksFunction: each loads today's
// tasks four times and creates one task.
func (tw *tower) honestMinute() (errors int) {
	tw.t.Helper()
	for u := range 200 {
		user := fmt.Sprintf("user-%03d", u)
		for range 4 {
			if status, body := tw.call(tw.tasks, user, "GET", "/tasks/today?timezone=Europe/Berlin", ""); status != 200 {
				tw.t.Fatalf("GET /tasks/today: %d %s", status, body)
			}
		}
		switch status, body := tw.call(tw.tasks, user, "POST", "/tasks", `{"title":"water the plants"}`); {
		case status >= 500:
			errors++
		case status != 201:
			tw.t.Fatalf("POST /tasks: %d %s", status, body)
		}
	}
	return errors
}

// flood is one caller's POST /metrics/flows of n events of the given flows (round robin),
// all with outcome, a second ago. It returns the answer's accepted count and reasons.
func (tw *tower) flood(user string, n int, outcome string, flows ...string) (int, []string) {
	tw.t.Helper()
	es := make([]string, n)
	at := tw.clk.Now().Add(-time.Second).Format(time.RFC3339)
	for i := range es {
		es[i] = fmt.Sprintf(`{"flow":%q,"latency_ms":80,"outcome":%q,"at":%q}`, flows[i%len(flows)], outcome, at)
	}
	status, body := tw.call(tw.flows, user, "POST", "/metrics/flows", `{"events":[`+strings.Join(es, ",")+`]}`)
	var res struct {
		Accepted int
		Rejected []struct{ Reason string }
	}
	if status != 200 || json.Unmarshal([]byte(body), &res) != nil {
		tw.t.Fatalf("POST /metrics/flows by %s: %d %s", user, status, body)
	}
	var reasons []string
	for _, r := range res.Rejected {
		reasons = append(reasons, r.Reason)
	}
	return res.Accepted, reasons
}

func (tw *tower) runCheck() {
	tw.t.Helper()
	if err := tw.check(context.Background(), events.EventBridgeEvent{ID: "trust", Time: tw.clk.Now()}); err != nil {
		tw.t.Fatalf("burn-rate check at %v: %v", tw.clk.Now(), err)
	}
}

// total is the number of events stored for flow today (its day bucket).
func (tw *tower) total(flow string) uint64 {
	tw.t.Helper()
	day := flowmetrics.Day.Start(tw.clk.Now())
	pts, err := tw.store.Buckets(context.Background(), flow, flowmetrics.Day, day, day)
	if err != nil {
		tw.t.Fatal(err)
	}
	var n uint64
	for _, p := range pts {
		n += p.Total
	}
	return n
}

// messages lists the published messages of a severity as "flow objective action".
func (tw *tower) messages(severity string) []string {
	var out []string
	for _, m := range tw.sns.Messages() {
		if m.Attributes["severity"] == severity {
			out = append(out, m.Attributes["flow"]+" "+m.Attributes["objective"]+" "+m.Attributes["action"])
		}
	}
	return out
}

var (
	serverFlows = []string{"today_load", "create_task", "execute_intent", "undo"}
	clientFlows = []string{"today_load_client", "create_task_client"}
)

// TestOneFloodingCallerPagesNobody: for ten minutes one signed-in user without groups
// posts 500 failed events a minute under every server flow's name and 500 under the client
// flows' names, while 200 users make 1,000 good requests a minute that TasksFunction
// measures itself. Nobody is paged: the forged server events are refused one by one, and
// client flows never page.
func TestOneFloodingCallerPagesNobody(t *testing.T) {
	tw := newTower(t, 0)
	for minute := range 10 {
		tw.clk.Add(time.Minute)
		if errs := tw.honestMinute(); errs != 0 {
			t.Fatalf("minute %d: %d honest requests failed, want none", minute, errs)
		}
		accepted, reasons := tw.flood("mallory", 500, "error", serverFlows...)
		if accepted != 0 || len(reasons) != 500 {
			t.Errorf("minute %d: forged server-flow events: %d accepted, %d rejected; want all 500 rejected", minute, accepted, len(reasons))
		} else if want := "flow: today_load is measured by the server; report what the app saw as today_load_client"; reasons[0] != want {
			t.Errorf("minute %d: reason = %q, want %q", minute, reasons[0], want)
		}
		if accepted, _ := tw.flood("mallory", 500, "error", clientFlows...); accepted != 500 {
			t.Errorf("minute %d: client-flow events accepted = %d, want 500 (within the per-caller limit)", minute, accepted)
		}
		tw.runCheck()
	}
	if pages := tw.messages("page"); len(pages) != 0 {
		t.Errorf("pages = %q, want none: one caller must not page anyone", pages)
	}
	// What was counted: the server's own measurement of every request, the flood under the
	// client flows' names only.
	for flow, want := range map[string]uint64{"today_load": 8000, "create_task": 2000, "execute_intent": 0, "undo": 0,
		"today_load_client": 2500, "create_task_client": 2500} {
		if got := tw.total(flow); got != want {
			t.Errorf("%s events counted = %d, want %d", flow, got, want)
		}
	}
	// The client flows burn their own budget; that may raise a ticket, never a page.
	for _, m := range tw.messages("ticket") {
		if flow, _, _ := strings.Cut(m, " "); !strings.HasSuffix(flow, "_client") {
			t.Errorf("ticket %q on a server flow, want tickets on client flows only", m)
		}
	}
}

// TestServerBurnPagesWhileACallerFloodsOK: one task creation in five fails on the server
// (AppTable errors) while one user posts 500 "ok" events a minute, under create_task's
// own name and under create_task_client. The server's measurement pages once for
// create_task availability; the flood cannot dilute it.
func TestServerBurnPagesWhileACallerFloodsOK(t *testing.T) {
	tw := newTower(t, 5)
	failed := 0
	for range 10 {
		tw.clk.Add(time.Minute)
		failed += tw.honestMinute()
		tw.flood("mallory", 500, "ok", "create_task")
		tw.flood("mallory", 500, "ok", "create_task_client")
		tw.runCheck()
	}
	if failed != 400 {
		t.Fatalf("%d task creations failed, want 400 (one in five of 2,000)", failed)
	}
	pages := tw.messages("page")
	if len(pages) != 1 || pages[0] != "create_task availability trigger" {
		t.Errorf("pages = %q, want exactly one: create_task availability trigger", pages)
	}
}

// TestTheLimitHoldsAcrossInstances: two instances of FlowMetricsFunction (two builds over one
// table, as two Lambda sandboxes) share each caller's count; FLOW_EVENTS_PER_CALLER_PER_MINUTE
// sets the limit, and a value that is not a limit fails INIT naming the variable.
func TestTheLimitHoldsAcrossInstances(t *testing.T) {
	tw := newTower(t, 0)
	env := map[string]string{wiring.EnvOpsTable: dynamotest.OpsTable, wiring.EnvAppTable: dynamotest.AppTable, wiring.EnvFlowEventsPerCallerPerMinute: "300"}
	d := wiring.Deps{DynamoDB: dynamotest.New(t), Getenv: func(k string) string { return env[k] }, Now: tw.clk.Now,
		NewID: ids.Sequence("T"), Log: wiring.NewLogger(io.Discard, "")}
	var instances [2]httpFunc
	for i := range instances {
		h, err := wiring.FlowMetrics(d)
		if err != nil {
			t.Fatal(err)
		}
		instances[i] = h.(httpFunc)
	}
	at := tw.clk.Now().Add(-time.Second).Format(time.RFC3339)
	body := func(n int) string {
		es := make([]string, n)
		for i := range es {
			es[i] = fmt.Sprintf(`{"flow":"today_load_client","latency_ms":80,"outcome":"ok","at":%q}`, at)
		}
		return `{"events":[` + strings.Join(es, ",") + `]}`
	}
	for i, step := range []struct {
		instance, events, want int
	}{{0, 200, 200}, {1, 100, 200}, {1, 1, 429}, {0, 1, 429}} {
		if status, b := tw.call(instances[step.instance], "mallory", "POST", "/metrics/flows", body(step.events)); status != step.want {
			t.Errorf("step %d: %d events to instance %d: %d %s, want %d", i, step.events, step.instance, status, b, step.want)
		}
	}
	for _, v := range []string{"0", "-5", "ten", "100001"} {
		env[wiring.EnvFlowEventsPerCallerPerMinute] = v
		_, err := wiring.FlowMetrics(d)
		if want := "FLOW_EVENTS_PER_CALLER_PER_MINUTE=\"" + v + "\" is not a number of events from 1 to 100000"; err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s=%q: error %v, want %q", wiring.EnvFlowEventsPerCallerPerMinute, v, err, want)
		}
	}
}
