package hint_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/hint"
	"github.com/lucian-app/phase12/shared/hintstore/hintstoretest"
	"github.com/lucian-app/phase12/shared/httpapi/httpapitest"
)

func newFixture(t *testing.T) (*hintstoretest.Fixture, *hintstoretest.Memory) {
	t.Helper()
	m := hintstoretest.NewMemory()
	return hintstoretest.NewFixture(t, m), m
}

// call sends one request and returns the status and the raw body.
func call(f *hintstoretest.Fixture, claims map[string]string, method, path, body string) (int, string) {
	rec := httptest.NewRecorder()
	f.Handler.ServeHTTP(rec, httpapitest.NewRequest(method, path, strings.NewReader(body), claims))
	return rec.Code, rec.Body.String()
}

const (
	goodNext  = `{"context":{"screen":"today","mood":"tired","task_in_progress":false,"minutes_active":10},"client_time":"2026-11-30T10:00:00+01:00","timezone":"Europe/Berlin"}`
	goodEvent = `{"event_id":"e1","event":"dismissed","at":"2026-11-30T09:01:00Z"}`
	goodSet   = `{"lucian_enabled":true,"hints_enabled":true,"break_invites_enabled":false,"quiet_hours":{"start":"22:00","end":"07:00"},"timezone":"Europe/Berlin"}`
)

