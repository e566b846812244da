package wiring

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/lucian-app/phase12/shared/ids"
)

// Retry settings, explicit so an SDK upgrade cannot change them: three
// attempts with full-jitter exponential backoff capped at one second, and
// a retry quota so a struggling dependency is not hammered.
const (
	RetryMaxAttempts = 3
	RetryMaxBackoff  = time.Second
	RetryQuota       = 500
)

// Retryer returns the SDK retryer every client uses. Beyond the SDK's
// own list it retries TransactionConflictException: DynamoDB's answer to
// a single-item write (a PATCH) on an item a transaction holds (an undo,
// an execution), which passes once that transaction ends.
func Retryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = RetryMaxAttempts
		o.MaxBackoff = RetryMaxBackoff
		o.Backoff = retry.NewExponentialJitterBackoff(RetryMaxBackoff)
		o.RateLimiter = ratelimit.NewTokenRateLimit(RetryQuota)
		o.Retryables = append(o.Retryables, retry.RetryableErrorCode{
			Codes: map[string]struct{}{"TransactionConflictException": {}}})
	})
}

// AWSConfig loads the SDK configuration from the environment (AWS_REGION,
// AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_SNS ...)
// with the project's retryer.
func AWSConfig(ctx context.Context) (aws.Config, error) {
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRetryer(Retryer))
	if err != nil {
		return aws.Config{}, fmt.Errorf("load AWS config: %w", err)
	}
	return cfg, nil
}

// FromEnvironment builds the Deps of a deployed function.
func FromEnvironment(ctx context.Context) (Deps, error) {
	cfg, err := AWSConfig(ctx)
	if err != nil {
		return Deps{}, err
	}
	return Deps{
		DynamoDB: dynamodb.NewFromConfig(cfg),
		SNS:      sns.NewFromConfig(cfg),
		// The clients only some functions use are made by their builders from this.
		AWS:    &cfg,
		HTTP:   &http.Client{Timeout: 5 * time.Second},
		Getenv: os.Getenv,
		Now:    time.Now,
		NewID:  ids.New(time.Now, rand.Reader),
		Log:    NewLogger(os.Stdout, os.Getenv("LOG_LEVEL")),
	}, nil
}

// NewLogger returns the JSON logger every function writes with.
func NewLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	switch strings.ToUpper(level) {
	case "DEBUG":
		l = slog.LevelDebug
	case "WARN":
		l = slog.LevelWarn
	case "ERROR":
		l = slog.LevelError
	default:
		l = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}
