package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/lucian-app/phase12/shared/wiring"
	"github.com/lucian-app/phase12/shared/wiring/registry"
)

func TestLocalClock(t *testing.T) {
	real := time.Date(2026, 11, 28, 1, 0, 0, 0, time.UTC)
	realNow := func() time.Time { return real }
	if _, err := newLocalClock("next monday", realNow); err == nil || !strings.Contains(err.Error(), `LOCAL_NOW "next monday" is not an RFC 3339 time`) {
		t.Errorf("newLocalClock(bad) error = %v", err)
	}
	c, err := newLocalClock("2026-11-29T21:00:00Z", realNow)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 11, 29, 21, 0, 0, 0, time.UTC)
	if got := c.Now(); !got.Equal(start) {
		t.Errorf("Now() = %v, want %v", got, start)
	}
	real = real.Add(90 * time.Second) // it runs at real speed
	if got := c.Now(); !got.Equal(start.Add(90 * time.Second)) {
		t.Errorf("Now() after 90 s = %v", got)
	}
	monday := time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)
	if err := c.Set(monday); err != nil {
		t.Fatal(err)
	}
	if err := c.Set(monday.Add(-time.Minute)); err == nil || !strings.Contains(err.Error(), "only moves forward") {
		t.Errorf("Set(back) error = %v", err)
	}
	if got := c.Now(); !got.Equal(monday) {
		t.Errorf("Now() = %v, want %v", got, monday)
	}

	if !c.sleepUntil(context.Background(), monday) {
		t.Errorf("sleepUntil(a time the clock reached) = false")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if c.sleepUntil(ctx, monday.Add(time.Hour)) {
		t.Errorf("sleepUntil() after the context ended = true")
	}
}

func TestClockRoute(t *testing.T) {
	tmpl := projectTemplate(t)
	b, err := memoryBackends(context.Background(), tmpl)
	if err != nil {
		t.Fatal(err)
	}
	clock, err := newLocalClock("2026-11-29T21:00:00Z", time.Now)
	if err != nil {
		t.Fatal(err)
	}
	rn, err := newRunner(tmpl, b, options{builders: registry.Functions(), getenv: func(string) string { return "" },
		logOut: io.Discard, clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, method, body string
		status             int
		want               string // prefix of "now", or the message
	}{
		{"read", "GET", "", 200, "2026-11-29T21:0"},
		{"move forward", "POST", `{"now":"2026-11-30T06:00:00Z"}`, 200, "2026-11-30T06:0"},
		{"not back", "POST", `{"now":"2026-11-29T00:00:00Z"}`, 409, "the clock only moves forward"},
		{"not a time", "POST", `{"now":"monday"}`, 400, "now: not an RFC 3339 time"},
		{"not JSON", "POST", `now=monday`, 400, `body must be {"now": "<RFC 3339 time>"}`},
		{"keys are case-sensitive", "POST", `{"Now":"2026-12-01T06:00:00Z"}`, 400, `body must be {"now": "<RFC 3339 time>"}: body: key "Now" differs only in case from "now"`},
		{"keys are given once", "POST", `{"now":"2026-11-29T00:00:00Z","now":"2026-12-01T06:00:00Z"}`, 400, `body must be {"now": "<RFC 3339 time>"}: body: duplicate key "now"`},
		{"other methods", "DELETE", "", 405, "Method Not Allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := do(rn, tt.method, clockPath, strings.NewReader(tt.body), nil)
			var body map[string]string
			if err := json.Unmarshal([]byte(got.body), &body); err != nil {
				t.Fatalf("body %q: %v", got.body, err)
			}
			text := body["now"] + body["message"]
			if got.status != tt.status || !strings.HasPrefix(text, tt.want) {
				t.Errorf("%s %s: %d %q, want %d %q", tt.method, tt.body, got.status, text, tt.status, tt.want)
			}
		})
	}

	// The functions run on the runner's clock: an event an hour before it is accepted,
	// although it is days away from the real time.
	at := clock.Now().Add(-time.Hour).Format(time.RFC3339)
	got := do(rn, "POST", "/metrics/flows", strings.NewReader(fmt.Sprintf(`{"events":[{"flow":"today_load_client","latency_ms":120,"outcome":"ok","at":%q}]}`, at)),
		map[string]string{"X-Dev-User": "app"})
	if got.status != 200 || !strings.Contains(got.body, `"accepted":1`) {
		t.Errorf("ingest on the runner's clock: %d %s", got.status, got.body)
	}
}

func TestDefaultIdentity(t *testing.T) {
	tmpl := projectTemplate(t)
	b, err := memoryBackends(context.Background(), tmpl)
	if err != nil {
		t.Fatal(err)
	}
	rn, err := newRunner(tmpl, b, options{builders: registry.Functions(), getenv: func(string) string { return "" },
		logOut: io.Discard, identity: devIdentity{user: "ops-viewer", groups: "ops"}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		header map[string]string
		status int
	}{
		{"a browser navigating: the default identity", nil, 200},
		{"the runner's own origin", map[string]string{"Origin": "http://example.com"}, 200}, // httptest's Host is example.com
		{"another site's page", map[string]string{"Origin": "https://evil.example"}, 401},
		{"X-Dev-User wins", map[string]string{"X-Dev-User": "alice"}, 403},
		{"X-Dev-User with the group", map[string]string{"X-Dev-User": "alice", "X-Dev-Groups": "ops"}, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := do(rn, "GET", "/ops/alerts", nil, tt.header)
			if got.status != tt.status {
				t.Errorf("status %d, want %d: %s", got.status, tt.status, got.body)
			}
		})
	}

	// Without a default identity, nothing changes: no header, no claims.
	plain, _, _ := projectRunner(t)
	if got := do(plain, "GET", "/ops/alerts", nil, nil); got.status != 401 {
		t.Errorf("without LOCAL_DEV_USER: status %d, want 401", got.status)
	}
}

