package flowmetrics

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/lucian-app/phase12/shared/slo"
)

// Limits of one ingest request and of one event (DESIGN §3 and §5).
const (
	// MaxEvents is the largest batch POST /metrics/flows accepts.
	MaxEvents = 500
	// MaxAge is how old an event may be: a client that was offline reports late, but a
	// burn-rate window should not keep changing for days.
	MaxAge = 24 * time.Hour
	// MaxAhead tolerates client clocks running fast.
	MaxAhead = 5 * time.Minute
	// MaxLatency is the largest plausible latency. Nothing the app waits for takes 15
	// minutes (the Lambda limit); a larger value is a unit mistake or a broken clock and
	// would only distort the sketch.
	MaxLatency = 15 * time.Minute
)

// Outcomes an event may report.
const (
	OutcomeOK    = "ok"
	OutcomeError = "error"
)

// Event is one validated flow event.
type Event struct {
	Flow      string
	LatencyMs float64
	OK        bool
	At        time.Time
	// Degraded: the server answered from a last good answer or failed fast (a server
	// flow's degraded objective); never set from a client's report.
	Degraded bool
}

// Latency is the event's latency as a duration, for slo.Objective.Good.
func (e Event) Latency() time.Duration {
	return time.Duration(e.LatencyMs * float64(time.Millisecond))
}

// Rejection says why the event at Index (0-based, in request order) was not counted.
type Rejection struct {
	Index  int    `json:"index"`
	Reason string `json:"reason"`
}

// Validate checks every raw event a caller reported on its own against the catalogue and
// the clock. Only client flows may be reported: an event of a server flow is rejected with
// the client flow to use instead. Each rejection names every problem of its event, field by
// field, so a client can fix its reporter in one go.
func Validate(cat slo.Catalog, now time.Time, raw []json.RawMessage) ([]Event, []Rejection) {
	accepted := make([]Event, 0, len(raw))
	rejected := []Rejection{}
	for i, r := range raw {
		e, problems := validate(cat, now, r)
		if len(problems) > 0 {
			rejected = append(rejected, Rejection{Index: i, Reason: strings.Join(problems, "; ")})
			continue
		}
		accepted = append(accepted, e)
	}
	return accepted, rejected
}

func validate(cat slo.Catalog, now time.Time, raw json.RawMessage) (Event, []string) {
	var fields map[string]json.RawMessage
	if t := bytes.TrimSpace(raw); len(t) == 0 || t[0] != '{' || json.Unmarshal(t, &fields) != nil {
		return Event{}, []string{"event: must be a JSON object"}
	}
	var (
		e        Event
		problems []string
	)
	problem := func(field, format string, args ...any) {
		problems = append(problems, field+": "+fmt.Sprintf(format, args...))
	}

	if flow, ok := stringField(fields, "flow", problem); ok {
		switch f, known := cat.Flow(flow); {
		case !known:
			problem("flow", "unknown flow %q (reportable: %s)", flow, reportable(cat))
		case f.Source != slo.Client:
			// Only the server's own measurement counts for a server flow: a caller could
			// otherwise page on-call, or drown a real burn in "ok" events.
			if c, ok := cat.ClientFlowOf(flow); ok {
				problem("flow", "%s is measured by the server; report what the app saw as %s", flow, c.Name)
			} else {
				problem("flow", "%s is measured by the server and cannot be reported", flow)
			}
		}
		e.Flow = flow
	}

	if v, present := fields["latency_ms"]; !present || isNull(v) {
		problem("latency_ms", "required")
	} else if err := json.Unmarshal(v, &e.LatencyMs); err != nil {
		problem("latency_ms", "must be a number of milliseconds")
	} else if e.LatencyMs < 0 {
		problem("latency_ms", "must not be negative")
	} else if e.LatencyMs > float64(MaxLatency/time.Millisecond) {
		problem("latency_ms", "%v is over %d (%v): not a plausible latency", e.LatencyMs, MaxLatency/time.Millisecond, MaxLatency)
	}

	if outcome, ok := stringField(fields, "outcome", problem); ok {
		switch outcome {
		case OutcomeOK:
			e.OK = true
		case OutcomeError:
		default:
			problem("outcome", "must be %q or %q, not %q", OutcomeOK, OutcomeError, outcome)
		}
	}

	if at, ok := stringField(fields, "at", problem); ok {
		t, err := time.Parse(time.RFC3339Nano, at)
		switch {
		case err != nil:
			problem("at", "must be an RFC 3339 time with offset, e.g. 2026-11-28T09:00:00Z")
		case t.Before(now.Add(-MaxAge)):
			problem("at", "more than %v in the past", MaxAge)
		case t.After(now.Add(MaxAhead)):
			problem("at", "more than %v in the future", MaxAhead)
		default:
			e.At = t.UTC()
		}
	}
	return e, problems
}

func stringField(fields map[string]json.RawMessage, name string, problem func(string, string, ...any)) (string, bool) {
	v, present := fields[name]
	if !present || isNull(v) {
		problem(name, "required")
		return "", false
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		problem(name, "must be a string")
		return "", false
	}
	if s == "" {
		problem(name, "required")
		return "", false
	}
	return s, true
}

func isNull(v json.RawMessage) bool { return string(bytes.TrimSpace(v)) == "null" }

// reportable lists the flows a caller may report: the client flows.
func reportable(cat slo.Catalog) string {
	var names []string
	for _, f := range cat.Flows {
		if f.Source == slo.Client {
			names = append(names, f.Name)
		}
	}
	return strings.Join(names, ", ")
}
