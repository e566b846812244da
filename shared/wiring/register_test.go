package wiring_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/review"
	"github.com/lucian-app/phase12/shared/reviewstore"
	"github.com/lucian-app/phase12/shared/wiring"
)

// reviewTableReads counts the GetItem calls on ReviewTable.
type reviewTableReads struct {
	dynamo.API
	reads atomic.Int64
}

func (c *reviewTableReads) GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	if aws.ToString(in.TableName) == dynamotest.ReviewTable {
		c.reads.Add(1)
	}
	return c.API.GetItem(ctx, in, opts...)
}

// TestTodayRegistersTheCallerForTheWeeklyReviewSchedule: a user who asks for today's tasks
// in their zone is in the weekly review's register under that zone's ready hours (so the
// hourly schedule builds their review though they never opened one), once per warm
// instance; a new zone moves them; a refused request registers nobody.
func TestTodayRegistersTheCallerForTheWeeklyReviewSchedule(t *testing.T) {
	env := map[string]string{wiring.EnvAppTable: dynamotest.AppTable, wiring.EnvReviewTable: dynamotest.ReviewTable}
	d := deps(t, env)
	db := &reviewTableReads{API: d.DynamoDB}
	d.DynamoDB = db
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	d.Now = func() time.Time { return now }
	h, err := wiring.Tasks(d)
	if err != nil {
		t.Fatal(err)
	}
	today := func(user, query string) int {
		return apiCall{method: "GET", route: "/tasks/today", path: "/tasks/today?" + query, claims: map[string]string{"sub": user}}.do(t, h.(apiHandler)).StatusCode
	}
	store := reviewstore.New(db.API, dynamotest.ReviewTable)
	registered := func(user, zone string) bool {
		loc, _ := time.LoadLocation(zone)
		for _, hour := range review.ReadyHours(loc, now) {
			due, _, err := store.Due(context.Background(), hour, "", 100)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, r := range due {
				found = found || (r.User == user && r.Timezone == zone)
			}
			if !found {
				return false
			}
		}
		return true
	}

	if code := today("kiri", "timezone=Pacific/Auckland"); code != 200 {
		t.Fatalf("today: %d", code)
	}
	if !registered("kiri", "Pacific/Auckland") {
		t.Errorf("kiri is not in Auckland's ready hours after GET /tasks/today")
	}
	before := db.reads.Load()
	for range 3 {
		today("kiri", "timezone=Pacific/Auckland")
	}
	if got := db.reads.Load() - before; got != 0 {
		t.Errorf("%d ReviewTable reads for three more requests in the same zone, want 0 (once per instance)", got)
	}
	today("kiri", "timezone=Pacific/Honolulu")
	if !registered("kiri", "Pacific/Honolulu") || registered("kiri", "Pacific/Auckland") {
		t.Errorf("after a request from Honolulu kiri is not moved there")
	}
	if code := today("nobody", "timezone=Mars/Olympus"); code != 400 || registered("nobody", "UTC") {
		t.Errorf("an unknown zone: %d, want 400 and no registration", code)
	}
}
