package appstore

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/tasks"
)

const (
	taskPrefix = "TASK#"
	goalPrefix = "GOAL#"
)

type taskItem struct {
	PK        string    `dynamodbav:"PK"`
	SK        string    `dynamodbav:"SK"`
	Kind      string    `dynamodbav:"kind"`
	ID        string    `dynamodbav:"id"`
	Title     string    `dynamodbav:"title"`
	Due       *string   `dynamodbav:"due,omitempty"`
	Priority  int       `dynamodbav:"priority"`
	Project   *string   `dynamodbav:"project,omitempty"`
	Completed bool      `dynamodbav:"completed"`
	CreatedAt time.Time `dynamodbav:"created_at"`
	UpdatedAt time.Time `dynamodbav:"updated_at"`
	Version   int       `dynamodbav:"version"`
}

func taskKey(owner, id string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		dynamo.PartitionKey: &types.AttributeValueMemberS{Value: userPK(owner)},
		dynamo.SortKey:      &types.AttributeValueMemberS{Value: taskPrefix + id},
	}
}

// TaskItem is the stored form of t, for writes composed elsewhere in this
// package (the execute transaction).
func TaskItem(owner string, t tasks.Task) (map[string]types.AttributeValue, error) {
	return attributevalue.MarshalMap(taskItem{
		PK: userPK(owner), SK: taskPrefix + t.ID, Kind: "task", ID: t.ID, Title: t.Title, Due: t.Due,
		Priority: t.Priority, Project: t.Project, Completed: t.Completed,
		CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt, Version: t.Version,
	})
}

func taskOf(av map[string]types.AttributeValue) (tasks.Task, error) {
	var it taskItem
	if err := attributevalue.UnmarshalMap(av, &it); err != nil {
		return tasks.Task{}, err
	}
	return tasks.Task{ID: it.ID, Title: it.Title, Due: it.Due, Priority: it.Priority, Project: it.Project,
		Completed: it.Completed, CreatedAt: it.CreatedAt.UTC(), UpdatedAt: it.UpdatedAt.UTC(), Version: it.Version}, nil
}

// CreateTask stores a new task; an existing id is a conflict.
func (s *Store) CreateTask(ctx context.Context, owner string, t tasks.Task) error {
	item, err := TaskItem(owner, t)
	if err != nil {
		return err
	}
	return s.putNew(ctx, item, "task", t.ID)
}

// putNew writes an item that must not exist yet.
func (s *Store) putNew(ctx context.Context, item map[string]types.AttributeValue, kind, id string) error {
	_, err := s.DB.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: aws.String(s.Table), Item: item,
		ConditionExpression: aws.String("attribute_not_exists(PK)"),
	})
	if dynamo.ConditionFailed(err) {
		return apperr.New(apperr.Conflict, "a %s with id %q exists", kind, id)
	}
	return dynamo.Wrap(err)
}

// GetTask returns the owner's task id, read consistently.
func (s *Store) GetTask(ctx context.Context, owner, id string) (tasks.Task, error) {
	out, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(s.Table), Key: taskKey(owner, id), ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return tasks.Task{}, dynamo.Wrap(err)
	}
	if len(out.Item) == 0 {
		return tasks.Task{}, apperr.New(apperr.NotFound, "no task %q", id)
	}
	return taskOf(out.Item)
}

// ReplaceTask writes t if the stored task is still at prevVersion.
func (s *Store) ReplaceTask(ctx context.Context, owner string, t tasks.Task, prevVersion int) error {
	item, err := TaskItem(owner, t)
	if err != nil {
		return err
	}
	_, err = s.DB.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: aws.String(s.Table), Item: item,
		ConditionExpression: aws.String("attribute_exists(PK) AND version = :prev"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":prev": num(int64(prevVersion)),
		},
	})
	if dynamo.ConditionFailed(err) {
		// Deleted (e.g. undone) or edited since it was read: either way the
		// client's view is stale. Tell which, for a useful message.
		if _, getErr := s.GetTask(ctx, owner, t.ID); apperr.Is(getErr, apperr.NotFound) {
			return getErr
		}
		return apperr.New(apperr.Conflict, "task %q changed while it was being edited; read it again", t.ID)
	}
	return dynamo.Wrap(err)
}

// ListTasks returns the owner's tasks.
func (s *Store) ListTasks(ctx context.Context, owner string, openOnly bool) ([]tasks.Task, error) {
	in := s.ownerQuery(owner, taskPrefix)
	if openOnly {
		in.FilterExpression = aws.String("completed = :false")
		in.ExpressionAttributeValues[":false"] = &types.AttributeValueMemberBOOL{Value: false}
	}
	var out []tasks.Task
	err := dynamo.QueryAll(ctx, s.DB, in, func(av map[string]types.AttributeValue) error {
		t, err := taskOf(av)
		out = append(out, t)
		return err
	})
	return out, err
}

// ownerQuery selects the owner's items of one kind.
func (s *Store) ownerQuery(owner, prefix string) *dynamodb.QueryInput {
	return &dynamodb.QueryInput{
		TableName:              aws.String(s.Table),
		KeyConditionExpression: aws.String("PK = :pk AND begins_with(SK, :prefix)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk":     &types.AttributeValueMemberS{Value: userPK(owner)},
			":prefix": &types.AttributeValueMemberS{Value: prefix},
		},
	}
}
