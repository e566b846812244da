package eventstore

import (
	"context"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/productevents"
)

// Store is the product events' store.
type Store struct {
	DB dynamo.API
	// Table is AppTable (the events); CountTable is OpsTable (the week's counters).
	Table, CountTable string
	// Shards is how many counter items a week has (DefaultShards when 0).
	Shards int
	// Sleep waits between transaction retries (dynamo.SleepContext when nil).
	Sleep dynamo.Sleeper
}

var (
	_ productevents.Store   = (*Store)(nil)
	_ productevents.Reader  = (*Store)(nil)
	_ productevents.Counter = (*Store)(nil)
)

// New returns the store over AppTable and OpsTable.
func New(db dynamo.API, appTable, opsTable string) *Store {
	return &Store{DB: db, Table: appTable, CountTable: opsTable}
}

// DefaultShards is how many counter items a week has.
const DefaultShards = 16

// Retention is how long events and their claims are kept (TTL).
const Retention = 400 * 24 * time.Hour

const (
	claimPrefix = "PEVID#"
	eventPrefix = "PEV#"
	firstPrefix = "PEVFIRST#"
	countPrefix = "PEVC#"
	// atLayout sorts as the time does: fixed width, UTC.
	atLayout = "2006-01-02T15:04:05.000000000Z"
)

func userPK(user string) string { return "USER#" + user }

func str(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }

func num(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: fmt.Sprint(n)}
}

func key(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{dynamo.PartitionKey: str(pk), dynamo.SortKey: str(sk)}
}

func eventSK(name string, at time.Time, id string) string {
	return eventPrefix + name + "#" + at.UTC().Format(atLayout) + "#" + id
}

func (s *Store) shard(user string) string {
	n := s.Shards
	if n <= 0 {
		n = DefaultShards
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(user))
	return fmt.Sprintf("S#%02d", h.Sum32()%uint32(n))
}

// Record implements productevents.Store. Items, in order: the claim, the event, the
// counters, and for a Once name the first-time marker; if only the marker's condition
// failed, the event is sent again without it (the user was counted before).
func (s *Store) Record(ctx context.Context, user string, e productevents.Event, once bool) (productevents.Outcome, error) {
	expires := num(e.At.Add(Retention).Unix())
	pk := userPK(user)
	claim := map[string]types.AttributeValue{dynamo.PartitionKey: str(pk), dynamo.SortKey: str(claimPrefix + e.EventID),
		"name": str(e.Name), "at": str(e.At.UTC().Format(time.RFC3339Nano)), dynamo.TTLAttribute: expires}
	ev := map[string]types.AttributeValue{dynamo.PartitionKey: str(pk), dynamo.SortKey: str(eventSK(e.Name, e.At, e.EventID)),
		"event_id": str(e.EventID), "name": str(e.Name), "at": str(e.At.UTC().Format(time.RFC3339Nano)), dynamo.TTLAttribute: expires}
	if e.TaskID != "" {
		ev["task_id"] = str(e.TaskID)
	}
	notExists := aws.String("attribute_not_exists(" + dynamo.PartitionKey + ")")
	items := func(first bool) []types.TransactWriteItem {
		update := "ADD #n :one"
		names := map[string]string{"#n": "n_" + e.Name}
		for i, c := range e.Counters {
			if c == e.Name {
				continue // one counter may not be added twice in one update
			}
			p := fmt.Sprintf("#c%d", i)
			update += ", " + p + " :one"
			names[p] = "n_" + c
		}
		if first {
			update += ", #u :one"
			names["#u"] = "u_" + e.Name
		}
		update += " SET " + dynamo.TTLAttribute + " = if_not_exists(" + dynamo.TTLAttribute + ", :exp)"
		out := []types.TransactWriteItem{
			{Put: &types.Put{TableName: aws.String(s.Table), Item: claim, ConditionExpression: notExists}},
			{Put: &types.Put{TableName: aws.String(s.Table), Item: ev}},
			{Update: &types.Update{TableName: aws.String(s.CountTable), Key: key(countPrefix+e.Week(), s.shard(user)),
				UpdateExpression: aws.String(update), ExpressionAttributeNames: names,
				ExpressionAttributeValues: map[string]types.AttributeValue{":one": num(1), ":exp": expires}}},
		}
		if first {
			out = append(out, types.TransactWriteItem{Put: &types.Put{TableName: aws.String(s.Table), Item: map[string]types.AttributeValue{
				dynamo.PartitionKey: str(pk), dynamo.SortKey: str(firstPrefix + e.Name),
				"event_id": str(e.EventID), "at": str(e.At.UTC().Format(time.RFC3339Nano)), "week": str(e.Week())},
				ConditionExpression: notExists}})
		}
		return out
	}
	first := once
	for {
		err := dynamo.Transact(ctx, s.DB, items(first), s.Sleep)
		if err == nil {
			return productevents.Recorded, nil
		}
		reasons := dynamo.Canceled(err)
		switch {
		case failed(reasons, 0):
			return productevents.Duplicate, nil
		case first && failed(reasons, 3):
			first = false
			continue
		}
		return 0, dynamo.Wrap(err)
	}
}

