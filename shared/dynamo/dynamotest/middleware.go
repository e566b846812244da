package dynamotest

import (
	"context"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"
)

// CallCounter counts DynamoDB operations made through SDK clients built
// with its Option: the count a deployed function would pay for (an SDK
// retry of one call is still one call).
type CallCounter struct{ counts }

// NewCallCounter returns an empty counter.
func NewCallCounter() *CallCounter { return &CallCounter{} }

// Option installs the counter on a client: dynamodb.NewFromConfig(cfg, c.Option).
func (c *CallCounter) Option(o *dynamodb.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		return s.Initialize.Add(middleware.InitializeMiddlewareFunc("phase12CallCounter",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				c.add(awsmiddleware.GetOperationName(ctx))
				return next.HandleInitialize(ctx, in)
			}), middleware.After)
	})
}
