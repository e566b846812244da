package wiring_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/lucian-app/phase12/shared/apigw"
	"github.com/lucian-app/phase12/shared/barrier"
	"github.com/lucian-app/phase12/shared/clock"
	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/ids"
	"github.com/lucian-app/phase12/shared/topic"
	"github.com/lucian-app/phase12/shared/wiring"
	"github.com/lucian-app/phase12/shared/wiring/registry"
)

var hintEnv = map[string]string{wiring.EnvHintTable: dynamotest.HintTable}

func TestHintCooldownConfiguration(t *testing.T) {
	with := func(k, v string) map[string]string {
		return map[string]string{wiring.EnvHintTable: dynamotest.HintTable, k: v}
	}
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string
	}{
		{"the table alone: the defaults", hintEnv, ""},
		{"no table", map[string]string{}, "HINT_TABLE is not set"},
		{"the flag off", with(wiring.EnvHintsEnabled, "false"), ""},
		{"a flag that is not a boolean", with(wiring.EnvHintsEnabled, "maybe"), `HINTS_ENABLED="maybe" is not true or false`},
		{"a rollout of 12.5%", with(wiring.EnvBreakInviteRolloutPercent, "12.5"), ""},
		{"a rollout over 100%", with(wiring.EnvBreakInviteRolloutPercent, "101"), `BREAK_INVITE_ROLLOUT_PERCENT="101" is not a percentage from 0 to 100`},
		{"a negative holdout", with(wiring.EnvLucianHoldoutPercent, "-1"), `LUCIAN_HOLDOUT_PERCENT="-1" is not a percentage`},
		{"a holdout that is not a number", with(wiring.EnvLucianHoldoutPercent, "five"), `LUCIAN_HOLDOUT_PERCENT="five"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := wiring.HintCooldown(deps(t, tt.env))
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

// hintFunction is HintCooldownFunction as deployed, on the embedded store and a manual clock.
func hintFunction(t *testing.T, env map[string]string) (apiHandler, *clock.Manual) {
	t.Helper()
	c := clock.NewManual(time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC))
	d := wiring.Deps{DynamoDB: dynamotest.New(t), SNS: &topic.Recorder{}, HTTP: &http.Client{},
		Getenv: func(k string) string { return env[k] }, Now: c.Now, NewID: ids.New(c.Now, nil),
		Log: wiring.NewLogger(io.Discard, ""), Function: "HintCooldownFunction"}
	h, err := registry.Functions()["HintCooldownFunction"](d)
	if err != nil {
		t.Fatal(err)
	}
	return h.(apiHandler), c
}

const wiredNext = `{"context":{"screen":"today","task_in_progress":false,"minutes_active":40},"client_time":"2026-11-30T12:00:00Z","timezone":"UTC"}`

func TestHintCooldownServesItsRoutesThroughTheGateway(t *testing.T) {
	h, c := hintFunction(t, map[string]string{wiring.EnvHintTable: dynamotest.HintTable, wiring.EnvBreakInviteRolloutPercent: "100"})
	alice := map[string]string{"sub": "alice"}
	next := apiCall{method: "POST", route: "/hints/next", path: "/hints/next", body: wiredNext, claims: alice}

	resp := next.do(t, h)
	var got struct {
		Show   bool   `json:"show"`
		Reason string `json:"reason"`
		Hint   struct {
			ID        string `json:"id"`
			Kind      string `json:"kind"`
			DurationS int    `json:"duration_s"`
		} `json:"hint"`
	}
	if err := json.Unmarshal([]byte(resp.Body), &got); resp.StatusCode != 200 || err != nil || !got.Show || got.Hint.Kind != "break_invite" ||
		got.Hint.DurationS < 45 || got.Hint.DurationS > 60 {
		t.Fatalf("next: %d %s", resp.StatusCode, resp.Body)
	}
	event := apiCall{method: "POST", route: "/hints/{id}/events", path: "/hints/" + got.Hint.ID + "/events",
		params: map[string]string{"id": got.Hint.ID}, body: `{"event_id":"e1","event":"break_completed","at":"2026-11-30T12:01:00Z"}`, claims: alice}
	if resp := event.do(t, h); resp.StatusCode != 200 || !strings.Contains(resp.Body, `"duplicate":false`) {
		t.Errorf("event: %d %s", resp.StatusCode, resp.Body)
	}
	put := apiCall{method: "PUT", route: "/companion/settings", path: "/companion/settings", claims: alice,
		body: `{"lucian_enabled":false,"hints_enabled":true,"break_invites_enabled":true,"quiet_hours":null}`}
	if resp := put.do(t, h); resp.StatusCode != 200 {
		t.Errorf("put: %d %s", resp.StatusCode, resp.Body)
	}
	get := apiCall{method: "GET", route: "/companion/settings", path: "/companion/settings", claims: alice}
	if resp := get.do(t, h); resp.StatusCode != 200 || !strings.Contains(resp.Body, `"lucian_enabled":false`) {
		t.Errorf("get: %d %s", resp.StatusCode, resp.Body)
	}
	c.Add(3 * time.Hour)
	if resp := next.do(t, h); !strings.Contains(resp.Body, `"reason":"opted_out"`) {
		t.Errorf("after opting out: %d %s", resp.StatusCode, resp.Body)
	}
	dup := next
	dup.body = strings.Replace(wiredNext, `"screen":"today"`, `"screen":"today","Screen":"goals"`, 1)
	if resp := dup.do(t, h); resp.StatusCode != 400 || !strings.Contains(resp.Body, `key \"context.Screen\" differs only in case from \"context.screen\"`) {
		t.Errorf("a case-variant key: %d %s", resp.StatusCode, resp.Body)
	}
	anonymous := next
	anonymous.claims = nil
	if resp := anonymous.do(t, h); resp.StatusCode != 401 {
		t.Errorf("no identity: %d %s", resp.StatusCode, resp.Body)
	}
}

