package wiring

import (
	"bytes"
	"context"
	"maps"
	"net/http"
	"sync"
	"time"

	"github.com/awslabs/aws-lambda-go-api-proxy/core"

	"github.com/lucian-app/phase12/shared/alert"
	"github.com/lucian-app/phase12/shared/burnrate"
	"github.com/lucian-app/phase12/shared/metrics"
)

// EnvMetricsNamespace is the CloudWatch namespace of the functions' own metrics (Embedded
// Metric Format lines in their logs; template.yaml sets it for every function, and its
// dashboard reads the same namespace). Unset, no metric lines are written.
const EnvMetricsNamespace = "METRICS_NAMESPACE"

// The functions' metrics, by name, as the dashboard and the README list them.
const (
	MetricRequests              = "Requests"     // every HTTP request, Function and Route
	MetricLatency               = "Latency"      // milliseconds from the handler's start to its last byte
	MetricErrors                = "Errors"       // 5xx answers (0 or 1 a request, so Average is the error rate)
	MetricClientErrors          = "ClientErrors" // 4xx answers
	MetricReplays               = "Replays"      // answers replayed for a reused Idempotency-Key (Idempotent-Replayed: true)
	MetricConfirmationsRequired = "ConfirmationsRequired"
	MetricUndos                 = "Undos" // undos that deleted what they created (not the already_undone repeats)
	MetricRuns                  = "Runs"  // scheduled runs, with RunFailures (0 or 1) and RunDuration
	MetricRunFailures           = "RunFailures"
	MetricRunDuration           = "RunDuration"
	MetricPagesSent             = "PagesSent"   // trigger messages of severity page that SNS accepted
	MetricTicketsSent           = "TicketsSent" // trigger messages of severity ticket that SNS accepted
	MetricResolvesSent          = "ResolvesSent"
	MetricDigestsSent           = "DigestsSent"        // weekly digests the DigestTopic accepted in this run
	MetricDigestWebhooksSent    = "DigestWebhooksSent" // weekly digests the webhook accepted in this run
)

// MetricNames are every metric the functions write, for the dashboard.
var MetricNames = []string{MetricRequests, MetricLatency, MetricErrors, MetricClientErrors, MetricReplays,
	MetricConfirmationsRequired, MetricUndos, MetricRuns, MetricRunFailures, MetricRunDuration, MetricPagesSent,
	MetricTicketsSent, MetricResolvesSent, MetricDigestsSent, MetricDigestWebhooksSent}

// serverFlows maps each route whose flow the server measures itself (the SLO catalogue's
// server flows, flowmetrics.Observer) to that flow.
var serverFlows = map[string]string{
	"GET /tasks/today":      "today_load",
	"POST /tasks":           "create_task",
	"POST /intents/execute": "execute_intent",
	"POST /undo":            "undo",
}

// ServerFlows returns the routes the server measures as SLO flows, route -> flow; the
// dashboard shows each route's latency and errors against its flow's objectives.
func ServerFlows() map[string]string { return maps.Clone(serverFlows) }

// serverFlowsOf is the part of serverFlows a function serves.
func serverFlowsOf(routes ...string) map[string]string {
	out := make(map[string]string, len(routes))
	for _, r := range routes {
		f, ok := serverFlows[r]
		if !ok {
			panic("wiring: " + r + " is not a server flow's route")
		}
		out[r] = f
	}
	return out
}

// Dimension names.
const (
	DimensionFunction = "Function" // the function's logical ID in template.yaml
	DimensionRoute    = "Route"    // API Gateway's route key, e.g. "POST /intents/execute"
)

// Emitter is the function's metrics writer, nil when no namespace is configured.
func Emitter(d Deps) *metrics.Emitter {
	ns := d.Getenv(EnvMetricsNamespace)
	if ns == "" || d.Log == nil {
		return nil
	}
	return &metrics.Emitter{Log: d.Log, Namespace: ns, Now: d.Now,
		Dimensions: []metrics.Dimension{{Name: DimensionFunction, Value: d.Function}}}
}

