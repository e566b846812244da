package hintstore_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/hintstore"
	"github.com/lucian-app/phase12/shared/hintstore/hintstoretest"
)

// TestEachRequestIsOneReadAndAtMostTwoWrites counts the DynamoDB calls of every route: the
// state item is read once, the decision or event written at most once, the counters once;
// the user's first request of a UTC day marks it (one more write), a reported task attempt
// is one more write, and the guardrail costs an instance a few Queries once a day.
func TestEachRequestIsOneReadAndAtMostTwoWrites(t *testing.T) {
	db := dynamotest.Count(dynamotest.New(t))
	store := hintstore.New(db, dynamotest.HintTable)
	f := hintstoretest.NewFixture(t, store)
	want := func(what string, get, update, query int) {
		t.Helper()
		g, u, q := db.Calls("GetItem"), db.Calls("UpdateItem"), db.Calls("Query")
		if g != get || u != update || q != query || db.Calls("") != get+update+query {
			t.Errorf("%s: %d GetItem, %d UpdateItem, %d Query, %d calls in all; want %d, %d, %d and nothing else",
				what, g, u, q, db.Calls(""), get, update, query)
		}
		db.Reset()
	}
	var n hintstoretest.Next
	f.Do(t, "alice", "POST", "/hints/next", f.NextBody(0, false), &n)
	want("the instance's first decision of the day: the guardrail (today, the 7 days before, the verdicts kept), then read, claim, the day's mark, counters",
		1, 1+3, 1+7)
	f.Do(t, "alice", "POST", "/hints/next", f.NextBody(0, false), nil)
	want("a hint refused (read, counters)", 1, 1, 0)
	f.Do(t, "bob", "POST", "/hints/next", f.NextBody(0, false), nil)
	want("another user's first request of the day (read, claim, the day's mark, counters)", 1, 3, 0)
	other := hintstoretest.NewFixture(t, store)
	other.Clock.Set(f.Clock.Now())
	other.Do(t, "carol", "POST", "/hints/next", other.NextBody(0, false), nil)
	want("another instance's first decision of the day reads the kept verdicts (one Query)", 1, 3, 1)
	f.Do(t, "alice", "POST", "/hints/next", f.NextWithTask(f.Clock.Now().Add(-time.Minute), "completed"), nil)
	want("a reported task attempt (read, the attempt, counters)", 1, 2, 0)
	f.Do(t, "alice", "POST", "/hints/next", f.NextWithTask(f.Clock.Now().Add(-time.Minute), "completed"), nil)
	want("the same attempt again (read, counters)", 1, 1, 0)
	at := f.Clock.Now().Format(time.RFC3339)
	f.Do(t, "alice", "POST", "/hints/"+n.Hint.ID+"/events", fmt.Sprintf(`{"event_id":"e1","event":"dismissed","at":%q}`, at), nil)
	want("an event (read, the event and the ladder, counters)", 1, 2, 0)
	f.Do(t, "alice", "POST", "/hints/"+n.Hint.ID+"/events", fmt.Sprintf(`{"event_id":"e1","event":"dismissed","at":%q}`, at), nil)
	want("a repeated event (read, the refused write, the read that says why)", 2, 1, 0)
	f.Do(t, "alice", "POST", "/hints/unknown/events", fmt.Sprintf(`{"event_id":"e2","event":"shown","at":%q}`, at), nil)
	want("an unknown hint", 1, 0, 0)
	f.Do(t, "alice", "GET", "/companion/settings", "", nil)
	want("GET settings", 1, 0, 0)
	f.Do(t, "alice", "PUT", "/companion/settings", `{"lucian_enabled":true,"hints_enabled":true,"break_invites_enabled":true,"quiet_hours":null}`, nil)
	want("PUT settings", 0, 1, 0)
}
