package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/wiring/registry"
)

// forbiddenBody is the project's error shape, as the runner's refusals use it.
type forbiddenBody struct {
	Error struct {
		Code, Message string
		RequestID     string `json:"request_id"`
	} `json:"error"`
}

// TestRunnerTrustsOnlyItself drives the runner behind its guard, listening on
// 127.0.0.1:3000: a Host that is not the runner's (a rebound DNS name) is refused on every
// path; the Invoke API and /_local/* also refuse a web page's foreign Origin or a cross-site
// Sec-Fetch-Site, while requests without them (curl, the SDK) pass.
func TestRunnerTrustsOnlyItself(t *testing.T) {
	rn, _ := newTestRunner(t, testTemplate, testBuilders(&jobCalls{}), nil, nil)
	h := trustOnlyItself(rn, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 3000})
	const invoke = "/2015-03-31/functions/EchoFunction/invocations"
	tests := []struct {
		name, method, host, path string
		header                   map[string]string
		status                   int
		wantMsg                  string // in the 403's message
	}{
		{"the API at 127.0.0.1", "GET", "127.0.0.1:3000", "/echo/1", nil, 200, ""},
		{"the API at localhost", "GET", "localhost:3000", "/echo/1", nil, 200, ""},
		{"host names are case-insensitive", "GET", "LocalHost:3000", "/echo/1", nil, 200, ""},
		{"the API takes other origins (the app's, as CORS would)", "GET", "127.0.0.1:3000", "/echo/1",
			map[string]string{"Origin": "https://app.example.com"}, 200, ""},
		{"a rebound name", "GET", "evil.example:3000", "/echo/1", nil, 403, `Host "evil.example:3000"`},
		{"a rebound name on the Invoke API", "POST", "evil.example:3000", invoke, nil, 403, `Host "evil.example:3000"`},
		{"a rebound name on the SNS messages", "GET", "evil.example:3000", messagesPath, nil, 403, `Host "evil.example:3000"`},
		{"another port", "GET", "127.0.0.1:3001", "/echo/1", nil, 403, `Host "127.0.0.1:3001"`},
		{"no port", "GET", "localhost", "/echo/1", nil, 403, `Host "localhost"`},
		{"an address it does not listen on", "GET", "[::1]:3000", "/echo/1", nil, 403, `Host "[::1]:3000"`},
		{"another loopback address", "GET", "127.0.0.2:3000", "/echo/1", nil, 403, `Host "127.0.0.2:3000"`},
		{"the Invoke API from curl or the SDK", "POST", "127.0.0.1:3000", invoke, nil, 200, ""},
		{"the Invoke API from the runner's own page", "POST", "127.0.0.1:3000", invoke,
			map[string]string{"Origin": "http://127.0.0.1:3000", "Sec-Fetch-Site": "same-origin"}, 200, ""},
		{"the Invoke API from its other own origin", "POST", "127.0.0.1:3000", invoke,
			map[string]string{"Origin": "http://localhost:3000"}, 200, ""},
		{"the Invoke API from another site", "POST", "127.0.0.1:3000", invoke,
			map[string]string{"Origin": "https://evil.example"}, 403, `Origin "https://evil.example"`},
		{"the Invoke API from another local server", "POST", "localhost:3000", invoke,
			map[string]string{"Origin": "http://localhost:8080"}, 403, `Origin "http://localhost:8080"`},
		{"the Invoke API from an opaque origin", "POST", "127.0.0.1:3000", invoke,
			map[string]string{"Origin": "null"}, 403, `Origin "null"`},
		{"the Invoke API from a same-site page without Origin", "POST", "127.0.0.1:3000", invoke,
			map[string]string{"Sec-Fetch-Site": "same-site"}, 403, `Sec-Fetch-Site "same-site"`},
		{"the SNS messages typed into the address bar", "GET", "127.0.0.1:3000", messagesPath,
			map[string]string{"Sec-Fetch-Site": "none"}, 200, ""},
		{"the SNS messages from another site", "GET", "127.0.0.1:3000", messagesPath,
			map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}, 403, "/_local/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.path, strings.NewReader(`{"rawPath":"/echo/1"}`))
			r.Host = tt.host
			for k, v := range tt.header {
				r.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			if tt.status != 403 {
				return
			}
			var e forbiddenBody
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error.Code != "forbidden" || e.Error.RequestID == "" ||
				!strings.Contains(e.Error.Message, tt.wantMsg) {
				t.Errorf("body %s (%v), want {error:{code: forbidden, a request_id, message containing %s}}", rec.Body, err, tt.wantMsg)
			}
		})
	}
}

// TestClockCannotBeMovedFromAnotherSite: a form on another site posting to /_local/clock
// leaves the clock where it was.
func TestClockCannotBeMovedFromAnotherSite(t *testing.T) {
	tmpl := projectTemplate(t)
	b, err := memoryBackends(context.Background(), tmpl)
	if err != nil {
		t.Fatal(err)
	}
	clock, err := newLocalClock("2026-11-29T21:00:00Z", time.Now)
	if err != nil {
		t.Fatal(err)
	}
	rn, err := newRunner(tmpl, b, options{builders: registry.Functions(), getenv: func(string) string { return "" }, logOut: io.Discard, clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	h := trustOnlyItself(rn, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 3000})
	r := httptest.NewRequest("POST", clockPath, strings.NewReader(`{"now":"2027-01-01T00:00:00Z"}`))
	r.Host = "127.0.0.1:3000"
	r.Header.Set("Content-Type", "text/plain")
	r.Header.Set("Origin", "https://evil.example")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	if rec.Code != 403 {
		t.Errorf("status %d, want 403: %s", rec.Code, rec.Body)
	}
	if now := clock.Now(); now.Year() != 2026 {
		t.Errorf("the clock moved to %v", now)
	}
}

// TestRunRefusesARebindingHost starts the runner as make dev does and talks to it over TCP
// as a page behind a rebound DNS name would: the connection reaches 127.0.0.1, the Host
// names another site.
func TestRunRefusesARebindingHost(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	env := map[string]string{"PORT": "0", "LOCAL_SCHEDULES": "off"}
	var stdout lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-template", "../../template.yaml"}, func(k string) string { return env[k] }, &stdout, io.Discard)
	}()
	base := waitFor(t, &stdout, done, regexp.MustCompile(`Serving \S+ on (http://127\.0\.0\.1:\d+)`))
	port := base[strings.LastIndex(base, ":")+1:]

	tests := []struct {
		host, path string
		header     map[string]string
		status     int
	}{
		{"127.0.0.1:" + port, "/tasks/today?timezone=UTC", map[string]string{"X-Dev-User": "alice"}, 200},
		{"localhost:" + port, "/tasks/today?timezone=UTC", map[string]string{"X-Dev-User": "alice"}, 200},
		{"rebound.evil.example:" + port, "/tasks/today?timezone=UTC", map[string]string{"X-Dev-User": "alice"}, 403},
		{"rebound.evil.example:" + port, messagesPath, nil, 403},
		{"127.0.0.1:" + port, messagesPath, map[string]string{"Origin": "https://evil.example"}, 403},
		{"127.0.0.1:" + port, messagesPath, nil, 200},
	}
	for _, tt := range tests {
		req, err := http.NewRequestWithContext(ctx, "GET", base+tt.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = tt.host
		for k, v := range tt.header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.status {
			t.Errorf("GET %s with Host %s and %v: %d %s, want %d", tt.path, tt.host, tt.header, resp.StatusCode, body, tt.status)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("run: %v", err)
	}
}
