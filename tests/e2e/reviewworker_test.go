//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/lucian-app/phase12/shared/appstore"
	"github.com/lucian-app/phase12/shared/reviewstore"
	"github.com/lucian-app/phase12/shared/tasks"
	"github.com/lucian-app/phase12/tests/harness"
)

// TestWeeklyReviewFanOutUnderEmulator: WeeklyReviewWorkerFunction built as bootstrap, under
// the emulator, over DynamoDB Local and moto's SQS. Invoked with events/weekly-review-fanout.json
// (Sunday 29 November 2026 17:00 UTC: Monday 06:00 in Auckland, UTC+13) it queues the Auckland
// user, not the Honolulu one; invoked at Monday 16:00 UTC (06:00 in Honolulu, UTC-10) it
// queues the Honolulu user. The messages received from moto's queue, as an SQS event with a
// poisoned message added, build both reviews of week 48 in DynamoDB Local and answer only
// the poisoned message in batchItemFailures; the same batch again builds nothing new.
func TestWeeklyReviewFanOutUnderEmulator(t *testing.T) {
	ctx := context.Background()
	run := fmt.Sprint(time.Now().UnixNano())
	appTable, reviewTable, hintTable := "AppTable-e2e-fanout", "ReviewTable-e2e-fanout", "HintTable-e2e-fanout"
	ensureTables(t, appTable, reviewTable, hintTable)
	dcfg, err := backends.DynamoConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	db := dynamodb.NewFromConfig(dcfg)
	mcfg, err := backends.Moto.Config(ctx)
	if err != nil {
		t.Fatal(err)
	}
	client := sqs.NewFromConfig(mcfg)
	q, err := client.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("WeeklyReviewQueue-e2e-" + run)})
	if err != nil {
		t.Fatal(err)
	}
	queueARN := "arn:aws:sqs:" + harness.Region + ":123456789012:WeeklyReviewQueue-e2e-" + run

	nz, hnl := "nz-"+run, "hnl-"+run
	reg := reviewstore.New(db, reviewTable)
	for u, tz := range map[string]string{nz: "Pacific/Auckland", hnl: "Pacific/Honolulu"} {
		if err := reg.Register(ctx, u, tz, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
	}
	// The Honolulu user completed a task due in their week 48, on Wednesday.
	app := appstore.New(db, appTable)
	due, created := "2026-11-25", time.Date(2026, 11, 20, 20, 0, 0, 0, time.UTC)
	task := tasks.Task{ID: "t-" + run, Title: "Water the plants", Due: &due, Priority: 4, CreatedAt: created, UpdatedAt: created, Version: 1}
	if err := app.CreateTask(ctx, hnl, task); err != nil {
		t.Fatal(err)
	}
	done := task
	done.Completed, done.UpdatedAt, done.Version = true, time.Date(2026, 11, 25, 20, 0, 0, 0, time.UTC), 2
	if err := app.ReplaceTask(ctx, hnl, task, done); err != nil {
		t.Fatal(err)
	}

	fn := startFunction(t, "weekly-review-worker",
		"APP_TABLE="+appTable, "REVIEW_TABLE="+reviewTable, "HINT_TABLE="+hintTable,
		"REVIEW_QUEUE_URL="+aws.ToString(q.QueueUrl), "REVIEW_HOLDOUT_PERCENT=0")

	receive := func() []events.SQSMessage {
		t.Helper()
		var out []events.SQSMessage
		for range 5 {
			r, err := client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl, MaxNumberOfMessages: 10,
				MessageAttributeNames: []string{"All"}, VisibilityTimeout: 300})
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Messages) == 0 {
				break
			}
			for _, m := range r.Messages {
				attrs := map[string]events.SQSMessageAttribute{}
				for k, v := range m.MessageAttributes {
					attrs[k] = events.SQSMessageAttribute{DataType: aws.ToString(v.DataType), StringValue: v.StringValue}
				}
				out = append(out, events.SQSMessage{MessageId: aws.ToString(m.MessageId), ReceiptHandle: aws.ToString(m.ReceiptHandle),
					Body: aws.ToString(m.Body), MessageAttributes: attrs, EventSource: "aws:sqs", EventSourceARN: queueARN,
					AWSRegion: harness.Region, Md5OfBody: aws.ToString(m.MD5OfBody)})
			}
		}
		return out
	}
	bodies := func(ms []events.SQSMessage) []string {
		var out []string
		for _, m := range ms {
			out = append(out, m.Body+" week="+aws.ToString(m.MessageAttributes["week"].StringValue))
		}
		sort.Strings(out)
		return out
	}
	scheduled := func(payload []byte) {
		t.Helper()
		out, err := fn.Invoke(payload)
		if err != nil {
			t.Fatal(err)
		}
		if string(out) != "null" {
			t.Fatalf("a scheduled run answered %s, want null", out)
		}
	}

	scheduled(readEvent(t, "weekly-review-fanout.json"))
	first := receive()
	if got, want := bodies(first), []string{fmt.Sprintf(`{"kind":"review","user":%q,"week":"2026-W48","timezone":"Pacific/Auckland"} week=2026-W48`, nz)}; !slices.Equal(got, want) {
		t.Fatalf("after the Sunday 17:00 UTC run the queue holds %v, want %v", got, want)
	}
	var ev events.EventBridgeEvent
	if err := json.Unmarshal(readEvent(t, "weekly-review-fanout.json"), &ev); err != nil {
		t.Fatal(err)
	}
	ev.Time = time.Date(2026, 11, 30, 16, 0, 0, 0, time.UTC)
	monday, _ := json.Marshal(ev)
	scheduled(monday)
	second := receive()
	if got, want := bodies(second), []string{fmt.Sprintf(`{"kind":"review","user":%q,"week":"2026-W48","timezone":"Pacific/Honolulu"} week=2026-W48`, hnl)}; !slices.Equal(got, want) {
		t.Fatalf("after the Monday 16:00 UTC run the queue holds %v, want %v", got, want)
	}

	batch := events.SQSEvent{Records: append(append(first, second...),
		events.SQSMessage{MessageId: "poisoned-" + run, Body: `{"kind":"review","user":"x"`, EventSource: "aws:sqs", EventSourceARN: queueARN})}
	payload, _ := json.Marshal(batch)
	answer := func() []string {
		t.Helper()
		out, err := fn.Invoke(payload)
		if err != nil {
			t.Fatal(err)
		}
		var resp events.SQSEventResponse
		if err := json.Unmarshal(out, &resp); err != nil {
			t.Fatalf("batch answer %s: %v", out, err)
		}
		var ids []string
		for _, f := range resp.BatchItemFailures {
			ids = append(ids, f.ItemIdentifier)
		}
		return ids
	}
	if got := answer(); !slices.Equal(got, []string{"poisoned-" + run}) {
		t.Fatalf("batchItemFailures %v, want only the poisoned message", got)
	}
	stored := map[string]string{}
	for u, zone := range map[string]string{nz: "Pacific/Auckland", hnl: "Pacific/Honolulu"} {
		r, ok, err := reg.Get(ctx, u, "2026-W48")
		if err != nil || !ok {
			t.Fatalf("%s's review of 2026-W48: found %v, %v; want it built by the worker", u, ok, err)
		}
		if r.Timezone != zone {
			t.Errorf("%s's review is in %s, want %s", u, r.Timezone, zone)
		}
		stored[u] = r.ID + " " + r.GeneratedAt.String()
	}
	r, _, _ := reg.Get(ctx, hnl, "2026-W48")
	if c, ok := r.Card("planned_vs_completed"); !ok || c.Value != 100 {
		t.Errorf("the Honolulu review's planned vs completed card = %+v (found %v), want 100 (1 of 1 on plan)", c, ok)
	}
	// A duplicate delivery: a success that builds nothing new.
	if got := answer(); !slices.Equal(got, []string{"poisoned-" + run}) {
		t.Fatalf("the batch again: batchItemFailures %v, want only the poisoned message", got)
	}
	for u, want := range stored {
		r, _, _ := reg.Get(ctx, u, "2026-W48")
		if got := r.ID + " " + r.GeneratedAt.String(); got != want {
			t.Errorf("%s's review changed on a duplicate delivery: %s, want %s", u, got, want)
		}
	}
}
