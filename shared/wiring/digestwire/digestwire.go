// Package digestwire builds WeeklyDigestFunction: the only binary that links the webhook
// client and, for the webhook's secret, the Secrets Manager client.
package digestwire

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/lucian-app/phase12/shared/alertsns"
	"github.com/lucian-app/phase12/shared/digest"
	"github.com/lucian-app/phase12/shared/eventstore"
	"github.com/lucian-app/phase12/shared/hintstats"
	"github.com/lucian-app/phase12/shared/metrics"
	"github.com/lucian-app/phase12/shared/nextaction"
	"github.com/lucian-app/phase12/shared/review"
	"github.com/lucian-app/phase12/shared/reviewstore"
	"github.com/lucian-app/phase12/shared/webhook"
	"github.com/lucian-app/phase12/shared/wiring"
	"github.com/lucian-app/phase12/shared/wiring/secret"
)

// Clients are the clients this builder uses beyond wiring.Deps; a nil one is made from the
// SDK configuration (deployed) or absent (the local runner). Tests give fakes here.
type Clients struct {
	// Secrets reads the webhook's secret (DIGEST_WEBHOOK_SECRET_ARN).
	Secrets secret.API
}

// WeeklyDigest builds WeeklyDigestFunction.
func WeeklyDigest(d wiring.Deps) (any, error) { return Clients{}.WeeklyDigest(d) }

// digestWebhookTimeout bounds one webhook attempt; three attempts and their backoff stay
// well inside the function's 60-second timeout.
const digestWebhookTimeout = 10 * time.Second

// digestWebhookURL reads the webhook's URL from the secret wiring.EnvDigestWebhookSecretARN names;
// "" when none is configured. Errors name the secret's ARN, never its value.
func (c Clients) digestWebhookURL(d wiring.Deps) (string, error) {
	if d.Getenv(wiring.EnvDigestWebhookURL) != "" {
		return "", fmt.Errorf("configuration: %s is set: the webhook URL is a secret; put it in Secrets Manager and set %s to the secret's ARN",
			wiring.EnvDigestWebhookURL, wiring.EnvDigestWebhookSecretARN)
	}
	arn := strings.TrimSpace(d.Getenv(wiring.EnvDigestWebhookSecretARN))
	if arn == "" {
		return "", nil
	}
	value, err := secret.Read(secret.Client(d, c.Secrets), arn)
	if errors.Is(err, secret.ErrNoClient) {
		return "", fmt.Errorf("configuration: %s is set but %w", wiring.EnvDigestWebhookSecretARN, err)
	}
	if err != nil {
		return "", fmt.Errorf("configuration: %s: read the secret %s: %w", wiring.EnvDigestWebhookSecretARN, arn, err)
	}
	u := strings.TrimSpace(value)
	if err := webhook.Validate(u); err != nil || !strings.HasPrefix(u, "https://") {
		return "", fmt.Errorf("configuration: %s: the secret %s is not an absolute https URL", wiring.EnvDigestWebhookSecretARN, arn)
	}
	return u, nil
}

