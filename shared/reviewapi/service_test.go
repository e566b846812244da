package reviewapi_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/review"
	"github.com/lucian-app/phase12/shared/reviewapi/reviewapitest"
)

func env(t *testing.T) *reviewapitest.Env {
	return reviewapitest.New(dynamotest.New(t), dynamotest.AppTable, dynamotest.ReviewTable)
}

func TestConcurrentAdoptionsExecuteOnceOnTheEmbeddedStore(t *testing.T) {
	reviewapitest.RunAdoptionRace(t, env(t), "alice")
}

func TestOpeningAFinishedWeekBuildsItsReviewOnceAndKeepsIt(t *testing.T) {
	e := env(t)
	e.Seed(t, "alice")
	code, body := e.Do(t, "GET", "/reviews/weekly", "", "", "alice")
	if code != 200 {
		t.Fatalf("GET: %d %v", code, body)
	}
	rv := body["review"].(map[string]any)
	if rv["week"] != "2026-W49" || rv["timezone"] != "UTC" || rv["id"] != "wr-2026-W49" {
		t.Errorf("default week %v in %v id %v, want the last finished week 2026-W49 in UTC", rv["week"], rv["timezone"], rv["id"])
	}
	sit := rv["situation"].(map[string]any)
	if sit["class"] != review.ClassNewUser || sit["rule_version"] != review.RuleVersion {
		t.Errorf("situation %v, want new_user (no history) under %s", sit, review.RuleVersion)
	}
	first := rv["generated_at"]
	e.Clock.Add(time.Hour)
	_, again := e.Do(t, "GET", "/reviews/weekly?week=2026-W49", "", "", "alice")
	if again["review"].(map[string]any)["generated_at"] != first {
		t.Error("a second open built the review again instead of reading the stored one")
	}
}

func TestAReviewIsBuiltInTheZoneOfTheRequestWhenNoneIsChosen(t *testing.T) {
	e := env(t)
	// Monday 09:00 UTC is still Sunday in Honolulu: its last finished week is 48.
	code, body := e.Do(t, "GET", "/reviews/weekly?timezone=Pacific/Honolulu", "", "", "bob")
	if code != 200 {
		t.Fatalf("%d %v", code, body)
	}
	rv := body["review"].(map[string]any)
	if rv["week"] != "2026-W48" || rv["timezone"] != "Pacific/Honolulu" || rv["from"] != "2026-11-23T00:00:00-10:00" {
		t.Errorf("got week %v zone %v from %v, want 2026-W48 in Pacific/Honolulu from 2026-11-23T00:00:00-10:00", rv["week"], rv["timezone"], rv["from"])
	}
	if rv["situation"].(map[string]any)["class"] != review.ClassEmpty || len(rv["cards"].([]any)) != 0 {
		t.Errorf("an empty week: %v", rv)
	}
}

