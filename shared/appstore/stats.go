package appstore

import (
	"context"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/nextaction"
	"github.com/lucian-app/phase12/shared/tasks"
)

// The next-action statistics, one item per user and era (nextaction.Era: ten years):
//
//	PK USER#<sub>  SK NEXTSTATS#<era>   counters (nextaction's names), each only ever ADDed
//
// A completion adds to it in the completion's own transaction: an UpdateItem with one
// ADD per counter and no condition, so it needs no read, never conflicts with another
// completion (ADD commutes) and cannot cancel the transaction. It costs one item more
// in the transaction (two in an era's last year) and the write units of the item's size
// (a transactional write is 2 units per KB: a typical 4 KB item, 8 units).
const statsPrefix = "NEXTSTATS#"

func statsKey(owner string, era int) map[string]types.AttributeValue {
	return key(userPK(owner), statsPrefix+strconv.Itoa(era))
}

// statsUpdates are the writes that count completing t at at in zone (nil: see
// nextaction.ZoneOf).
func (s *Store) statsUpdates(owner string, t tasks.Task, at time.Time, zone *time.Location) []types.TransactWriteItem {
	var out []types.TransactWriteItem
	for _, it := range nextaction.Completion(t, at, zone) {
		names := map[string]string{}
		values := map[string]types.AttributeValue{}
		expr := "ADD "
		for i, a := range it.Adds {
			n, v := "#c"+strconv.Itoa(i), ":c"+strconv.Itoa(i)
			names[n] = a.Attr
			values[v] = &types.AttributeValueMemberN{Value: strconv.FormatFloat(a.N, 'g', 15, 64)}
			if i > 0 {
				expr += ", "
			}
			expr += n + " " + v
		}
		out = append(out, types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table),
			Key: statsKey(owner, it.Era), UpdateExpression: aws.String(expr),
			ExpressionAttributeNames: names, ExpressionAttributeValues: values}})
	}
	return out
}

// NextStats reads the owner's statistics as of now: one GetItem, eventually consistent
// (a completion a second old may be missing; a tie-breaker does not need it).
func (s *Store) NextStats(ctx context.Context, owner string, now time.Time) (nextaction.Stats, error) {
	w := nextaction.Week(now)
	era := nextaction.Era(w)
	out, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table), Key: statsKey(owner, era)})
	if err != nil {
		return nextaction.Stats{}, dynamo.Wrap(err)
	}
	attrs := make(map[string]float64, len(out.Item))
	for name, v := range out.Item {
		if n, ok := v.(*types.AttributeValueMemberN); ok {
			if f, err := strconv.ParseFloat(n.Value, 64); err == nil {
				attrs[name] = f
			}
		}
	}
	return nextaction.DecodeStats(attrs, era, w), nil
}

// StatsCounters reads the owner's item of era as stored (consistently): for tests that
// check what a write added.
func (s *Store) StatsCounters(ctx context.Context, owner string, era int) (map[string]float64, error) {
	out, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table), Key: statsKey(owner, era), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return nil, dynamo.Wrap(err)
	}
	attrs := map[string]float64{}
	for name, v := range out.Item {
		if n, ok := v.(*types.AttributeValueMemberN); ok {
			attrs[name], _ = strconv.ParseFloat(n.Value, 64)
		}
	}
	return attrs, nil
}
