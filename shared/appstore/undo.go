package appstore

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/execute"
	"github.com/lucian-app/phase12/shared/undo"
)

var _ undo.Store = (*Store)(nil)

// Undo deletes the token's item, marks its execution record undone and
// appends the "undone" audit entry, in one TransactWriteItems. When the
// transaction is cancelled, the reasons (and the record's ALL_OLD image)
// say why.
func (s *Store) Undo(ctx context.Context, owner string, t undo.Token, now time.Time, a undo.Audit) error {
	table := aws.String(s.Table)
	prefix := taskPrefix
	if t.Kind == "goal" {
		prefix = goalPrefix
	}
	audit, err := s.auditPut(owner, execute.AuditEntry{EntryID: a.EntryID, ExecutionID: t.ExecutionID, At: now, Type: "create_" + t.Kind,
		Outcome: execute.OutcomeUndone, IdempotencyKey: t.IdempotencyKey, LatencyMS: a.LatencyMS, Status: 200})
	if err != nil {
		return err
	}
	// The token's Ref must be the record's: it names the open copy this
	// transaction deletes, so a changed Ref cannot reach another item.
	refCond, values := " AND attribute_not_exists(created_ref)", map[string]types.AttributeValue{
		":at": str(now.UTC().Format(time.RFC3339Nano)), ":exec": str(t.ExecutionID), ":kind": str(t.Kind),
		":item": str(t.ItemID), ":now": num(now.UnixMilli())}
	if t.Ref != "" {
		refCond, values[":ref"] = " AND created_ref = :ref", str(t.Ref)
	}
	items := []types.TransactWriteItem{
		{Update: &types.Update{TableName: table, Key: execKey(owner, t.IdempotencyKey),
			UpdateExpression: aws.String("SET undone_at = :at"),
			ConditionExpression: aws.String("execution_id = :exec AND created_kind = :kind AND created_id = :item" +
				" AND undo_expires_ms > :now AND attribute_not_exists(undone_at)" + refCond),
			ExpressionAttributeValues:           values,
			ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld}},
		// Created at version 1; any edit bumped it.
		{Delete: &types.Delete{TableName: table, Key: key(userPK(owner), prefix+t.ItemID),
			ConditionExpression:       aws.String("attribute_exists(PK) AND version = :created"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":created": num(1)}}},
		{Put: audit},
	}
	// A task unchanged since its creation is open, with the open copy the
	// record names; a goal only counts.
	switch {
	case t.Kind == "task" && t.Ref != "":
		items = append(items, types.TransactWriteItem{Delete: &types.Delete{TableName: table, Key: key(userPK(owner), t.Ref)}},
			s.countUpdate(owner, quotaOpenTasks, -1, 0))
	case t.Kind == "goal":
		items = append(items, s.countUpdate(owner, quotaGoals, -1, 0))
	}
	err = dynamo.Transact(ctx, s.DB, items, s.Sleep)
	reasons := dynamo.Canceled(err)
	if reasons == nil {
		return dynamo.Wrap(err)
	}
	if dynamo.Retryable(reasons) {
		return undo.ErrRetryable
	}
	if aws.ToString(reasons[0].Code) == dynamo.ReasonConditionFailed {
		// DynamoDB returns the record as it was (ALL_OLD); so does the
		// embedded store. Without it the token is not this owner's.
		found := len(reasons[0].Item) > 0
		var ex execute.Execution
		if found {
			if ex, err = executionOf(reasons[0].Item); err != nil {
				return err
			}
		}
		return &undo.RefusedError{Reason: refusal(ex, found, t, now)}
	}
	if len(reasons) > 1 && aws.ToString(reasons[1].Code) == dynamo.ReasonConditionFailed {
		return &undo.RefusedError{Reason: undo.Changed}
	}
	return dynamo.Wrap(err)
}

// refusal says why the record refused the undo.
func refusal(ex execute.Execution, found bool, t undo.Token, now time.Time) undo.Reason {
	switch {
	case !found || ex.ID != t.ExecutionID || ex.Created == nil || ex.Created.Kind != t.Kind ||
		ex.Created.ID != t.ItemID || ex.UndoExpiresAt.IsZero():
		return undo.Unknown
	case !ex.UndoneAt.IsZero():
		return undo.AlreadyUndone
	case !now.Before(ex.UndoExpiresAt):
		return undo.Expired
	}
	// The record allowed it a moment ago; a concurrent undo got there.
	return undo.AlreadyUndone
}