func TestBadWeeksAndOtherUsersAreClear4xx(t *testing.T) {
	e := env(t)
	e.Seed(t, "alice")
	e.Do(t, "GET", "/reviews/weekly?week=2026-W49", "", "", "alice")
	for _, tt := range []struct {
		method, path, key, body, user string
		status                        int
		code, mention                 string
	}{
		{"GET", "/reviews/weekly?week=2026-49", "", "", "alice", 400, "invalid_request", "week"},
		{"GET", "/reviews/weekly?week=2026-W50", "", "", "alice", 404, "not_found", "ends"},
		{"GET", "/reviews/weekly?week=2026-W30", "", "", "alice", 404, "not_found", "last 8 weeks"},
		{"POST", "/reviews/weekly/2026-W49/recommendations/r1/adopt", "k", "", "mallory", 404, "not_found", "2026-W49"},
		{"POST", "/reviews/weekly/2026-W49/recommendations/r9/adopt", "k", "", "alice", 404, "not_found", "r9"},
		{"POST", "/reviews/weekly/2026-W49/recommendations/r1/adopt", "", "", "alice", 400, "idempotency_key_missing", "Idempotency-Key"},
		{"POST", "/reviews/weekly/bogus/recommendations/r1/dismiss", "", "", "alice", 400, "invalid_request", "week"},
		{"POST", "/reviews/weekly/2026-W49/recommendations/r1/dismiss", "", "", "mallory", 404, "not_found", "2026-W49"},
		{"POST", "/reviews/events", "", `{"events":[{"event_id":"e1","name":"review_opened","week":"2026-W49"}]}`, "mallory", 404, "not_found", "2026-W49"},
		{"POST", "/reviews/events", "", `{"events":[{"event_id":"e1","name":"rec_shown","week":"2026-W49","rec_id":"r1"}]}`, "alice", 400, "invalid_request", "visible_ms"},
		{"POST", "/reviews/events", "", `{"events":[{"event_id":"e 1","name":"review_opened","week":"2026-W49"}]}`, "alice", 400, "invalid_request", "event_id"},
		{"POST", "/reviews/events", "", `{"events":[]}`, "alice", 400, "invalid_request", "events"},
	} {
		code, body := e.Do(t, tt.method, tt.path, tt.key, tt.body, tt.user)
		er, _ := body["error"].(map[string]any)
		msg, _ := er["message"].(string)
		if code != tt.status || er["code"] != tt.code || !strings.Contains(msg, tt.mention) {
			t.Errorf("%s %s as %s: %d %v, want %d %s naming %q", tt.method, tt.path, tt.user, code, er, tt.status, tt.code, tt.mention)
		}
	}
}

func TestAdoptingRunsTheActionAndDismissingAnAdoptedOneConflicts(t *testing.T) {
	e := env(t)
	e.Seed(t, "alice")
	e.Do(t, "GET", "/reviews/weekly?week=2026-W49", "", "", "alice")
	code, body := e.Do(t, "POST", "/reviews/weekly/2026-W49/recommendations/r1/adopt", "k1", "", "alice")
	if code != 200 || body["recommendation"].(map[string]any)["state"] != "adopted" || body["execution"] == nil {
		t.Fatalf("adopt: %d %v", code, body)
	}
	// new_user's r1 creates "Pick 3 tasks for the week" on the Monday after.
	open, _ := e.App.OpenTasks(context.Background(), "alice")
	found := false
	for _, task := range open {
		found = found || task.Title == "Pick 3 tasks for the week" && task.Due != nil && *task.Due == "2026-12-07"
	}
	if !found {
		t.Errorf("the adopted action's task is not among %+v", open)
	}
	code, body = e.Do(t, "POST", "/reviews/weekly/2026-W49/recommendations/r1/adopt", "k2", "", "alice")
	if code != 200 || body["already_adopted"] != true {
		t.Errorf("second adopt: %d %v, want 200 already_adopted", code, body)
	}
	code, body = e.Do(t, "POST", "/reviews/weekly/2026-W49/recommendations/r1/dismiss", "", "", "alice")
	if code != 409 {
		t.Errorf("dismissing an adopted recommendation: %d %v, want 409", code, body)
	}
}

func TestEventsAreTakenOnceByID(t *testing.T) {
	e := env(t)
	e.Seed(t, "alice")
	e.Do(t, "GET", "/reviews/weekly?week=2026-W49", "", "", "alice")
	b := `{"events":[{"event_id":"o1","name":"review_opened","week":"2026-W49"},{"event_id":"s1","name":"rec_shown","week":"2026-W49","rec_id":"r1","visible_ms":1200}]}`
	code, body := e.Do(t, "POST", "/reviews/events", "", b, "alice")
	if code != 200 || body["accepted"] != 2.0 || body["duplicates"] != 0.0 {
		t.Errorf("first: %d %v, want 2 accepted", code, body)
	}
	_, body = e.Do(t, "POST", "/reviews/events", "", b, "alice")
	if body["accepted"] != 0.0 || body["duplicates"] != 2.0 {
		t.Errorf("again: %v, want 2 duplicates", body)
	}
	stats, _ := e.Reviews.Stats(context.Background(), "2026-W49")
	if got := stats["treatment"]; got["opened"] != 1 || got["shown"] != 1 || got["visible_ms"] != 1200 {
		t.Errorf("counters %v, want one open, one show, 1200 ms", got)
	}
}
