//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/lucian-app/phase12/shared/hint"
	"github.com/lucian-app/phase12/shared/hintguard"
	"github.com/lucian-app/phase12/shared/hintstats"
	"github.com/lucian-app/phase12/shared/hintstore"
)

// seedTrippedWeek gives the control cohort (every user, with the default experiment) the
// 7 UTC days before today with 50 hints shown, 30 dismissed and 10 task attempts during
// hints (5 left) and 10 without (1 left) a day: the guardrail tightens its caps today.
func seedTrippedWeek(t *testing.T, s *hintstore.Store, today time.Time) {
	t.Helper()
	for i := 1; i <= 7; i++ {
		day := today.AddDate(0, 0, -i).Format(time.DateOnly)
		for name, n := range map[string]int{hintguard.Shown: 50, hintguard.Dismissed: 30, hintguard.AttemptsHinted: 10,
			hintguard.AbandonedHinted: 5, hintguard.AttemptsPlain: 10, hintguard.AbandonedPlain: 1} {
			for j := range n {
				if err := s.Count(context.Background(), hint.Count{Day: day, Cohort: string(hint.ArmControl), Shard: j % hint.CounterShards,
					Names: []string{name}}); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}

// TestHintCooldownFunctionUnderEmulator runs HintCooldownFunction's bootstrap under the
// Lambda emulator on DynamoDB Local, invoked with the sample events: the settings round
// trip, a hint, its feedback once (a repeat is a duplicate, another user's a 404), the
// back-off the dismissal starts, and the contract's 400 and 401.
func TestHintCooldownFunctionUnderEmulator(t *testing.T) {
	table := "HintTable-e2e-hints"
	ensureTables(t, table)
	cfg, err := backends.DynamoConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	db := dynamodb.NewFromConfig(cfg)
	// The emulator runs on the machine's clock: the guardrail's day is today, UTC.
	today := time.Now().UTC()
	seedTrippedWeek(t, hintstore.New(db, table), today)
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
	shown := body["hint"].(map[string]any)
	id := shown["id"].(string)
	// Break invites are off by default: a mood line for the sample's mood.
	if shown["kind"] != "mood" || shown["bubble"].(map[string]any)["anchor"] != "lucian" || shown["text"] == "" {
		t.Errorf("hint = %v", shown)
	}
	// The seeded week trips the guardrail: the caps are tightened, and the answer says so.
	caps, _ := body["caps"].(map[string]any)
	if caps["tightened"] != true || caps["tips_per_day"] != 1.0 || caps["tip_gap_minutes"] != 60.0 ||
		!strings.Contains(caps["why"].(string), "caps tightened for cohort control: dismiss rate 60% > 40%, completion drop +40 pp > +5 pp") {
		t.Errorf("caps = %v, want the tightened caps with the rule's numbers", body["caps"])
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

	// Right after the dismissal, the app reports a task attempt it started a minute before
	// the hint (on its own clock, whatever the sample's client_time) and left.
	withTask := loadEvent(t, "hints-next.json")
	var sample struct {
		ClientTime time.Time `json:"client_time"`
	}
	if err := json.Unmarshal([]byte(withTask.Body), &sample); err != nil {
		t.Fatal(err)
	}
	withTask.Body = strings.Replace(withTask.Body, `"task_in_progress": false`, `"task_in_progress": false, "last_task": {"started_at": "`+
		sample.ClientTime.Add(-time.Minute).Format(time.RFC3339)+`", "outcome": "abandoned"}`, 1)
	if status, body, _ = invokeHTTP(t, fn, withTask); status != 200 || body["show"] != false || body["reason"] != "dismissal_backoff" {
		t.Errorf("right after a dismissal: %d %v, want dismissal_backoff", status, body)
	}
	if status, _, _ = invokeHTTP(t, fn, withTask); status != 200 {
		t.Errorf("the same report again: %d", status)
	}
	d, err := hintstats.New(db, table).Day(context.Background(), today.Format(time.DateOnly))
	if err != nil {
		t.Fatal(err)
	}
	c := d.Counters[string(hint.ArmControl)]
	if c[hintguard.AttemptsHinted] != 1 || c[hintguard.AbandonedHinted] != 1 || c[hintguard.AttemptsPlain] != 0 || c[hintguard.RetentionNew] != 1 ||
		len(d.Verdicts) != 1 || !d.Verdicts[0].Tightened {
		t.Errorf("today's counters %v and verdicts %+v: want one attempt during a hint, left, counted once, one new user, control tightened", c, d.Verdicts)
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
