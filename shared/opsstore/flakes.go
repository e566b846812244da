package opsstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/flake"
)

// The flake gate's items (package flake):
//
//	PK FLAKE#<commit>     SK <suite>#<test>            one blocker test on one commit: its attempts (State), v, week
//	PK FLAKEWEEK          SK <ISO week>                tests, flaky: the week's counters
//	PK FLAKELIST#<week>   SK <suite>#<test>#<commit>   each flake of the week, for the ops page
const (
	flakeCommitPrefix = "FLAKE#"
	flakeWeekPK       = "FLAKEWEEK"
	flakeListPrefix   = "FLAKELIST#"
	// flakeChunk tests go in one transaction: each may add its own item and a list item,
	// and the week counters take a few more, within DynamoDB's 100 items.
	flakeChunk = 45
	// flakeRetries: a chunk whose items another post of the same commit changed meanwhile
	// is read and written again, this many times, then 503.
	flakeRetries = 3
	flakeTTL     = 400 * 24 * time.Hour
)

type flakeTest struct {
	suite, test string
	outcomes    []flake.Outcome
}

// RecordRun merges one attempt's blocker results on commit into each (commit, test)'s state
// and the week's counters (week: the ISO week, by now, of a (commit, test)'s first sighting). Each
// chunk of tests is one transaction conditioned on the versions it read, so two posts of
// the same commit at once never lose an attempt or count a test twice; posting a run again
// changes nothing.
func (s *Store) RecordRun(ctx context.Context, commit string, attempt int, results []flake.Result, now time.Time) (flake.Report, error) {
	week := flake.WeekOf(now)
	expires := strconv.FormatInt(now.Add(flakeTTL).Unix(), 10)
	var tests []*flakeTest
	index := map[string]*flakeTest{}
	for _, r := range results {
		k := r.Suite + "#" + r.Test
		t := index[k]
		if t == nil {
			t = &flakeTest{suite: r.Suite, test: r.Test}
			index[k] = t
			tests = append(tests, t)
		}
		t.outcomes = append(t.outcomes, r.Outcome)
	}
	rep := flake.Report{Tests: len(tests)}
	for start := 0; start < len(tests); start += flakeChunk {
		chunk := tests[start:min(start+flakeChunk, len(tests))]
		var err error
		for try := 0; ; try++ {
			var nt, nf int
			nt, nf, err = s.recordChunk(ctx, commit, attempt, chunk, week, expires)
			if err == nil {
				rep.NewTests += nt
				rep.NewFlakes += nf
				break
			}
			if !isStale(err) || try == flakeRetries {
				break
			}
		}
		if err != nil {
			if isStale(err) {
				return rep, apperr.Unavailable(err)
			}
			return rep, err
		}
	}
	return rep, nil
}

type staleError struct{ error }

func isStale(err error) bool {
	_, ok := err.(staleError)
	return ok
}

type flakeItem struct {
	State string `dynamodbav:"state"`
	V     int64  `dynamodbav:"v"`
	Week  string `dynamodbav:"week"`
}

