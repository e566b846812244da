package events

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

func decodeStrict(t *testing.T, b []byte, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("decode into %T: %v", v, err)
	}
}

func TestSampleEventsHaveLambdaShapes(t *testing.T) {
	files, err := filepath.Glob("*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no sample events: %v", err)
	}
	var http, scheduled int
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var probe map[string]json.RawMessage
			decodeStrict(t, b, &probe)
			if _, ok := probe["routeKey"]; ok {
				http++
				var e events.APIGatewayV2HTTPRequest
				decodeStrict(t, b, &e)
				checkHTTP(t, e)
				return
			}
			scheduled++
			var e events.EventBridgeEvent
			decodeStrict(t, b, &e)
			if e.DetailType != "Scheduled Event" || e.Source != "aws.events" || e.Time.IsZero() || len(e.Resources) != 1 {
				t.Errorf("not a scheduled event: %+v", e)
			}
		})
	}
	if http == 0 || scheduled == 0 {
		t.Errorf("want HTTP and scheduled samples, got %d and %d", http, scheduled)
	}
}

func checkHTTP(t *testing.T, e events.APIGatewayV2HTTPRequest) {
	t.Helper()
	rc := e.RequestContext
	if e.Version != "2.0" {
		t.Errorf("version = %q, want 2.0", e.Version)
	}
	method, route, ok := strings.Cut(e.RouteKey, " ")
	if !ok || rc.RouteKey != e.RouteKey || rc.HTTP.Method != method {
		t.Errorf("routeKey %q disagrees with requestContext %q / %q", e.RouteKey, rc.RouteKey, rc.HTTP.Method)
	}
	if rc.HTTP.Path != e.RawPath {
		t.Errorf("requestContext.http.path %q != rawPath %q", rc.HTTP.Path, e.RawPath)
	}
	if !strings.Contains(route, "{") && route != e.RawPath {
		t.Errorf("route %q does not match rawPath %q", route, e.RawPath)
	}
	if rc.Authorizer == nil || rc.Authorizer.JWT == nil || rc.Authorizer.JWT.Claims["sub"] == "" {
		t.Errorf("no JWT authorizer claims with a sub")
	}
	if e.Body != "" && !json.Valid([]byte(e.Body)) {
		t.Errorf("body is not JSON: %q", e.Body)
	}
	for k := range e.Headers {
		if k != strings.ToLower(k) {
			t.Errorf("header %q is not lower case, as API Gateway sends it", k)
		}
	}
}
