//go:build e2e

package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestProductEventsUnderEmulator: the built FlowMetricsFunction takes the sample's product
// events (their times moved to now) once: the same request again is all duplicates, and a
// name outside the catalogue is 400 naming it.
func TestProductEventsUnderEmulator(t *testing.T) {
	app, ops := "AppTable-e2e-events", "OpsTable-e2e-events"
	ensureTables(t, app, ops)
	fn := startFunction(t, "flow-metrics", "APP_TABLE="+app, "OPS_TABLE="+ops)
	post := func(body string) (int, map[string]any) {
		e := loadEvent(t, "product-events.json")
		e.Body = body
		e.Headers["content-length"] = fmt.Sprint(len(body))
		status, out, _ := invokeHTTP(t, fn, e)
		return status, out
	}
	now := time.Now().UTC()
	run := fmt.Sprint(now.UnixNano())
	var es []string
	for i, name := range []string{"onboarding_started", "onboarding_completed", "next_shown"} {
		es = append(es, fmt.Sprintf(`{"event_id":"%s-%d","name":%q,"at":%q}`, run, i, name, now.Add(-time.Minute).Format(time.RFC3339)))
	}
	body := `{"events":[` + strings.Join(es, ",") + `]}`
	if status, out := post(body); status != 200 || out["accepted"] != float64(3) || out["duplicates"] != float64(0) {
		t.Fatalf("first post: %d %v, want 200 accepted 3", status, out)
	}
	if status, out := post(body); status != 200 || out["accepted"] != float64(0) || out["duplicates"] != float64(3) {
		t.Fatalf("the same post again: %d %v, want 200 duplicates 3", status, out)
	}
	status, out := post(fmt.Sprintf(`{"events":[{"event_id":"x-%s","name":"signed_up","at":%q}]}`, run, now.Format(time.RFC3339)))
	msg, _ := out["error"].(map[string]any)["message"].(string)
	if status != 400 || !strings.Contains(msg, "events[0].name") {
		t.Fatalf("unknown name: %d %v, want 400 naming events[0].name", status, out)
	}
}
