package wiring

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"github.com/lucian-app/phase12/shared/alert"
	"github.com/lucian-app/phase12/shared/alertsns"
	"github.com/lucian-app/phase12/shared/burnrate"
	"github.com/lucian-app/phase12/shared/eventstore"
	"github.com/lucian-app/phase12/shared/flowmetrics"
	"github.com/lucian-app/phase12/shared/metrics"
	"github.com/lucian-app/phase12/shared/nextaction"
	"github.com/lucian-app/phase12/shared/opsstore"
	"github.com/lucian-app/phase12/shared/productevents"
	"github.com/lucian-app/phase12/shared/slo"
)

// Environment variables of the reliability functions, set by template.yaml.
const (
	// EnvAlertTopicARN is the topic pages and tickets go to.
	EnvAlertTopicARN = "ALERT_TOPIC_ARN"
	// EnvAckBaseURL is the API's base URL, for the ack link in a page.
	EnvAckBaseURL = "ACK_BASE_URL"
	// EnvRunbookBaseURL, when set, turns runbook paths into links.
	EnvRunbookBaseURL = "RUNBOOK_BASE_URL"
	// EnvFlowEventsPerCallerPerMinute is how many flow events one caller may report a
	// minute through POST /metrics/flows (default flowmetrics.DefaultPerCallerPerMinute).
	EnvFlowEventsPerCallerPerMinute = "FLOW_EVENTS_PER_CALLER_PER_MINUTE"
	// EnvFlowReports is how a function reports its server flows: "background" (the
	// template's: behind the request, shed while OpsTable is slow; flowmetrics.Reporter) or
	// "inline" (the default: before the request returns, so a test reads the counts at once).
	EnvFlowReports = "FLOW_REPORTS"
)

// maxPerCallerPerMinute keeps the configured limit a limit: at 100,000 events a minute one
// caller would already outweigh any real traffic.
const maxPerCallerPerMinute = 100_000

