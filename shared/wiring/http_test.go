package wiring_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/lucian-app/phase12/shared/apigw"
	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/wiring"
	"github.com/lucian-app/phase12/shared/wiring/registry"
)

// apiHandler is what the builders of HTTP functions return (httpadapter's ProxyWithContext).
type apiHandler = func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error)

// apiCall is one request to a wired function, as API Gateway delivers it.
type apiCall struct {
	method, route, path string
	params              map[string]string
	body                string
	header              map[string]string
	claims              map[string]string
}

func (c apiCall) do(t *testing.T, h apiHandler) events.APIGatewayV2HTTPResponse {
	t.Helper()
	r := httptest.NewRequest(c.method, c.path, strings.NewReader(c.body))
	for k, v := range c.header {
		r.Header.Set(k, v)
	}
	ev, err := apigw.NewEvent(r, apigw.Match{Route: apigw.Route{Method: c.method, Path: c.route}, PathParameters: c.params},
		apigw.Options{Claims: c.claims})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := h(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// buildHTTP builds one function of registry.Functions() on the embedded store.
func buildHTTP(t *testing.T, id string, env map[string]string) apiHandler {
	t.Helper()
	h, err := registry.Functions()[id](deps(t, env))
	if err != nil {
		t.Fatalf("build %s: %v", id, err)
	}
	api, ok := h.(apiHandler)
	if !ok {
		t.Fatalf("%s is not an HTTP function: %T", id, h)
	}
	return api
}

var bothTables = map[string]string{wiring.EnvAppTable: dynamotest.AppTable, wiring.EnvOpsTable: dynamotest.OpsTable}

// TestEveryWiredBodyRefusesDuplicateAndCaseVariantKeys posts, to every route of the wired
// functions that reads a JSON body, a body whose key is given twice and one whose key
// differs from the contract only in case: 400 invalid_request naming the key, before any
// effect (the issue's {"intent":..., "Intent":...} among them).
func TestEveryWiredBodyRefusesDuplicateAndCaseVariantKeys(t *testing.T) {
	user := map[string]string{"sub": "alice", "cognito:groups": "[ops]"}
	tests := []struct {
		function string
		call     apiCall
		want     string
	}{
		{"TasksFunction", apiCall{method: "POST", route: "/tasks", path: "/tasks", body: `{"title":"a","title":"b"}`}, `body: duplicate key \"title\"`},
		{"TasksFunction", apiCall{method: "POST", route: "/tasks", path: "/tasks", body: `{"Title":"a"}`}, `body: key \"Title\" differs only in case from \"title\"`},
		{"TasksFunction", apiCall{method: "PATCH", route: "/tasks/{id}", path: "/tasks/t1", params: map[string]string{"id": "t1"},
			body: `{"completed":false,"Completed":true}`}, `body: key \"Completed\" differs only in case from \"completed\"`},
		{"TasksFunction", apiCall{method: "POST", route: "/goals", path: "/goals", body: `{"title":"a","target_date":"2026-12-01","target_date":"2027-01-01"}`},
			`body: duplicate key \"target_date\"`},
		{"ExecuteIntentFunction", apiCall{method: "POST", route: "/intents/execute", path: "/intents/execute", header: map[string]string{"Idempotency-Key": "k1"},
			body: `{"intent":{"type":"create_task","title":"x"},"Intent":{"type":"delete_goal","goal_ref":"y"}}`},
			`body: key \"Intent\" differs only in case from \"intent\"`},
		{"ExecuteIntentFunction", apiCall{method: "POST", route: "/intents/execute", path: "/intents/execute", header: map[string]string{"Idempotency-Key": "k2"},
			body: `{"intent":{"type":"create_task","title":"x","type":"delete_goal","goal_ref":"y"}}`}, `body: duplicate key \"intent.type\"`},
		{"ExecuteIntentFunction", apiCall{method: "POST", route: "/intents/preview", path: "/intents/preview",
			body: `{"text":"add buy milk","timezone":"UTC","Text":"delete goal y"}`}, `body: key \"Text\" differs only in case from \"text\"`},
		{"UndoFunction", apiCall{method: "POST", route: "/undo", path: "/undo", body: `{"token":"a","token":"b"}`}, `body: duplicate key \"token\"`},
		{"FlowMetricsFunction", apiCall{method: "POST", route: "/metrics/flows", path: "/metrics/flows",
			body: `{"events":[{"flow":"today_load","latency_ms":1,"outcome":"ok","outcome":"error","at":"2026-11-28T09:00:00Z"}]}`},
			`body: duplicate key \"events[0].outcome\"`},
		{"FlowMetricsFunction", apiCall{method: "POST", route: "/metrics/flows", path: "/metrics/flows", body: `{"Events":[]}`},
			`body: key \"Events\" differs only in case from \"events\"`},
		{"OpsFunction", apiCall{method: "POST", route: "/ops/alerts/{id}/ack", path: "/ops/alerts/a1/ack", params: map[string]string{"id": "a1"},
			header: map[string]string{"Content-Type": "application/json"}, body: `{"Verdict":"false_positive"}`},
			`body: key \"Verdict\" differs only in case from \"verdict\"`},
	}
	for _, tt := range tests {
		t.Run(tt.function+" "+tt.call.method+" "+tt.call.route+" "+tt.call.body, func(t *testing.T) {
			tt.call.claims = user
			resp := tt.call.do(t, buildHTTP(t, tt.function, bothTables))
			if resp.StatusCode != 400 || !strings.Contains(resp.Body, `"code":"invalid_request"`) || !strings.Contains(resp.Body, tt.want) {
				t.Errorf("got %d %s, want 400 invalid_request with %s", resp.StatusCode, resp.Body, tt.want)
			}
		})
	}
}

// TestGroupsClaimIsConfiguration: the wired ops function reads the caller's groups from
// GROUPS_CLAIM (default cognito:groups) and from no other claim.
func TestGroupsClaimIsConfiguration(t *testing.T) {
	env := func(claim string) map[string]string {
		return map[string]string{wiring.EnvOpsTable: dynamotest.OpsTable, wiring.EnvGroupsClaim: claim}
	}
	tests := []struct {
		name   string
		env    map[string]string
		claims map[string]string
		want   int
	}{
		{"default: cognito:groups", env(""), map[string]string{"sub": "alice", "cognito:groups": "[ops]"}, 200},
		{"default: groups is not read", env(""), map[string]string{"sub": "alice", "groups": "[ops]"}, 403},
		{"configured: groups", env("groups"), map[string]string{"sub": "alice", "groups": "[ops]"}, 200},
		{"configured: cognito:groups is not read", env("groups"), map[string]string{"sub": "alice", "cognito:groups": "[ops]"}, 403},
		{"configured: a malformed claim is no groups", env("groups"), map[string]string{"sub": "alice", "groups": "[ops, admin]"}, 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := apiCall{method: "GET", route: "/ops/slo", path: "/ops/slo", claims: tt.claims}.do(t, buildHTTP(t, "OpsFunction", tt.env))
			if resp.StatusCode != tt.want {
				t.Errorf("GET /ops/slo with claims %v: %d %s, want %d", tt.claims, resp.StatusCode, resp.Body, tt.want)
			}
		})
	}
}
