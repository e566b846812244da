package appstore

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/review"
	"github.com/lucian-app/phase12/shared/tasks"
)

// A completed task leaves, beside its task item, a completion item under the instant it
// was completed, written in the transaction that completes it (taskWrites), so the weekly
// review reads the completions of a week as one range of the owner's partition and never
// the owner's history:
//
//	PK USER#<sub>  SK DONE#<completed, UTC>#<id>   id, title, due; TTL after DoneRetention
//
// A repeating task's occurrence writes one too: completing it moves the task to its next
// due instead of closing it (the edit the caller marks Activity.Completes), and the
// completion item keeps the occurrence's own due, so a task repeated daily and done every
// day counts seven completions, each planned on its day. Reopening a task leaves its
// completion where it was.
const (
	donePrefix = "DONE#"
	doneKind   = "completion"
	// DoneRetention keeps completions long enough for a review of the last 8 weeks.
	DoneRetention = 8 * 7 * 24 * time.Hour
	// MaxWeekRead caps each range the review reads (completions, audit entries, each
	// range of open tasks): a range cut there marks the facts Truncated.
	MaxWeekRead = 2000
)

type doneItem struct {
	PK        string  `dynamodbav:"PK"`
	SK        string  `dynamodbav:"SK"`
	Kind      string  `dynamodbav:"kind"`
	ID        string  `dynamodbav:"id"`
	Title     string  `dynamodbav:"title"`
	Due       *string `dynamodbav:"due,omitempty"`
	At        string  `dynamodbav:"at"`
	ExpiresAt int64   `dynamodbav:"expires_at"`
}

// completes reports whether going from prev to next closes the task.
func completes(prev, next *tasks.Task) bool {
	return prev != nil && next != nil && !prev.Completed && next.Completed
}

// completion is what the edit from prev to next completed, if anything: the task itself
// when it closes, or, when a repeating task moves on to its next occurrence, the occurrence
// (prev's title and due) completed at next's time, under the task's id.
func completion(prev, next *tasks.Task, act tasks.Activity) (tasks.Task, bool) {
	switch {
	case completes(prev, next):
		return *next, true
	case prev != nil && next != nil && !prev.Completed && !next.Completed && act.Completes:
		occ := *prev
		occ.UpdatedAt = next.UpdatedAt
		return occ, true
	}
	return tasks.Task{}, false
}

// doneWrite is the completion item of next, completed at its UpdatedAt.
func (s *Store) doneWrite(owner string, next tasks.Task) (types.TransactWriteItem, error) {
	at := next.UpdatedAt.UTC()
	item, err := attributevalue.MarshalMap(doneItem{PK: userPK(owner), SK: donePrefix + at.Format(logTime) + "#" + next.ID,
		Kind: doneKind, ID: next.ID, Title: next.Title, Due: next.Due, At: at.Format(time.RFC3339Nano),
		ExpiresAt: at.Add(DoneRetention).Unix()})
	return types.TransactWriteItem{Put: &types.Put{TableName: aws.String(s.Table), Item: item}}, err
}

// rangeQuery reads the owner's items with sort keys in [lo, hi], consistently, at most
// MaxWeekRead of them; more says it stopped there.
func (s *Store) rangeQuery(ctx context.Context, owner, lo, hi string, each func(map[string]types.AttributeValue) error) (more bool, err error) {
	in := &dynamodb.QueryInput{
		TableName:              aws.String(s.Table),
		KeyConditionExpression: aws.String("PK = :pk AND SK BETWEEN :lo AND :hi"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": str(userPK(owner)), ":lo": str(lo), ":hi": str(hi)},
		ConsistentRead: aws.Bool(true),
	}
	n := 0
	for {
		in.Limit = aws.Int32(int32(MaxWeekRead - n))
		page, err := s.DB.Query(ctx, in)
		if err != nil {
			return false, dynamo.Wrap(err)
		}
		for _, item := range page.Items {
			if err := each(item); err != nil {
				return false, err
			}
		}
		n += len(page.Items)
		if len(page.LastEvaluatedKey) == 0 {
			return false, nil
		}
		if n >= MaxWeekRead {
			return true, nil
		}
		in.ExclusiveStartKey = page.LastEvaluatedKey
	}
}

// WeekFacts reads what the review of w is built from, bounded by the week: the
// completions and audit entries of w and the week before (two ranges), the open tasks due
// by w's end or undated (three ranges of open copies, each capped at MaxWeekRead), and the
// goals (bounded by the goal quota). History is the review store's to fill.
func (s *Store) WeekFacts(ctx context.Context, owner string, w review.Week) (review.Facts, error) {
	f := review.Facts{User: owner, Week: w}
	from, to := w.Prev().Start().UTC(), w.End().UTC()
	more, err := s.rangeQuery(ctx, owner, donePrefix+from.Format(logTime), donePrefix+to.Format(logTime),
		func(av map[string]types.AttributeValue) error {
			var it doneItem
			if err := attributevalue.UnmarshalMap(av, &it); err != nil {
				return err
			}
			at, _ := time.Parse(time.RFC3339Nano, it.At)
			if !at.Before(to) {
				return nil
			}
			f.Completions = append(f.Completions, review.Completion{TaskID: it.ID, Title: it.Title, Due: aws.ToString(it.Due), At: at})
			return nil
		})
	if err != nil {
		return f, err
	}
	f.Truncated = f.Truncated || more
	more, err = s.rangeQuery(ctx, owner, logPrefix+from.Format(logTime), logPrefix+to.Format(logTime),
		func(av map[string]types.AttributeValue) error {
			var it auditItem
			if err := attributevalue.UnmarshalMap(av, &it); err != nil {
				return err
			}
			at, _ := time.Parse(time.RFC3339Nano, it.At)
			if !at.Before(to) {
				return nil
			}
			f.Commands = append(f.Commands, review.Command{At: at, Type: it.Type, Outcome: it.Outcome})
			return nil
		})
	if err != nil {
		return f, err
	}
	f.Truncated = f.Truncated || more
	for _, r := range [][2]string{
		{openDate, openDate + w.Day(6) + "#~"},
		{openInstant, openInstant + to.Format(logTime)},
		{openUndated, openUndated + "~"},
	} {
		more, err := s.rangeQuery(ctx, owner, r[0], r[1], func(av map[string]types.AttributeValue) error {
			t, err := taskOf(av)
			if err != nil {
				return err
			}
			f.Open = append(f.Open, review.OpenTask{ID: t.ID, Title: t.Title, Due: aws.ToString(t.Due), CreatedAt: t.CreatedAt})
			return nil
		})
		if err != nil {
			return f, err
		}
		f.Truncated = f.Truncated || more
	}
	goals, err := s.ListGoals(ctx, owner)
	if err != nil {
		return f, err
	}
	for _, g := range goals {
		f.Goals = append(f.Goals, review.Goal{ID: g.ID, Title: g.Title, TargetDate: aws.ToString(g.TargetDate)})
	}
	return f, nil
}
