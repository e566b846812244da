package opsstoretest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/lucian-app/phase12/shared/alert"
	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/burnrate"
	"github.com/lucian-app/phase12/shared/cursor"
	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/opsstore"
)

// runAlertPages is the paged incident lists' part of the suite. It adds incidents to those
// the table may hold already, and reads what the table holds with its own Query, so it
// depends neither on the subtests before it nor on the code it tests.
func runAlertPages(t *testing.T, db dynamo.API, table string) {
	ctx := context.Background()
	counter := CountItems(db)
	s := opsstore.New(counter, table)
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

	// 37 incidents over 6 keys, a minute apart, as the burn-rate check leaves them: a key's
	// incident resolves before its next opens, and each key's last one still fires.
	version := map[alert.Key]int64{}
	last := map[alert.Key]alert.Alert{}
	for i := range 37 {
		k := alert.Key{Flow: "paging", Objective: fmt.Sprintf("o%d", i%6), Severity: burnrate.Ticket}
		at := t0.Add(time.Duration(i) * time.Minute)
		if prev, ok := last[k]; ok {
			prev.State, prev.ResolvedAt = alert.Resolved, &at
			version[k]++
			if err := s.Save(ctx, alert.State{Alert: prev, Version: version[k]}, false); err != nil {
				t.Fatal(err)
			}
		}
		a := alert.Alert{ID: fmt.Sprintf("P%05d", i+1), Flow: k.Flow, Objective: k.Objective, Severity: k.Severity,
			State: alert.Firing, DedupKey: k.DedupKey(), TriggeredAt: at}
		version[k]++
		if err := s.Save(ctx, alert.State{Alert: a, Version: version[k]}, true); err != nil {
			t.Fatal(err)
		}
		last[k] = a
	}

	// What the table holds, newest first, read whole: the answer the pages must add up to.
	want := map[alert.Status][]string{}
	raw := func(pk string, each func(id, state string)) {
		in := &dynamodb.QueryInput{TableName: aws.String(table), KeyConditionExpression: aws.String("#pk = :pk"),
			ExpressionAttributeNames:  map[string]string{"#pk": dynamo.PartitionKey},
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: pk}},
			ScanIndexForward:          aws.Bool(false), ConsistentRead: aws.Bool(true)}
		if err := dynamo.QueryAll(ctx, db, in, func(av map[string]types.AttributeValue) error {
			id, _ := av["id"].(*types.AttributeValueMemberS)
			st, _ := av["state"].(*types.AttributeValueMemberS)
			each(id.Value, st.Value)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	raw("ALERT", func(id, state string) {
		want[""] = append(want[""], id)
		want[alert.Status(state)] = append(want[alert.Status(state)], id)
	})
	keys := 0
	raw("ALERTSTATE", func(string, string) { keys++ })
	if len(want[""]) < 37 || len(want[alert.Firing]) < 6 || len(want[alert.Resolved]) < 31 {
		t.Fatalf("the table holds %d incidents, %d firing, %d resolved; want at least 37, 6, 31",
			len(want[""]), len(want[alert.Firing]), len(want[alert.Resolved]))
	}

	// walk pages through a list, checking each page's size and reads; it returns the ids
	// in the order the pages gave them.
	walk := func(t *testing.T, state alert.Status, limit, bound int) []string {
		t.Helper()
		var ids []string
		p := cursor.Page{Limit: limit}
		for n := 1; ; n++ {
			if n > 1000 {
				t.Fatal("more than 1000 pages: the cursor does not advance")
			}
			counter.Reset()
			page, next, err := s.ListPage(ctx, state, p)
			if err != nil {
				t.Fatalf("page %d: %v", n, err)
			}
			if read := counter.Items(); read > bound || read < len(page) {
				t.Errorf("page %d of %d incidents read %d items, want between %d and %d (of %d incidents)", n, len(page), read, len(page), bound, len(want[""]))
			}
			for _, a := range page {
				ids = append(ids, a.ID)
			}
			if next == "" {
				if n > 1 && len(page) == 0 {
					t.Errorf("page %d is empty: the page before it should have been the last", n)
				}
				return ids
			}
			if len(page) != limit {
				t.Errorf("page %d holds %d incidents and a next cursor, want a full page of %d", n, len(page), limit)
			}
			p.Cursor = next
		}
	}

	t.Run("incident lists page through every incident once, newest first, reading one page a page", func(t *testing.T) {
		for _, tt := range []struct {
			name  string
			state alert.Status
			limit int
			// bound is the most items one page may read.
			bound int
		}{
			// The page, one record to know whether another follows, the cursor's own.
			{"every incident, one a page", "", 1, 1 + 2},
			{"every incident, six a page", "", 6, 6 + 2},
			{"every incident in one page of exactly their number", "", len(want[""]), len(want[""]) + 1},
			// The same, and the firing records passed over: at most one per alert key.
			{"the resolved incidents, five a page", alert.Resolved, 5, 5 + 2 + keys},
			{"the resolved incidents, nine a page", alert.Resolved, 9, 9 + 2 + keys},
			// The alert states (one per key), the page's records, the cursor's.
			{"the firing incidents, one a page", alert.Firing, 1, keys + 1 + 1},
			{"the firing incidents, four a page", alert.Firing, 4, keys + 4 + 1},
		} {
			t.Run(tt.name, func(t *testing.T) {
				if got := walk(t, tt.state, tt.limit, tt.bound); !slices.Equal(got, want[tt.state]) {
					t.Errorf("ids over all pages = %v\nwant each once, newest first: %v", got, want[tt.state])
				}
			})
		}
	})

	t.Run("a firing page continues after its cursor's incident resolved", func(t *testing.T) {
		page, next, err := s.ListPage(ctx, alert.Firing, cursor.Page{Limit: 2})
		if err != nil || next == "" || len(page) != 2 {
			t.Fatalf("first firing page = %d incidents, next %q, %v; want 2 and a cursor", len(page), next, err)
		}
		k := page[1].Key()
		at := t0.Add(time.Hour)
		resolved := last[k]
		resolved.State, resolved.ResolvedAt = alert.Resolved, &at
		version[k]++
		if err := s.Save(ctx, alert.State{Alert: resolved, Version: version[k]}, false); err != nil {
			t.Fatal(err)
		}
		rest, _, err := s.ListPage(ctx, alert.Firing, cursor.Page{Limit: 100, Cursor: next})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range rest {
			got = append(got, a.ID)
		}
		if !slices.Equal(got, want[alert.Firing][2:]) {
			t.Errorf("the firing incidents after %s = %v, want %v", page[1].ID, got, want[alert.Firing][2:])
		}
	})

	t.Run("a cursor of another list or naming no incident is refused", func(t *testing.T) {
		_, all, err := s.ListPage(ctx, "", cursor.Page{Limit: 3})
		if err != nil || all == "" {
			t.Fatalf("first page: next %q, %v", all, err)
		}
		// A cursor the store did not issue for the list it is sent to, but one only an
		// edit could make: cursor.Encode with the list and scope this store uses.
		forged := func(list string, pos map[string]string) string { return cursor.Encode(list, "ops", pos) }
		for _, tt := range []struct {
			name   string
			state  alert.Status
			cursor string
			want   string
		}{
			{"the whole list's cursor on the firing list", alert.Firing, all, "another list"},
			{"the whole list's cursor on the resolved list", alert.Resolved, all, "another list"},
			{"a cursor of a caller's own list", "", cursor.Encode("ops_alerts", "oncall-1", map[string]string{"id": want[""][2]}), "another user"},
			{"a cursor naming an id between two incidents", "", forged("ops_alerts", map[string]string{"id": want[""][2] + "0"}), "not a position"},
			{"a cursor naming an id older than every incident", "", forged("ops_alerts", map[string]string{"id": "0"}), "not a position"},
			{"a resolved cursor naming no incident", alert.Resolved, forged("ops_alerts_resolved", map[string]string{"id": "P99999"}), "not a position"},
			{"a firing cursor naming no incident", alert.Firing, forged("ops_alerts_firing", map[string]string{"id": "P00000x"}), "not a position"},
			{"a cursor with more than an id", "", forged("ops_alerts", map[string]string{"id": want[""][2], "skip": "1"}), "not a position"},
			{"a cursor with an id longer than a key", "", forged("ops_alerts", map[string]string{"id": strings.Repeat("P", 1025)}), "not a position"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				_, _, err := s.ListPage(ctx, tt.state, cursor.Page{Limit: 3, Cursor: tt.cursor})
				if apperr.CodeOf(err) != apperr.InvalidRequest || !strings.Contains(err.Error(), "cursor: ") || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("ListPage() error = %v, want invalid_request naming the cursor and %q", err, tt.want)
				}
			})
		}
	})
}
