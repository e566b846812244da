package degrade

import (
	"context"
	"net/http"
	"time"
)

// Budget is a route's deadline: its SLO latency threshold less a margin, so a request
// that cannot finish in time answers (503, or a degraded answer) while the SLO still
// counts it as fast, and long before Lambda's or API Gateway's timeout.
type Budget struct {
	// SLO is the route's latency threshold in slo.yaml.
	SLO time.Duration
	// Margin is kept back for what follows the last dependency call: writing the answer,
	// a degraded answer from memory, the adapter.
	Margin time.Duration
}

// Limit is the time the route's work may take.
func (b Budget) Limit() time.Duration { return b.SLO - b.Margin }

// DefaultBudgets are the budgets of the four routes with a latency SLO (issue 13): the
// threshold less 20%.
func DefaultBudgets() map[string]Budget {
	return map[string]Budget{
		"GET /tasks/today":      {SLO: 1500 * time.Millisecond, Margin: 300 * time.Millisecond},
		"POST /tasks":           {SLO: 600 * time.Millisecond, Margin: 120 * time.Millisecond},
		"POST /intents/execute": {SLO: 1000 * time.Millisecond, Margin: 200 * time.Millisecond},
		"POST /undo":            {SLO: 500 * time.Millisecond, Margin: 100 * time.Millisecond},
	}
}

// DefaultOtherRoutes is the budget of a route without an SLO of its own (PATCH /tasks/{id},
// the goals, the preview, the audit log): well under the functions' 10 s timeout.
const DefaultOtherRoutes = 3 * time.Second

// Deadlines gives every request a deadline: its route's budget, or Other for routes not in
// Routes. A deadline already nearer (Lambda's) stays.
type Deadlines struct {
	Routes map[string]Budget
	Other  time.Duration
}

// For is the budget of the route key "METHOD /path".
func (d Deadlines) For(route string) time.Duration {
	if b, ok := d.Routes[route]; ok {
		return b.Limit()
	}
	if d.Other > 0 {
		return d.Other
	}
	return DefaultOtherRoutes
}

// Wrap puts the route's deadline on each request's context: every dependency call made
// with it gets what is left.
func (d Deadlines) Wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d.For(r.Method+" "+r.URL.Path))
		defer cancel()
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}
