package apigw

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/core"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
)

// arrival is when the test requests reach API Gateway.
func arrival() time.Time { return time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC) }

func TestNewEvent(t *testing.T) {
	r := httptest.NewRequest("POST", "http://127.0.0.1:3000/tasks/T%201?a=1&b=x&a=2&empty=", strings.NewReader(`{"title":"milk"}`))
	r.RemoteAddr = "127.0.0.1:54321"
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("User-Agent", "curl/8.0")
	r.Header.Add("X-Multi", "one")
	r.Header.Add("X-Multi", "two")
	r.Header.Add("Cookie", "s=1; theme=dark")
	r.Header.Add("Cookie", "lang=de")
	m := Match{Route: Route{"POST", "/tasks/{id}"}, PathParameters: map[string]string{"id": "T 1"}}

	got, err := NewEvent(r, m, Options{RequestID: "req-1", Time: arrival(), Claims: map[string]string{"sub": "alice", "cognito:groups": "[ops admin]"}})
	if err != nil {
		t.Fatal(err)
	}
	want := events.APIGatewayV2HTTPRequest{
		Version:        "2.0",
		RouteKey:       "POST /tasks/{id}",
		RawPath:        "/tasks/T%201",
		RawQueryString: "a=1&b=x&a=2&empty=",
		Cookies:        []string{"s=1", "theme=dark", "lang=de"},
		Headers: map[string]string{
			"content-type":      "application/json",
			"user-agent":        "curl/8.0",
			"x-multi":           "one,two",
			"host":              "127.0.0.1:3000",
			"content-length":    "16",
			"x-forwarded-for":   "127.0.0.1",
			"x-forwarded-proto": "http",
			"x-forwarded-port":  "3000",
		},
		QueryStringParameters: map[string]string{"a": "1,2", "b": "x", "empty": ""},
		PathParameters:        map[string]string{"id": "T 1"},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey:     "POST /tasks/{id}",
			AccountID:    "123456789012",
			Stage:        "$default",
			RequestID:    "req-1",
			APIID:        "local",
			DomainName:   "127.0.0.1",
			DomainPrefix: "127.0.0.1",
			Time:         "28/Nov/2026:10:00:00 +0000",
			TimeEpoch:    arrival().UnixMilli(),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method: "POST", Path: "/tasks/T 1", Protocol: "HTTP/1.1", SourceIP: "127.0.0.1", UserAgent: "curl/8.0",
			},
			Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
				JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{
					Claims: map[string]string{"sub": "alice", "cognito:groups": "[ops admin]"},
				},
			},
		},
		Body: `{"title":"milk"}`,
	}
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", " ")
		w, _ := json.MarshalIndent(want, "", " ")
		t.Errorf("event =\n%s\nwant\n%s", g, w)
	}
}

