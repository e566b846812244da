//go:build e2e

package e2e

import (
	"strings"
	"testing"
)

// TestHintCooldownFunctionUnderEmulator runs HintCooldownFunction's bootstrap under the
// Lambda emulator on DynamoDB Local, invoked with the sample events: the settings round
// trip, a hint, its feedback once (a repeat is a duplicate, another user's a 404), the
// back-off the dismissal starts, and the contract's 400 and 401.
func TestHintCooldownFunctionUnderEmulator(t *testing.T) {
	table := "HintTable-e2e-hints"
	ensureTables(t, table)
	fn := startFunction(t, "hint-cooldown", "HINT_TABLE="+table)

	put := loadEvent(t, "companion-settings-put.json")
	status, body, _ := invokeHTTP(t, fn, put)
	if status != 200 || body["timezone"] != "Europe/Berlin" || body["quiet_hours"].(map[string]any)["end"] != "07:30" {
		t.Fatalf("PUT settings: %d %v", status, body)
	}
	status, body, _ = invokeHTTP(t, fn, loadEvent(t, "companion-settings-get.json"))
	if status != 200 || body["break_invites_enabled"] != true || body["quiet_hours"].(map[string]any)["start"] != "22:00" {
		t.Fatalf("GET settings: %d %v", status, body)
	}

	// The emulator runs on the machine's clock, which may be night in Berlin: no quiet
	// hours, so the decision does not depend on when the test runs.
	put.Body = strings.Replace(put.Body, `{"start": "22:00", "end": "07:30"}`, `null`, 1)
	if status, body, _ = invokeHTTP(t, fn, put); status != 200 || body["quiet_hours"] != nil {
		t.Fatalf("PUT settings without quiet hours: %d %v", status, body)
	}
	status, body, resp := invokeHTTP(t, fn, loadEvent(t, "hints-next.json"))
	if status != 200 || body["show"] != true || body["reason"] != "eligible" {
		t.Fatalf("next: %d %v", status, body)
	}
	hint := body["hint"].(map[string]any)
	id := hint["id"].(string)
	// Break invites are off by default: a mood line for the sample's mood.
	if hint["kind"] != "mood" || hint["bubble"].(map[string]any)["anchor"] != "lucian" || hint["text"] == "" {
		t.Errorf("hint = %v", hint)
	}
	if resp.Headers["X-Request-Id"] != "JKJaXmPLvHcESHA=" {
		t.Errorf("X-Request-Id = %q, want API Gateway's request id", resp.Headers["X-Request-Id"])
	}

	event := loadEvent(t, "hints-event.json")
	event.RawPath = "/hints/" + id + "/events"
	event.RequestContext.HTTP.Path, event.PathParameters = event.RawPath, map[string]string{"id": id}
	if status, body, _ = invokeHTTP(t, fn, event); status != 200 || body["duplicate"] != false || body["event"] != "dismissed" {
		t.Errorf("dismissal: %d %v", status, body)
	}
	if status, body, _ = invokeHTTP(t, fn, event); status != 200 || body["duplicate"] != true {
		t.Errorf("the same dismissal again: %d %v, want a duplicate", status, body)
	}
	foreign := loadEvent(t, "hints-event.json")
	foreign.RawPath, foreign.PathParameters = event.RawPath, event.PathParameters
	foreign.RequestContext.Authorizer.JWT.Claims["sub"] = "someone-else"
	if status, body, _ = invokeHTTP(t, fn, foreign); status != 404 || body["error"].(map[string]any)["code"] != "not_found" {
		t.Errorf("another user's hint: %d %v, want 404 not_found", status, body)
	}

	if status, body, _ = invokeHTTP(t, fn, loadEvent(t, "hints-next.json")); status != 200 || body["show"] != false || body["reason"] != "dismissal_backoff" {
		t.Errorf("right after a dismissal: %d %v, want dismissal_backoff", status, body)
	}

	bad := loadEvent(t, "hints-next.json")
	bad.Body = strings.Replace(bad.Body, `"task_in_progress": false`, `"task_in_progress": false, "Task_In_Progress": true`, 1)
	if status, body, _ = invokeHTTP(t, fn, bad); status != 400 || !strings.Contains(body["error"].(map[string]any)["message"].(string), "Task_In_Progress") {
		t.Errorf("a case-variant key: %d %v, want 400 naming it", status, body)
	}
	anonymous := loadEvent(t, "hints-next.json")
	anonymous.RequestContext.Authorizer = nil
	if status, body, _ = invokeHTTP(t, fn, anonymous); status != 401 {
		t.Errorf("no identity: %d %v, want 401", status, body)
	}

	recordInit(t, fn)
}