// WeeklyDigest builds WeeklyDigestFunction with c, a scheduled function: the digest of the ISO
// week before the event's time, sent once per week (package digest), with Lucian's
// guardrails when HINT_TABLE is set and the weekly review's KPIs when REVIEW_TABLE is.
func (c Clients) WeeklyDigest(d wiring.Deps) (any, error) {
	store, cat, err := wiring.OpsStore(d)
	if err != nil {
		return nil, err
	}
	topicARN, err := wiring.Required(d, wiring.EnvDigestTopicARN)
	if err != nil {
		return nil, err
	}
	b := &digest.Builder{Catalog: cat, Metrics: store, Incidents: store, Now: d.Now}
	if b.KPI, err = wiring.KPISource(d, store); err != nil {
		return nil, err
	}
	if t := strings.TrimSpace(d.Getenv(wiring.EnvHintTable)); t != "" {
		// Lucian's guardrails: HintTable's STATS# partitions, read only.
		b.Lucian = hintstats.New(d.DynamoDB, t)
	}
	// The next action's start rate: the product events' week counters in OpsTable.
	b.NextAction = nextActionWeek{&eventstore.Store{DB: d.DynamoDB, CountTable: store.Table}}
	if t := strings.TrimSpace(d.Getenv(wiring.EnvReviewTable)); t != "" {
		// The weekly review's KPIs: ReviewTable's STATS# counters of two weeks, read only.
		b.Review = ReviewDigestSource(reviewstore.New(d.DynamoDB, t))
	}
	s := &digest.Sender{
		Builder:   b,
		Store:     store,
		Publisher: &alertsns.Publisher{SNS: d.SNS, TopicARN: topicARN},
		Links:     digest.Links{OpsPageURL: d.Getenv(wiring.EnvOpsPageURL)},
		Lease:     digest.DefaultLease,
		Now:       d.Now, NewID: d.NewID, Log: d.Log,
	}
	u, err := c.digestWebhookURL(d)
	if err != nil {
		return nil, err
	}
	if u != "" {
		client := d.HTTP
		if client != nil && client.Timeout < digestWebhookTimeout {
			c := *client
			c.Timeout = digestWebhookTimeout
			client = &c
		}
		s.Webhook = &webhook.Client{HTTP: client, URL: u}
	}
	em := wiring.Emitter(d)
	return func(ctx context.Context, e events.EventBridgeEvent) error {
		start := d.Now()
		rep, err := s.Run(ctx, e.Time)
		em.Emit(ctx, nil, append(wiring.RunValues(start, d.Now(), err),
			metrics.Counter(wiring.MetricDigestsSent, wiring.B2I(rep.SNS == digest.Sent)),
			metrics.Counter(wiring.MetricDigestWebhooksSent, wiring.B2I(rep.Webhook == digest.Sent)))...)
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

// nextActionWeek reads the next action's counters by arm from the product events' week
// counters (nextaction.Derive names them).
type nextActionWeek struct{ events *eventstore.Store }

func (n nextActionWeek) NextActionWeek(ctx context.Context, week string) (digest.NextActionCounts, error) {
	c, err := n.events.WeekCounts(ctx, week)
	if err != nil {
		return digest.NextActionCounts{}, err
	}
	at := func(counter, arm string) int64 { return c[counter+"@"+arm].Events }
	return digest.NextActionCounts{
		Shown: at(nextaction.CounterShown, nextaction.ArmTreatment), Started: at(nextaction.CounterStarted, nextaction.ArmTreatment),
		HoldoutShown: at(nextaction.CounterShown, nextaction.ArmHoldout), HoldoutRun: at(nextaction.CounterStarted, nextaction.ArmHoldout),
	}, nil
}

// ReviewDigestSource is the digest's weekly review section over ReviewTable: a week's
// counters by arm (reviewstore.Store.Stats, one Query of at most
// digest.ReviewItemsPerWeek items) under the digest's names.
func ReviewDigestSource(s *reviewstore.Store) digest.ReviewSource { return reviewWeek{s} }

type reviewWeek struct{ store *reviewstore.Store }

func (r reviewWeek) ReviewWeek(ctx context.Context, week string) (digest.ReviewCounts, error) {
	stats, err := r.store.Stats(ctx, week)
	if err != nil {
		return digest.ReviewCounts{}, err
	}
	arm := func(c reviewstore.Counts) digest.ReviewArmCounts {
		return digest.ReviewArmCounts{Generated: c["generated"], Opened: c["opened"], Shown: c["shown"], Adopted: c[review.StateAdopted],
			ShownRephrased: c[reviewstore.CounterShownRephrased], AdoptedRephrased: c[reviewstore.CounterAdoptedRephrased],
			NextReviews: c["next_reviews"], NextPlanned: c["next_planned"], NextOnPlan: c["next_on_plan"],
			RephraseCalls: c["rephrase_calls"], RephraseKept: c["rephrase_kept"], RephraseRefused: c["rephrase_refused"],
			RephraseInputTokens: c["rephrase_input_tokens"], RephraseOutputTokens: c["rephrase_output_tokens"],
			RephraseMicroUSD: c["rephrase_micro_usd"]}
	}
	return digest.ReviewCounts{Treatment: arm(stats[reviewstore.ArmTreatment]), Holdout: arm(stats[reviewstore.ArmHoldout])}, nil
}
