package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http/httptest"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/lucian-app/phase12/shared/apigw"
	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/samtemplate"
	"github.com/lucian-app/phase12/shared/wiring/registry"
)

// The tests below run the project's own template.yaml and builders, so
// they fail when the template and the code drift apart.

func projectTemplate(t *testing.T) *samtemplate.Template {
	t.Helper()
	data, err := os.ReadFile("../../template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := samtemplate.Parse(data)
	if err != nil {
		t.Fatalf("template.yaml: %v", err)
	}
	return tmpl
}

func projectRunner(t *testing.T) (*runner, *backends, *samtemplate.Template) {
	t.Helper()
	tmpl := projectTemplate(t)
	b, err := memoryBackends(context.Background(), tmpl)
	if err != nil {
		t.Fatal(err)
	}
	rn, err := newRunner(tmpl, b, options{builders: registry.Functions(), getenv: func(string) string { return "" }, logOut: io.Discard})
	if err != nil {
		t.Fatalf("the runner does not start on template.yaml: %v", err)
	}
	return rn, b, tmpl
}

func TestTemplateAndRunnerAgree(t *testing.T) {
	rn, b, tmpl := projectRunner(t)

	t.Run("every template function has a builder and is served", func(t *testing.T) {
		if err := checkBuilders(tmpl, registry.Functions()); err != nil {
			t.Error(err)
		}
		for _, id := range tmpl.FunctionIDs() {
			if rn.functions[id] == nil {
				t.Errorf("%s is not served", id)
			}
		}
	})

	t.Run("served routes are the template's", func(t *testing.T) {
		var want, got []string
		for _, id := range tmpl.FunctionIDs() {
			for _, r := range tmpl.Functions[id].Routes {
				want = append(want, r.Method+" "+r.Path+" -> "+id)
			}
		}
		for _, r := range rn.routes() {
			got = append(got, r.Method+" "+r.Path+" -> "+r.Function)
		}
		sort.Strings(want)
		sort.Strings(got)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("served %v\ntemplate %v", got, want)
		}
	})

	// A route the template declares but the handler does not implement
	// would reach http.ServeMux's "404 page not found"; one the handler
	// implements answers in the error shape of DESIGN §3 at worst.
	t.Run("every template route reaches a handler route", func(t *testing.T) {
		for _, r := range rn.routes() {
			path := r.Path
			for strings.Contains(path, "{") {
				i, j := strings.Index(path, "{"), strings.Index(path, "}")
				path = path[:i] + "unknown-id" + path[j+1:]
			}
			got := do(rn, r.Method, path, strings.NewReader("{}"), map[string]string{"X-Dev-User": "agree-user", "X-Dev-Groups": "ops"})
			// The alert page's 404 for a browser is a page of its own, not the mux's.
			if got.status == 404 && !strings.Contains(got.body, `"error":`) && !strings.Contains(got.body, `id="not-found"`) || got.status == 405 || got.status >= 500 {
				t.Errorf("%s %s -> %s: %d %s", r.Method, path, r.Function, got.status, got.body)
			}
		}
	})

	t.Run("tables exist with dynamo.CreateTableInput's schema", func(t *testing.T) {
		if len(tmpl.Tables) == 0 {
			t.Fatal("the template declares no table")
		}
		for _, tbl := range tmpl.Tables {
			want := dynamo.CreateTableInput(tbl.LogicalID)
			if got := keySchema(tbl.KeySchema); !reflect.DeepEqual(got, describeKeys(want.KeySchema)) {
				t.Errorf("%s: template key schema %v, dynamo.CreateTableInput %v", tbl.LogicalID, got, describeKeys(want.KeySchema))
			}
			if got := attributes(tbl.AttributeDefinitions); !reflect.DeepEqual(got, describeAttributes(want.AttributeDefinitions)) {
				t.Errorf("%s: template attributes %v, dynamo.CreateTableInput %v", tbl.LogicalID, got, describeAttributes(want.AttributeDefinitions))
			}
			if tbl.TTLAttribute != dynamo.TTLAttribute {
				t.Errorf("%s: template TTL attribute %q, dynamo.TTLAttribute %q", tbl.LogicalID, tbl.TTLAttribute, dynamo.TTLAttribute)
			}
			out, err := b.admin.DescribeTable(context.Background(), &dynamodb.DescribeTableInput{TableName: aws.String(tbl.LogicalID)})
			if err != nil {
				t.Errorf("%s was not created in minidyn: %v", tbl.LogicalID, err)
				continue
			}
			if got := describeKeys(out.Table.KeySchema); !reflect.DeepEqual(got, describeKeys(want.KeySchema)) {
				t.Errorf("%s in minidyn: key schema %v, want %v", tbl.LogicalID, got, describeKeys(want.KeySchema))
			}
		}
	})

	t.Run("topics have ARNs the recorder names by logical ID", func(t *testing.T) {
		for _, id := range tmpl.Topics {
			arn := b.topicARNs[id]
			if arn == "" || b.recorder.Names[arn] != id {
				t.Errorf("topic %s: ARN %q, recorder name %q", id, arn, b.recorder.Names[arn])
			}
		}
	})
}

func keySchema(ks []samtemplate.KeyElement) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = k.AttributeName + " " + k.KeyType
	}
	return out
}