func TestSchedulesCanBeTurnedOff(t *testing.T) {
	for _, tt := range []struct {
		value   string
		want    bool
		wantErr string
	}{
		{"", true, ""},
		{"on", true, ""},
		{"off", false, ""},
		{" OFF ", false, ""},
		{"sometimes", false, `LOCAL_SCHEDULES "sometimes": want on or off`},
	} {
		got, err := schedulesSetting(tt.value)
		if (err == nil) != (tt.wantErr == "") || (err != nil && err.Error() != tt.wantErr) || (err == nil && got != tt.want) {
			t.Errorf("schedulesSetting(%q) = %v, %v; want %v, %q", tt.value, got, err, tt.want, tt.wantErr)
		}
	}

	// A bad value stops the runner before it listens.
	env := map[string]string{"LOCAL_SCHEDULES": "sometimes", "PORT": "0"}
	err := run(context.Background(), []string{"-template", "../../template.yaml"}, func(k string) string { return env[k] }, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "LOCAL_SCHEDULES") {
		t.Errorf("run() with LOCAL_SCHEDULES=sometimes: error %v, want it named", err)
	}

	// The banner says the schedules are off and still lists them (for the Invoke API).
	rn, b, _ := projectRunner(t)
	var out strings.Builder
	printBanner(&out, "template.yaml", "http://127.0.0.1:3000", rn, b, false)
	if s := out.String(); !strings.Contains(s, "Schedules: off (LOCAL_SCHEDULES=off)") || !strings.Contains(s, "-> BurnRateCheckFunction") {
		t.Errorf("banner with schedules off:\n%s\nwant \"Schedules: off (LOCAL_SCHEDULES=off)\" and the schedules listed", s)
	}
}

// TestDevGroupsArriveUnderTheConfiguredClaim: X-Dev-Groups becomes the claim the function
// reads its groups from (GROUPS_CLAIM, default cognito:groups), flattened as API Gateway
// flattens an array claim, and no other claim.
func TestDevGroupsArriveUnderTheConfiguredClaim(t *testing.T) {
	builders := testBuilders(&jobCalls{})
	builders["EchoFunction"] = func(wiring.Deps) (any, error) {
		return func(_ context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
			var claims map[string]string
			if a := ev.RequestContext.Authorizer; a != nil && a.JWT != nil {
				claims = a.JWT.Claims
			}
			b, err := json.Marshal(claims)
			return events.APIGatewayV2HTTPResponse{StatusCode: 200, Body: string(b)}, err
		}, nil
	}
	tests := []struct {
		name, groupsClaim string
		header            map[string]string
		want              string
	}{
		{"the default claim", "", map[string]string{"X-Dev-User": "alice", "X-Dev-Groups": "ops, admin"}, `{"cognito:groups":"[ops admin]","sub":"alice"}`},
		{"a configured claim", "groups", map[string]string{"X-Dev-User": "alice", "X-Dev-Groups": "ops, admin"}, `{"groups":"[ops admin]","sub":"alice"}`},
		{"a configured claim with a URL for a name", "https://example.com/roles", map[string]string{"X-Dev-User": "alice", "X-Dev-Groups": "ops"}, `{"https://example.com/roles":"[ops]","sub":"alice"}`},
		{"no groups: no claim", "groups", map[string]string{"X-Dev-User": "alice"}, `{"sub":"alice"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rn, _ := newTestRunner(t, testTemplate, builders, func(k string) string {
				if k == wiring.EnvGroupsClaim {
					return tt.groupsClaim
				}
				return ""
			}, nil)
			if got := do(rn, "GET", "/echo/1", nil, tt.header); got.status != 200 || got.body != tt.want {
				t.Errorf("claims: %d %s, want %s", got.status, got.body, tt.want)
			}
		})
	}

	// The real ops function, configured the same way, lets the X-Dev-Groups member in.
	tmpl := projectTemplate(t)
	b, err := memoryBackends(context.Background(), tmpl)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{wiring.EnvGroupsClaim: "groups"}
	rn, err := newRunner(tmpl, b, options{builders: registry.Functions(), getenv: func(k string) string { return env[k] }, logOut: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	if got := do(rn, "GET", "/ops/alerts", nil, map[string]string{"X-Dev-User": "alice", "X-Dev-Groups": "ops"}); got.status != 200 {
		t.Errorf("GET /ops/alerts with GROUPS_CLAIM=groups and X-Dev-Groups ops: %d %s, want 200", got.status, got.body)
	}
}

// On the in-process store the flow buckets are not sharded unless the
// process says otherwise; on a real endpoint the template's count holds.
func TestEmbeddedStoreDoesNotShardFlowBuckets(t *testing.T) {
	b, err := memoryBackends(context.Background(), projectTemplate(t))
	if err != nil {
		t.Fatal(err)
	}
	unset := func(string) string { return "" }
	if got := withDefaults(unset, b.envDefaults)("FLOW_BUCKET_SHARDS"); got != "0" {
		t.Errorf("embedded store: FLOW_BUCKET_SHARDS = %q, want 0", got)
	}
	set := func(name string) string {
		if name == "FLOW_BUCKET_SHARDS" {
			return "8"
		}
		return ""
	}
	if got := withDefaults(set, b.envDefaults)("FLOW_BUCKET_SHARDS"); got != "8" {
		t.Errorf("with the process setting 8: %q, want 8", got)
	}
	if got := withDefaults(unset, nil)("FLOW_BUCKET_SHARDS"); got != "" {
		t.Errorf("a real endpoint adds no default: %q", got)
	}
}
