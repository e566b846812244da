package dynamo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/lucian-app/phase12/shared/apperr"
)

// BatchGetItem reads at most 100 keys a call, and under load DynamoDB
// answers part of a batch and hands the rest back as UnprocessedKeys. AWS
// asks callers to send those again with exponential backoff: at once, they
// meet the same throttling (a tight loop that can spin until the Lambda
// times out). These bound the retries of one chunk.
const (
	batchGetChunk       = 100
	BatchGetRetries     = 5
	batchGetBackoffBase = 50 * time.Millisecond
	batchGetBackoffMax  = time.Second
)

// Sleeper waits d or until ctx ends; tests inject one that only records.
type Sleeper func(ctx context.Context, d time.Duration) error

// SleepContext is the Sleeper of deployed code.
func SleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// BatchGet reads keys from table in chunks of 100, sending unprocessed
// keys again after a full-jitter exponential backoff (50 ms doubling, at
// most 1 s), at most BatchGetRetries times a chunk; keys still unprocessed
// then make it 503 dependency_unavailable. Items come back in no order;
// a missing key is left out. sleep nil means SleepContext.
func BatchGet(ctx context.Context, db API, table string, keys []map[string]types.AttributeValue, consistent bool, sleep Sleeper) ([]map[string]types.AttributeValue, error) {
	if sleep == nil {
		sleep = SleepContext
	}
	var out []map[string]types.AttributeValue
	for chunk := range slices.Chunk(keys, batchGetChunk) {
		req := map[string]types.KeysAndAttributes{table: {Keys: chunk, ConsistentRead: &consistent}}
		for attempt := 0; ; attempt++ {
			res, err := db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: req})
			if err != nil {
				return nil, Wrap(err)
			}
			out = append(out, res.Responses[table]...)
			if len(res.UnprocessedKeys[table].Keys) == 0 {
				break
			}
			if attempt == BatchGetRetries {
				return nil, apperr.Unavailable(fmt.Errorf("BatchGetItem: %d keys still unprocessed after %d retries",
					len(res.UnprocessedKeys[table].Keys), BatchGetRetries))
			}
			req = map[string]types.KeysAndAttributes{table: res.UnprocessedKeys[table]}
			backoff := min(batchGetBackoffBase<<attempt, batchGetBackoffMax)
			if err := sleep(ctx, rand.N(backoff)+1); err != nil {
				return nil, apperr.Unavailable(err)
			}
		}
	}
	return out, nil
}
