package wiring

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/lucian-app/phase12/shared/alertsns"
	"github.com/lucian-app/phase12/shared/digest"
	"github.com/lucian-app/phase12/shared/metrics"
	"github.com/lucian-app/phase12/shared/webhook"
)

// Environment variables of WeeklyDigestFunction, set by template.yaml.
const (
	// EnvDigestTopicARN is the topic the plain-text digest goes to.
	EnvDigestTopicARN = "DIGEST_TOPIC_ARN"
	// EnvDigestWebhookURL, when set, is a Slack-compatible incoming webhook that gets the
	// digest as Block Kit. It is a secret (the DigestWebhookUrl parameter, NoEcho): it is
	// never logged, and a bad one is reported without being quoted.
	EnvDigestWebhookURL = "DIGEST_WEBHOOK_URL"
	// EnvOpsPageURL is the ops page the digest links to.
	EnvOpsPageURL = "OPS_PAGE_URL"
)

// digestWebhookTimeout bounds one webhook attempt; three attempts and their backoff stay
// well inside the function's 60-second timeout.
const digestWebhookTimeout = 10 * time.Second

// WeeklyDigest builds WeeklyDigestFunction, a scheduled function: the digest of the ISO
// week before the event's time, sent once per week (package digest).
func WeeklyDigest(d Deps) (any, error) {
	store, cat, err := opsStore(d)
	if err != nil {
		return nil, err
	}
	topicARN, err := required(d, EnvDigestTopicARN)
	if err != nil {
		return nil, err
	}
	s := &digest.Sender{
		Builder:   &digest.Builder{Catalog: cat, Metrics: store, Incidents: store, Now: d.Now},
		Store:     store,
		Publisher: &alertsns.Publisher{SNS: d.SNS, TopicARN: topicARN},
		Links:     digest.Links{OpsPageURL: d.Getenv(EnvOpsPageURL)},
		Lease:     digest.DefaultLease,
		Now:       d.Now, NewID: d.NewID, Log: d.Log,
	}
	if u := d.Getenv(EnvDigestWebhookURL); u != "" {
		if err := webhook.Validate(u); err != nil {
			return nil, fmt.Errorf("configuration: %s is set but %v", EnvDigestWebhookURL, err)
		}
		client := d.HTTP
		if client != nil && client.Timeout < digestWebhookTimeout {
			c := *client
			c.Timeout = digestWebhookTimeout
			client = &c
		}
		s.Webhook = &webhook.Client{HTTP: client, URL: u}
	}
	em := emitter(d)
	return func(ctx context.Context, e events.EventBridgeEvent) error {
		start := d.Now()
		rep, err := s.Run(ctx, e.Time)
		em.Emit(ctx, nil, append(runValues(start, d.Now(), err),
			metrics.Counter(MetricDigestsSent, b2i(rep.SNS == digest.Sent)),
			metrics.Counter(MetricDigestWebhooksSent, b2i(rep.Webhook == digest.Sent)))...)
		log := d.Log.With("event_id", e.ID, "scheduled_for", e.Time, "week", rep.Week, "created", rep.Created,
			"sns", rep.SNS, "webhook", rep.Webhook)
		if err != nil {
			// Returned, not swallowed: the invocation fails, Lambda retries it, and what
			// is still missing is sent then; a run that keeps failing lands in the DLQ.
			log.Error("weekly digest failed", "err", err)
			return err
		}
		log.Info("weekly digest")
		return nil
	}, nil
}
