package opsstore

import (
	"context"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/flowmetrics"
)

const (
	limitPKPrefix = "FLOWLIMIT#"
	limitCount    = "n"
	// limitRetention keeps a counter a little past its minute, for someone looking at the
	// table; no read depends on it, since the key names its minute.
	limitRetention = time.Hour
)

// Take adds n to caller's count of flow events in the minute starting at minute, if the
// count stays within limit (flowmetrics.Limiter). One conditional UpdateItem ADD: no read
// before it, and DynamoDB applies concurrent ones one at a time, so callers on any number
// of function instances together never go over the limit.
func (s *Store) Take(ctx context.Context, caller string, minute time.Time, n, limit int) (bool, error) {
	if n < 0 || n > limit {
		return false, nil
	}
	minute = minute.UTC().Truncate(time.Minute)
	_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:           aws.String(s.Table),
		Key:                 key(limitPKPrefix+caller, bucketSK(flowmetrics.Minute, minute)),
		UpdateExpression:    aws.String("ADD #n :n SET #exp = :exp"),
		ConditionExpression: aws.String("attribute_not_exists(#n) OR #n <= :room"),
		ExpressionAttributeNames: map[string]string{
			"#n": limitCount, "#exp": dynamo.TTLAttribute,
		},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":n":    &types.AttributeValueMemberN{Value: strconv.Itoa(n)},
			":room": &types.AttributeValueMemberN{Value: strconv.Itoa(limit - n)},
			":exp":  &types.AttributeValueMemberN{Value: strconv.FormatInt(minute.Add(limitRetention).Unix(), 10)},
		},
	})
	switch {
	case dynamo.ConditionFailed(err):
		return false, nil
	case err != nil:
		return false, dynamo.Wrap(err)
	}
	return true, nil
}

// Taken is caller's count in the minute starting at minute (0 without a counter), read
// consistently: for tests and for someone investigating a caller.
func (s *Store) Taken(ctx context.Context, caller string, minute time.Time) (int, error) {
	out, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(s.Table), ConsistentRead: aws.Bool(true),
		Key: key(limitPKPrefix+caller, bucketSK(flowmetrics.Minute, minute.UTC().Truncate(time.Minute))),
	})
	if err != nil {
		return 0, dynamo.Wrap(err)
	}
	v, _ := out.Item[limitCount].(*types.AttributeValueMemberN)
	if v == nil {
		return 0, nil
	}
	return strconv.Atoi(v.Value)
}
