package reviewstore

import (
	"context"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/review"
)

// Event names (DESIGN §7 POST /reviews/events).
const (
	EventReviewOpened = "review_opened"
	EventRecShown     = "rec_shown"
	EventRecOpened    = "rec_opened"
)

// Event is one client event about a review.
type Event struct {
	ID        string
	Name      string
	Week      string
	RecID     string // rec_shown and rec_opened
	VisibleMS int64  // rec_shown
	At        time.Time
}

// Take keeps e once: a second event with its id is a duplicate (dup true) and counts
// nothing. The first review_opened of a review and the first rec_shown of a
// recommendation also mark the review (opened_at, sh_<rec>) and count toward the week's
// open and show rates (a rephrased recommendation's first show also as shown_rephrased);
// later ones count only as events. Everything of one event is one
// transaction.
func (s *Store) Take(ctx context.Context, user string, e Event, r review.Review, now time.Time) (dup bool, err error) {
	table := aws.String(s.Table)
	marker := key(userPK(user), "EVENT#"+e.ID)
	marker["kind"], marker["name"] = str("review_event"), str(e.Name)
	marker["expires_at"] = num(now.Add(EventRetention).Unix())
	put := types.TransactWriteItem{Put: &types.Put{TableName: table, Item: marker,
		ConditionExpression: aws.String("attribute_not_exists(PK)")}}
	counts := map[string]int64{e.Name: 1}
	if e.Name == EventRecShown {
		counts["visible_ms"] = e.VisibleMS
	}
	first := map[string]string{EventReviewOpened: aOpened, EventRecShown: shownAttr(e.RecID)}
	items := []types.TransactWriteItem{put}
	if attr, ok := first[e.Name]; ok {
		unique := map[string]string{EventReviewOpened: "opened", EventRecShown: "shown"}[e.Name]
		withFirst := maps(counts, unique)
		if e.Name == EventRecShown {
			withFirst = variantCounts(r, e.RecID, CounterShownRephrased, withFirst)
		}
		items = append(items,
			types.TransactWriteItem{Update: &types.Update{TableName: table, Key: key(userPK(user), reviewSK(r.Week)),
				UpdateExpression:          aws.String("SET #a = :at"),
				ConditionExpression:       aws.String("attribute_exists(PK) AND attribute_not_exists(#a)"),
				ExpressionAttributeNames:  map[string]string{"#a": attr},
				ExpressionAttributeValues: map[string]types.AttributeValue{":at": str(e.At.UTC().Format(time.RFC3339Nano))}}},
			s.count(r.Week, armOf(r), r.ID+user, withFirst))
		err := dynamo.Transact(ctx, s.DB, items, s.Sleep)
		reasons := dynamo.Canceled(err)
		if err == nil {
			return false, nil
		}
		if reasons == nil || dynamo.Retryable(reasons) {
			return false, dynamo.Wrap(err)
		}
		if aws.ToString(reasons[0].Code) == dynamo.ReasonConditionFailed {
			return true, nil
		}
		// Not the first: keep it as a plain event.
		items = []types.TransactWriteItem{put}
	}
	items = append(items, s.count(r.Week, armOf(r), r.ID+user, counts))
	err = dynamo.Transact(ctx, s.DB, items, s.Sleep)
	reasons := dynamo.Canceled(err)
	if reasons != nil && !dynamo.Retryable(reasons) && aws.ToString(reasons[0].Code) == dynamo.ReasonConditionFailed {
		return true, nil
	}
	return false, dynamo.Wrap(err)
}

func maps(m map[string]int64, add string) map[string]int64 {
	out := map[string]int64{add: 1}
	for k, v := range m {
		out[k] = v
	}
	return out
}

func sortedKeys(m map[string]int64) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
