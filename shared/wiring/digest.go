package wiring

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/lucian-app/phase12/shared/alertsns"
	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/digest"
	"github.com/lucian-app/phase12/shared/eventstore"
	"github.com/lucian-app/phase12/shared/flake"
	"github.com/lucian-app/phase12/shared/hintstats"
	"github.com/lucian-app/phase12/shared/kpi"
	"github.com/lucian-app/phase12/shared/metrics"
	"github.com/lucian-app/phase12/shared/nextaction"
	"github.com/lucian-app/phase12/shared/opsstore"
	"github.com/lucian-app/phase12/shared/review"
	"github.com/lucian-app/phase12/shared/reviewstore"
	"github.com/lucian-app/phase12/shared/webhook"
)

// Environment variables of WeeklyDigestFunction, set by template.yaml.
const (
	// EnvDigestTopicARN is the topic the plain-text digest goes to.
	EnvDigestTopicARN = "DIGEST_TOPIC_ARN"
	// EnvDigestWebhookSecretARN, when set, is the ARN of the Secrets Manager secret whose
	// value (SecretString, the URL alone) is a Slack-compatible incoming webhook that gets the
	// digest as Block Kit. The URL is a bearer credential: it is read once, at INIT, through
	// a grant on that one ARN, never put in the environment, never logged, and a bad one is
	// reported without being quoted.
	EnvDigestWebhookSecretARN = "DIGEST_WEBHOOK_SECRET_ARN"
	// envDigestWebhookURL is where the URL used to be, in plain text; INIT refuses it.
	envDigestWebhookURL = "DIGEST_WEBHOOK_URL"
	// EnvOpsPageURL is the ops page the digest links to.
	EnvOpsPageURL = "OPS_PAGE_URL"
)

// digestWebhookTimeout bounds one webhook attempt; three attempts and their backoff stay
// well inside the function's 60-second timeout.
const digestWebhookTimeout = 10 * time.Second

// secretReadTimeout bounds reading the webhook secret, inside Lambda's 10-second INIT.
const secretReadTimeout = 5 * time.Second

// SecretsAPI is the one Secrets Manager call a function makes (satisfied by the SDK client).
type SecretsAPI interface {
	GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, opts ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

var _ SecretsAPI = (*secretsmanager.Client)(nil)

// digestWebhookURL reads the webhook's URL from the secret EnvDigestWebhookSecretARN names;
// "" when none is configured. Errors name the secret's ARN, never its value.
func digestWebhookURL(d Deps) (string, error) {
	if d.Getenv(envDigestWebhookURL) != "" {
		return "", fmt.Errorf("configuration: %s is set: the webhook URL is a secret; put it in Secrets Manager and set %s to the secret's ARN",
			envDigestWebhookURL, EnvDigestWebhookSecretARN)
	}
	arn := strings.TrimSpace(d.Getenv(EnvDigestWebhookSecretARN))
	if arn == "" {
		return "", nil
	}
	if d.Secrets == nil {
		return "", fmt.Errorf("configuration: %s is set but the function has no Secrets Manager client", EnvDigestWebhookSecretARN)
	}
	ctx, cancel := context.WithTimeout(context.Background(), secretReadTimeout)
	defer cancel()
	out, err := d.Secrets.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(arn)})
	if err != nil {
		return "", fmt.Errorf("configuration: %s: read the secret %s: %w", EnvDigestWebhookSecretARN, arn, err)
	}
	u := strings.TrimSpace(aws.ToString(out.SecretString))
	if err := webhook.Validate(u); err != nil || !strings.HasPrefix(u, "https://") {
		return "", fmt.Errorf("configuration: %s: the secret %s is not an absolute https URL", EnvDigestWebhookSecretARN, arn)
	}
	return u, nil
}

// WeeklyDigest builds WeeklyDigestFunction, a scheduled function: the digest of the ISO
// week before the event's time, sent once per week (package digest), with Lucian's
// guardrails when HINT_TABLE is set and the weekly review's KPIs when REVIEW_TABLE is.
func WeeklyDigest(d Deps) (any, error) {
	store, cat, err := opsStore(d)
	if err != nil {
		return nil, err
	}
	topicARN, err := required(d, EnvDigestTopicARN)
	if err != nil {
		return nil, err
	}
	b := &digest.Builder{Catalog: cat, Metrics: store, Incidents: store, Now: d.Now}
	if b.KPI, err = kpiSource(d, store); err != nil {
		return nil, err
	}
	if t := strings.TrimSpace(d.Getenv(EnvHintTable)); t != "" {
		// Lucian's guardrails: HintTable's STATS# partitions, read only.
		b.Lucian = hintstats.New(d.DynamoDB, t)
	}
	// The next action's start rate: the product events' week counters in OpsTable.
	b.NextAction = nextActionWeek{&eventstore.Store{DB: d.DynamoDB, CountTable: store.Table}}
	if t := strings.TrimSpace(d.Getenv(EnvReviewTable)); t != "" {
		// The weekly review's KPIs: ReviewTable's STATS# counters of two weeks, read only.
		b.Review = ReviewDigestSource(reviewstore.New(d.DynamoDB, t))
	}
	s := &digest.Sender{
		Builder:   b,
		Store:     store,
		Publisher: &alertsns.Publisher{SNS: d.SNS, TopicARN: topicARN},
		Links:     digest.Links{OpsPageURL: d.Getenv(EnvOpsPageURL)},
		Lease:     digest.DefaultLease,
		Now:       d.Now, NewID: d.NewID, Log: d.Log,
	}
	u, err := digestWebhookURL(d)
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

// kpiSource is the digest's KPI section: product-event counters, flake counters, the
// review's actions and earlier digests, all in OpsTable. A broken kpi.yaml or blockers.yaml
// fails INIT.
func kpiSource(d Deps, store *opsstore.Store) (*kpi.Source, error) {
	cat, err := kpi.Default()
	if err != nil {
		return nil, err
	}
	blockers, err := flake.DefaultBlockers()
	if err != nil {
		return nil, err
	}
	return &kpi.Source{Catalog: cat, Events: eventstore.New(d.DynamoDB, "", store.Table), Flakes: store,
		FlakeTarget: blockers.Target, Actions: store, Past: pastKPI(store), Now: d.Now}, nil
}

// pastKPI reads the KPI section of a week's stored digest; nil when there is none.
func pastKPI(store *opsstore.Store) func(ctx context.Context, week string) (*kpi.Report, error) {
	return func(ctx context.Context, week string) (*kpi.Report, error) {
		rec, err := store.Digest(ctx, week)
		if apperr.Is(err, apperr.NotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return rec.KPI, nil
	}
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
