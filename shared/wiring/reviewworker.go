package wiring

import (
	"context"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// EnvReviewQueueURL is WeeklyReviewQueue's URL: where the producer sends one message per
// user whose review is due.
const EnvReviewQueueURL = "REVIEW_QUEUE_URL"

// Message attributes of a queued review, for filtering and reading the queue without
// parsing bodies (the DLQ's redrive, an operator's look).
const (
	AttrKind = "kind"
	AttrWeek = "week"
)

// ReviewWorkerEvent is what WeeklyReviewWorkerFunction is invoked with: a batch of
// WeeklyReviewQueue (Records), or the hourly scheduled event (detail-type "Scheduled
// Event", time the run's hour).
type ReviewWorkerEvent struct {
	Records    []events.SQSMessage `json:"Records"`
	ID         string              `json:"id"`
	DetailType string              `json:"detail-type"`
	Time       time.Time           `json:"time"`
}

// ReviewWorkerHandler is WeeklyReviewWorkerFunction's handler: a partial batch response
// for a batch (only the failed message ids), nothing for a scheduled run.
type ReviewWorkerHandler func(ctx context.Context, ev ReviewWorkerEvent) (*events.SQSEventResponse, error)
