package dynamo

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/lucian-app/phase12/shared/apperr"
)

func TestWrapClassifiesFailures(t *testing.T) {
	resp := func(status int) error {
		return &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}}, Err: errors.New("x")}
	}
	tests := []struct {
		name string
		err  error
		want apperr.Code
	}{
		{"deadline", fmt.Errorf("op: %w", context.DeadlineExceeded), apperr.DependencyUnavailable},
		{"transaction in progress", &types.TransactionInProgressException{}, apperr.DependencyUnavailable},
		{"a single write meets a transaction", &types.TransactionConflictException{}, apperr.DependencyUnavailable},
		{"throughput", &types.ProvisionedThroughputExceededException{}, apperr.DependencyUnavailable},
		{"request limit", &types.RequestLimitExceeded{}, apperr.DependencyUnavailable},
		{"internal server error", &types.InternalServerError{}, apperr.DependencyUnavailable},
		{"throttling by code", &smithy.GenericAPIError{Code: "ThrottlingException"}, apperr.DependencyUnavailable},
		{"5xx response", resp(503), apperr.DependencyUnavailable},
		{"retries exhausted on a dropped connection", &retry.MaxAttemptsError{Attempt: 3, Err: &net.OpError{Op: "read", Err: errors.New("reset")}}, apperr.DependencyUnavailable},
		{"retry quota exhausted", fmt.Errorf("retry: %w", ratelimit.QuotaExceededError{Available: 0, Requested: 5}), apperr.DependencyUnavailable},
		{"transaction cancelled by throttling", canceledWith("None", ReasonThrottling), apperr.DependencyUnavailable},
		{"transaction cancelled by a concurrent one", canceledWith(ReasonTransactionConflict, "None"), apperr.DependencyUnavailable},
		{"transaction cancelled by a condition is an outcome, not a retry", canceledWith(ReasonConditionFailed, "None"), apperr.Internal},
		{"validation is a bug", &smithy.GenericAPIError{Code: "ValidationException", Fault: smithy.FaultClient}, apperr.Internal},
		{"missing table is a bug", &types.ResourceNotFoundException{}, apperr.Internal},
		{"4xx response", resp(400), apperr.Internal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := apperr.CodeOf(Wrap(tt.err)); got != tt.want {
				t.Errorf("Wrap(%v) code = %q, want %q", tt.err, got, tt.want)
			}
		})
	}
	if Wrap(nil) != nil {
		t.Error("Wrap(nil) != nil")
	}
}

func canceledWith(codes ...string) error {
	reasons := make([]types.CancellationReason, len(codes))
	for i, c := range codes {
		reasons[i] = types.CancellationReason{Code: aws.String(c)}
	}
	return fmt.Errorf("op: %w", &types.TransactionCanceledException{CancellationReasons: reasons})
}
