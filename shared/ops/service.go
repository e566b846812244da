package ops

import (
	"context"
	"errors"
	"time"

	"github.com/lucian-app/phase12/shared/alert"
	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/burnrate"
	"github.com/lucian-app/phase12/shared/cursor"
	"github.com/lucian-app/phase12/shared/degrade"
	"github.com/lucian-app/phase12/shared/digest"
	"github.com/lucian-app/phase12/shared/flake"
	"github.com/lucian-app/phase12/shared/flowmetrics"
	"github.com/lucian-app/phase12/shared/slo"
)

// States reads the alert states.
type States interface {
	States(ctx context.Context) ([]alert.State, error)
}

// Incidents reads incidents by id, newest first.
type Incidents interface {
	GetMany(ctx context.Context, ids []string) ([]alert.Alert, error)
}

// Records is the incident history the ops routes read and acknowledge, with its lists a
// page at a time (GET /ops/alerts).
type Records interface {
	alert.Records
	// ListPage returns one page of incidents newest first, only those in state unless it
	// is empty, and the cursor of the next page ("" on the last); a cursor that is not a
	// position in this list is 400 naming cursor.
	ListPage(ctx context.Context, state alert.Status, p cursor.Page) ([]alert.Alert, string, error)
}

// Service answers the ops routes.
type Service struct {
	Catalog slo.Catalog
	Rules   []burnrate.Rule
	NoData  alert.NoDataRule
	Metrics flowmetrics.Reader
	States  States
	Records Records
	// Incidents reads the firing incidents the page lists.
	Incidents Incidents
	// Digests serves the weekly digests (GET /ops/digests/..., the ops page).
	Digests Digests
	// Levers, when set, is the emergency levers' state the page shows.
	Levers interface {
		State(ctx context.Context) degrade.LeverState
	}
	// Flakes, when set, is the flake gate the page's release-blocker row reads
	// (*flake.Gate: one Query of at most flake.TrendWeeks week counters).
	Flakes interface {
		Weekly(ctx context.Context, at time.Time) (flake.Trend, error)
	}
	Now func() time.Time
}

// Snapshot is the SLO snapshot of every flow.
type Snapshot struct {
	GeneratedAt       time.Time      `json:"generated_at"`
	SLOVersion        int            `json:"slo_version"`
	BudgetingWindowMs int64          `json:"budgeting_window_ms"`
	Flows             []FlowSnapshot `json:"flows"`
}

// FlowSnapshot is one flow.
type FlowSnapshot struct {
	Flow        string              `json:"flow"`
	Description string              `json:"description"`
	Latency     LatencySnapshot     `json:"latency_ms"`
	NoData      AlertRef            `json:"no_data"`
	Objectives  []ObjectiveSnapshot `json:"objectives"`
}

// LatencySnapshot holds the latency quantiles of the last hour and of the budgeting window.
type LatencySnapshot struct {
	LastHour     Quantiles `json:"last_hour"`
	BudgetWindow Quantiles `json:"budget_window"`
}

// Quantiles are a window's event count and its latency quantiles.
type Quantiles struct {
	Count uint64 `json:"count"`
	flowmetrics.Quantiles
}

// ObjectiveSnapshot is one objective of a flow.
type ObjectiveSnapshot struct {
	Objective   string  `json:"objective"`
	Kind        string  `json:"kind"`
	Target      float64 `json:"target"`
	ThresholdMs *int64  `json:"threshold_ms"`
	// Attainment is good/total over the budgeting window, null without events.
	Attainment      *float64            `json:"attainment"`
	Good            uint64              `json:"good"`
	Total           uint64              `json:"total"`
	BudgetRemaining float64             `json:"budget_remaining"`
	Windows         []WindowSnapshot    `json:"windows"`
	Rules           []alert.RuleRate    `json:"rules"`
	Alerts          map[string]AlertRef `json:"alerts"`
	Runbook         string              `json:"runbook"`
}

// WindowSnapshot is the current burn rate over one window.
type WindowSnapshot struct {
	WindowMs int64   `json:"window_ms"`
	Good     uint64  `json:"good"`
	Total    uint64  `json:"total"`
	BurnRate float64 `json:"burn_rate"`
}

// AlertRef is the state of one alert key: "ok", or "firing" with its incident.
type AlertRef struct {
	State   string     `json:"state"`
	AlertID string     `json:"alert_id,omitempty"`
	Since   *time.Time `json:"since,omitempty"`
}

// Snapshot reads every flow's windows and alert states.
func (s *Service) Snapshot(ctx context.Context) (Snapshot, error) {
	snap, _, err := s.snapshot(ctx)
	return snap, err
}