// failed reports whether item i's condition failed.
func failed(reasons []types.CancellationReason, i int) bool {
	return i < len(reasons) && aws.ToString(reasons[i].Code) == dynamo.ReasonConditionFailed
}

// ListUserEvents implements productevents.Reader: one Query per name, newest first.
func (s *Store) ListUserEvents(ctx context.Context, user string, names []string, from, to time.Time, limit int) ([]productevents.Event, error) {
	names, err := productevents.CheckList(names, from, to, limit)
	if err != nil {
		return nil, err
	}
	var out []productevents.Event
	for _, name := range names {
		// BETWEEN is inclusive; the upper bound is the last key before to.
		lo := eventPrefix + name + "#" + from.UTC().Format(atLayout)
		hi := eventPrefix + name + "#" + to.UTC().Add(-time.Nanosecond).Format(atLayout) + "#\xff"
		q, err := s.DB.Query(ctx, &dynamodb.QueryInput{
			TableName:                 aws.String(s.Table),
			KeyConditionExpression:    aws.String("#pk = :pk AND #sk BETWEEN :lo AND :hi"),
			ExpressionAttributeNames:  map[string]string{"#pk": dynamo.PartitionKey, "#sk": dynamo.SortKey},
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(userPK(user)), ":lo": str(lo), ":hi": str(hi)},
			ScanIndexForward:          aws.Bool(false),
			Limit:                     aws.Int32(int32(limit)),
		})
		if err != nil {
			return nil, dynamo.Wrap(err)
		}
		for _, item := range q.Items {
			e, err := eventOf(item)
			if err != nil {
				return nil, err
			}
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(a, b productevents.Event) int {
		if c := b.At.Compare(a.At); c != 0 {
			return c
		}
		return strings.Compare(b.EventID, a.EventID)
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

func eventOf(item map[string]types.AttributeValue) (productevents.Event, error) {
	s := func(name string) string {
		if v, ok := item[name].(*types.AttributeValueMemberS); ok {
			return v.Value
		}
		return ""
	}
	at, err := time.Parse(time.RFC3339Nano, s("at"))
	if err != nil {
		return productevents.Event{}, fmt.Errorf("eventstore: event %q has a bad time: %w", s(dynamo.SortKey), err)
	}
	return productevents.Event{EventID: s("event_id"), Name: s("name"), At: at.UTC(), TaskID: s("task_id")}, nil
}

// WeekCounts implements productevents.Counter: one Query of the week's shards.
func (s *Store) WeekCounts(ctx context.Context, week string) (map[string]productevents.Counts, error) {
	out := map[string]productevents.Counts{}
	err := dynamo.QueryAll(ctx, s.DB, &dynamodb.QueryInput{
		TableName:                 aws.String(s.CountTable),
		KeyConditionExpression:    aws.String("#pk = :pk"),
		ExpressionAttributeNames:  map[string]string{"#pk": dynamo.PartitionKey},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(countPrefix + week)},
	}, func(item map[string]types.AttributeValue) error {
		for attr, v := range item {
			n, ok := v.(*types.AttributeValueMemberN)
			if !ok {
				continue
			}
			var c int64
			if _, err := fmt.Sscan(n.Value, &c); err != nil {
				return fmt.Errorf("eventstore: counter %s of week %s: %w", attr, week, err)
			}
			switch {
			case strings.HasPrefix(attr, "n_"):
				k := out[attr[2:]]
				k.Events += c
				out[attr[2:]] = k
			case strings.HasPrefix(attr, "u_"):
				k := out[attr[2:]]
				k.Users += c
				out[attr[2:]] = k
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
