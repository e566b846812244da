package ops_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/alert"
	"github.com/lucian-app/phase12/shared/burnrate"
	"github.com/lucian-app/phase12/shared/cursor"
	"github.com/lucian-app/phase12/shared/httpapi/httpapitest"
	"github.com/lucian-app/phase12/shared/opsstore"
)

// opsmate is another member of the ops group.
var opsmate = httpapitest.Claims("oncall-2", "ops")

// historyKeys are the alert keys history spreads its incidents over.
var historyKeys = []alert.Key{
	{Flow: "create_task", Objective: "availability", Severity: burnrate.Page},
	{Flow: "create_task", Objective: "latency", Severity: burnrate.Ticket},
	{Flow: "today_load", Objective: "latency", Severity: burnrate.Page},
	{Flow: "undo", Objective: "availability", Severity: burnrate.Ticket},
	{Flow: "execute_intent", Objective: alert.NoData, Severity: burnrate.Ticket},
}

// incidents are the ids a history stored, newest first.
type incidents struct{ all, firing, resolved []string }

// history stores n incidents a minute apart over historyKeys in turn, as the burn-rate check
// leaves them: a key's incident resolves before its next one opens, and each key's last
// incident still fires.
func history(t *testing.T, store *opsstore.Store, n int) incidents {
	t.Helper()
	ctx := context.Background()
	version := map[alert.Key]int64{}
	last := map[alert.Key]alert.Alert{}
	var out incidents
	for i := range n {
		k := historyKeys[i%len(historyKeys)]
		at := opened.Add(time.Duration(i) * time.Minute)
		if prev, ok := last[k]; ok {
			prev.State, prev.ResolvedAt = alert.Resolved, &at
			version[k]++
			if err := store.Save(ctx, alert.State{Alert: prev, Version: version[k]}, false); err != nil {
				t.Fatal(err)
			}
			out.resolved = append(out.resolved, prev.ID)
		}
		a := alert.Alert{ID: fmt.Sprintf("H%05d", i+1), Flow: k.Flow, Objective: k.Objective, Severity: k.Severity,
			State: alert.Firing, DedupKey: k.DedupKey(), Summary: "burning", TriggeredAt: at}
		version[k]++
		if err := store.Save(ctx, alert.State{Alert: a, Version: version[k]}, true); err != nil {
			t.Fatal(err)
		}
		last[k] = a
		out.all = append(out.all, a.ID)
	}
	for _, a := range last {
		out.firing = append(out.firing, a.ID)
	}
	for _, ids := range [][]string{out.all, out.firing, out.resolved} {
		slices.Sort(ids)
		slices.Reverse(ids)
	}
	return out
}

// alertPage is one answer of GET /ops/alerts.
type alertPage struct {
	Alerts []struct{ ID, State string } `json:"alerts"`
	Next   *string                      `json:"next"`
}

// alertPage asks for one page; a status other than 200 fails the test.
func (f *fixture) alertPage(t *testing.T, query url.Values) alertPage {
	t.Helper()
	rec := f.do("GET", "/ops/alerts?"+query.Encode(), "", opsman)
	if rec.Code != 200 {
		t.Fatalf("GET /ops/alerts?%s: status %d, want 200: %s", query.Encode(), rec.Code, rec.Body)
	}
	var p alertPage
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	if p.Alerts == nil {
		t.Fatalf("GET /ops/alerts?%s: alerts is %s, want a list", query.Encode(), rec.Body)
	}
	return p
}

