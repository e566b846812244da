package appstoretest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/lucian-app/phase12/shared/appstore"
	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/eventstore"
	"github.com/lucian-app/phase12/shared/nextaction"
	"github.com/lucian-app/phase12/shared/tasks"
)

// itemsGot counts the items GetItem calls return, beside ItemsRead's Query items.
type itemsGot struct {
	*ItemsRead
	got int
}

func (c *itemsGot) GetItem(ctx context.Context, in *dynamodb.GetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	out, err := c.ItemsRead.GetItem(ctx, in, o...)
	if err == nil && len(out.Item) > 0 {
		c.got++
	}
	return out, err
}

// NextReads asks GET /tasks/next's service for owner's suggestions at now over db and
// checks what it read: at most four Queries (the today range's two dated streams and
// the undated one, and today's dismissals) whose items are at most the candidates plus
// one page (nextaction.MaxCandidates) plus the dismissals (none here), one GetItem,
// the statistics item, and one BatchGetItem of the candidates' distinct goals when one
// has a goal (none otherwise). all is every task of owner and goals every goal (stored
// by the caller), for the expected answer: nextaction.Rank over the first MaxCandidates
// of the today view computed in memory.
func NextReads(t testing.TB, db dynamo.API, table, owner string, all []tasks.Task, loc *time.Location, now time.Time, goals ...tasks.Goal) nextaction.Answer {
	t.Helper()
	calls := dynamotest.Count(db)
	items := &itemsGot{ItemsRead: &ItemsRead{API: calls}}
	store := appstore.New(items, table)
	svc := &nextaction.Service{Tasks: store, Stats: store, Goals: store, Now: func() time.Time { return now },
		Holdout:    func(string) bool { return false },
		Dismissals: nextaction.EventDismissals{Events: &eventstore.Store{DB: items, Table: table}}}
	ans, err := svc.Next(context.Background(), owner, nextaction.Request{Loc: loc, Limit: nextaction.DefaultLimit})
	if err != nil {
		t.Fatal(err)
	}
	cands := tasks.Today(all, loc, now)
	cands = cands[:min(len(cands), nextaction.MaxCandidates)]
	st, err := appstore.New(db, table).NextStats(context.Background(), owner, now)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]tasks.Goal{}
	for _, g := range goals {
		byID[g.ID] = g
	}
	want := nextaction.Rank(nextaction.Input{Now: now, Loc: loc, Candidates: cands, Stats: st, Goals: byID, Limit: nextaction.DefaultLimit})
	if got, w := suggested(ans.Next), suggested(want); !slices.Equal(got, w) {
		t.Errorf("suggested %v, want %v (the rules over the today view in memory)", got, w)
	}
	t.Logf("%d tasks, %d candidates: %d Queries reading %d items, %d GetItem reading %d items, %d BatchGetItem, %d calls in all",
		len(all), len(cands), calls.Calls("Query"), items.N(), calls.Calls("GetItem"), items.got, calls.Calls("BatchGetItem"), calls.Calls(""))
	wantBatch := 0
	if len(nextaction.GoalIDs(cands)) > 0 {
		wantBatch = 1
	}
	if b := calls.Calls("BatchGetItem"); b != wantBatch {
		t.Errorf("%d BatchGetItem, want %d (the candidates' %d distinct goals in one)", b, wantBatch, len(nextaction.GoalIDs(cands)))
	}
	if q := calls.Calls("Query"); q > 4 {
		t.Errorf("%d Queries, want at most 4", q)
	}
	if g, n := calls.Calls("GetItem"), calls.Calls(""); g != 1 || n != g+calls.Calls("Query")+calls.Calls("BatchGetItem") {
		t.Errorf("%d GetItem of %d calls, want the one statistics item besides the Queries and the goals' batch", g, n)
	}
	if n := items.N(); n > len(cands)+nextaction.MaxCandidates {
		t.Errorf("read %d items for %d candidates, want at most %d (the candidates plus one page)", n, len(cands), len(cands)+nextaction.MaxCandidates)
	}
	return ans
}

func suggested(list []nextaction.Suggestion) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = s.Task.ID
	}
	return out
}
