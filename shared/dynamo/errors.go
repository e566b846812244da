package dynamo

import (
	"context"
	"errors"
	"net"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/degrade"
)

// ConditionFailed reports whether err is a failed condition of a single
// write (PutItem, UpdateItem, DeleteItem).
func ConditionFailed(err error) bool {
	var c *types.ConditionalCheckFailedException
	return errors.As(err, &c)
}

// Canceled returns the cancellation reasons of a cancelled transaction,
// one per item in request order, or nil if err is something else.
func Canceled(err error) []types.CancellationReason {
	var c *types.TransactionCanceledException
	if errors.As(err, &c) {
		return c.CancellationReasons
	}
	return nil
}

// Reason codes of a cancelled transaction's items.
const (
	ReasonNone                = "None"
	ReasonConditionFailed     = "ConditionalCheckFailed"
	ReasonTransactionConflict = "TransactionConflict"
	ReasonThrottling          = "ThrottlingError"
)

// Retryable reports whether a cancelled transaction's reasons say it may
// succeed if sent again: another transaction held one of its items
// (TransactionConflict) or DynamoDB throttled it (ThrottlingError). The
// SDK never retries a cancelled transaction, so the caller does.
func Retryable(reasons []types.CancellationReason) bool {
	for _, r := range reasons {
		switch aws.ToString(r.Code) {
		case ReasonTransactionConflict, ReasonThrottling:
			return true
		}
	}
	return false
}

// Wrap turns an SDK error that is not an expected outcome into the
// project's vocabulary: what can pass with time (throttling, timeouts, a
// service error, a transaction in flight, a dropped connection) is
// dependency_unavailable (503 with Retry-After); the rest is internal.
func Wrap(err error) error {
	if err == nil {
		return nil
	}
	if Transient(err) {
		return apperr.Unavailable(err)
	}
	return &apperr.Error{Code: apperr.Internal, Message: "internal error", Cause: err}
}

// Transient reports whether err may pass if tried again later.
func Transient(err error) bool {
	var (
		inProgress *types.TransactionInProgressException
		conflict   *types.TransactionConflictException
		throttled  *types.ProvisionedThroughputExceededException
		limit      *types.RequestLimitExceeded
		internal   *types.InternalServerError
		netErr     net.Error
		respErr    *smithyhttp.ResponseError
		apiErr     smithy.APIError
		quota      ratelimit.QuotaExceededError
		canceled   *types.TransactionCanceledException
	)
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled), errors.Is(err, degrade.ErrOpen):
		return true
	case errors.As(err, &inProgress), errors.As(err, &conflict), errors.As(err, &throttled), errors.As(err, &limit), errors.As(err, &internal):
		return true
	case errors.As(err, &respErr) && respErr.HTTPStatusCode() >= 500:
		return true
	case errors.As(err, &apiErr) && (apiErr.ErrorCode() == "ThrottlingException" || apiErr.ErrorFault() == smithy.FaultServer):
		return true
	case errors.As(err, &netErr), errors.As(err, &quota):
		return true
	case errors.As(err, &canceled) && Retryable(canceled.CancellationReasons):
		return true
	}
	// A retryer that gave up wraps the last error; the checks above see
	// through it. Anything left is a request the service refused as wrong.
	return false
}