// walk follows next from the first page of query to the last and returns the ids in the
// order the pages gave them. Every page but the last must be full and carry next; the last
// must not. each is called after every page (nil for none).
func (f *fixture) walk(t *testing.T, query url.Values, limit int, each func(page alertPage)) []string {
	t.Helper()
	var ids []string
	for n := 1; ; n++ {
		if n > 1000 {
			t.Fatalf("more than 1000 pages: the cursor does not advance")
		}
		p := f.alertPage(t, query)
		if each != nil {
			each(p)
		}
		for _, a := range p.Alerts {
			ids = append(ids, a.ID)
		}
		if len(p.Alerts) > limit {
			t.Errorf("page %d holds %d alerts, want at most the limit %d", n, len(p.Alerts), limit)
		}
		if p.Next == nil {
			if n > 1 && len(p.Alerts) == 0 {
				t.Errorf("page %d is empty: the page before it should have been the last (no next)", n)
			}
			return ids
		}
		if len(p.Alerts) != limit {
			t.Errorf("page %d holds %d alerts and a next cursor, want a full page of %d", n, len(p.Alerts), limit)
		}
		if *p.Next == "" {
			t.Fatalf("page %d: next is empty, want a cursor or no next at all", n)
		}
		query = cloneWith(query, "cursor", *p.Next)
	}
}

func cloneWith(q url.Values, key, value string) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = slices.Clone(v)
	}
	out.Set(key, value)
	return out
}

func query(state string, limit int) url.Values {
	q := url.Values{}
	if state != "" {
		q.Set("state", state)
	}
	if limit > 0 {
		q.Set("limit", fmt.Sprint(limit))
	}
	return q
}

func TestAlertListPagesVisitEveryIncidentOnceNewestFirst(t *testing.T) {
	f := newFixture(t)
	h := history(t, f.store, 23) // 5 firing (one per key), 18 resolved
	for _, tt := range []struct {
		name  string
		state string
		limit int
		want  []string
	}{
		{"every incident, one a page", "", 1, h.all},
		{"every incident, four a page (the last page holds three)", "", 4, h.all},
		{"every incident, 22 a page (the last page holds one)", "", 22, h.all},
		{"every incident in one page of exactly its size, without next", "", 23, h.all},
		{"every incident in one page of the largest size", "", 500, h.all},
		{"the firing incidents, two a page", "firing", 2, h.firing},
		{"the firing incidents, five a page (exactly one page)", "firing", 5, h.firing},
		{"the resolved incidents, five a page", "resolved", 5, h.resolved},
		{"the resolved incidents, six a page (pages end exactly at the last one)", "resolved", 6, h.resolved},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := f.walk(t, query(tt.state, tt.limit), tt.limit, nil)
			if !slices.Equal(got, tt.want) {
				t.Errorf("ids over all pages = %v\nwant each once, newest first: %v", got, tt.want)
			}
		})
	}
}

func TestAlertListPagesDoNotRepeatOrSkipWhenIncidentsOpenBetweenPages(t *testing.T) {
	// A page is a position in the history (the id after which it continues), not an offset:
	// incidents opened while a client pages are newer than its cursor and do not shift it.
	f := newFixture(t)
	h := history(t, f.store, 9)
	q := query("", 4)
	first := f.alertPage(t, q)
	if first.Next == nil {
		t.Fatal("the first of 9 incidents in pages of 4 has no next")
	}
	k := alert.Key{Flow: "digest", Objective: "availability", Severity: burnrate.Page}
	f.open(t, "H99999", k, opened.Add(time.Hour))
	rest := f.walk(t, cloneWith(q, "cursor", *first.Next), 4, nil)
	var got []string
	for _, a := range first.Alerts {
		got = append(got, a.ID)
	}
	if got = append(got, rest...); !slices.Equal(got, h.all) {
		t.Errorf("ids over all pages = %v, want %v (the new incident H99999 belongs to a new first page)", got, h.all)
	}
}

