package apispec_test

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/lucian-app/phase12/shared/apispec"
	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/httpapi"
	"github.com/lucian-app/phase12/shared/samtemplate"
)

const small = `
openapi: 3.1.0
info: {title: t, version: "1"}
paths:
  /things/{id}:
    get:
      responses:
        "200":
          description: ok
          headers:
            X-Must: {required: true, schema: {type: string, enum: ["yes"]}}
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Thing"}
        "404": {$ref: "#/components/responses/Missing"}
components:
  responses:
    Missing:
      description: gone
      content:
        application/json:
          schema: {type: object, required: [error]}
  schemas:
    Thing:
      type: object
      required: [id, at, n, tags]
      additionalProperties: false
      properties:
        id: {type: string, minLength: 2, pattern: "^t[0-9]+$"}
        at: {type: string, format: date-time}
        day: {type: [string, "null"], format: date}
        n: {type: integer, minimum: 1, maximum: 4}
        tags: {type: array, maxItems: 2, items: {type: string, enum: [a, b]}}
        kind: {oneOf: [{const: x}, {const: y}]}
`

func TestValidateCatchesEachKindOfMismatch(t *testing.T) {
	spec, err := apispec.Parse([]byte(small))
	if err != nil {
		t.Fatal(err)
	}
	good := `{"id":"t1","at":"2026-11-28T09:00:00+01:00","day":null,"n":2,"tags":["a"],"kind":"x"}`
	tests := []struct {
		name, body, want string
	}{
		{"conforms", good, ""},
		{"a required property missing", `{"id":"t1","at":"2026-11-28T09:00:00Z","n":2}`, "body: tags is required"},
		{"an undescribed property", strings.Replace(good, `"n":2`, `"n":2,"extra":1`, 1), "body: extra is not a property of the description"},
		{"a wrong type", strings.Replace(good, `"n":2`, `"n":"2"`, 1), "body.n: a string is not of type integer"},
		{"not an integer", strings.Replace(good, `"n":2`, `"n":2.5`, 1), "body.n: a number is not of type integer"},
		{"below the minimum", strings.Replace(good, `"n":2`, `"n":0`, 1), "body.n: 0 is below the minimum 1"},
		{"above the maximum", strings.Replace(good, `"n":2`, `"n":5`, 1), "body.n: 5 is above the maximum 4"},
		{"too short", strings.Replace(good, `"id":"t1"`, `"id":"t"`, 1), `body.id: "t" is shorter than 2`},
		{"not the pattern", strings.Replace(good, `"id":"t1"`, `"id":"x1"`, 1), `body.id: "x1" does not match ^t[0-9]+$`},
		{"not a date-time", strings.Replace(good, `"2026-11-28T09:00:00+01:00"`, `"2026-11-28 09:00"`, 1), "is not an RFC 3339 date-time"},
		{"not a date", strings.Replace(good, `"day":null`, `"day":"28.11.2026"`, 1), "is not a date (YYYY-MM-DD)"},
		{"null allowed by a type list", good, ""},
		{"not in the enum", strings.Replace(good, `["a"]`, `["c"]`, 1), "body.tags[0]: c is not one of [a b]"},
		{"too many items", strings.Replace(good, `["a"]`, `["a","b","a"]`, 1), "body.tags: 3 items, at most 2"},
		{"none of oneOf", strings.Replace(good, `"kind":"x"`, `"kind":"z"`, 1), "body.kind: matches 0 of oneOf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := spec.CheckResponse("GET /things/{id}", 200, map[string]string{"content-type": "application/json", "x-must": "yes"}, []byte(tt.body))
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("CheckResponse: %v, want none", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("CheckResponse: %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestCheckResponseHoldsTheStatusMediaTypeAndHeaders(t *testing.T) {
	spec, err := apispec.Parse([]byte(small))
	if err != nil {
		t.Fatal(err)
	}
	jsonHeader := map[string]string{"Content-Type": "application/json; charset=utf-8", "X-Must": "yes"}
	body := []byte(`{"id":"t1","at":"2026-11-28T09:00:00Z","n":1,"tags":[]}`)
	tests := []struct {
		name   string
		route  string
		status int
		header map[string]string
		body   []byte
		want   string
	}{
		{"conforms", "GET /things/{id}", 200, jsonHeader, body, ""},
		{"an undescribed route", "POST /things/{id}", 200, jsonHeader, body, "POST /things/{id} is not described"},
		{"an undocumented status", "GET /things/{id}", 409, jsonHeader, body, "status 409 is not documented"},
		{"a referenced response", "GET /things/{id}", 404, jsonHeader, []byte(`{}`), "body: error is required"},
		{"another media type", "GET /things/{id}", 200, map[string]string{"Content-Type": "text/html", "X-Must": "yes"}, body, `Content-Type "text/html", want one of [application/json]`},
		{"a required header missing", "GET /things/{id}", 200, map[string]string{"Content-Type": "application/json"}, body, "header X-Must is required"},
		{"a header's value", "GET /things/{id}", 200, map[string]string{"Content-Type": "application/json", "X-Must": "no"}, body, "header X-Must: no is not one of [yes]"},
		{"not JSON", "GET /things/{id}", 200, jsonHeader, []byte(`{`), "body is not JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := spec.CheckResponse(tt.route, tt.status, tt.header, tt.body)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("CheckResponse: %v, want none", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("CheckResponse: %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func project(t *testing.T) *apispec.Spec {
	t.Helper()
	spec, err := apispec.Load("../../docs/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

// TestTheDescriptionHasExactlyTheTemplatesRoutes: every HttpApi route of template.yaml is
// described, and nothing else is.
func TestTheDescriptionHasExactlyTheTemplatesRoutes(t *testing.T) {
	data, err := os.ReadFile("../../template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := samtemplate.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	var routes []string
	for _, id := range tpl.FunctionIDs() {
		for _, r := range tpl.Functions[id].Routes {
			routes = append(routes, r.Method+" "+r.Path)
		}
	}
	slices.Sort(routes)
	described := project(t).Routes()
	for _, r := range routes {
		if !slices.Contains(described, r) {
			t.Errorf("template.yaml serves %s, which docs/openapi.yaml does not describe", r)
		}
	}
	for _, r := range described {
		if !slices.Contains(routes, r) {
			t.Errorf("docs/openapi.yaml describes %s, which template.yaml does not serve", r)
		}
	}
	if len(routes) == 0 {
		t.Fatal("no routes in template.yaml")
	}
}

// codes are the error codes of DESIGN §3 and §7.
var codes = []apperr.Code{apperr.InvalidRequest, apperr.IdempotencyKeyMissing, apperr.Unauthorized, apperr.Forbidden,
	apperr.NotFound, apperr.Conflict, apperr.UndoExpired, apperr.PayloadTooLarge, apperr.IdempotencyKeyReused,
	apperr.ConfirmationRequired, apperr.UndoDisabled, apperr.DependencyUnavailable, apperr.RateLimited,
	apperr.QuotaExceeded, apperr.Internal}

// TestEachErrorSchemaTakesExactlyTheCodesOfItsStatus: ErrorOf<status> accepts an error body
// with code c exactly when httpapi's one table maps c to that status, so the description and
// the code agree on DESIGN's table.
func TestEachErrorSchemaTakesExactlyTheCodesOfItsStatus(t *testing.T) {
	spec := project(t)
	raw, err := os.ReadFile("../../docs/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Components struct{ Schemas map[string]any } `yaml:"components"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	statuses := map[int]bool{}
	for _, c := range codes {
		statuses[httpapi.Status(c)] = true
	}
	for status := range statuses {
		name := "ErrorOf" + itoa(status)
		if _, ok := doc.Components.Schemas[name]; !ok {
			t.Errorf("no schema %s", name)
			continue
		}
		for _, c := range codes {
			var body any
			_ = json.Unmarshal([]byte(`{"error":{"code":"`+string(c)+`","message":"m","request_id":"r"}}`), &body)
			ok := len(spec.Validate(map[string]any{"$ref": "#/components/schemas/" + name}, body)) == 0
			if want := httpapi.Status(c) == status; ok != want {
				t.Errorf("%s takes code %s: %v, want %v (the code's status is %d)", name, c, ok, want, httpapi.Status(c))
			}
		}
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
