// Package fanoutwire builds WeeklyReviewWorkerFunction, the weekly review's schedule and
// queue: the only binary that links the SQS client.
package fanoutwire

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/lucian-app/phase12/shared/reviewfanout"
	"github.com/lucian-app/phase12/shared/reviewstore"
	"github.com/lucian-app/phase12/shared/wiring"
	"github.com/lucian-app/phase12/shared/wiring/reviewwire"
)

// Clients are the clients this builder uses beyond wiring.Deps; a nil one is made from the
// SDK configuration (deployed) or absent (the local runner). Tests give fakes here.
type Clients struct {
	// Bedrock is the rephrase's model API, used when REPHRASE_MODEL_ID names a model.
	Bedrock reviewwire.ConverseAPI
	// SQS is the fan-out's queue API.
	SQS QueueAPI
}

// WeeklyReviewWorker builds WeeklyReviewWorkerFunction.
func WeeklyReviewWorker(d wiring.Deps) (any, error) { return Clients{}.WeeklyReviewWorker(d) }

// QueueAPI is the part of SQS the weekly review's producer uses.
type QueueAPI interface {
	SendMessageBatch(ctx context.Context, in *sqs.SendMessageBatchInput, opts ...func(*sqs.Options)) (*sqs.SendMessageBatchOutput, error)
}

var _ QueueAPI = (*sqs.Client)(nil)

// sqsQueue sends the producer's messages with SendMessageBatch (at most 10 a call).
type sqsQueue struct {
	api QueueAPI
	url string
}

var _ reviewfanout.Queue = sqsQueue{}

func (q sqsQueue) Send(ctx context.Context, batch []reviewfanout.Message) error {
	if len(batch) == 0 || len(batch) > reviewfanout.SendBatch {
		return fmt.Errorf("sqs: a batch of %d messages, want 1 to %d", len(batch), reviewfanout.SendBatch)
	}
	in := &sqs.SendMessageBatchInput{QueueUrl: aws.String(q.url)}
	for i, m := range batch {
		body, err := m.Encode()
		if err != nil {
			return err
		}
		attrs := map[string]sqstypes.MessageAttributeValue{
			wiring.AttrKind: {DataType: aws.String("String"), StringValue: aws.String(m.Kind)}}
		if m.Week != "" {
			attrs[wiring.AttrWeek] = sqstypes.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(m.Week)}
		}
		in.Entries = append(in.Entries, sqstypes.SendMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)),
			MessageBody: aws.String(body), MessageAttributes: attrs})
	}
	out, err := q.api.SendMessageBatch(ctx, in)
	if err != nil {
		return fmt.Errorf("sqs SendMessageBatch: %w", err)
	}
	if len(out.Failed) > 0 {
		// The run fails and is retried; the messages that went through are built once
		// (a stored review is skipped).
		f := out.Failed[0]
		return fmt.Errorf("sqs SendMessageBatch: %d of %d messages refused, e.g. %s: %s", len(out.Failed), len(batch),
			aws.ToString(f.Code), aws.ToString(f.Message))
	}
	return nil
}

// noQueue stands for SQS where there is none (the local runner): an hourly run with users due
// fails naming it, and their reviews are built when they open them.
type noQueue struct{}

func (noQueue) Send(context.Context, []reviewfanout.Message) error {
	return errors.New("sqs: this function has no SQS client (the local runner): reviews are built when opened")
}

// WeeklyReviewWorker builds WeeklyReviewWorkerFunction with c, the weekly review's schedule: the
// hourly run queues the users whose week became ready (the producer), and the queue's
// batches build their reviews through the on-demand path (reviewapi.Service.Scheduled). It
// serves no route, so its binary carries no HTTP handler of the review.
func (c Clients) WeeklyReviewWorker(d wiring.Deps) (any, error) {
	s, err := reviewwire.Clients{Bedrock: c.Bedrock}.Service(d)
	if err != nil {
		return nil, err
	}
	url, err := wiring.Required(d, wiring.EnvReviewQueueURL)
	if err != nil {
		return nil, err
	}
	var queue reviewfanout.Queue = noQueue{}
	switch {
	case c.SQS != nil:
		queue = sqsQueue{api: c.SQS, url: url}
	case d.AWS != nil:
		queue = sqsQueue{api: sqs.NewFromConfig(*d.AWS), url: url}
	}
	table, err := wiring.Required(d, wiring.EnvReviewTable)
	if err != nil {
		return nil, err
	}
	p := &reviewfanout.Producer{Register: reviewstore.New(d.DynamoDB, table), Queue: queue, Log: d.Log}
	w := &reviewfanout.Worker{Reviews: s, Producer: p, Log: d.Log}
	em := wiring.Emitter(d)
	var h wiring.ReviewWorkerHandler = func(ctx context.Context, ev wiring.ReviewWorkerEvent) (*events.SQSEventResponse, error) {
		start := d.Now()
		if len(ev.Records) > 0 {
			recs := make([]reviewfanout.Record, len(ev.Records))
			for i, r := range ev.Records {
				recs[i] = reviewfanout.Record{MessageID: r.MessageId, Body: r.Body}
			}
			resp := &events.SQSEventResponse{BatchItemFailures: []events.SQSBatchItemFailure{}}
			for _, id := range w.Handle(ctx, recs) {
				resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: id})
			}
			var failed error
			if len(resp.BatchItemFailures) > 0 {
				failed = errors.New("some messages failed")
			}
			em.Emit(ctx, nil, wiring.RunValues(start, d.Now(), failed)...)
			d.Log.Info("weekly review batch", "messages", len(recs), "failed", len(resp.BatchItemFailures))
			return resp, nil
		}
		if ev.DetailType != "Scheduled Event" {
			return nil, errors.New("weekly review worker: the event is neither an SQS batch nor a scheduled run")
		}
		at := ev.Time
		if at.IsZero() {
			at = d.Now()
		}
		rep, err := p.Run(ctx, at)
		em.Emit(ctx, nil, wiring.RunValues(start, d.Now(), err)...)
		log := d.Log.With("event_id", ev.ID, "scheduled_for", at, "hours", rep.Hours, "read", rep.Read, "queued", rep.Queued,
			"reviewed", rep.Reviewed, "not_yet", rep.NotYet, "bad_zone", rep.BadZone, "continued", rep.Continued)
		if err != nil {
			// Returned: the schedule retries the run (duplicates are built once), and a run
			// that keeps failing lands in the schedule's dead-letter queue.
			log.Error("weekly review fan-out failed", "err", err)
			return nil, err
		}
		log.Info("weekly review fan-out")
		return nil, nil
	}
	return h, nil
}
