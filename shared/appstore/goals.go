package appstore

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

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

// CreateGoal stores a new goal; an existing id is a conflict.
func (s *Store) CreateGoal(ctx context.Context, owner string, g tasks.Goal) error {
	item, err := GoalItem(owner, g)
	if err != nil {
		return err
	}
	return s.putNew(ctx, item, "goal", g.ID)
}

// ListGoals returns the owner's goals, oldest first (ids sort by time).
func (s *Store) ListGoals(ctx context.Context, owner string) ([]tasks.Goal, error) {
	out := []tasks.Goal{}
	err := dynamo.QueryAll(ctx, s.DB, s.ownerQuery(owner, goalPrefix), func(av map[string]types.AttributeValue) error {
		g, err := goalOf(av)
		out = append(out, g)
		return err
	})
	return out, err
}
