package dynamo

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Retries of a transaction DynamoDB cancelled for a reason that passes
// (Retryable): jittered backoff from 20 ms, doubling.
const (
	TransactRetries     = 4
	transactBackoffBase = 20 * time.Millisecond
)

// Transact runs one TransactWriteItems, sending it again after a backoff
// while DynamoDB cancels it with TransactionConflict or ThrottlingError
// (the SDK retries neither), at most TransactRetries times. It returns
// the last error as the SDK gave it: the caller reads the cancellation
// reasons (Canceled) or wraps it. sleep nil means SleepContext.
func Transact(ctx context.Context, db API, items []types.TransactWriteItem, sleep Sleeper) error {
	if sleep == nil {
		sleep = SleepContext
	}
	for attempt := 0; ; attempt++ {
		_, err := db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
		if attempt == TransactRetries || !Retryable(Canceled(err)) {
			return err
		}
		backoff := transactBackoffBase << attempt
		if sleepErr := sleep(ctx, backoff/2+rand.N(backoff/2+1)); sleepErr != nil {
			return err
		}
	}
}
