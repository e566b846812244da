package appstore

import (
	"context"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/cursor"
	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/tasks"
)

type goalItem struct {
	PK         string    `dynamodbav:"PK"`
	SK         string    `dynamodbav:"SK"`
	Kind       string    `dynamodbav:"kind"`
	ID         string    `dynamodbav:"id"`
	Title      string    `dynamodbav:"title"`
	TargetDate *string   `dynamodbav:"target_date,omitempty"`
	CreatedAt  time.Time `dynamodbav:"created_at"`
	UpdatedAt  time.Time `dynamodbav:"updated_at"`
	Version    int       `dynamodbav:"version"`
}

// GoalItem is the stored form of g.
func GoalItem(owner string, g tasks.Goal) (map[string]types.AttributeValue, error) {
	return attributevalue.MarshalMap(goalItem{
		PK: userPK(owner), SK: goalPrefix + g.ID, Kind: "goal", ID: g.ID, Title: g.Title,
		TargetDate: g.TargetDate, CreatedAt: g.CreatedAt, UpdatedAt: g.UpdatedAt, Version: g.Version,
	})
}

func goalOf(av map[string]types.AttributeValue) (tasks.Goal, error) {
	var it goalItem
	if err := attributevalue.UnmarshalMap(av, &it); err != nil {
		return tasks.Goal{}, err
	}
	return tasks.Goal{ID: it.ID, Title: it.Title, TargetDate: it.TargetDate,
		CreatedAt: it.CreatedAt.UTC(), UpdatedAt: it.UpdatedAt.UTC(), Version: it.Version}, nil
}

// CreateGoal stores a new goal within the goal quota; an existing id is a
// conflict.
func (s *Store) CreateGoal(ctx context.Context, owner string, g tasks.Goal) error {
	item, err := GoalItem(owner, g)
	if err != nil {
		return err
	}
	err = dynamo.Transact(ctx, s.DB, []types.TransactWriteItem{
		{Put: &types.Put{TableName: aws.String(s.Table), Item: item, ConditionExpression: aws.String("attribute_not_exists(PK)")}},
		s.countUpdate(owner, quotaGoals, 1, s.maxGoals()),
	}, s.Sleep)
	reasons := dynamo.Canceled(err)
	switch {
	case reasons == nil || dynamo.Retryable(reasons) || len(reasons) < 2:
		return dynamo.Wrap(err)
	case aws.ToString(reasons[0].Code) == dynamo.ReasonConditionFailed:
		return apperr.New(apperr.Conflict, "a goal with id %q exists", g.ID)
	case aws.ToString(reasons[1].Code) == dynamo.ReasonConditionFailed:
		return quotaError("goals", s.maxGoals())
	}
	return dynamo.Wrap(err)
}

// Goals returns one page of the owner's goals, oldest first (ids sort by
// time), and the cursor of the next page.
func (s *Store) Goals(ctx context.Context, owner string, p tasks.Page) ([]tasks.Goal, string, error) {
	pos, err := cursor.Decode(p.Cursor, cursorGoals, owner)
	if err != nil {
		return nil, "", err
	}
	in := s.ownerQuery(owner, goalPrefix)
	in.Limit = aws.Int32(int32(p.Limit))
	if pos != nil {
		after := pos["sk"]
		if !strings.HasPrefix(after, goalPrefix) {
			return nil, "", cursor.Invalid()
		}
		in.ExclusiveStartKey = key(userPK(owner), after)
	}
	out, err := s.DB.Query(ctx, in)
	if err != nil {
		return nil, "", dynamo.Wrap(err)
	}
	list := make([]tasks.Goal, 0, len(out.Items))
	for _, av := range out.Items {
		g, err := goalOf(av)
		if err != nil {
			return nil, "", err
		}
		list = append(list, g)
	}
	next := ""
	if len(out.LastEvaluatedKey) > 0 && len(list) > 0 {
		next = cursor.Encode(cursorGoals, owner, map[string]string{"sk": goalPrefix + list[len(list)-1].ID})
	}
	return list, next, nil
}

// ListGoals returns every goal of the owner, oldest first: what resolving
// a goal_ref reads, bounded by the goal quota.
func (s *Store) ListGoals(ctx context.Context, owner string) ([]tasks.Goal, error) {
	out := []tasks.Goal{}
	err := dynamo.QueryAll(ctx, s.DB, s.ownerQuery(owner, goalPrefix), func(av map[string]types.AttributeValue) error {
		g, err := goalOf(av)
		out = append(out, g)
		return err
	})
	return out, err
}

func goalKey(owner, id string) map[string]types.AttributeValue {
	return key(userPK(owner), goalPrefix+id)
}

// GetGoal returns the owner's goal id (one GetItem); none is NotFound.
func (s *Store) GetGoal(ctx context.Context, owner, id string) (tasks.Goal, error) {
	out, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table), Key: goalKey(owner, id)})
	if err != nil {
		return tasks.Goal{}, dynamo.Wrap(err)
	}
	if len(out.Item) == 0 {
		return tasks.Goal{}, apperr.New(apperr.NotFound, "no goal %q", id)
	}
	return goalOf(out.Item)
}

// GoalsByID returns those of the owner's goals ids names that exist, by id: one
// BatchGetItem for up to 100 distinct ids (eventually consistent: a goal's target date
// is not worth a strongly consistent read), plus retries of keys DynamoDB leaves
// unprocessed (dynamo.BatchGet).
func (s *Store) GoalsByID(ctx context.Context, owner string, ids []string) (map[string]tasks.Goal, error) {
	out := map[string]tasks.Goal{}
	if len(ids) == 0 {
		return out, nil
	}
	seen := map[string]bool{}
	keys := make([]map[string]types.AttributeValue, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			keys = append(keys, goalKey(owner, id))
		}
	}
	items, err := dynamo.BatchGet(ctx, s.DB, s.Table, keys, false, nil)
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		g, err := goalOf(it)
		if err != nil {
			return nil, err
		}
		out[g.ID] = g
	}
	return out, nil
}