func TestAlertListLimitIsOneTo500AndDefaults100(t *testing.T) {
	f := newFixture(t)
	h := history(t, f.store, 120)
	for _, tt := range []struct {
		name, limit string
		status      int
		wantLen     int
		wantNext    bool
	}{
		{"no limit gives the first 100", "", 200, 100, true},
		{"a limit of 1 gives one", "1", 200, 1, true},
		{"a limit of 500 is allowed", "500", 200, 120, false},
		{"a limit of 0 is refused", "0", 400, 0, false},
		{"a limit of 501 is refused", "501", 400, 0, false},
		{"a negative limit is refused", "-1", 400, 0, false},
		{"a limit that is not an integer is refused", "abc", 400, 0, false},
		{"a fractional limit is refused", "2.5", 400, 0, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			target := "/ops/alerts"
			if tt.limit != "" {
				target += "?limit=" + url.QueryEscape(tt.limit)
			}
			rec := f.do("GET", target, "", opsman)
			if rec.Code != tt.status {
				t.Fatalf("GET %s: status %d, want %d: %s", target, rec.Code, tt.status, rec.Body)
			}
			if tt.status != 200 {
				code, msg := errorCode(t, rec)
				if want := "limit: an integer from 1 to 500"; code != "invalid_request" || msg != want {
					t.Errorf("error %s %q, want invalid_request %q", code, msg, want)
				}
				return
			}
			var p alertPage
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
				t.Fatal(err)
			}
			if len(p.Alerts) != tt.wantLen || (p.Next != nil) != tt.wantNext {
				t.Errorf("GET %s: %d alerts, next %v; want %d, next %v", target, len(p.Alerts), p.Next != nil, tt.wantLen, tt.wantNext)
			}
			if len(p.Alerts) > 0 && p.Alerts[0].ID != h.all[0] {
				t.Errorf("first alert %s, want the newest %s", p.Alerts[0].ID, h.all[0])
			}
		})
	}
}

// edit decodes a cursor this API issued, lets change alter its JSON, and encodes it again:
// a cursor altered by hand that is still well formed.
func edit(t *testing.T, c string, change func(m map[string]any)) string {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		t.Fatalf("cursor %q is not base64url: %v", c, err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("cursor %q is not JSON: %v", c, err)
	}
	change(m)
	b, _ = json.Marshal(m)
	return base64.RawURLEncoding.EncodeToString(b)
}

func pos(m map[string]any) map[string]any { return m["p"].(map[string]any) }