func describeKeys(ks []types.KeySchemaElement) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = aws.ToString(k.AttributeName) + " " + string(k.KeyType)
	}
	return out
}

func attributes(ds []samtemplate.AttributeDefinition) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.AttributeName + " " + d.AttributeType
	}
	sort.Strings(out)
	return out
}

func describeAttributes(ds []types.AttributeDefinition) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = aws.ToString(d.AttributeName) + " " + string(d.AttributeType)
	}
	sort.Strings(out)
	return out
}

type taskList struct {
	Tasks []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	} `json:"tasks"`
}

func TestTasksThroughRunner(t *testing.T) {
	rn, _, _ := projectRunner(t)
	alice := map[string]string{"X-Dev-User": "alice"}
	today := "/tasks/today?timezone=Europe/Berlin"

	steps := []struct {
		name       string
		method     string
		target     string
		body       string
		header     map[string]string
		wantStatus int
		wantTitles []string // for task lists
		wantCode   string   // for errors
	}{
		{"empty list", "GET", today, "", alice, 200, []string{}, ""},
		{"no identity", "GET", today, "", nil, 401, nil, "unauthorized"},
		{"create", "POST", "/tasks", `{"title":"buy milk"}`, alice, 201, nil, ""},
		{"create without identity", "POST", "/tasks", `{"title":"x"}`, nil, 401, nil, "unauthorized"},
		{"listed", "GET", today, "", alice, 200, []string{"buy milk"}, ""},
		{"not another user's", "GET", today, "", map[string]string{"X-Dev-User": "bob"}, 200, []string{}, ""},
		{"invalid body", "POST", "/tasks", `{"title":42}`, alice, 400, nil, "invalid_request"},
		{"unknown route", "GET", "/tasks/today/extra", "", alice, 404, nil, ""},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			got := do(rn, s.method, s.target, strings.NewReader(s.body), s.header)
			if got.status != s.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", got.status, s.wantStatus, got.body)
			}
			switch {
			case s.wantTitles != nil:
				var list taskList
				if err := json.Unmarshal([]byte(got.body), &list); err != nil {
					t.Fatalf("body %s: %v", got.body, err)
				}
				titles := []string{}
				for _, tk := range list.Tasks {
					titles = append(titles, tk.Title)
				}
				if !reflect.DeepEqual(titles, s.wantTitles) {
					t.Errorf("titles = %v, want %v", titles, s.wantTitles)
				}
			case s.wantCode != "":
				var e struct {
					Error struct {
						Code      string `json:"code"`
						RequestID string `json:"request_id"`
					} `json:"error"`
				}
				if err := json.Unmarshal([]byte(got.body), &e); err != nil || e.Error.Code != s.wantCode || e.Error.RequestID == "" {
					t.Errorf("body = %s, want code %s with a request_id", got.body, s.wantCode)
				}
			case s.wantStatus == 404:
				if got.body != `{"message":"Not Found"}` {
					t.Errorf("body = %s, want API Gateway's Not Found", got.body)
				}
			}
		})
	}
}

// TestInvokeTasksFunction drives TasksFunction through the Invoke API with
// API Gateway events, as `aws lambda invoke` against the runner would.
func TestInvokeTasksFunction(t *testing.T) {
	rn, _, _ := projectRunner(t)
	invoke := func(method, target, body string) events.APIGatewayV2HTTPResponse {
		t.Helper()
		r := httptest.NewRequest(method, target, strings.NewReader(body))
		m, ok := rn.router.Match(r.Method, r.URL.EscapedPath())
		if !ok {
			t.Fatalf("%s %s matches no template route", method, target)
		}
		ev, err := apigw.NewEvent(r, m, apigw.Options{Claims: map[string]string{"sub": "carol"}})
		if err != nil {
			t.Fatal(err)
		}
		payload, _ := json.Marshal(ev)
		got := do(rn, "POST", "/2015-03-31/functions/TasksFunction/invocations", strings.NewReader(string(payload)), nil)
		if got.status != 200 || got.header.Get("X-Amz-Function-Error") != "" {
			t.Fatalf("invoke: %d %q %s", got.status, got.header.Get("X-Amz-Function-Error"), got.body)
		}
		var resp events.APIGatewayV2HTTPResponse
		if err := json.Unmarshal([]byte(got.body), &resp); err != nil {
			t.Fatalf("invoke body %s: %v", got.body, err)
		}
		return resp
	}

	created := invoke("POST", "/tasks", `{"title":"call the dentist","priority":2}`)
	if created.StatusCode != 201 || !strings.Contains(created.Body, `"title":"call the dentist"`) {
		t.Fatalf("create: %d %s", created.StatusCode, created.Body)
	}
	listed := invoke("GET", "/tasks/today?timezone=UTC", "")
	var list taskList
	if err := json.Unmarshal([]byte(listed.Body), &list); err != nil {
		t.Fatalf("list body %s: %v", listed.Body, err)
	}
	if listed.StatusCode != 200 || len(list.Tasks) != 1 || list.Tasks[0].Title != "call the dentist" {
		t.Errorf("list: %d %s, want the one task", listed.StatusCode, listed.Body)
	}
}
