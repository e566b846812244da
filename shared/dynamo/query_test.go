package dynamo_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
)

func TestQueryAllFollowsEveryPage(t *testing.T) {
	ctx := context.Background()
	db := dynamotest.Count(dynamotest.New(t))
	for i := range 5 {
		if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(dynamotest.AppTable), Item: map[string]types.AttributeValue{
			"PK": &types.AttributeValueMemberS{Value: "P"}, "SK": &types.AttributeValueMemberS{Value: fmt.Sprint("S", i)},
		}}); err != nil {
			t.Fatal(err)
		}
	}
	query := func() *dynamodb.QueryInput {
		return &dynamodb.QueryInput{TableName: aws.String(dynamotest.AppTable), Limit: aws.Int32(2),
			KeyConditionExpression:    aws.String("PK = :pk"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: "P"}}}
	}
	db.Reset()
	var got []string
	err := dynamo.QueryAll(ctx, db, query(), func(item map[string]types.AttributeValue) error {
		got = append(got, item["SK"].(*types.AttributeValueMemberS).Value)
		return nil
	})
	if err != nil || fmt.Sprint(got) != "[S0 S1 S2 S3 S4]" {
		t.Errorf("items = %v (err %v), want all five in order", got, err)
	}
	if n := db.Calls("Query"); n < 3 {
		t.Errorf("%d Query calls for 5 items 2 a page, want at least 3", n)
	}

	stop := errors.New("stop")
	seen := 0
	err = dynamo.QueryAll(ctx, db, query(), func(map[string]types.AttributeValue) error { seen++; return stop })
	if !errors.Is(err, stop) || seen != 1 {
		t.Errorf("err %v after %d items, want the callback's error after 1", err, seen)
	}
}
