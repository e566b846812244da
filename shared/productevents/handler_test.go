package productevents_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/eventstore"
	"github.com/lucian-app/phase12/shared/httpapi/httpapitest"
	pe "github.com/lucian-app/phase12/shared/productevents"
)

var now = time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)

func setup(t *testing.T) (http.Handler, *eventstore.Store, *dynamotest.Counter) {
	t.Helper()
	db := dynamotest.Count(dynamotest.New(t))
	store := eventstore.New(db, dynamotest.AppTable, dynamotest.OpsTable)
	clock := func() time.Time { return now }
	return pe.Handler(&pe.Service{Store: store, Now: clock}, slog.New(slog.DiscardHandler), clock), store, db
}

func post(h http.Handler, user, body string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	var claims map[string]string
	if user != "" {
		claims = httpapitest.Claims(user)
	}
	h.ServeHTTP(rec, httpapitest.NewRequest(http.MethodPost, "/events/product", strings.NewReader(body), claims))
	return rec
}

func ev(id, name string, at time.Time) string {
	return fmt.Sprintf(`{"event_id":%q,"name":%q,"at":%q}`, id, name, at.Format(time.RFC3339))
}

func body(es ...string) string { return `{"events":[` + strings.Join(es, ",") + `]}` }

func TestPostingEventsStoresThemOnceAndAnswersTheCounts(t *testing.T) {
	h, store, _ := setup(t)
	b := body(ev("a", pe.OnboardingStarted, now.Add(-time.Hour)), ev("b", pe.OnboardingCompleted, now), ev("a", pe.OnboardingStarted, now))
	rec := post(h, "alice", b)
	if rec.Code != http.StatusOK || strings.TrimSpace(rec.Body.String()) != `{"accepted":2,"duplicates":1}` {
		t.Fatalf("first post = %d %s, want 200 {accepted:2, duplicates:1}", rec.Code, rec.Body)
	}
	rec = post(h, "alice", b)
	if rec.Code != http.StatusOK || strings.TrimSpace(rec.Body.String()) != `{"accepted":0,"duplicates":3}` {
		t.Fatalf("the same post again = %d %s, want 200 {accepted:0, duplicates:3}", rec.Code, rec.Body)
	}
	c, err := store.WeekCounts(context.Background(), pe.WeekOf(now))
	if err != nil {
		t.Fatal(err)
	}
	if c[pe.OnboardingStarted] != (pe.Counts{Events: 1, Users: 1}) || c[pe.OnboardingCompleted] != (pe.Counts{Events: 1, Users: 1}) {
		t.Errorf("week counts = %+v, want one event and one user of each", c)
	}
}

func TestBadEventsAreRefusedWholeNamingTheField(t *testing.T) {
	many := make([]string, pe.MaxEvents+1)
	for i := range many {
		many[i] = ev(fmt.Sprint(i), pe.NextShown, now)
	}
	cases := []struct {
		name, body, field string
	}{
		{"unknown name", body(ev("ok", pe.NextShown, now), ev("x", "signed_up", now)), "events[1].name"},
		{"server-only name", body(ev("x", pe.FirstValue, now)), "events[0].name"},
		{"missing id", body(`{"name":"next_shown","at":"2026-12-02T10:00:00Z"}`), "events[0].event_id"},
		{"id with a space", body(ev("a b", pe.NextShown, now)), "events[0].event_id"},
		{"no offset", body(`{"event_id":"a","name":"next_shown","at":"2026-12-02T10:00:00"}`), "events[0].at"},
		{"too old", body(ev("a", pe.NextShown, now.Add(-pe.MaxAge-time.Minute))), "events[0].at"},
		{"in the future", body(ev("a", pe.NextShown, now.Add(pe.MaxAhead+time.Minute))), "events[0].at"},
		{"task_id not a string", body(`{"event_id":"a","name":"next_shown","at":"2026-12-02T10:00:00Z","task_id":7}`), "task_id"},
		{"no events", `{}`, "events"},
		{"too many", body(many...), "events"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, _, db := setup(t)
			db.Reset()
			rec := post(h, "alice", c.body)
			var got struct {
				Error struct{ Code, Message string }
			}
			_ = json.Unmarshal(rec.Body.Bytes(), &got)
			if rec.Code != http.StatusBadRequest || got.Error.Code != "invalid_request" || !strings.Contains(got.Error.Message, c.field) {
				t.Errorf("got %d %s, want 400 invalid_request naming %s", rec.Code, rec.Body, c.field)
			}
			if n := db.Calls(""); n != 0 {
				t.Errorf("%d DynamoDB calls for a refused request, want 0", n)
			}
		})
	}
}

func TestPostingEventsNeedsAnIdentity(t *testing.T) {
	h, _, _ := setup(t)
	if rec := post(h, "", body(ev("a", pe.NextShown, now))); rec.Code != http.StatusUnauthorized {
		t.Errorf("no identity: %d, want 401", rec.Code)
	}
}

func TestEventIDsArePerUser(t *testing.T) {
	h, store, _ := setup(t)
	for _, u := range []string{"alice", "bob"} {
		if rec := post(h, u, body(ev("same", pe.NextShown, now))); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"accepted":1`) {
			t.Fatalf("%s: %d %s, want the event accepted", u, rec.Code, rec.Body)
		}
	}
	got, err := store.ListUserEvents(context.Background(), "bob", nil, now.Add(-time.Hour), now.Add(time.Hour), 10)
	if err != nil || len(got) != 1 || got[0].EventID != "same" {
		t.Errorf("bob's events = %+v, %v; want his one", got, err)
	}
}
