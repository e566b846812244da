package dynamo

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/lucian-app/phase12/shared/apperr"
)

// throttledBatch answers BatchGetItem with every key unprocessed for its
// first `throttled` calls, then returns each key as its item.
type throttledBatch struct {
	API
	throttled int
	calls     []int // keys asked for, per call
}

func (f *throttledBatch) BatchGetItem(_ context.Context, in *dynamodb.BatchGetItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	out := &dynamodb.BatchGetItemOutput{Responses: map[string][]map[string]types.AttributeValue{}, UnprocessedKeys: map[string]types.KeysAndAttributes{}}
	for table, ka := range in.RequestItems {
		f.calls = append(f.calls, len(ka.Keys))
		if len(f.calls) <= f.throttled {
			out.UnprocessedKeys[table] = ka
			continue
		}
		out.Responses[table] = append(out.Responses[table], ka.Keys...)
	}
	return out, nil
}

func keys(n int) []map[string]types.AttributeValue {
	out := make([]map[string]types.AttributeValue, n)
	for i := range out {
		out[i] = map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: fmt.Sprint(i)}}
	}
	return out
}

func TestBatchGetRetriesUnprocessedKeysWithGrowingBackoff(t *testing.T) {
	db := &throttledBatch{throttled: 3}
	var slept []time.Duration
	sleep := func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }
	items, err := BatchGet(context.Background(), db, "T", keys(250), true, sleep)
	if err != nil || len(items) != 250 {
		t.Fatalf("BatchGet = %d items, %v; want all 250", len(items), err)
	}
	// 250 keys are chunks of 100, 100 and 50; the first chunk is refused 3 times.
	if got, want := fmt.Sprint(db.calls), "[100 100 100 100 100 50]"; got != want {
		t.Errorf("keys per call = %s, want %s", got, want)
	}
	if len(slept) != 3 {
		t.Fatalf("slept %d times (%v), want 3 (once before each retry)", len(slept), slept)
	}
	for i, d := range slept {
		if ceiling := batchGetBackoffBase << i; d <= 0 || d > ceiling {
			t.Errorf("backoff %d = %v, want in (0, %v]", i, d, ceiling)
		}
	}
}

func TestBatchGetGivesUpAfterItsRetriesWith503(t *testing.T) {
	db := &throttledBatch{throttled: 1000}
	sleeps := 0
	sleep := func(context.Context, time.Duration) error { sleeps++; return nil }
	_, err := BatchGet(context.Background(), db, "T", keys(3), true, sleep)
	if apperr.CodeOf(err) != apperr.DependencyUnavailable {
		t.Fatalf("err = %v, want dependency_unavailable", err)
	}
	if len(db.calls) != BatchGetRetries+1 || sleeps != BatchGetRetries {
		t.Errorf("%d calls and %d sleeps, want %d and %d: bounded, not a tight loop", len(db.calls), sleeps, BatchGetRetries+1, BatchGetRetries)
	}
}

func TestBatchGetStopsWhenTheContextEnds(t *testing.T) {
	db := &throttledBatch{throttled: 1000}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := BatchGet(ctx, db, "T", keys(3), true, SleepContext)
	if apperr.CodeOf(err) != apperr.DependencyUnavailable || len(db.calls) != 1 {
		t.Errorf("err = %v after %d calls, want dependency_unavailable after 1", err, len(db.calls))
	}
}
