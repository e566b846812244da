//go:build contract

package contract

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/lucian-app/phase12/shared/appstore/appstoretest"
	"github.com/lucian-app/phase12/shared/dynamo"
)

func TestAppStoreOnDynamoDBLocal(t *testing.T) {
	db, table := newDynamo(t)
	appstoretest.Run(t, db, table)
}

// The stores read outcomes from cancelled transactions; this pins down
// that the wire carries the reasons in item order, with ALL_OLD items, and
// that a cancelled transaction writes nothing.
func TestCancelledTransactionReasonsOnDynamoDBLocal(t *testing.T) {
	db, table := newDynamo(t)
	ctx := context.Background()
	key := func(sk string) map[string]types.AttributeValue {
		return map[string]types.AttributeValue{
			"PK": &types.AttributeValueMemberS{Value: "USER#u"}, "SK": &types.AttributeValueMemberS{Value: sk},
		}
	}
	existing := key("EXISTING")
	existing["marker"] = &types.AttributeValueMemberS{Value: "old"}
	if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: existing}); err != nil {
		t.Fatal(err)
	}
	_, txErr := db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: aws.String(table), Item: key("NEW"), ConditionExpression: aws.String("attribute_not_exists(PK)")}},
		{Put: &types.Put{TableName: aws.String(table), Item: key("EXISTING"), ConditionExpression: aws.String("attribute_not_exists(PK)"),
			ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld}},
	}})
	reasons := dynamo.Canceled(txErr)
	if len(reasons) != 2 {
		t.Fatalf("reasons = %v (err %v), want two", reasons, txErr)
	}
	if got := aws.ToString(reasons[0].Code); got != dynamo.ReasonNone {
		t.Errorf("reason[0] = %q, want None", got)
	}
	if got := aws.ToString(reasons[1].Code); got != dynamo.ReasonConditionFailed {
		t.Errorf("reason[1] = %q, want ConditionalCheckFailed", got)
	}
	if m, ok := reasons[1].Item["marker"].(*types.AttributeValueMemberS); !ok || m.Value != "old" {
		t.Errorf("reason[1].Item = %v, want the old item", reasons[1].Item)
	}
	out, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: key("NEW"), ConsistentRead: aws.Bool(true)})
	if err != nil || len(out.Item) != 0 {
		t.Errorf("the cancelled transaction wrote NEW: %v (err %v)", out.Item, err)
	}
	if dynamo.Transient(txErr) {
		t.Errorf("a condition failure must not read as transient")
	}
}

func TestBackfillOnDynamoDBLocal(t *testing.T) {
	db, table := newDynamo(t)
	appstoretest.RunBackfill(t, db, table)
}
