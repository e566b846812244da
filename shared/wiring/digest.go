package wiring

import (
	"context"

	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/eventstore"
	"github.com/lucian-app/phase12/shared/flake"
	"github.com/lucian-app/phase12/shared/kpi"
	"github.com/lucian-app/phase12/shared/opsstore"
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
	// EnvDigestWebhookURL is where the URL used to be, in plain text; INIT refuses it.
	EnvDigestWebhookURL = "DIGEST_WEBHOOK_URL"
	// EnvOpsPageURL is the ops page the digest links to.
	EnvOpsPageURL = "OPS_PAGE_URL"
)

// KPISource is the digest's KPI section: product-event counters, flake counters, the
// review's actions and earlier digests, all in OpsTable. A broken kpi.yaml or blockers.yaml
// fails INIT.
func KPISource(d Deps, store *opsstore.Store) (*kpi.Source, error) {
	cat, err := kpi.Default()
	if err != nil {
		return nil, err
	}
	blockers, err := flake.DefaultBlockers()
	if err != nil {
		return nil, err
	}
	return &kpi.Source{Catalog: cat, Events: eventstore.New(d.DynamoDB, "", store.Table), Flakes: store,
		FlakeTarget: blockers.Target, Actions: store, Past: PastKPI(store), Now: d.Now}, nil
}

// PastKPI reads the KPI section of a week's stored digest; nil when there is none.
func PastKPI(store *opsstore.Store) func(ctx context.Context, week string) (*kpi.Report, error) {
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