func TestBadInputIsA400NamingTheField(t *testing.T) {
	f, _ := newFixture(t)
	alice := httpapitest.Claims("alice")
	tests := []struct {
		name, method, path, body, want string
	}{
		{"no body", "POST", "/hints/next", ``, "body: a JSON object is required"},
		{"no context", "POST", "/hints/next", `{"client_time":"2026-11-30T09:00:00Z","timezone":"UTC"}`, "context: required"},
		{"no screen", "POST", "/hints/next", strings.Replace(goodNext, `"screen":"today",`, ``, 1), "context.screen: required"},
		{"a screen with spaces", "POST", "/hints/next", strings.Replace(goodNext, `"today"`, `"to day"`, 1), "context.screen:"},
		{"a mood that is a number", "POST", "/hints/next", strings.Replace(goodNext, `"tired"`, `3`, 1), "context.mood: must be a string"},
		{"no task_in_progress", "POST", "/hints/next", strings.Replace(goodNext, `"task_in_progress":false,`, ``, 1), "context.task_in_progress: required"},
		{"task_in_progress as a string", "POST", "/hints/next", strings.Replace(goodNext, `false`, `"no"`, 1), "context.task_in_progress: must be a boolean"},
		{"negative minutes_active", "POST", "/hints/next", strings.Replace(goodNext, `10}`, `-1}`, 1), "context.minutes_active: required, an integer from 0 to 1440"},
		{"fractional minutes_active", "POST", "/hints/next", strings.Replace(goodNext, `10}`, `1.5}`, 1), "context.minutes_active: must be an integer"},
		{"no client_time", "POST", "/hints/next", strings.Replace(goodNext, `"client_time":"2026-11-30T10:00:00+01:00",`, ``, 1), "client_time: required"},
		{"a client_time without offset", "POST", "/hints/next", strings.Replace(goodNext, `+01:00`, ``, 1), "client_time: not an RFC 3339 time"},
		{"no timezone", "POST", "/hints/next", strings.Replace(goodNext, `,"timezone":"Europe/Berlin"`, ``, 1), "timezone: required"},
		{"an unknown timezone", "POST", "/hints/next", strings.Replace(goodNext, `Europe/Berlin`, `Mars/Olympus`, 1), `timezone: unknown time zone \"Mars/Olympus\"`},
		{"a duplicate key", "POST", "/hints/next", strings.Replace(goodNext, `"task_in_progress":false`, `"task_in_progress":false,"task_in_progress":true`, 1), `duplicate key \"context.task_in_progress\"`},
		{"a case-variant key", "POST", "/hints/next", strings.Replace(goodNext, `"task_in_progress":false`, `"task_in_progress":false,"Task_In_Progress":true`, 1), `key \"context.Task_In_Progress\" differs only in case`},
		{"no event_id", "POST", "/hints/h1/events", `{"event":"dismissed","at":"2026-11-30T09:01:00Z"}`, "event_id: required"},
		{"an unknown event", "POST", "/hints/h1/events", strings.Replace(goodEvent, `dismissed`, `liked`, 1), "event: required, one of shown, clicked, dismissed, ignored, break_started, break_completed, break_abandoned"},
		{"a bad at", "POST", "/hints/h1/events", strings.Replace(goodEvent, `2026-11-30T09:01:00Z`, `yesterday`, 1), `at: not an RFC 3339 time`},
		{"an event key twice", "POST", "/hints/h1/events", strings.Replace(goodEvent, `"event":"dismissed"`, `"event":"dismissed","Event":"clicked"`, 1), `key \"Event\" differs only in case from \"event\"`},
		{"settings without a switch", "PUT", "/companion/settings", strings.Replace(goodSet, `"hints_enabled":true,`, ``, 1), "hints_enabled: required, true or false"},
		{"settings without quiet_hours", "PUT", "/companion/settings", strings.Replace(goodSet, `"quiet_hours":{"start":"22:00","end":"07:00"},`, ``, 1), "quiet_hours: required"},
		{"quiet hours without an end", "PUT", "/companion/settings", strings.Replace(goodSet, `,"end":"07:00"`, ``, 1), "quiet_hours.end: required"},
		{"quiet hours at 24:00", "PUT", "/companion/settings", strings.Replace(goodSet, `"22:00"`, `"24:00"`, 1), `quiet_hours.start: not a time of day as HH:MM: \"24:00\"`},
		{"quiet hours as 7:00", "PUT", "/companion/settings", strings.Replace(goodSet, `"07:00"`, `"7:00"`, 1), `quiet_hours.end: not a time of day`},
		{"an empty window", "PUT", "/companion/settings", strings.Replace(goodSet, `"07:00"`, `"22:00"`, 1), "quiet_hours: start and end are the same"},
		{"an unknown settings timezone", "PUT", "/companion/settings", strings.Replace(goodSet, `Europe/Berlin`, `Local`, 1), `timezone: unknown time zone \"Local\"`},
		{"a settings switch twice", "PUT", "/companion/settings", strings.Replace(goodSet, `"lucian_enabled":true`, `"lucian_enabled":true,"lucian_enabled":false`, 1), `duplicate key \"lucian_enabled\"`},
		{"a settings switch in another case", "PUT", "/companion/settings", strings.Replace(goodSet, `"lucian_enabled":true`, `"lucian_enabled":true,"LUCIAN_ENABLED":false`, 1), `differs only in case from \"lucian_enabled\"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := call(f, alice, tt.method, tt.path, tt.body)
			if code != 400 || !strings.Contains(body, `"code":"invalid_request"`) || !strings.Contains(body, tt.want) {
				t.Errorf("got %d %s, want 400 invalid_request with %s", code, body, tt.want)
			}
		})
	}
}

func TestEveryRouteNeedsAnIdentity(t *testing.T) {
	f, _ := newFixture(t)
	for _, r := range []struct{ method, path, body string }{
		{"POST", "/hints/next", goodNext}, {"POST", "/hints/h1/events", goodEvent},
		{"GET", "/companion/settings", ""}, {"PUT", "/companion/settings", goodSet},
	} {
		if code, body := call(f, nil, r.method, r.path, r.body); code != 401 {
			t.Errorf("%s %s without claims: %d %s, want 401", r.method, r.path, code, body)
		}
	}
}

func TestNextAnswersShowHintAndReasonAndTheFeedbackDrivesTheLadder(t *testing.T) {
	f, _ := newFixture(t)
	alice := httpapitest.Claims("alice")
	f.Clock.Set(time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)) // 11:00 in Berlin

	code, body := call(f, alice, "POST", "/hints/next", goodNext)
	var got map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &got); code != 200 || err != nil {
		t.Fatalf("%d %s", code, body)
	}
	if string(got["show"]) != "true" || string(got["reason"]) != `"eligible"` || len(got) != 3 {
		t.Fatalf("body %s, want exactly show, hint and reason", body)
	}
	var h hint.Hint
	_ = json.Unmarshal(got["hint"], &h)
	if h.Kind != hint.Mood || h.Bubble.Anchor != "lucian" || h.Bubble.Mood != "tired" || h.ID == "" ||
		!h.ExpiresAt.Equal(f.Clock.Now().Add(5*time.Minute)) || h.DurationS != 0 {
		t.Errorf("hint %s", got["hint"])
	}

	// A moment later: no hint key at all, the reason says why.
	f.Clock.Add(time.Minute)
	code, body = call(f, alice, "POST", "/hints/next", goodNext)
	if code != 200 || body != `{"show":false,"reason":"min_gap"}`+"\n" {
		t.Errorf("a minute later: %d %s", code, body)
	}

	event := func(claims map[string]string, id, body string) (int, string) {
		return call(f, claims, "POST", "/hints/"+id+"/events", body)
	}
	if code, body = event(alice, h.ID, goodEvent); code != 200 || !strings.Contains(body, `"duplicate":false`) {
		t.Fatalf("dismissal: %d %s", code, body)
	}
	if code, body = event(alice, h.ID, goodEvent); code != 200 || !strings.Contains(body, `"duplicate":true`) {
		t.Errorf("the same dismissal again: %d %s, want 200 duplicate", code, body)
	}
	if code, body = event(httpapitest.Claims("bob"), h.ID, goodEvent); code != 404 || !strings.Contains(body, `"not_found"`) {
		t.Errorf("bob's dismissal of alice's hint: %d %s, want 404", code, body)
	}
	if code, body = event(alice, "01NOTAHINT", goodEvent); code != 404 {
		t.Errorf("an unknown hint: %d %s, want 404", code, body)
	}
	if code, body = event(alice, h.ID, strings.Replace(goodEvent, "dismissed", "break_started", 1)); code != 400 || !strings.Contains(body, "event: break_started is only for break invites") {
		t.Errorf("a break event for a mood line: %d %s, want 400 naming event", code, body)
	}

	// One dismissal: 2 h of silence, counted from the dismissal.
	f.Clock.Add(2*time.Hour - time.Second)
	if _, body = call(f, alice, "POST", "/hints/next", goodNext); !strings.Contains(body, `"reason":"dismissal_backoff"`) {
		t.Errorf("just under 2 h after a dismissal: %s", body)
	}
	f.Clock.Add(time.Second)
	if _, body = call(f, alice, "POST", "/hints/next", goodNext); !strings.Contains(body, `"show":true`) {
		t.Errorf("2 h after a dismissal: %s", body)
	}
}

func TestSettingsRoundTripAndAnOptOutTakesEffectOnTheNextDecision(t *testing.T) {
	f, _ := newFixture(t)
	alice := httpapitest.Claims("alice")
	code, body := call(f, alice, "GET", "/companion/settings", "")
	want := `{"lucian_enabled":true,"hints_enabled":true,"break_invites_enabled":true,"quiet_hours":{"start":"21:00","end":"08:00"},"timezone":null}` + "\n"
	if code != 200 || body != want {
		t.Errorf("defaults: %d %s, want %s", code, body, want)
	}
	code, body = call(f, alice, "PUT", "/companion/settings", goodSet)
	if code != 200 || !strings.Contains(body, `"quiet_hours":{"start":"22:00","end":"07:00"}`) || !strings.Contains(body, `"timezone":"Europe/Berlin"`) {
		t.Errorf("PUT: %d %s", code, body)
	}
	if _, got := call(f, alice, "GET", "/companion/settings", ""); got != body {
		t.Errorf("GET after PUT: %s, want %s", got, body)
	}
	// The setting's zone, not the device's: 21:30 UTC is 22:30 in Berlin.
	f.Clock.Set(time.Date(2026, 11, 30, 21, 30, 0, 0, time.UTC))
	device := strings.Replace(goodNext, "Europe/Berlin", "UTC", 1)
	if _, body = call(f, alice, "POST", "/hints/next", device); !strings.Contains(body, `"reason":"quiet_hours"`) {
		t.Errorf("22:30 in the setting's zone: %s", body)
	}
	// No quiet hours, the device's zone.
	call(f, alice, "PUT", "/companion/settings", `{"lucian_enabled":true,"hints_enabled":true,"break_invites_enabled":true,"quiet_hours":null,"timezone":null}`)
	if _, body = call(f, alice, "POST", "/hints/next", device); !strings.Contains(body, `"show":true`) {
		t.Errorf("without quiet hours: %s", body)
	}
	f.Clock.Add(time.Hour)
	call(f, alice, "PUT", "/companion/settings", `{"lucian_enabled":false,"hints_enabled":true,"break_invites_enabled":true,"quiet_hours":null}`)
	if _, body = call(f, alice, "POST", "/hints/next", device); !strings.Contains(body, `"reason":"opted_out"`) {
		t.Errorf("right after opting out: %s", body)
	}
}

// flaky is a store whose first claims are lost (another request won) or that fails.
type flaky struct {
	hint.Store
	lose int
	err  error
}

func (s *flaky) Claim(ctx context.Context, user string, c hint.Claim) error {
	if s.err != nil {
		return s.err
	}
	if s.lose > 0 {
		s.lose--
		return hint.ErrClaimLost
	}
	return s.Store.Claim(ctx, user, c)
}

func TestALostClaimIsDecidedAgainAndAFailedStoreIsA503(t *testing.T) {
	for _, tt := range []struct {
		name     string
		store    *flaky
		want     int
		wantBody string
	}{
		{"lost twice, decided the third time", &flaky{lose: hint.ClaimAttempts - 1}, 200, `"show":true`},
		{"lost every time: a conflict", &flaky{lose: hint.ClaimAttempts}, 409, `"code":"conflict"`},
		{"the table is unavailable", &flaky{err: apperr.Unavailable(errors.New("throttled"))}, 503, `"code":"dependency_unavailable"`},
		{"an unexpected error: 500 without its text", &flaky{err: errors.New("secret detail")}, 500, `"message":"internal error"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.store.Store = hintstoretest.NewMemory()
			f := hintstoretest.NewFixture(t, tt.store)
			code, body := call(f, httpapitest.Claims("alice"), "POST", "/hints/next", f.NextBody(0, false))
			if code != tt.want || !strings.Contains(body, tt.wantBody) || strings.Contains(body, "secret") {
				t.Errorf("%d %s, want %d with %s", code, body, tt.want, tt.wantBody)
			}
		})
	}
}

