//go:build contract

package contract

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/lucian-app/phase12/shared/alert"
	"github.com/lucian-app/phase12/shared/alertsns"
	"github.com/lucian-app/phase12/shared/burnrate"
	"github.com/lucian-app/phase12/shared/flowmetrics"
	"github.com/lucian-app/phase12/shared/httpapi/httpapitest"
	"github.com/lucian-app/phase12/shared/ids"
	"github.com/lucian-app/phase12/shared/opsstore"
	"github.com/lucian-app/phase12/shared/opsstore/opsstoretest"
	"github.com/lucian-app/phase12/shared/slo"
	"github.com/lucian-app/phase12/tests/harness"
)

func TestOpsStoreOnDynamoDBLocal(t *testing.T) {
	db, table := newDynamo(t)
	opsstoretest.Run(t, db, table)
}

// alertQueue is a topic with a queue subscribed to it (raw delivery off, as an
// operator would subscribe a paging integration), and a function draining the queue.
func alertQueue(t *testing.T) (string, func() []harness.SNSEnvelope, *sns.Client) {
	t.Helper()
	ctx := context.Background()
	name := sanitize(fmt.Sprintf("alerts-%d-%s", time.Now().UnixNano(), t.Name()))
	if len(name) > 80 {
		name = name[:80]
	}
	sub, err := backends.Moto.Subscribe(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	receive := func() []harness.SNSEnvelope {
		t.Helper()
		got, err := sub.Drain(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	return sub.TopicARN, receive, sub.SNS
}

// TestPageArrivesOnSubscribedQueue runs the burn-rate check against DynamoDB Local and moto's
// SNS, and reads the page from an SQS queue subscribed to the topic.
func TestPageArrivesOnSubscribedQueue(t *testing.T) {
	ctx := context.Background()
	db, table := newDynamo(t)
	topicARN, receive, snsc := alertQueue(t)
	cat, err := slo.Default()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	store := opsstore.New(db, table)
	store.Shards = opsstore.DefaultShards // as deployed: the template's FlowBucketShards
	c := &alert.Checker{
		Catalog: cat, Rules: burnrate.Rules(), NoData: alert.DefaultNoDataRule(),
		Metrics: store, Store: store, Publisher: &alertsns.Publisher{SNS: snsc, TopicARN: topicARN},
		Links:        alert.Links{AckBaseURL: "https://api.example.com"},
		ResolveAfter: alert.DefaultResolveAfter, Now: clock, NewID: ids.Sequence("A"),
		Log: slog.New(slog.DiscardHandler),
	}
	// create_task is a server flow: TasksFunction's Observer records each request, here
	// around a handler that fails one request in five, for 50 users whose events spread
	// over the 32 shards of each bucket.
	served := 0
	tasks := (&flowmetrics.Observer{Catalog: cat, Writer: store, Now: clock, Log: slog.New(slog.DiscardHandler),
		Routes: map[string]string{"POST /tasks": "create_task"}}).Wrap(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		served++
		if served%5 == 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusCreated)
	}))

	// create_task fails one request in five for ten minutes: a page (and a ticket).
	for range 10 {
		for i := range 100 {
			tasks.ServeHTTP(httptest.NewRecorder(), httpapitest.NewRequest(http.MethodPost, "/tasks", nil, httpapitest.Claims(fmt.Sprintf("user-%d", i%50))))
		}
		if _, err := c.Run(ctx); err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Minute)
	}

	// The shards written hold every request, read back as one bucket.
	pts, err := store.Buckets(ctx, "create_task", flowmetrics.Day, now, now)
	if err != nil || len(pts) != 1 || pts[0].Total != 1000 || pts[0].Good["availability"] != 800 {
		t.Fatalf("create_task's day bucket = %+v, %v; want 1,000 requests, 800 available", pts, err)
	}

	got := receive()
	var pages []harness.SNSEnvelope
	for _, env := range got {
		if env.MessageAttributes["severity"].Value == "page" {
			pages = append(pages, env)
		}
	}
	if len(pages) != 1 {
		t.Fatalf("pages on the queue = %d (of %d messages), want exactly 1: %+v", len(pages), len(got), got)
	}
	p := pages[0]
	if p.Type != "Notification" || p.TopicArn != topicARN {
		t.Errorf("envelope Type %q TopicArn %q", p.Type, p.TopicArn)
	}
	want := map[string]string{
		"severity": "page", "flow": "create_task", "objective": "availability", "action": "trigger",
		"dedup_key": "phase12/create_task/availability/page", "alert_id": "A0001",
	}
	for k, v := range want {
		if a := p.MessageAttributes[k]; a.Value != v || a.Type != "String" {
			t.Errorf("MessageAttributes[%s] = %+v, want String %q", k, a, v)
		}
	}
	if !strings.HasPrefix(p.Subject, "[PAGE] create_task availability") {
		t.Errorf("Subject = %q", p.Subject)
	}
	for _, s := range []string{"docs/runbooks/create_task-availability.md", "https://api.example.com/ops/alerts/A0001/ack", "bad of"} {
		if !strings.Contains(p.Message, s) {
			t.Errorf("page body lacks %q:\n%s", s, p.Message)
		}
	}
}
