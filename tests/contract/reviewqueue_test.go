//go:build contract

package contract

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/lucian-app/phase12/shared/ids"
	"github.com/lucian-app/phase12/shared/reviewstore"
	"github.com/lucian-app/phase12/shared/wiring"
	"github.com/lucian-app/phase12/shared/wiring/fanoutwire"
)

// countingSQS counts SendMessageBatch calls on the real client.
type countingSQS struct {
	*sqs.Client
	batches atomic.Int64
}

func (c *countingSQS) SendMessageBatch(ctx context.Context, in *sqs.SendMessageBatchInput, o ...func(*sqs.Options)) (*sqs.SendMessageBatchOutput, error) {
	c.batches.Add(1)
	return c.Client.SendMessageBatch(ctx, in, o...)
}

// TestTheReviewProducerSendsBatchesMotoAccepts: the worker's hourly run, over DynamoDB Local
// and moto's SQS, queues 12 due users in two SendMessageBatch calls (10 and 2); what a
// consumer receives is each user's JSON body with the kind and week message attributes.
func TestTheReviewProducerSendsBatchesMotoAccepts(t *testing.T) {
	ctx := context.Background()
	db, table := newDynamo(t)
	cfg, err := backends.Moto.Config(ctx)
	if err != nil {
		t.Fatal(err)
	}
	client := sqs.NewFromConfig(cfg)
	q, err := client.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(fmt.Sprintf("reviews-%d", time.Now().UnixNano()))})
	if err != nil {
		t.Fatal(err)
	}
	store := reviewstore.New(db, table)
	var want []string
	for i := range 12 {
		u := fmt.Sprintf("u%02d", i)
		if err := store.Register(ctx, u, "Europe/Berlin", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		want = append(want, u)
	}
	env := map[string]string{wiring.EnvAppTable: table, wiring.EnvReviewTable: table, wiring.EnvReviewQueueURL: aws.ToString(q.QueueUrl)}
	counting := &countingSQS{Client: client}
	now := func() time.Time { return time.Date(2026, 11, 30, 5, 0, 0, 0, time.UTC) }
	h, err := fanoutwire.Clients{SQS: counting}.WeeklyReviewWorker(wiring.Deps{DynamoDB: db, Getenv: func(k string) string { return env[k] },
		Now: now, NewID: ids.Sequence("c"), Log: wiring.NewLogger(io.Discard, "")})
	if err != nil {
		t.Fatal(err)
	}
	// Monday 30 November 05:00 UTC is 06:00 in Berlin (CET): week 48 is ready.
	if _, err := h.(wiring.ReviewWorkerHandler)(ctx, wiring.ReviewWorkerEvent{DetailType: "Scheduled Event", Time: now()}); err != nil {
		t.Fatal(err)
	}
	if n := counting.batches.Load(); n != 2 {
		t.Errorf("%d SendMessageBatch calls, want 2 (10 + 2 messages)", n)
	}
	var got []string
	for range 10 {
		out, err := client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl, MaxNumberOfMessages: 10,
			MessageAttributeNames: []string{"All"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Messages) == 0 {
			break
		}
		for _, m := range out.Messages {
			var body struct{ Kind, User, Week string }
			if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &body); err != nil {
				t.Fatalf("body %q: %v", aws.ToString(m.Body), err)
			}
			kind, week := attr(m, wiring.AttrKind), attr(m, wiring.AttrWeek)
			if body.Kind != "review" || body.Week != "2026-W48" || kind != "review" || week != "2026-W48" {
				t.Errorf("message %s: body %+v, attributes kind %q week %q; want a review of 2026-W48 in both", aws.ToString(m.MessageId), body, kind, week)
			}
			got = append(got, body.User)
			if _, err := client.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: q.QueueUrl, ReceiptHandle: m.ReceiptHandle}); err != nil {
				t.Fatal(err)
			}
		}
	}
	sort.Strings(got)
	if !slices.Equal(got, want) {
		t.Errorf("received users %v, want %v, each once", got, want)
	}
}

func attr(m sqstypes.Message, name string) string {
	v, ok := m.MessageAttributes[name]
	if !ok || aws.ToString(v.DataType) != "String" {
		return ""
	}
	return aws.ToString(v.StringValue)
}
