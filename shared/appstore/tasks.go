package appstore

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/nextaction"
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
	// Added with DESIGN §7; absent on older items, which read as none.
	Labels     []string `dynamodbav:"labels,omitempty"`
	Recurrence *string  `dynamodbav:"recurrence,omitempty"`
	// Added with the next-action rules (issue 18); absent reads as 0.
	Postponed int `dynamodbav:"postponed,omitempty"`
	// Added with the goal rule (rules-2); absent reads as no goal.
	GoalID *string `dynamodbav:"goal_id,omitempty"`
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
		Labels: t.Labels, Recurrence: t.Recurrence, Postponed: t.Postponed, GoalID: t.GoalID,
	})
}

func taskOf(av map[string]types.AttributeValue) (tasks.Task, error) {
	var it taskItem
	if err := attributevalue.UnmarshalMap(av, &it); err != nil {
		return tasks.Task{}, err
	}
	return tasks.Task{ID: it.ID, Title: it.Title, Due: it.Due, Priority: it.Priority, Project: it.Project,
		Completed: it.Completed, CreatedAt: it.CreatedAt.UTC(), UpdatedAt: it.UpdatedAt.UTC(), Version: it.Version,
		Labels: it.Labels, Recurrence: it.Recurrence, Postponed: it.Postponed, GoalID: it.GoalID}, nil
}

// taskWrites are the transaction items that take the owner's task from
// prev (nil: it does not exist) to next (nil: deleted): the task item,
// conditioned on prev's version (or on not existing), its open copy (see
// open.go), the open-task count and, for a completion, the next-action
// statistics (stats.go). The task item comes first; quota is the position
// of the count's update, or -1 when the count does not grow. act says
// what the edit means (a completion, the user's zone); the task's
// postponement count is carried from prev and grows when the edit
// postpones it, whatever the caller set.
func (s *Store) taskWrites(owner string, prev, next *tasks.Task, act tasks.Activity) (items []types.TransactWriteItem, quota int, err error) {
	table := aws.String(s.Table)
	if prev != nil && next != nil {
		n := *next
		n.Postponed = prev.Postponed
		if nextaction.Postponed(*prev, n, act.Completes, act.Zone) {
			n.Postponed++
		}
		next = &n
	}
	switch {
	case next != nil:
		item, err := TaskItem(owner, *next)
		if err != nil {
			return nil, -1, err
		}
		put := &types.Put{TableName: table, Item: item, ConditionExpression: aws.String("attribute_not_exists(PK)")}
		if prev != nil {
			put.ConditionExpression = aws.String("attribute_exists(PK) AND version = :prev")
			put.ExpressionAttributeValues = map[string]types.AttributeValue{":prev": num(int64(prev.Version))}
		}
		items = append(items, types.TransactWriteItem{Put: put})
	case prev != nil:
		items = append(items, types.TransactWriteItem{Delete: &types.Delete{TableName: table, Key: taskKey(owner, prev.ID),
			ConditionExpression:       aws.String("attribute_exists(PK) AND version = :prev"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":prev": num(int64(prev.Version))}}})
	default:
		return nil, -1, errors.New("appstore: a task write from nothing to nothing")
	}
	var was, will string
	if prev != nil {
		was = openSK(*prev)
	}
	if next != nil {
		will = openSK(*next)
	}
	// One transaction may not touch an item twice: an unchanged sort key
	// is one Put that replaces the copy.
	if was != "" && was != will {
		items = append(items, types.TransactWriteItem{Delete: &types.Delete{TableName: table, Key: key(userPK(owner), was)}})
	}
	if will != "" {
		item, err := openItem(owner, *next)
		if err != nil {
			return nil, -1, err
		}
		items = append(items, types.TransactWriteItem{Put: &types.Put{TableName: table, Item: item}})
	}
	if occ, ok := completion(prev, next, act); ok {
		done, err := s.doneWrite(owner, occ)
		if err != nil {
			return nil, -1, err
		}
		items = append(items, done)
	}
	quota = -1
	switch {
	case was == "" && will != "":
		quota = len(items)
		items = append(items, s.countUpdate(owner, quotaOpenTasks, 1, s.maxOpenTasks()))
	case was != "" && will == "":
		items = append(items, s.countUpdate(owner, quotaOpenTasks, -1, 0))
	}
	if prev != nil && next != nil && !prev.Completed && (act.Completes || next.Completed) {
		items = append(items, s.statsUpdates(owner, *prev, next.UpdatedAt, act.Zone)...)
	}
	return items, quota, nil
}

// writeTask runs taskWrites alone (POST /tasks, PATCH /tasks/{id}).
func (s *Store) writeTask(ctx context.Context, owner string, prev, next *tasks.Task, act tasks.Activity) error {
	items, quota, err := s.taskWrites(owner, prev, next, act)
	if err != nil {
		return err
	}
	err = dynamo.Transact(ctx, s.DB, items, s.Sleep)
	reasons := dynamo.Canceled(err)
	switch {
	case reasons == nil || dynamo.Retryable(reasons):
		return dynamo.Wrap(err)
	case quota >= 0 && quota < len(reasons) && aws.ToString(reasons[quota].Code) == dynamo.ReasonConditionFailed:
		return quotaError("open tasks", s.maxOpenTasks())
	case aws.ToString(reasons[0].Code) != dynamo.ReasonConditionFailed:
		return dynamo.Wrap(err)
	case prev == nil:
		return apperr.New(apperr.Conflict, "a task with id %q exists", next.ID)
	}
	// Deleted (e.g. undone) or edited since it was read: either way the
	// client's view is stale. Tell which, for a useful message.
	if _, getErr := s.GetTask(ctx, owner, prev.ID); apperr.Is(getErr, apperr.NotFound) {
		return getErr
	}
	return apperr.New(apperr.Conflict, "task %q changed while it was being edited; read it again", prev.ID)
}

// CreateTask stores a new task and its open copy, within the open-task
// quota; an existing id is a conflict.
func (s *Store) CreateTask(ctx context.Context, owner string, t tasks.Task) error {
	return s.writeTask(ctx, owner, nil, &t, tasks.Activity{})
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

// ReplaceTask writes next, and moves its open copy, if the stored task is
// still prev (its version).
func (s *Store) ReplaceTask(ctx context.Context, owner string, prev, next tasks.Task) error {
	return s.writeTask(ctx, owner, &prev, &next, tasks.Activity{})
}

// EditTask is ReplaceTask for an edit whose meaning act tells (a completion
// that moves a repeating task, the user's zone), so the same transaction
// keeps the next-action statistics.
func (s *Store) EditTask(ctx context.Context, owner string, prev, next tasks.Task, act tasks.Activity) error {
	return s.writeTask(ctx, owner, &prev, &next, act)
}

// ListTasks returns every task of the owner, completed ones too, reading
// the whole history: for the backfill and tests; no route calls it (the
// routes read open copies, see open.go).
func (s *Store) ListTasks(ctx context.Context, owner string, openOnly bool) ([]tasks.Task, error) {
	in := s.ownerQuery(owner, taskPrefix)
	if openOnly {
		in.FilterExpression = aws.String("completed = :false")
		in.ExpressionAttributeValues[":false"] = &types.AttributeValueMemberBOOL{Value: false}
	}
	return s.queryTasks(ctx, in)
}

// queryTasks reads every task in, page by page.
func (s *Store) queryTasks(ctx context.Context, in *dynamodb.QueryInput) ([]tasks.Task, error) {
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
