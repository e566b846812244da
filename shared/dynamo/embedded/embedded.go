// Package embedded is the in-process DynamoDB that `make dev` and the unit
// tests run on: minidyn, with the one answer DynamoDB gives that minidyn
// leaves out and the stores rely on. A cancelled transaction's reasons
// carry the item as it was (ALL_OLD) for every item that asked for it;
// minidyn omits it for Put, Update and Delete. Filling it here keeps the
// stores free of emulator special cases.
package embedded

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/truora/minidyn/aws-v2/client"

	"github.com/lucian-app/phase12/shared/dynamo"
)

// DB is minidyn with ALL_OLD items in cancellation reasons.
type DB struct {
	*client.Client
}

var (
	_ dynamo.API   = (*DB)(nil)
	_ dynamo.Admin = (*DB)(nil)
)

// New returns an empty in-process DynamoDB.
func New() *DB { return &DB{Client: client.NewClient()} }

// TransactWriteItems runs the transaction and, when it is cancelled, adds
// the old item to each failed condition that asked for ALL_OLD. minidyn
// runs one transaction at a time, so the item read back is the one the
// condition saw.
func (db *DB) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, opts ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	out, err := db.Client.TransactWriteItems(ctx, in, opts...)
	var cancelled *types.TransactionCanceledException
	if !errors.As(err, &cancelled) {
		return out, err
	}
	for i, r := range cancelled.CancellationReasons {
		if i >= len(in.TransactItems) || aws.ToString(r.Code) != dynamo.ReasonConditionFailed || len(r.Item) > 0 {
			continue
		}
		table, key, ok := wantsOld(in.TransactItems[i])
		if !ok {
			continue
		}
		got, getErr := db.Client.GetItem(ctx, &dynamodb.GetItemInput{TableName: table, Key: key, ConsistentRead: aws.Bool(true)})
		if getErr == nil && len(got.Item) > 0 {
			cancelled.CancellationReasons[i].Item = got.Item
		}
	}
	return out, err
}

// wantsOld returns the table and key of an item that asked for ALL_OLD.
func wantsOld(it types.TransactWriteItem) (*string, map[string]types.AttributeValue, bool) {
	all := types.ReturnValuesOnConditionCheckFailureAllOld
	switch {
	case it.Put != nil && it.Put.ReturnValuesOnConditionCheckFailure == all:
		return it.Put.TableName, keyOf(it.Put.Item), true
	case it.Update != nil && it.Update.ReturnValuesOnConditionCheckFailure == all:
		return it.Update.TableName, it.Update.Key, true
	case it.Delete != nil && it.Delete.ReturnValuesOnConditionCheckFailure == all:
		return it.Delete.TableName, it.Delete.Key, true
	}
	// ConditionCheck: minidyn returns the item itself.
	return nil, nil, false
}

// keyOf picks the key attributes of the project's shared schema.
func keyOf(item map[string]types.AttributeValue) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		dynamo.PartitionKey: item[dynamo.PartitionKey],
		dynamo.SortKey:      item[dynamo.SortKey],
	}
}