func TestNewEventVariants(t *testing.T) {
	tests := []struct {
		name  string
		req   func() *http.Request
		opts  Options
		check func(t *testing.T, ev events.APIGatewayV2HTTPRequest)
	}{
		{
			name: "no authorizer, no body, no query",
			req:  func() *http.Request { return httptest.NewRequest("GET", "/tasks/today", nil) },
			check: func(t *testing.T, ev events.APIGatewayV2HTTPRequest) {
				if ev.RequestContext.Authorizer != nil {
					t.Errorf("authorizer = %+v, want none", ev.RequestContext.Authorizer)
				}
				if ev.Body != "" || ev.IsBase64Encoded || ev.QueryStringParameters != nil || ev.Cookies != nil {
					t.Errorf("body %q base64 %v query %v cookies %v, want all empty", ev.Body, ev.IsBase64Encoded, ev.QueryStringParameters, ev.Cookies)
				}
				if _, ok := ev.Headers["content-length"]; ok {
					t.Errorf("content-length set for an empty body")
				}
			},
		},
		{
			name: "binary body",
			req: func() *http.Request {
				return httptest.NewRequest("POST", "/upload", strings.NewReader("\xff\xfe\x00ok"))
			},
			check: func(t *testing.T, ev events.APIGatewayV2HTTPRequest) {
				if !ev.IsBase64Encoded || ev.Body != "//4Ab2s=" {
					t.Errorf("body %q base64 %v, want //4Ab2s= true", ev.Body, ev.IsBase64Encoded)
				}
			},
		},
		{
			name: "API Gateway domain, scopes, forwarded-for chain, TLS",
			req: func() *http.Request {
				r := httptest.NewRequest("GET", "https://abc123.execute-api.us-east-1.amazonaws.com/goals", nil)
				r.Header.Set("X-Forwarded-For", "10.0.0.1")
				return r
			},
			opts: Options{Claims: map[string]string{"sub": "bob"}, Scopes: []string{"read"}, APIID: "abc123", Stage: "prod"},
			check: func(t *testing.T, ev events.APIGatewayV2HTTPRequest) {
				rc := ev.RequestContext
				if rc.DomainName != "abc123.execute-api.us-east-1.amazonaws.com" || rc.DomainPrefix != "abc123" || rc.APIID != "abc123" || rc.Stage != "prod" {
					t.Errorf("domain %q prefix %q api %q stage %q", rc.DomainName, rc.DomainPrefix, rc.APIID, rc.Stage)
				}
				if got := rc.Authorizer.JWT.Scopes; !reflect.DeepEqual(got, []string{"read"}) {
					t.Errorf("scopes = %v", got)
				}
				if got, want := ev.Headers["x-forwarded-for"], "10.0.0.1, 192.0.2.1"; got != want {
					t.Errorf("x-forwarded-for = %q, want %q", got, want)
				}
				if ev.Headers["x-forwarded-proto"] != "https" || ev.Headers["x-forwarded-port"] != "443" {
					t.Errorf("forwarded proto/port = %q/%q, want https/443", ev.Headers["x-forwarded-proto"], ev.Headers["x-forwarded-port"])
				}
			},
		},
		{
			name: "generated request ID and time",
			req:  func() *http.Request { return httptest.NewRequest("GET", "/", nil) },
			check: func(t *testing.T, ev events.APIGatewayV2HTTPRequest) {
				if len(ev.RequestContext.RequestID) != 16 {
					t.Errorf("request ID %q, want 16 characters", ev.RequestContext.RequestID)
				}
				if ev.RequestContext.TimeEpoch == 0 {
					t.Errorf("timeEpoch not set")
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.req()
			ev, err := NewEvent(r, Match{Route: Route{r.Method, r.URL.Path}}, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, ev)
		})
	}
}

// TestRoundTrip sends an event through the adapter the functions use and
// back, so the shapes here are the ones httpadapter reads and writes.
func TestRoundTrip(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc, _ := core.GetAPIGatewayV2ContextFromContext(r.Context())
		body, _ := io.ReadAll(r.Body)
		http.SetCookie(w, &http.Cookie{Name: "a", Value: "1"})
		http.SetCookie(w, &http.Cookie{Name: "b", Value: "2"})
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(map[string]string{
			"sub": rc.Authorizer.JWT.Claims["sub"], "route": rc.RouteKey, "body": string(body),
			"q": r.URL.Query().Get("q"), "multi": strings.Join(r.Header.Values("X-Multi"), "|"),
		})
	})
	r := httptest.NewRequest("POST", "/tasks?q=x%20y", strings.NewReader("hi"))
	r.Header.Add("X-Multi", "one")
	r.Header.Add("X-Multi", "two")
	ev, err := NewEvent(r, Match{Route: Route{"POST", "/tasks"}}, Options{Claims: map[string]string{"sub": "alice"}, Time: arrival()})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := httpadapter.NewV2(h).ProxyWithContext(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	if err := WriteResponse(rec, resp); err != nil {
		t.Fatal(err)
	}
	if rec.Code != http.StatusCreated {
		t.Errorf("status = %d, want 201", rec.Code)
	}
	if got, want := rec.Result().Header.Values("Set-Cookie"), []string{"a=1", "b=2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Set-Cookie = %v, want %v", got, want)
	}
	var got map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatalf("body %q: %v", rec.Body, err)
	}
	want := map[string]string{"sub": "alice", "route": "POST /tasks", "body": "hi", "q": "x y", "multi": "one|two"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("handler saw %v, want %v", got, want)
	}
}
