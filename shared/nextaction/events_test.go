package nextaction_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/eventstore"
	"github.com/lucian-app/phase12/shared/httpapi/httpapitest"
	"github.com/lucian-app/phase12/shared/nextaction"
	"github.com/lucian-app/phase12/shared/productevents"
)

// The suggestion start rate's counters ride on the product events' own writes: a shown
// suggestion counts in the user's arm, a start counts when the same task was shown at
// most 10 minutes before, and a resent request counts nothing twice.
func TestShownAndStartedWithinTenMinutesAreCountedByArm(t *testing.T) {
	db := dynamotest.New(t)
	store := eventstore.New(db, dynamotest.AppTable, dynamotest.OpsTable)
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	svc := &productevents.Service{Store: store, Now: func() time.Time { return now },
		Derive: func(ctx context.Context, user string, e productevents.Event) ([]string, error) {
			return nextaction.Derive(ctx, store, user, e)
		}}
	h := productevents.Handler(svc, slog.New(slog.NewTextHandler(io.Discard, nil)), svc.Now)
	ingest := func(user, body string) productevents.Result {
		t.Helper()
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httpapitest.NewRequest("POST", "/events/product", strings.NewReader(body), httpapitest.Claims(user)))
		var res productevents.Result
		if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil || w.Code != 200 {
			t.Fatalf("%d %s", w.Code, w.Body)
		}
		return res
	}
	at := func(min int) string { return now.Add(time.Duration(min-30) * time.Minute).Format(time.RFC3339) }
	// mona (treatment): t1 shown, started 9 minutes later; t2 shown, started 11 minutes
	// later; t3 started without being shown. alice (holdout): t1 shown and started.
	batch := fmt.Sprintf(`{"events":[
		{"event_id":"s1","name":"next_shown","at":%q,"task_id":"t1"},
		{"event_id":"g1","name":"next_started","at":%q,"task_id":"t1"},
		{"event_id":"s2","name":"next_shown","at":%q,"task_id":"t2"},
		{"event_id":"g2","name":"next_started","at":%q,"task_id":"t2"},
		{"event_id":"g3","name":"next_started","at":%q,"task_id":"t3"}]}`, at(0), at(9), at(1), at(12), at(13))
	if r := ingest("mona", batch); r.Accepted != 5 {
		t.Fatalf("mona: %+v, want 5 accepted", r)
	}
	if r := ingest("mona", batch); r.Duplicates != 5 {
		t.Fatalf("mona again: %+v, want 5 duplicates", r)
	}
	ingest("alice", fmt.Sprintf(`{"events":[{"event_id":"s1","name":"next_shown","at":%q,"task_id":"t1"},{"event_id":"g1","name":"next_started","at":%q,"task_id":"t1"}]}`, at(0), at(2)))
	counts, err := store.WeekCounts(context.Background(), productevents.WeekOf(now))
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]int64{"next_shown@treatment": 2, "next_started_10m@treatment": 1, "next_shown@holdout": 1, "next_started_10m@holdout": 1, "next_shown": 3, "next_started": 4} {
		if got := counts[name].Events; got != want {
			t.Errorf("%s = %d, want %d", name, got, want)
		}
	}
}