func TestAlertListRefusesCursorsOfOtherListsAndCursorsAlteredByHand(t *testing.T) {
	f := newFixture(t)
	h := history(t, f.store, 12)
	next := func(state string) string {
		t.Helper()
		p := f.alertPage(t, query(state, 2))
		if p.Next == nil {
			t.Fatalf("GET /ops/alerts?state=%s&limit=2 has no next over %d incidents", state, len(h.all))
		}
		return *p.Next
	}
	all, firing, resolved := next(""), next("firing"), next("resolved")
	for _, tt := range []struct {
		name, state, cursor, want string
	}{
		{"a cursor of a user's goals", "", cursor.Encode("goals", "oncall-1", map[string]string{"sk": "GOAL#01"}), "cursor: a cursor of another list"},
		{"a cursor of the firing list on the whole list", "", firing, "cursor: a cursor of another list"},
		{"a cursor of the whole list on the resolved list", "resolved", all, "cursor: a cursor of another list"},
		{"a cursor of the resolved list on the firing list", "firing", resolved, "cursor: a cursor of another list"},
		{"a cursor whose list was renamed by hand", "", edit(t, all, func(m map[string]any) { m["l"] = "goals" }), "cursor: a cursor of another list"},
		{"a cursor whose owner was changed by hand", "", edit(t, all, func(m map[string]any) { m["o"] = "0123456789abcdef" }), "cursor: a cursor of another user"},
		{"a cursor naming an incident that does not exist", "", edit(t, all, func(m map[string]any) { pos(m)["id"] = "H00007x" }), "cursor: not a position in this list"},
		{"a cursor naming no incident", "", edit(t, all, func(m map[string]any) { delete(pos(m), "id") }), "cursor: not a position in this list"},
		{"a cursor with an empty id", "", edit(t, all, func(m map[string]any) { pos(m)["id"] = "" }), "cursor: not a position in this list"},
		{"a cursor with a position field added", "", edit(t, all, func(m map[string]any) { pos(m)["skip"] = "3" }), "cursor: not a position in this list"},
		{"a cursor with a key longer than DynamoDB allows", "", edit(t, all, func(m map[string]any) { pos(m)["id"] = strings.Repeat("H", 1100) }), "cursor: not a position in this list"},
		{"a firing cursor naming an incident that does not exist", "firing", edit(t, firing, func(m map[string]any) { pos(m)["id"] = "H00000" }), "cursor: not a position in this list"},
		{"a resolved cursor naming an incident that does not exist", "resolved", edit(t, resolved, func(m map[string]any) { pos(m)["id"] = "Z" }), "cursor: not a position in this list"},
		{"a cursor of another version", "", edit(t, all, func(m map[string]any) { m["v"] = 2 }), "cursor: not a cursor this API issued"},
		{"a cursor with its first character changed", "", "X" + all[1:], "cursor: not a cursor this API issued"},
		{"a cut cursor", "", all[:len(all)/2], "cursor: not a cursor this API issued"},
		{"a cursor that is not base64", "", "!!!", "cursor: not a cursor this API issued"},
		{"a cursor longer than any this API issues", "", strings.Repeat("A", cursor.MaxLength+1), "cursor: longer than 2048 characters"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			q := query(tt.state, 2)
			q.Set("cursor", tt.cursor)
			rec := f.do("GET", "/ops/alerts?"+q.Encode(), "", opsman)
			if rec.Code != 400 {
				t.Fatalf("status %d, want 400: %s", rec.Code, rec.Body)
			}
			if code, msg := errorCode(t, rec); code != "invalid_request" || msg != tt.want {
				t.Errorf("error %s %q, want invalid_request %q", code, msg, tt.want)
			}
		})
	}

	t.Run("another ops member's cursor continues the same list", func(t *testing.T) {
		// The incident lists are one list for the whole ops group, so a cursor is bound to
		// that scope, not to the caller who was given it.
		q := query("", 2)
		q.Set("cursor", all)
		rec := f.do("GET", "/ops/alerts?"+q.Encode(), "", opsmate)
		if rec.Code != 200 {
			t.Fatalf("status %d, want 200: %s", rec.Code, rec.Body)
		}
		var p alertPage
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
			t.Fatal(err)
		}
		if len(p.Alerts) != 2 || p.Alerts[0].ID != h.all[2] {
			t.Errorf("the second page for another ops member = %+v, want %v", p.Alerts, h.all[2:4])
		}
	})
}

func TestAlertListReadsAtMostOnePageOfIncidentsPerRequest(t *testing.T) {
	f := newPageFixture(t)
	h := history(t, f.store, 60)
	states, err := f.store.States(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	keys := len(states)
	for _, tt := range []struct {
		name  string
		state string
		limit int
		// bound is the most items one request may read.
		bound int
		want  []string
	}{
		// The page, one record to know whether another page follows and the cursor's own.
		{"every incident, three a page: at most 3+2 records a request", "", 3, 3 + 2, h.all},
		{"every incident, seven a page: at most 7+2 records a request", "", 7, 7 + 2, h.all},
		// The same, and the firing records passed over, at most one per alert key.
		{"the resolved incidents, four a page: at most 4+2 records and one per alert key", "resolved", 4, 4 + 2 + keys, h.resolved},
		// The alert states (one per key), the page's records and the cursor's.
		{"the firing incidents, two a page: the states and at most 2+1 records", "firing", 2, keys + 2 + 1, h.firing},
	} {
		t.Run(tt.name, func(t *testing.T) {
			q := query(tt.state, tt.limit)
			f.counter.Reset()
			got := f.walk(t, q, tt.limit, func(p alertPage) {
				if n := f.counter.Items(); n > tt.bound || n < len(p.Alerts) {
					t.Errorf("a page of %d alerts read %d items, want between %d and %d (of %d incidents)", len(p.Alerts), n, len(p.Alerts), tt.bound, len(h.all))
				}
				f.counter.Reset()
			})
			if !slices.Equal(got, tt.want) {
				t.Errorf("ids over all pages = %v, want %v", got, tt.want)
			}
		})
	}
}