// undoneBody is how an undo that did delete answers (package undo); a repeat says true.
var undoneBody = []byte(`"already_undone":false`)

// measured writes one metrics line per request of h: requests, latency and errors by route,
// and the command OS's outcomes read off the answer (the replay header, 428, an undo's body),
// so no domain package needs to know about CloudWatch.
func measured(d Deps, h http.Handler) http.Handler {
	e := Emitter(d)
	if e == nil {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := d.Now()
		rec := &answerRecorder{ResponseWriter: w}
		defer func() {
			route, rid := "", ""
			if rc, ok := core.GetAPIGatewayV2ContextFromContext(r.Context()); ok {
				route, rid = rc.RouteKey, rc.RequestID
			}
			status := rec.status
			if status == 0 {
				status = http.StatusOK
			}
			values := []metrics.Value{
				metrics.Counter(MetricRequests, 1),
				metrics.Duration(MetricLatency, d.Now().Sub(start)),
				metrics.Counter(MetricErrors, B2I(status >= 500)),
				metrics.Counter(MetricClientErrors, B2I(status >= 400 && status < 500)),
			}
			if rec.Header().Get("Idempotent-Replayed") == "true" {
				values = append(values, metrics.Counter(MetricReplays, 1))
			}
			if status == http.StatusPreconditionRequired {
				values = append(values, metrics.Counter(MetricConfirmationsRequired, 1))
			}
			if route == "POST /undo" && status == http.StatusOK && bytes.Contains(rec.head, undoneBody) {
				values = append(values, metrics.Counter(MetricUndos, 1))
			}
			le := *e
			le.Log = e.Log.With("request_id", rid)
			le.Emit(r.Context(), []metrics.Dimension{{Name: DimensionRoute, Value: route}}, values...)
		}()
		h.ServeHTTP(rec, r)
	})
}

// B2I is 1 for true, 0 for false: a counter of one event.
func B2I(b bool) int {
	if b {
		return 1
	}
	return 0
}

// answerHead is how much of an answer's body measured keeps to read an outcome from.
const answerHead = 512

type answerRecorder struct {
	http.ResponseWriter
	status int
	head   []byte
}

func (a *answerRecorder) WriteHeader(code int) {
	if a.status == 0 {
		a.status = code
	}
	a.ResponseWriter.WriteHeader(code)
}

func (a *answerRecorder) Write(b []byte) (int, error) {
	if a.status == 0 {
		a.status = http.StatusOK
	}
	if n := answerHead - len(a.head); n > 0 {
		a.head = append(a.head, b[:min(n, len(b))]...)
	}
	return a.ResponseWriter.Write(b)
}

// countingPublisher counts what the on-call channel accepted, by severity and action.
type countingPublisher struct {
	alert.Publisher
	mu                       sync.Mutex
	pages, tickets, resolves int
}

func (p *countingPublisher) Publish(ctx context.Context, m alert.Message) error {
	if err := p.Publisher.Publish(ctx, m); err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case m.Attributes["action"] == alert.ActionResolve:
		p.resolves++
	case m.Attributes["severity"] == string(burnrate.Page):
		p.pages++
	case m.Attributes["severity"] == string(burnrate.Ticket):
		p.tickets++
	}
	return nil
}

// take returns the counts since the last take, and starts again.
func (p *countingPublisher) take() (pages, tickets, resolves int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	pages, tickets, resolves = p.pages, p.tickets, p.resolves
	p.pages, p.tickets, p.resolves = 0, 0, 0
	return
}

// RunValues are the metrics every scheduled run reports.
func RunValues(start, end time.Time, err error) []metrics.Value {
	return []metrics.Value{
		metrics.Counter(MetricRuns, 1),
		metrics.Counter(MetricRunFailures, B2I(err != nil)),
		metrics.Duration(MetricRunDuration, end.Sub(start)),
	}
}
