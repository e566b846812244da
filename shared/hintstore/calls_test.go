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
// state item is read once, the decision or event written at most once, the counters once.
func TestEachRequestIsOneReadAndAtMostTwoWrites(t *testing.T) {
	db := dynamotest.Count(dynamotest.New(t))
	f := hintstoretest.NewFixture(t, hintstore.New(db, dynamotest.HintTable))
	want := func(what string, get, update int) {
		t.Helper()
		if g, u := db.Calls("GetItem"), db.Calls("UpdateItem"); g != get || u != update || db.Calls("") != get+update {
			t.Errorf("%s: %d GetItem, %d UpdateItem, %d calls in all; want %d, %d and nothing else", what, g, u, db.Calls(""), get, update)
		}
		db.Reset()
	}
	var n hintstoretest.Next
	f.Do(t, "alice", "POST", "/hints/next", f.NextBody(0, false), &n)
	want("a hint shown (read, claim, counters)", 1, 2)
	f.Do(t, "alice", "POST", "/hints/next", f.NextBody(0, false), nil)
	want("a hint refused (read, counters)", 1, 1)
	at := f.Clock.Now().Format(time.RFC3339)
	f.Do(t, "alice", "POST", "/hints/"+n.Hint.ID+"/events", fmt.Sprintf(`{"event_id":"e1","event":"dismissed","at":%q}`, at), nil)
	want("an event (read, the event and the ladder, counters)", 1, 2)
	f.Do(t, "alice", "POST", "/hints/"+n.Hint.ID+"/events", fmt.Sprintf(`{"event_id":"e1","event":"dismissed","at":%q}`, at), nil)
	want("a repeated event (read, the refused write, the read that says why)", 2, 1)
	f.Do(t, "alice", "POST", "/hints/unknown/events", fmt.Sprintf(`{"event_id":"e2","event":"shown","at":%q}`, at), nil)
	want("an unknown hint", 1, 0)
	f.Do(t, "alice", "GET", "/companion/settings", "", nil)
	want("GET settings", 1, 0)
	f.Do(t, "alice", "PUT", "/companion/settings", `{"lucian_enabled":true,"hints_enabled":true,"break_invites_enabled":true,"quiet_hours":null}`, nil)
	want("PUT settings", 0, 1)
}