func TestHintCooldownWithTheFlagOffSaysSo(t *testing.T) {
	h, _ := hintFunction(t, map[string]string{wiring.EnvHintTable: dynamotest.HintTable, wiring.EnvHintsEnabled: "false"})
	resp := apiCall{method: "POST", route: "/hints/next", path: "/hints/next", body: wiredNext, claims: map[string]string{"sub": "alice"}}.do(t, h)
	if resp.Body != `{"show":false,"reason":"flag_off"}`+"\n" {
		t.Errorf("%d %s", resp.StatusCode, resp.Body)
	}
}

// TestTwentyParallelRequestsThroughTheWiredFunctionShowOneHint: the deployed handler, twenty
// invocations behind a start barrier on one embedded store, as twenty Lambda instances would.
func TestTwentyParallelRequestsThroughTheWiredFunctionShowOneHint(t *testing.T) {
	h, _ := hintFunction(t, hintEnv)
	next := apiCall{method: "POST", route: "/hints/next", path: "/hints/next", body: wiredNext, claims: map[string]string{"sub": "alice"}}
	const n = 20
	bodies := make([]string, n)
	ev := mustEvent(t, next)
	barrier.Run(n, func(i int) {
		resp, err := h(context.Background(), ev)
		if err != nil || resp.StatusCode != 200 {
			t.Errorf("request %d: %v %d %s", i, err, resp.StatusCode, resp.Body)
		}
		bodies[i] = resp.Body
	})
	shown := 0
	for _, b := range bodies {
		if strings.Contains(b, `"show":true`) {
			shown++
		} else if !strings.Contains(b, `"reason":"min_gap"`) {
			t.Errorf("a refusal for another reason: %s", b)
		}
	}
	if shown != 1 {
		t.Errorf("%d of %d parallel requests showed a hint, want 1", shown, n)
	}
}

// mustEvent is the API Gateway event of c, built before the barrier so that only the
// invocations race.
func mustEvent(t *testing.T, c apiCall) events.APIGatewayV2HTTPRequest {
	t.Helper()
	ev, err := apigw.NewEvent(httptest.NewRequest(c.method, c.path, strings.NewReader(c.body)),
		apigw.Match{Route: apigw.Route{Method: c.method, Path: c.route}, PathParameters: c.params}, apigw.Options{Claims: c.claims})
	if err != nil {
		t.Fatal(err)
	}
	return ev
}
