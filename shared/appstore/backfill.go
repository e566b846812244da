package appstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/tasks"
)

// Scanner is what the backfill reads AppTable with (a DynamoDB client).
type Scanner interface {
	Scan(ctx context.Context, in *dynamodb.ScanInput, opts ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error)
}

// BackfillReport is what one backfill run did.
type BackfillReport struct {
	Scanned, Tasks, CopiesWritten, CopiesCurrent, Owners, Recounted int
	// Resume is the position to start the next run from ("" when the scan
	// finished).
	Resume string
}

// Backfill carries items written before open copies and quota counts
// existed into the current layout. It scans AppTable from resume (""
// from the start; a run stopped part way gives its report's Resume) for
// at most pages pages (0: to the end), and:
//
//   - writes the open copy of every open task that lacks one, in a
//     transaction conditioned on the task still being at the version it
//     read (an edit meanwhile wrote the copy itself);
//   - recounts every owner it meets: their open tasks and goals, written
//     only if the count item's rev is what it was before counting, else
//     counted again (a write slipped in).
//
// Running it again, or over the same pages, changes nothing more: it is
// idempotent and resumable.
func (s *Store) Backfill(ctx context.Context, scan Scanner, resume string, pages int) (BackfillReport, error) {
	var rep BackfillReport
	in := &dynamodb.ScanInput{TableName: aws.String(s.Table), ConsistentRead: aws.Bool(true), Limit: aws.Int32(500)}
	if resume != "" {
		pk, sk, ok := strings.Cut(resume, "\x00")
		if !ok {
			return rep, fmt.Errorf("backfill: resume position %q is not one a run reported", resume)
		}
		in.ExclusiveStartKey = key(pk, sk)
	}
	counted := map[string]bool{}
	for page := 0; pages == 0 || page < pages; page++ {
		out, err := scan.Scan(ctx, in)
		if err != nil {
			return rep, fmt.Errorf("backfill: scan: %w", err)
		}
		for _, av := range out.Items {
			rep.Scanned++
			var head struct {
				PK   string `dynamodbav:"PK"`
				Kind string `dynamodbav:"kind"`
			}
			if err := attributevalue.UnmarshalMap(av, &head); err != nil {
				return rep, err
			}
			owner, isUser := strings.CutPrefix(head.PK, "USER#")
			if !isUser || (head.Kind != "task" && head.Kind != "goal") {
				continue
			}
			if head.Kind == "task" {
				rep.Tasks++
				t, err := taskOf(av)
				if err != nil {
					return rep, err
				}
				wrote, err := s.ensureOpenCopy(ctx, owner, t)
				if err != nil {
					return rep, err
				}
				if wrote {
					rep.CopiesWritten++
				} else if !t.Completed {
					rep.CopiesCurrent++
				}
			}
			if !counted[owner] {
				counted[owner] = true
				rep.Owners++
				if err := s.Recount(ctx, owner); err != nil {
					return rep, err
				}
				rep.Recounted++
			}
		}
		if len(out.LastEvaluatedKey) == 0 {
			rep.Resume = ""
			return rep, nil
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
		var k struct{ PK, SK string }
		if err := attributevalue.UnmarshalMap(out.LastEvaluatedKey, &k); err != nil {
			return rep, err
		}
		rep.Resume = k.PK + "\x00" + k.SK
	}
	return rep, nil
}

// ensureOpenCopy writes t's open copy if t is open and the task is still
// at t's version; a changed task already has its copy from the edit.
func (s *Store) ensureOpenCopy(ctx context.Context, owner string, t tasks.Task) (bool, error) {
	sk := openSK(t)
	if sk == "" {
		return false, nil
	}
	have, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table), Key: key(userPK(owner), sk),
		ConsistentRead: aws.Bool(true)})
	if err != nil {
		return false, dynamo.Wrap(err)
	}
	if len(have.Item) > 0 {
		return false, nil
	}
	item, err := openItem(owner, t)
	if err != nil {
		return false, err
	}
	err = dynamo.Transact(ctx, s.DB, []types.TransactWriteItem{
		{ConditionCheck: &types.ConditionCheck{TableName: aws.String(s.Table), Key: taskKey(owner, t.ID),
			ConditionExpression:       aws.String("version = :v"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":v": num(int64(t.Version))}}},
		{Put: &types.Put{TableName: aws.String(s.Table), Item: item}},
	}, s.Sleep)
	if reasons := dynamo.Canceled(err); len(reasons) > 0 && aws.ToString(reasons[0].Code) == dynamo.ReasonConditionFailed {
		return false, nil // edited (or deleted) since the scan read it
	}
	return err == nil, dynamo.Wrap(err)
}

// recountTries bounds how often a recount starts again because a write
// slipped in while it counted.
const recountTries = 5

// Recount sets the owner's open-task and goal counts from their items,
// unless a write changed the counts meanwhile (then it counts again).
func (s *Store) Recount(ctx context.Context, owner string) error {
	for try := 0; try < recountTries; try++ {
		cur, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table), Key: key(userPK(owner), quotaSK),
			ConsistentRead: aws.Bool(true)})
		if err != nil {
			return dynamo.Wrap(err)
		}
		var q struct {
			Rev *int64 `dynamodbav:"rev"`
		}
		if err := attributevalue.UnmarshalMap(cur.Item, &q); err != nil {
			return err
		}
		all, err := s.ListTasks(ctx, owner, true)
		if err != nil {
			return err
		}
		goals, err := s.ListGoals(ctx, owner)
		if err != nil {
			return err
		}
		cond, values := "attribute_not_exists(rev)", map[string]types.AttributeValue{
			":open": num(int64(len(all))), ":goals": num(int64(len(goals))), ":one": num(1)}
		if q.Rev != nil {
			cond, values[":rev"] = "rev = :rev", num(*q.Rev)
		}
		_, err = s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.Table), Key: key(userPK(owner), quotaSK),
			UpdateExpression:          aws.String("SET open_tasks = :open, goals = :goals ADD rev :one"),
			ConditionExpression:       aws.String(cond),
			ExpressionAttributeValues: values})
		if !dynamo.ConditionFailed(err) {
			return dynamo.Wrap(err)
		}
	}
	return fmt.Errorf("backfill: the counts of %s kept changing while they were counted; run again", owner)
}
