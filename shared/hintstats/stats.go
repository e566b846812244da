package hintstats

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/hintguard"
)

// Store is HintTable's STATS# partitions.
type Store struct {
	DB    dynamo.API
	Table string
}

var _ hintguard.Source = (*Store)(nil)

// New returns the STATS# partitions of table.
func New(db dynamo.API, table string) *Store { return &Store{DB: db, Table: table} }

// CounterDays is how long a day's counters and verdicts are kept (TTL).
const CounterDays = 400

// The guardrail's verdicts of a day live beside its counters: PK STATS#<day>, SK GUARD,
// the verdicts as JSON in one attribute, so one Query reads a day whole.
const (
	guardSK   = "GUARD"
	aVerdicts = "verdicts"
)

// PK is the partition of a UTC day (YYYY-MM-DD).
func PK(day string) string { return "STATS#" + day }

// CounterSK is the item of one cohort's counters in one shard.
func CounterSK(cohort string, shard int) string { return cohort + "#" + strconv.Itoa(shard) }

// Expires is the TTL of a day's items, in Unix seconds.
func Expires(day string) (int64, error) {
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return 0, fmt.Errorf("hint counters: day %q: %w", day, err)
	}
	return d.AddDate(0, 0, CounterDays).Unix(), nil
}

func str(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }

func getStr(item map[string]types.AttributeValue, name string) string {
	if v, ok := item[name].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

func getNum(item map[string]types.AttributeValue, name string) int64 {
	if v, ok := item[name].(*types.AttributeValueMemberN); ok {
		n, _ := strconv.ParseInt(v.Value, 10, 64)
		return n
	}
	return 0
}

// Day reads one UTC day's partition: every cohort's counters summed over the shards, and
// the day's verdicts (nil until decided). One Query of at most hint.CounterShards items
// per cohort and one more.
func (s *Store) Day(ctx context.Context, day string) (hintguard.Day, error) {
	out := hintguard.Day{Counters: map[string]hintguard.Counters{}}
	in := &dynamodb.QueryInput{TableName: aws.String(s.Table), ConsistentRead: aws.Bool(true),
		KeyConditionExpression:    aws.String("#pk = :pk"),
		ExpressionAttributeNames:  map[string]string{"#pk": dynamo.PartitionKey},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(PK(day))}}
	err := dynamo.QueryAll(ctx, s.DB, in, func(item map[string]types.AttributeValue) error {
		sk := getStr(item, dynamo.SortKey)
		if sk == guardSK {
			var vs []hintguard.Verdict
			if err := json.Unmarshal([]byte(getStr(item, aVerdicts)), &vs); err != nil {
				return fmt.Errorf("hint guardrail of %s: %w", day, err)
			}
			if vs == nil {
				vs = []hintguard.Verdict{}
			}
			out.Verdicts = vs
			return nil
		}
		cohort, _, _ := strings.Cut(sk, "#")
		if out.Counters[cohort] == nil {
			out.Counters[cohort] = hintguard.Counters{}
		}
		for name, v := range item {
			if _, ok := v.(*types.AttributeValueMemberN); ok && name != dynamo.TTLAttribute {
				out.Counters[cohort][name] += getNum(item, name)
			}
		}
		return nil
	})
	return out, err
}

// SaveVerdicts keeps the day's verdicts once: a conditional write that the first decision
// of the day wins (hintguard.ErrDecided for the others).
func (s *Store) SaveVerdicts(ctx context.Context, day string, vs []hintguard.Verdict) error {
	if vs == nil {
		vs = []hintguard.Verdict{}
	}
	raw, err := json.Marshal(vs)
	if err != nil {
		return err
	}
	expires, err := Expires(day)
	if err != nil {
		return err
	}
	_, err = s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.Table), Key: map[string]types.AttributeValue{dynamo.PartitionKey: str(PK(day)), dynamo.SortKey: str(guardSK)},
		UpdateExpression:         aws.String("SET #v = :v, #ttl = :ttl"),
		ConditionExpression:      aws.String("attribute_not_exists(#v)"),
		ExpressionAttributeNames: map[string]string{"#v": aVerdicts, "#ttl": dynamo.TTLAttribute},
		ExpressionAttributeValues: map[string]types.AttributeValue{":v": str(string(raw)),
			":ttl": &types.AttributeValueMemberN{Value: strconv.FormatInt(expires, 10)}},
	})
	if dynamo.ConditionFailed(err) {
		return hintguard.ErrDecided
	}
	return dynamo.Wrap(err)
}