func (s *Store) recordChunk(ctx context.Context, commit string, attempt int, chunk []*flakeTest, week, expires string) (newTests, newFlakes int, err error) {
	keys := make([]map[string]types.AttributeValue, len(chunk))
	for i, t := range chunk {
		keys[i] = key(flakeCommitPrefix+commit, t.suite+"#"+t.test)
	}
	items, err := dynamo.BatchGet(ctx, s.DB, s.Table, keys, true, s.Sleep)
	if err != nil {
		return 0, 0, err
	}
	have := map[string]map[string]types.AttributeValue{}
	for _, it := range items {
		if sk, ok := it[dynamo.SortKey].(*types.AttributeValueMemberS); ok {
			have[sk.Value] = it
		}
	}
	type delta struct{ tests, flaky int64 }
	weeks := map[string]*delta{}
	var writes []types.TransactWriteItem
	for _, t := range chunk {
		sk := t.suite + "#" + t.test
		var old flake.State
		var v int64
		w := week
		it, existed := have[sk]
		if existed {
			var fi flakeItem
			if e := attributevalue.UnmarshalMap(it, &fi); e != nil {
				return 0, 0, e
			}
			if e := json.Unmarshal([]byte(fi.State), &old); e != nil {
				return 0, 0, fmt.Errorf("flake state of %s on %s: %w", sk, commit, e)
			}
			v, w = fi.V, fi.Week
		}
		next := old.Add(attempt, t.outcomes)
		b, _ := json.Marshal(next)
		if existed && string(b) == fAttrS(it, "state") {
			continue // this attempt was recorded before
		}
		d := weeks[w]
		if d == nil {
			d = &delta{}
			weeks[w] = d
		}
		if !old.Ran() && next.Ran() {
			d.tests++
			newTests++
		}
		if !old.Flaky() && next.Flaky() {
			d.flaky++
			newFlakes++
			writes = append(writes, types.TransactWriteItem{Put: &types.Put{TableName: aws.String(s.Table), Item: map[string]types.AttributeValue{
				dynamo.PartitionKey: fS(flakeListPrefix + w), dynamo.SortKey: fS(sk + "#" + commit),
				"suite": fS(t.suite), "test": fS(t.test), "commit": fS(commit), "attempt": fN(int64(attempt)),
				dynamo.TTLAttribute: &types.AttributeValueMemberN{Value: expires}}}})
		}
		cond := "attribute_not_exists(" + dynamo.PartitionKey + ")"
		vals := map[string]types.AttributeValue{}
		if existed {
			cond = "v = :v"
			vals[":v"] = fN(v)
		}
		put := &types.Put{TableName: aws.String(s.Table), Item: map[string]types.AttributeValue{
			dynamo.PartitionKey: fS(flakeCommitPrefix + commit), dynamo.SortKey: fS(sk),
			"state": fS(string(b)), "v": fN(v + 1), "week": fS(w),
			dynamo.TTLAttribute: &types.AttributeValueMemberN{Value: expires}},
			ConditionExpression: aws.String(cond)}
		if len(vals) > 0 {
			put.ExpressionAttributeValues = vals
		}
		writes = append(writes, types.TransactWriteItem{Put: put})
	}
	if len(writes) == 0 {
		return 0, 0, nil
	}
	for w, d := range weeks {
		if d.tests == 0 && d.flaky == 0 {
			continue
		}
		writes = append(writes, types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: key(flakeWeekPK, w),
			UpdateExpression:          aws.String("ADD tests :t, flaky :f"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":t": fN(d.tests), ":f": fN(d.flaky)}}})
	}
	err = dynamo.Transact(ctx, s.DB, writes, s.Sleep)
	if err != nil {
		for _, r := range dynamo.Canceled(err) {
			if aws.ToString(r.Code) == dynamo.ReasonConditionFailed {
				return 0, 0, staleError{fmt.Errorf("flake states of %s changed while recording attempt %d", commit, attempt)}
			}
		}
		return 0, 0, dynamo.Wrap(err)
	}
	return newTests, newFlakes, nil
}

// FlakeWeeks returns the counters of the weeks from..to (ISO weeks, inclusive), oldest
// first, weeks without a post absent: one Query of at most as many items as weeks.
func (s *Store) FlakeWeeks(ctx context.Context, from, to string) ([]flake.Week, error) {
	var out []flake.Week
	err := dynamo.QueryAll(ctx, s.DB, &dynamodb.QueryInput{
		TableName:                 aws.String(s.Table),
		KeyConditionExpression:    aws.String("#pk = :pk AND #sk BETWEEN :a AND :b"),
		ExpressionAttributeNames:  map[string]string{"#pk": dynamo.PartitionKey, "#sk": dynamo.SortKey},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": fS(flakeWeekPK), ":a": fS(from), ":b": fS(to)},
	}, func(it map[string]types.AttributeValue) error {
		out = append(out, flake.Week{Week: fAttrS(it, dynamo.SortKey), Tests: fAttrN(it, "tests"), Flaky: fAttrN(it, "flaky")})
		return nil
	})
	return out, err
}

// FlakyTests lists at most limit flakes of week, in suite and test order.
func (s *Store) FlakyTests(ctx context.Context, week string, limit int) ([]flake.FlakyTest, error) {
	q, err := s.DB.Query(ctx, &dynamodb.QueryInput{
		TableName:                 aws.String(s.Table),
		KeyConditionExpression:    aws.String("#pk = :pk"),
		ExpressionAttributeNames:  map[string]string{"#pk": dynamo.PartitionKey},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": fS(flakeListPrefix + week)},
		Limit:                     aws.Int32(int32(limit)),
	})
	if err != nil {
		return nil, dynamo.Wrap(err)
	}
	out := []flake.FlakyTest{}
	for _, it := range q.Items {
		out = append(out, flake.FlakyTest{Suite: fAttrS(it, "suite"), Test: fAttrS(it, "test"), Commit: fAttrS(it, "commit"), Attempt: fAttrN(it, "attempt")})
	}
	return out, nil
}

func fS(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }

func fN(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}

func fAttrS(it map[string]types.AttributeValue, name string) string {
	if v, ok := it[name].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

func fAttrN(it map[string]types.AttributeValue, name string) int64 {
	if v, ok := it[name].(*types.AttributeValueMemberN); ok {
		n, _ := strconv.ParseInt(v.Value, 10, 64)
		return n
	}
	return 0
}

var _ flake.Store = (*Store)(nil)
