package flowmetrics

import (
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/lucian-app/phase12/shared/degrade"
	"github.com/lucian-app/phase12/shared/httpapi"
	"github.com/lucian-app/phase12/shared/slo"
)

// Observer is how the server measures its own flows (today_load and
// create_task in TasksFunction, execute_intent, undo): one event per request
// to a route it watches, its latency by the injected clock from the request
// reaching the handler to the handler's return, and its outcome (a 5xx is an
// error; a 4xx is the client's, and counts ok), attributed to the caller
// (Delta.Caller). These server flows are the
// only ones that page, so their events come from here alone: ingest refuses
// their names (Validate), and what the app sees is reported under client
// flows of its own.
type Observer struct {
	Catalog slo.Catalog
	Writer  Writer
	Now     func() time.Time
	Log     *slog.Logger
	// Routes maps "METHOD /path" to the flow it measures.
	Routes map[string]string
	// Reports, when set, takes each report off the request path (deployed functions);
	// nil writes it before the request returns (tests that read the counts at once).
	Reports *Reporter
}

// Wrap reports the watched routes of h. A failed report is logged and never
// changes the answer: the request already happened.
func (o *Observer) Wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		flow, ok := o.Routes[r.Method+" "+r.URL.Path]
		if !ok {
			h.ServeHTTP(w, r)
			return
		}
		start := o.Now()
		rec := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		ctx, mark := degrade.WithMark(r.Context())
		h.ServeHTTP(rec, r.WithContext(ctx))
		// Degraded: the handler answered from a last good answer, or failed fast because a
		// dependency was out of budget or behind an open breaker (httpapi.WriteError marks
		// those); a dependency that simply fails is the availability objective's.
		e := Event{Flow: flow, LatencyMs: float64(o.Now().Sub(start).Microseconds()) / 1000,
			OK: rec.status < 500, At: start.UTC(), Degraded: mark.Degraded()}
		deltas := attribute(Aggregate(o.Catalog, []Event{e}), callerOf(r))
		if o.Reports != nil {
			o.Reports.Report(deltas)
			return
		}
		if err := o.Writer.Add(r.Context(), deltas); err != nil {
			o.Log.Warn("flow metrics: could not record the server flow", "flow", flow, "err", err)
		}
	})
}

// callerOf is whose request r is, to keep each caller's events together in the stored
// buckets (Delta.Caller): the JWT sub. The deployed routes all have the authorizer, so a
// request without one (a 401 of the local runner) is rare; it gets a random caller of its
// own, so that even a flood of them spreads rather than piling onto one item.
func callerOf(r *http.Request) string {
	if id, ok := httpapi.IdentityOf(r); ok {
		return id.UserID
	}
	return "anonymous-" + strconv.FormatUint(rand.Uint64(), 36)
}

type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (s *statusWriter) WriteHeader(code int) {
	if !s.wrote {
		s.status, s.wrote = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	s.wrote = true
	return s.ResponseWriter.Write(b)
}