// perCallerPerMinute reads EnvFlowEventsPerCallerPerMinute.
func perCallerPerMinute(d Deps) (int, error) {
	v := strings.TrimSpace(d.Getenv(EnvFlowEventsPerCallerPerMinute))
	if v == "" {
		return flowmetrics.DefaultPerCallerPerMinute, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxPerCallerPerMinute {
		return 0, fmt.Errorf("configuration: %s=%q is not a number of events from 1 to %d", EnvFlowEventsPerCallerPerMinute, v, maxPerCallerPerMinute)
	}
	return n, nil
}

// catalog parses the embedded SLO catalogue; a broken one fails INIT with every problem
// named, rather than running without alerts.
func catalog() (slo.Catalog, error) {
	c, err := slo.Default()
	if err != nil {
		return slo.Catalog{}, fmt.Errorf("SLO catalogue: %w", err)
	}
	return c, nil
}

// OpsStore is OpsTable's store with the configured shards, and the SLO catalogue.
func OpsStore(d Deps) (*opsstore.Store, slo.Catalog, error) {
	table, err := Required(d, EnvOpsTable)
	if err != nil {
		return nil, slo.Catalog{}, err
	}
	cat, err := catalog()
	if err != nil {
		return nil, slo.Catalog{}, err
	}
	shards, err := flowBucketShards(d)
	if err != nil {
		return nil, slo.Catalog{}, err
	}
	store := opsstore.New(d.DynamoDB, table)
	store.Shards = shards
	return store, cat, nil
}

// FlowMetrics builds FlowMetricsFunction.
func FlowMetrics(d Deps) (any, error) {
	store, cat, err := OpsStore(d)
	if err != nil {
		return nil, err
	}
	limit, err := perCallerPerMinute(d)
	if err != nil {
		return nil, err
	}
	levers, err := Levers(d)
	if err != nil {
		return nil, err
	}
	svc := &flowmetrics.Service{Catalog: cat, Writer: store, Now: d.Now, Limiter: store, PerCallerPerMinute: limit, Levers: levers}
	events, err := productEvents(d)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("POST /metrics/flows", flowmetrics.Handler(svc, d.Log, d.Now))
	// The next action's shown and started counts by arm ride on the events' own writes.
	derive := func(ctx context.Context, user string, e productevents.Event) ([]string, error) {
		return nextaction.Derive(ctx, events, user, e)
	}
	mux.Handle(productevents.Route, productevents.Handler(&productevents.Service{Store: events, Now: d.Now, Derive: derive}, d.Log, d.Now))
	return HTTPFunction(d, mux), nil
}

// productEvents is the product events' store: the events in AppTable, the week's
// counters in OpsTable.
func productEvents(d Deps) (*eventstore.Store, error) {
	app, err := Required(d, EnvAppTable)
	if err != nil {
		return nil, err
	}
	ops, err := Required(d, EnvOpsTable)
	if err != nil {
		return nil, err
	}
	return eventstore.New(d.DynamoDB, app, ops), nil
}

// BurnRateCheck builds BurnRateCheckFunction, a scheduled function. The windows end at the
// injected clock's now, not at the event's time: a retried or delayed invocation should
// judge the present (see package alert).
func BurnRateCheck(d Deps) (any, error) {
	store, cat, err := OpsStore(d)
	if err != nil {
		return nil, err
	}
	topicARN, err := Required(d, EnvAlertTopicARN)
	if err != nil {
		return nil, err
	}
	sent := &countingPublisher{Publisher: &alertsns.Publisher{SNS: d.SNS, TopicARN: topicARN}}
	em := Emitter(d)
	c := &alert.Checker{
		Catalog: cat, Rules: burnrate.Rules(), NoData: alert.DefaultNoDataRule(),
		Metrics: store, Store: store,
		Publisher:    sent,
		Links:        alert.Links{AckBaseURL: d.Getenv(EnvAckBaseURL), RunbookBaseURL: d.Getenv(EnvRunbookBaseURL)},
		ResolveAfter: alert.DefaultResolveAfter,
		Now:          d.Now, NewID: d.NewID, Log: d.Log,
	}
	return func(ctx context.Context, e events.EventBridgeEvent) error {
		start := d.Now()
		sent.take() // counts of this run only
		rep, err := c.Run(ctx)
		pages, tickets, resolves := sent.take()
		em.Emit(ctx, nil, append(RunValues(start, d.Now(), err), metrics.Counter(MetricPagesSent, pages),
			metrics.Counter(MetricTicketsSent, tickets), metrics.Counter(MetricResolvesSent, resolves))...)
		log := d.Log.With("event_id", e.ID, "scheduled_for", e.Time, "flows", rep.Flows, "triggered", rep.Triggered,
			"resolved", rep.Resolved, "published", rep.Published, "firing", rep.Firing)
		if err != nil {
			// Returned, not swallowed: the invocation fails, lands in the dead-letter
			// queue, and the next run delivers what this one could not.
			log.Error("burn-rate check failed", "err", err)
			return err
		}
		log.Info("burn-rate check")
		return nil
	}, nil
}

// observed measures the server flows of h's routes (routes maps "METHOD /path" to its flow)
// into OpsTable: the one way a server flow's events are counted, since ingest refuses their
// names. Every flow must be a server flow of the catalogue. Without OPS_TABLE (a function
// deployed without the control tower) h is as is.
func observed(d Deps, h http.Handler, routes map[string]string) (http.Handler, error) {
	if d.Getenv(EnvOpsTable) == "" {
		return h, nil
	}
	store, cat, err := OpsStore(d)
	if err != nil {
		return nil, err
	}
	for route, flow := range routes {
		if f, ok := cat.Flow(flow); !ok || f.Source != slo.Server {
			return nil, fmt.Errorf("SLO catalogue: %s measures %q, which is not a flow with source %q", route, flow, slo.Server)
		}
	}
	o := &flowmetrics.Observer{Catalog: cat, Writer: store, Now: d.Now, Log: d.Log, Routes: routes}
	switch v := strings.TrimSpace(d.Getenv(EnvFlowReports)); v {
	case "", "inline":
	case "background":
		// OpsTable behind its own breaker: while it is slow or failing, reports are shed.
		g, err := guard(d, d.DynamoDB, "dynamodb OpsTable")
		if err != nil {
			return nil, err
		}
		guarded := opsstore.New(g, store.Table)
		guarded.Shards = store.Shards
		o.Reports = &flowmetrics.Reporter{Writer: guarded, Log: d.Log}
	default:
		return nil, fmt.Errorf("configuration: %s=%q is not inline or background", EnvFlowReports, v)
	}
	return o.Wrap(h), nil
}
