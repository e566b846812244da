package wiring_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/lucian-app/phase12/shared/apigw"
	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/flowmetrics"
	"github.com/lucian-app/phase12/shared/ids"
	"github.com/lucian-app/phase12/shared/opsstore"
	"github.com/lucian-app/phase12/shared/slo"
	"github.com/lucian-app/phase12/shared/topic"
	"github.com/lucian-app/phase12/shared/wiring"
	"github.com/lucian-app/phase12/shared/wiring/registry"
)

const namespace = "Phase12/test"

// syncBuffer is a log sink several handlers write to.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

// emfLine is a metrics line as CloudWatch reads it.
type emfLine struct {
	Namespace  string
	Dimensions map[string]string // the dimension set, with each dimension's value
	Metrics    map[string]string // name -> unit
	Values     map[string]float64
	RequestID  string
}

// emfLines decodes the Embedded Metric Format lines of a log: the lines with an _aws member.
func emfLines(t *testing.T, log string) []emfLine {
	t.Helper()
	var out []emfLine
	for _, l := range strings.Split(strings.TrimSpace(log), "\n") {
		var root map[string]any
		if err := json.Unmarshal([]byte(l), &root); err != nil {
			t.Fatalf("log line %q is not JSON: %v", l, err)
		}
		meta, ok := root["_aws"].(map[string]any)
		if !ok {
			continue
		}
		if _, ok := meta["Timestamp"].(float64); !ok {
			t.Fatalf("_aws without a numeric Timestamp: %s", l)
		}
		dirs := meta["CloudWatchMetrics"].([]any)
		if len(dirs) != 1 {
			t.Fatalf("%d directives, want 1: %s", len(dirs), l)
		}
		dir := dirs[0].(map[string]any)
		e := emfLine{Namespace: dir["Namespace"].(string), Dimensions: map[string]string{}, Metrics: map[string]string{}, Values: map[string]float64{}}
		e.RequestID, _ = root["request_id"].(string)
		sets := dir["Dimensions"].([]any)
		if len(sets) != 1 {
			t.Fatalf("%d dimension sets, want 1: %s", len(sets), l)
		}
		for _, d := range sets[0].([]any) {
			v, ok := root[d.(string)].(string)
			if !ok {
				t.Fatalf("dimension %v has no string value at the root: %s", d, l)
			}
			e.Dimensions[d.(string)] = v
		}
		for _, m := range dir["Metrics"].([]any) {
			m := m.(map[string]any)
			name := m["Name"].(string)
			e.Metrics[name] = m["Unit"].(string)
			v, ok := root[name].(float64)
			if !ok {
				t.Fatalf("metric %s has no numeric value at the root: %s", name, l)
			}
			e.Values[name] = v
		}
		out = append(out, e)
	}
	return out
}

