package opsstore

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/kpi"
)

// The KPI review's items:
//
//	PK KPIREVIEW#<week>  SK A#<id>   one action of the week's review
//	PK KPIREVIEW#<week>  SK COUNT    how many actions the week has (the cap)
const (
	reviewPrefix = "KPIREVIEW#"
	actionPrefix = "A#"
	reviewCount  = "COUNT"
)

var _ kpi.Actions = (*Store)(nil)

type actionItem struct {
	PK string `dynamodbav:"PK"`
	SK string `dynamodbav:"SK"`
	kpi.Action
}

// CreateAction implements kpi.Actions: the action and the week's count in one transaction,
// the count conditioned on staying within kpi.MaxActionsPerWeek.
func (s *Store) CreateAction(ctx context.Context, a kpi.Action) error {
	av, err := attributevalue.MarshalMapWithOptions(actionItem{PK: reviewPrefix + a.Week, SK: actionPrefix + a.ID, Action: a},
		func(o *attributevalue.EncoderOptions) { o.TagKey = "json" })
	if err != nil {
		return err
	}
	av[dynamo.PartitionKey], av[dynamo.SortKey] = fS(reviewPrefix+a.Week), fS(actionPrefix+a.ID)
	err = dynamo.Transact(ctx, s.DB, []types.TransactWriteItem{
		{Put: &types.Put{TableName: aws.String(s.Table), Item: av, ConditionExpression: aws.String("attribute_not_exists(PK)")}},
		{Update: &types.Update{TableName: aws.String(s.Table), Key: key(reviewPrefix+a.Week, reviewCount),
			UpdateExpression:          aws.String("ADD n :one"),
			ConditionExpression:       aws.String("attribute_not_exists(n) OR n < :max"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":one": fN(1), ":max": fN(kpi.MaxActionsPerWeek)}}},
	}, s.Sleep)
	if reasons := dynamo.Canceled(err); len(reasons) == 2 && aws.ToString(reasons[1].Code) == dynamo.ReasonConditionFailed {
		return apperr.New(apperr.QuotaExceeded, "the review of %s has %d actions, the most a week may have", a.Week, kpi.MaxActionsPerWeek)
	}
	return dynamo.Wrap(err)
}

func actionOf(av map[string]types.AttributeValue) (kpi.Action, error) {
	var a kpi.Action
	err := attributevalue.UnmarshalMapWithOptions(av, &a, func(o *attributevalue.DecoderOptions) { o.TagKey = "json" })
	return a, err
}

// SetActionStatus implements kpi.Actions.
func (s *Store) SetActionStatus(ctx context.Context, id, status string, at time.Time) (kpi.Action, error) {
	week := kpi.ActionsWeekOf(id)
	if week == "" {
		return kpi.Action{}, apperr.New(apperr.NotFound, "no action %q", id)
	}
	update := "SET #s = :s REMOVE closed_at"
	vals := map[string]types.AttributeValue{":s": fS(status)}
	if status != kpi.Open {
		update = "SET #s = :s, closed_at = :at"
		vals[":at"] = fS(at.UTC().Format(time.RFC3339Nano))
	}
	out, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.Table), Key: key(reviewPrefix+week, actionPrefix+id),
		UpdateExpression: aws.String(update), ConditionExpression: aws.String("attribute_exists(PK)"),
		ExpressionAttributeNames: map[string]string{"#s": "status"}, ExpressionAttributeValues: vals,
		ReturnValues: types.ReturnValueAllNew})
	if dynamo.ConditionFailed(err) {
		return kpi.Action{}, apperr.New(apperr.NotFound, "no action %q", id)
	}
	if err != nil {
		return kpi.Action{}, dynamo.Wrap(err)
	}
	return actionOf(out.Attributes)
}

// ListActions implements kpi.Actions: one Query of at most kpi.MaxActionsPerWeek items.
func (s *Store) ListActions(ctx context.Context, week string) ([]kpi.Action, error) {
	out := []kpi.Action{}
	err := dynamo.QueryAll(ctx, s.DB, &dynamodb.QueryInput{
		TableName:                 aws.String(s.Table),
		KeyConditionExpression:    aws.String("#pk = :pk AND begins_with(#sk, :a)"),
		ExpressionAttributeNames:  map[string]string{"#pk": dynamo.PartitionKey, "#sk": dynamo.SortKey},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": fS(reviewPrefix + week), ":a": fS(actionPrefix)},
	}, func(av map[string]types.AttributeValue) error {
		a, err := actionOf(av)
		if err != nil {
			return err
		}
		out = append(out, a)
		return nil
	})
	return out, err
}