func TestEveryDecisionAndEventIsCountedByDayAndCohort(t *testing.T) {
	f, m := newFixture(t)
	alice := httpapitest.Claims("alice")
	var first hintstoretest.Next
	f.Do(t, "alice", "POST", "/hints/next", f.NextBody(30, false), &first) // a break invite (the fixture's arm)
	call(f, alice, "POST", "/hints/next", f.NextBody(30, false))           // min_gap
	call(f, alice, "POST", "/hints/next", f.NextBody(30, true))            // task_in_progress
	call(f, alice, "POST", "/hints/"+first.Hint.ID+"/events", fmt.Sprintf(`{"event_id":"x","event":"break_started","at":%q}`, f.Clock.Now().Format(time.RFC3339)))
	call(f, alice, "POST", "/hints/"+first.Hint.ID+"/events", fmt.Sprintf(`{"event_id":"x","event":"break_started","at":%q}`, f.Clock.Now().Format(time.RFC3339)))
	got := m.Counters("2026-11-30", string(hint.ArmBreakInvites))
	want := map[string]int64{"decision_eligible": 1, "shown_break_invite": 1, "users_shown": 1, "decision_min_gap": 1,
		"decision_task_in_progress": 1, "event_break_started": 1, "retention_new": 1}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("counters %v, want %v (a duplicate event is not counted again, the first request of the day once)", got, want)
	}
}
