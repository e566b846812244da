package dynamo

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"

	"github.com/lucian-app/phase12/shared/degrade"
)

// DefaultAttemptTimeout bounds one attempt of a call (the SDK retries within what is
// left of the request's deadline): a DynamoDB read or write takes single-digit
// milliseconds, so an attempt still going after this is stuck, and a second attempt
// has a better chance than waiting on.
const DefaultAttemptTimeout = 400 * time.Millisecond

// Guard is an API behind a circuit breaker, with a timeout on each attempt. Calls run
// with the caller's context, so each gets what is left of the request's budget
// (degrade.Deadlines). An open breaker refuses at once with degrade.ErrOpen, which Wrap
// and Transient treat as dependency_unavailable.
type Guard struct {
	API
	Breaker        *degrade.Breaker
	AttemptTimeout time.Duration
}

var _ API = (*Guard)(nil)

// NewGuard guards api with a breaker of the default settings named name.
func NewGuard(api API, name string) *Guard {
	return &Guard{API: api, Breaker: degrade.NewBreaker(degrade.DefaultBreakerSettings(name), Transient, nil),
		AttemptTimeout: DefaultAttemptTimeout}
}

// attemptTimeout puts d on each attempt, after the SDK's retry step.
func attemptTimeout(d time.Duration) func(*dynamodb.Options) {
	return func(o *dynamodb.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			return s.Finalize.Insert(middleware.FinalizeMiddlewareFunc("AttemptTimeout",
				func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
					ctx, cancel := context.WithTimeout(ctx, d)
					defer cancel()
					return next.HandleFinalize(ctx, in)
				}), "Retry", middleware.After)
		})
	}
}

func guarded[I, O any](g *Guard, ctx context.Context, call func(context.Context, I, ...func(*dynamodb.Options)) (O, error), in I, opts []func(*dynamodb.Options)) (O, error) {
	var out O
	if g.AttemptTimeout > 0 {
		opts = append(opts, attemptTimeout(g.AttemptTimeout))
	}
	err := g.Breaker.Do(ctx, func(ctx context.Context) error {
		var err error
		out, err = call(ctx, in, opts...)
		return err
	})
	return out, err
}

func (g *Guard) GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	return guarded(g, ctx, g.API.GetItem, in, opts)
}

func (g *Guard) PutItem(ctx context.Context, in *dynamodb.PutItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	return guarded(g, ctx, g.API.PutItem, in, opts)
}

func (g *Guard) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	return guarded(g, ctx, g.API.UpdateItem, in, opts)
}

func (g *Guard) DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error) {
	return guarded(g, ctx, g.API.DeleteItem, in, opts)
}

func (g *Guard) Query(ctx context.Context, in *dynamodb.QueryInput, opts ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	return guarded(g, ctx, g.API.Query, in, opts)
}

func (g *Guard) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	return guarded(g, ctx, g.API.BatchGetItem, in, opts)
}

func (g *Guard) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, opts ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	return guarded(g, ctx, g.API.TransactWriteItems, in, opts)
}
