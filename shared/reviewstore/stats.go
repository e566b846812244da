package reviewstore

import (
	"context"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/lucian-app/phase12/shared/dynamo"
)

// Counts are one week and arm's counters, summed over their shards.
type Counts map[string]int64

// Stats returns the counters of week by arm: one Query of StatShards*2 items at most.
func (s *Store) Stats(ctx context.Context, week string) (map[string]Counts, error) {
	out := map[string]Counts{}
	err := dynamo.QueryAll(ctx, s.DB, &dynamodb.QueryInput{TableName: aws.String(s.Table),
		KeyConditionExpression:    aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(statsPK(week))},
		ConsistentRead:            aws.Bool(true)}, func(item map[string]types.AttributeValue) error {
		sk, _ := item[dynamo.SortKey].(*types.AttributeValueMemberS)
		if sk == nil {
			return nil
		}
		arm, _, _ := strings.Cut(sk.Value, "#")
		c := out[arm]
		if c == nil {
			c = Counts{}
			out[arm] = c
		}
		for name, v := range item {
			if n, ok := v.(*types.AttributeValueMemberN); ok {
				x, _ := strconv.ParseInt(n.Value, 10, 64)
				c[name] += x
			}
		}
		return nil
	})
	return out, err
}

// Count adds counts to user's arm of week (the rephrase's tokens and cost, counted when
// they were spent, whether or not the review they were spent on won its put).
func (s *Store) Count(ctx context.Context, week, arm, user string, counts map[string]int64) error {
	if len(counts) == 0 {
		return nil
	}
	u := s.count(week, arm, "wr-"+week+user, counts).Update
	_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: u.TableName, Key: u.Key,
		UpdateExpression: u.UpdateExpression, ExpressionAttributeNames: u.ExpressionAttributeNames,
		ExpressionAttributeValues: u.ExpressionAttributeValues})
	return dynamo.Wrap(err)
}