// TestHTTPFunctionsWriteEMFLinesPerFunctionAndRoute drives ExecuteIntentFunction and
// UndoFunction, built by their builders with METRICS_NAMESPACE set, through API Gateway v2
// events: each request writes one metrics line in the namespace, under the dimensions
// Function (the logical ID) and Route (API Gateway's route key), carrying the request's ID;
// a replay, a confirmation asked and an undo are counted where they happen, and only there.
func TestHTTPFunctionsWriteEMFLinesPerFunctionAndRoute(t *testing.T) {
	var logs syncBuffer
	env := map[string]string{wiring.EnvAppTable: dynamotest.AppTable, wiring.EnvMetricsNamespace: namespace}
	db := dynamotest.New(t)
	build := func(id string) apiHandler {
		d := wiring.Deps{DynamoDB: db, SNS: &topic.Recorder{}, HTTP: http.DefaultClient, Getenv: func(k string) string { return env[k] },
			Now: time.Now, NewID: ids.Sequence(id[:1]), Log: wiring.NewLogger(&logs, "ERROR"), Function: id}
		h, err := registry.Functions()[id](d)
		if err != nil {
			t.Fatal(err)
		}
		return h.(apiHandler)
	}
	execute, undo := build("ExecuteIntentFunction"), build("UndoFunction")
	call := func(h apiHandler, route, key, body, rid string) events.APIGatewayV2HTTPResponse {
		method, path, _ := strings.Cut(route, " ")
		r := httptest.NewRequest(method, path, strings.NewReader(body))
		if key != "" {
			r.Header.Set("Idempotency-Key", key)
		}
		ev, err := apigw.NewEvent(r, apigw.Match{Route: apigw.Route{Method: method, Path: path}},
			apigw.Options{RequestID: rid, Claims: map[string]string{"sub": "alice"}})
		if err != nil {
			t.Fatal(err)
		}
		resp, err := h(context.Background(), ev)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	create := `{"intent":{"type":"create_task","title":"water the plants"}}`
	first := call(execute, "POST /intents/execute", "k1", create, "r1")
	replay := call(execute, "POST /intents/execute", "k1", create, "r2")
	risky := call(execute, "POST /intents/execute", "k2", `{"intent":{"type":"delete_task","task_ref":"water the plants"}}`, "r3")
	bad := call(execute, "POST /intents/preview", "", `{"text":1}`, "r4")
	var created struct{ Undo struct{ Token string } }
	if err := json.Unmarshal([]byte(first.Body), &created); err != nil || created.Undo.Token == "" {
		t.Fatalf("execute: %d %s, want an undo token", first.StatusCode, first.Body)
	}
	undone := call(undo, "POST /undo", "", fmt.Sprintf(`{"token":%q}`, created.Undo.Token), "r5")
	again := call(undo, "POST /undo", "", fmt.Sprintf(`{"token":%q}`, created.Undo.Token), "r6")
	for _, c := range []struct {
		resp events.APIGatewayV2HTTPResponse
		want int
	}{{first, 201}, {replay, 201}, {risky, 428}, {bad, 400}, {undone, 200}, {again, 200}} {
		if c.resp.StatusCode != c.want {
			t.Fatalf("status %d (%s), want %d", c.resp.StatusCode, c.resp.Body, c.want)
		}
	}

	got := emfLines(t, logs.buf.String())
	type want struct {
		rid, function, route string
		extra                map[string]float64
	}
	wants := []want{
		{"r1", "ExecuteIntentFunction", "POST /intents/execute", nil},
		{"r2", "ExecuteIntentFunction", "POST /intents/execute", map[string]float64{wiring.MetricReplays: 1}},
		{"r3", "ExecuteIntentFunction", "POST /intents/execute", map[string]float64{wiring.MetricConfirmationsRequired: 1}},
		{"r4", "ExecuteIntentFunction", "POST /intents/preview", nil},
		{"r5", "UndoFunction", "POST /undo", map[string]float64{wiring.MetricUndos: 1}},
		{"r6", "UndoFunction", "POST /undo", nil}, // already undone: not an undo
	}
	if len(got) != len(wants) {
		t.Fatalf("%d metrics lines, want %d (one per request; the log level ERROR must not quiet them):\n%s", len(got), len(wants), logs.buf.String())
	}
	for i, w := range wants {
		g := got[i]
		if g.Namespace != namespace || g.RequestID != w.rid ||
			!reflect.DeepEqual(g.Dimensions, map[string]string{wiring.DimensionFunction: w.function, wiring.DimensionRoute: w.route}) {
			t.Errorf("line %d: namespace %q request %q dimensions %v, want %q %q {Function: %s, Route: %s}",
				i, g.Namespace, g.RequestID, g.Dimensions, namespace, w.rid, w.function, w.route)
		}
		client := 0.0
		if w.rid == "r3" || w.rid == "r4" {
			client = 1
		}
		wantValues := map[string]float64{wiring.MetricRequests: 1, wiring.MetricErrors: 0, wiring.MetricClientErrors: client}
		for k, v := range w.extra {
			wantValues[k] = v
		}
		latency, ok := g.Values[wiring.MetricLatency]
		delete(g.Values, wiring.MetricLatency)
		if !ok || latency < 0 || g.Metrics[wiring.MetricLatency] != "Milliseconds" {
			t.Errorf("line %d: Latency %v (%q), want milliseconds", i, latency, g.Metrics[wiring.MetricLatency])
		}
		if !reflect.DeepEqual(g.Values, wantValues) {
			t.Errorf("line %d (%s): values %v, want %v", i, w.rid, g.Values, wantValues)
		}
	}
}

// TestWithoutANamespaceNoMetricsAreWritten: a function built without METRICS_NAMESPACE (a
// tool, or a test) writes no EMF lines.
func TestWithoutANamespaceNoMetricsAreWritten(t *testing.T) {
	var logs syncBuffer
	d := deps(t, map[string]string{wiring.EnvAppTable: dynamotest.AppTable})
	d.Log = wiring.NewLogger(&logs, "")
	h, err := wiring.Tasks(d)
	if err != nil {
		t.Fatal(err)
	}
	resp := apiCall{method: "POST", route: "/tasks", path: "/tasks", body: `{"title":"a"}`, claims: map[string]string{"sub": "a"}}.do(t, h.(apiHandler))
	if resp.StatusCode != 201 {
		t.Fatalf("POST /tasks: %d %s", resp.StatusCode, resp.Body)
	}
	if got := emfLines(t, logs.buf.String()); len(got) != 0 {
		t.Errorf("%d metrics lines without a namespace, want none", len(got))
	}
}

// TestBurnRateCheckCountsThePagesSNSAccepted: create_task fails every request for ten
// minutes; one run of the wired BurnRateCheckFunction pages, and its metrics line counts
// exactly the pages and tickets the topic accepted, under the dimension Function only.
func TestBurnRateCheckCountsThePagesSNSAccepted(t *testing.T) {
	var logs syncBuffer
	now := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	sns := &topic.Recorder{}
	env := map[string]string{wiring.EnvOpsTable: dynamotest.OpsTable, wiring.EnvAlertTopicARN: "arn:aws:sns:us-east-1:123456789012:AlertTopic",
		wiring.EnvMetricsNamespace: namespace}
	d := wiring.Deps{DynamoDB: dynamotest.New(t), SNS: sns, Getenv: func(k string) string { return env[k] },
		Now: func() time.Time { return now }, NewID: ids.Sequence("B"), Log: wiring.NewLogger(&logs, ""), Function: "BurnRateCheckFunction"}
	cat, err := slo.Default()
	if err != nil {
		t.Fatal(err)
	}
	var evs []flowmetrics.Event
	for m := range 10 {
		for range 50 {
			evs = append(evs, flowmetrics.Event{Flow: "create_task", LatencyMs: 100, OK: false, At: now.Add(-time.Duration(m+1) * time.Minute)})
		}
	}
	if err := opsstore.New(d.DynamoDB, dynamotest.OpsTable).Add(context.Background(), flowmetrics.Aggregate(cat, evs)); err != nil {
		t.Fatal(err)
	}
	h, err := wiring.BurnRateCheck(d)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.(func(context.Context, events.EventBridgeEvent) error)(context.Background(), events.EventBridgeEvent{ID: "e1", Time: now}); err != nil {
		t.Fatal(err)
	}
	var pages, tickets float64
	for _, m := range sns.Messages() {
		if m.Attributes["action"] == "trigger" && m.Attributes["severity"] == "page" {
			pages++
		}
		if m.Attributes["action"] == "trigger" && m.Attributes["severity"] == "ticket" {
			tickets++
		}
	}
	if pages == 0 {
		t.Fatalf("no page was sent: %v", sns.Messages())
	}
	lines := emfLines(t, logs.buf.String())
	if len(lines) != 1 {
		t.Fatalf("%d metrics lines, want 1 for the run:\n%s", len(lines), logs.buf.String())
	}
	g := lines[0]
	if g.Namespace != namespace || !reflect.DeepEqual(g.Dimensions, map[string]string{wiring.DimensionFunction: "BurnRateCheckFunction"}) {
		t.Errorf("namespace %q dimensions %v, want %q {Function: BurnRateCheckFunction}", g.Namespace, g.Dimensions, namespace)
	}
	for name, want := range map[string]float64{wiring.MetricRuns: 1, wiring.MetricRunFailures: 0, wiring.MetricPagesSent: pages,
		wiring.MetricTicketsSent: tickets, wiring.MetricResolvesSent: 0} {
		if g.Values[name] != want {
			t.Errorf("%s = %v, want %v", name, g.Values[name], want)
		}
	}
	if g.Metrics[wiring.MetricRunDuration] != "Milliseconds" {
		t.Errorf("%s has unit %q, want Milliseconds", wiring.MetricRunDuration, g.Metrics[wiring.MetricRunDuration])
	}
}
