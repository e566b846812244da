package embedded

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/lucian-app/phase12/shared/dynamo"
)

func TestCancelledTransactionCarriesOldItems(t *testing.T) {
	ctx := context.Background()
	db := New()
	if err := dynamo.EnsureTable(ctx, db, "T"); err != nil {
		t.Fatal(err)
	}
	item := func(sk, marker string) map[string]types.AttributeValue {
		return map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "P"},
			"SK": &types.AttributeValueMemberS{Value: sk}, "marker": &types.AttributeValueMemberS{Value: marker}}
	}
	if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("T"), Item: item("A", "old")}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		it   types.TransactWriteItem
		want string // the old marker, "" for no item
	}{
		{"put with ALL_OLD", types.TransactWriteItem{Put: &types.Put{TableName: aws.String("T"), Item: item("A", "new"),
			ConditionExpression: aws.String("attribute_not_exists(PK)"), ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld}}, "old"},
		{"update with ALL_OLD", types.TransactWriteItem{Update: &types.Update{TableName: aws.String("T"), Key: map[string]types.AttributeValue{
			"PK": &types.AttributeValueMemberS{Value: "P"}, "SK": &types.AttributeValueMemberS{Value: "A"}},
			UpdateExpression: aws.String("SET marker = :m"), ConditionExpression: aws.String("marker = :m"),
			ExpressionAttributeValues:           map[string]types.AttributeValue{":m": &types.AttributeValueMemberS{Value: "other"}},
			ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld}}, "old"},
		{"put without ALL_OLD", types.TransactWriteItem{Put: &types.Put{TableName: aws.String("T"), Item: item("A", "new"),
			ConditionExpression: aws.String("attribute_not_exists(PK)")}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{tt.it}})
			reasons := dynamo.Canceled(err)
			if len(reasons) != 1 || aws.ToString(reasons[0].Code) != dynamo.ReasonConditionFailed {
				t.Fatalf("reasons = %v (err %v), want one failed condition", reasons, err)
			}
			got := ""
			if m, ok := reasons[0].Item["marker"].(*types.AttributeValueMemberS); ok {
				got = m.Value
			}
			if got != tt.want {
				t.Errorf("old item marker = %q, want %q", got, tt.want)
			}
		})
	}
}
