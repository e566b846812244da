//go:build contract

package contract

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/alertsns"
	"github.com/lucian-app/phase12/shared/clock"
	"github.com/lucian-app/phase12/shared/digest"
	"github.com/lucian-app/phase12/shared/flowmetrics"
	"github.com/lucian-app/phase12/shared/ids"
	"github.com/lucian-app/phase12/shared/opsstore"
	"github.com/lucian-app/phase12/shared/opsstore/opsstoretest"
	"github.com/lucian-app/phase12/shared/slo"
)

func TestDigestStoreOnDynamoDBLocal(t *testing.T) {
	db, table := newDynamo(t)
	opsstoretest.RunDigests(t, db, table)
}

// TestDigestArrivesOnceOnSubscribedQueue: the sender over DynamoDB Local and moto's SNS, run
// twice for the same week (and once more after the lease expired): one message on an SQS
// queue subscribed to the topic, with the subject and attributes subscribers filter on.
func TestDigestArrivesOnceOnSubscribedQueue(t *testing.T) {
	ctx := context.Background()
	db, table := newDynamo(t)
	topicARN, receive, snsc := alertQueue(t)
	cat, err := slo.Default()
	if err != nil {
		t.Fatal(err)
	}
	store := opsstore.New(db, table)
	week := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	if err := store.Add(ctx, []flowmetrics.Delta{{Flow: "today_load", Resolution: flowmetrics.Day, Start: week.AddDate(0, 0, 2),
		Bucket: flowmetrics.Bucket{Total: 1000, Good: map[string]uint64{"latency": 900, "availability": 1000, "degraded": 1000}, Latency: map[string]uint64{"b300": 1000}}}}); err != nil {
		t.Fatal(err)
	}
	c := clock.NewManual(time.Date(2026, 11, 30, 8, 0, 2, 0, time.UTC))
	s := &digest.Sender{
		Builder: &digest.Builder{Catalog: cat, Metrics: store, Incidents: store, Now: c.Now},
		Store:   store, Publisher: &alertsns.Publisher{SNS: snsc, TopicARN: topicARN},
		Links: digest.Links{OpsPageURL: "https://api.example.com/ops"}, Now: c.Now, NewID: ids.Sequence("run"),
		Log: slog.New(slog.DiscardHandler),
	}
	scheduled := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	for range 2 {
		if _, err := s.Run(ctx, scheduled); err != nil {
			t.Fatal(err)
		}
		c.Add(digest.DefaultLease + time.Minute)
	}
	got := receive()
	if len(got) != 1 {
		t.Fatalf("messages on the queue = %d, want 1: %+v", len(got), got)
	}
	m := got[0]
	if m.Subject != "Weekly SLO digest 2026-W48: 2 items need a decision" || m.TopicArn != topicARN {
		t.Errorf("subject %q topic %q\n%s", m.Subject, m.TopicArn, m.Message)
	}
	for k, v := range map[string]string{"kind": "weekly_digest", "week": "2026-W48"} {
		if a := m.MessageAttributes[k]; a.Value != v || a.Type != "String" {
			t.Errorf("MessageAttributes[%s] = %+v, want String %q", k, a, v)
		}
	}
	if !strings.Contains(m.Message, "today_load latency missed its objective: 90% within 1500 ms against a target of 95%") {
		t.Errorf("message:\n%s", m.Message)
	}
	rec, err := store.Digest(ctx, "2026-W48")
	if err != nil || rec.Delivery.SNSSentAt == nil || rec.Delivery.WebhookSentAt != nil {
		t.Errorf("stored delivery = %+v, %v", rec.Delivery, err)
	}
}