// snapshot is Snapshot, also returning the alert states it read.
func (s *Service) snapshot(ctx context.Context) (Snapshot, []alert.State, error) {
	now := s.Now().UTC()
	states, err := s.States.States(ctx)
	if err != nil {
		return Snapshot{}, nil, err
	}
	refs := map[alert.Key]AlertRef{}
	for _, st := range states {
		if st.Alert.State == alert.Firing {
			since := st.Alert.TriggeredAt
			refs[st.Alert.Key()] = AlertRef{State: string(alert.Firing), AlertID: st.Alert.ID, Since: &since}
		}
	}
	ref := func(k alert.Key) AlertRef {
		if r, ok := refs[k]; ok {
			return r
		}
		return AlertRef{State: "ok"}
	}
	windows := alert.Windows(s.Rules, s.NoData)
	out := Snapshot{GeneratedAt: now, SLOVersion: s.Catalog.Version, BudgetingWindowMs: s.Catalog.BudgetingWindow.Milliseconds(), Flows: []FlowSnapshot{}}
	statuses, errs := alert.AssessAll(ctx, s.Metrics, s.Catalog, s.Rules, s.NoData, now)
	if err := errors.Join(errs...); err != nil {
		return Snapshot{}, nil, err
	}
	for i, f := range s.Catalog.Flows {
		fs := statuses[i]
		w := fs.Windows
		flow := FlowSnapshot{
			Flow: f.Name, Description: f.Description,
			Latency: LatencySnapshot{LastHour: quantiles(w.Span(time.Hour)), BudgetWindow: quantiles(w.Budget)},
			NoData:  ref(alert.Key{Flow: f.Name, Objective: alert.NoData, Severity: burnrate.Ticket}),
		}
		for _, o := range fs.Objectives {
			obj := ObjectiveSnapshot{
				Objective: o.Objective.Name, Kind: string(o.Objective.Kind), Target: o.Objective.Target,
				Good: o.Budget.Good, Total: o.Budget.Total, BudgetRemaining: o.BudgetRemaining,
				Rules: alert.RuleRates(o.Evals), Runbook: o.Objective.Runbook,
				Alerts: map[string]AlertRef{
					string(burnrate.Page):   ref(alert.Key{Flow: f.Name, Objective: o.Objective.Name, Severity: burnrate.Page}),
					string(burnrate.Ticket): ref(alert.Key{Flow: f.Name, Objective: o.Objective.Name, Severity: burnrate.Ticket}),
				},
			}
			if o.Objective.Kind == slo.Latency {
				ms := o.Objective.Threshold.Milliseconds()
				obj.ThresholdMs = &ms
			}
			if o.Budget.Total > 0 {
				a := float64(o.Budget.Good) / float64(o.Budget.Total)
				obj.Attainment = &a
			}
			for _, d := range windows {
				c := w.Span(d).Counts(o.Objective.Name)
				obj.Windows = append(obj.Windows, WindowSnapshot{WindowMs: d.Milliseconds(), Good: c.Good, Total: c.Total,
					BurnRate: alert.Finite(burnrate.BurnRate(c, o.Objective.Target))})
			}
			flow.Objectives = append(flow.Objectives, obj)
		}
		out.Flows = append(out.Flows, flow)
	}
	return out, states, nil
}

func quantiles(b flowmetrics.Bucket) Quantiles {
	sk := b.Sketch()
	return Quantiles{Count: sk.Count(), Quantiles: flowmetrics.QuantilesOf(sk)}
}

// Alerts is one page of incidents newest first and the cursor of the next page.
func (s *Service) Alerts(ctx context.Context, state alert.Status, p cursor.Page) ([]alert.Alert, string, error) {
	return s.Records.ListPage(ctx, state, p)
}

// LatestDigest is the newest weekly digest.
func (s *Service) LatestDigest(ctx context.Context) (digest.Record, error) {
	if s.Digests == nil {
		return digest.Record{}, apperr.New(apperr.NotFound, "no digest yet")
	}
	return s.Digests.Latest(ctx)
}

// Digest is the digest of week.
func (s *Service) Digest(ctx context.Context, week digest.Week) (digest.Record, error) {
	if s.Digests == nil {
		return digest.Record{}, apperr.New(apperr.NotFound, "no digest for week %s", week)
	}
	return s.Digests.Digest(ctx, week.String())
}

// Acknowledged returns the incident id if it is acknowledged, nil if it is not or does not
// exist.
func (s *Service) Acknowledged(ctx context.Context, id string) (*alert.Alert, error) {
	a, err := s.Records.Get(ctx, id)
	switch {
	case apperr.Is(err, apperr.NotFound):
		return nil, nil
	case err != nil:
		return nil, err
	case a.AcknowledgedAt == nil:
		return nil, nil
	}
	return &a, nil
}

// Ack acknowledges an incident (see alert.Ack).
func (s *Service) Ack(ctx context.Context, id, by string, verdict *string) (alert.Alert, error) {
	return alert.Ack(ctx, s.Records, id, by, verdict, s.Now())
}
