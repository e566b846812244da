package digest

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/lucian-app/phase12/shared/alert"
	"github.com/lucian-app/phase12/shared/burnrate"
	"github.com/lucian-app/phase12/shared/flowmetrics"
	"github.com/lucian-app/phase12/shared/hintguard"
	"github.com/lucian-app/phase12/shared/kpi"
	"github.com/lucian-app/phase12/shared/slo"
)

// Thresholds of the "needs a decision" list.
const (
	// LowBudget: an objective with less than this share of its error budget left at the end
	// of the week needs a decision (freeze risky changes, or accept the risk).
	LowBudget = 0.25
	// Noisy: alerts of an objective whose verdicts are more than this share false positives
	// need a decision (tune the rule or the objective), the alert-noise kill criterion.
	Noisy = 0.25
)

// Decision kinds.
const (
	ObjectiveMissed = "objective_missed"
	BudgetLow       = "budget_low"
	NoisyAlerts     = "noisy_alerts"
)

// Digest is the weekly summary of every flow and objective. It is computed once per week
// and stored; every rendering (SNS text, Block Kit, the ops page, the JSON routes) is made
// from the stored value, so a rerun sends what the first run computed.
type Digest struct {
	Week        string    `json:"week"`
	From        time.Time `json:"from"`
	To          time.Time `json:"to"`
	GeneratedAt time.Time `json:"generated_at"`
	SLOVersion  int       `json:"slo_version"`
	// BudgetingWindowMs is the error budget's window; budgets are as of To.
	BudgetingWindowMs int64        `json:"budgeting_window_ms"`
	Flows             []FlowDigest `json:"flows"`
	Totals            Totals       `json:"totals"`
	NeedsDecision     []Decision   `json:"needs_decision"`
	// Lucian is the week of the hint guardrails, when the builder has a LucianSource.
	Lucian *LucianDigest `json:"lucian,omitempty"`
	// KPI is the KPI section (values, owners, trend, the phase gate) and the review's open
	// actions, when the builder has a KPISource.
	KPI *kpi.Report `json:"kpi,omitempty"`
	// NextAction is the suggestion start rate by arm, when the builder has a
	// NextActionSource.
	NextAction *NextActionDigest `json:"next_action,omitempty"`
	// Review is the weekly review's KPIs (open rate, adoption, treatment vs holdout, the
	// AI rephrase's cost by variant), when the builder has a ReviewSource.
	Review *ReviewDigest `json:"review,omitempty"`
}

// FlowDigest is one flow's week.
type FlowDigest struct {
	Flow   string `json:"flow"`
	Events uint64 `json:"events"`
	// LatencyMs are the week's quantiles over every event of the flow.
	LatencyMs  flowmetrics.Quantiles `json:"latency_ms"`
	NoData     AlertStats            `json:"no_data"`
	Objectives []ObjectiveDigest     `json:"objectives"`
}

// ObjectiveDigest is one objective's week.
type ObjectiveDigest struct {
	Objective   string  `json:"objective"`
	Kind        string  `json:"kind"`
	Target      float64 `json:"target"`
	ThresholdMs *int64  `json:"threshold_ms"`
	Good        uint64  `json:"good"`
	Total       uint64  `json:"total"`
	// Attainment is Good/Total over the week, null without events; Met compares it with
	// Target.
	Attainment *float64 `json:"attainment"`
	Met        *bool    `json:"met"`
	// BudgetRemaining is the share of the error budget left over the budgeting window
	// ending with the week (negative when overspent).
	BudgetRemaining float64    `json:"budget_remaining"`
	Alerts          AlertStats `json:"alerts"`
}

// AlertStats count the incidents triggered during the week and what people did with them.
// MTTA is measured on pages only: they are what on-call is expected to take within
// minutes, while a ticket waits for working hours by design. Noise counts every verdict.
type AlertStats struct {
	Pages             int      `json:"pages"`
	Tickets           int      `json:"tickets"`
	PagesAcknowledged int      `json:"pages_acknowledged"`
	MTTAMedianSeconds *int64   `json:"mtta_median_seconds"`
	MTTAWorstSeconds  *int64   `json:"mtta_worst_seconds"`
	Verdicts          int      `json:"verdicts"`
	FalsePositives    int      `json:"false_positives"`
	FalsePositiveRate *float64 `json:"false_positive_rate"`
}

// Totals are the week's alerts over every flow, no-data tickets included.
type Totals struct {
	AlertStats
	NoDataTickets int `json:"no_data_tickets"`
}

// Decision is one item of the "needs a decision" list.
type Decision struct {
	Kind      string `json:"kind"`
	Flow      string `json:"flow"`
	Objective string `json:"objective"`
	Message   string `json:"message"`
}

// Incidents reads the incident history.
type Incidents interface {
	// Triggered returns the incidents triggered in [from, to), in any order.
	Triggered(ctx context.Context, from, to time.Time) ([]alert.Alert, error)
}

// Builder computes digests from the stored metrics and incidents.
type Builder struct {
	Catalog   slo.Catalog
	Metrics   flowmetrics.Reader
	Incidents Incidents
	Now       func() time.Time
	// Lucian, when set, adds the hint guardrails' section (14 more Queries).
	Lucian LucianSource
	// NextAction, when set, adds the next action's start rate (one more Query).
	NextAction NextActionSource
	// KPI, when set, adds the KPI section and the review's action log.
	KPI KPISource
	// Review, when set, adds the weekly review's KPIs (two more Queries, at most
	// 2 × ReviewItemsPerWeek items).
	Review ReviewSource
}

// KPISource computes the KPI section (package kpi, *kpi.Source).
type KPISource interface {
	Build(ctx context.Context, from time.Time, measures map[string]*float64) (*kpi.Report, []kpi.Decision, error)
}

// budgetDays is the budgeting window in whole days, as flowmetrics reads it.
func budgetDays(d time.Duration) int {
	return max(int((d+24*time.Hour-1)/(24*time.Hour)), 1)
}

// Build computes the digest of week. It reads one day-bucket Query per flow (the days of
// the budgeting window ending with the week) and the incidents triggered in the week.
func (b *Builder) Build(ctx context.Context, w Week) (Digest, error) {
	from, to := w.Start(), w.End()
	incidents, err := b.Incidents.Triggered(ctx, from, to)
	if err != nil {
		return Digest{}, fmt.Errorf("read the week's incidents: %w", err)
	}
	byKey := map[alert.Key][]alert.Alert{}
	for _, a := range incidents {
		byKey[a.Key()] = append(byKey[a.Key()], a)
	}
	d := Digest{
		Week: w.String(), From: from, To: to, GeneratedAt: b.Now().UTC(),
		SLOVersion: b.Catalog.Version, BudgetingWindowMs: b.Catalog.BudgetingWindow.Milliseconds(),
		Flows: []FlowDigest{}, NeedsDecision: []Decision{},
	}
	days := budgetDays(b.Catalog.BudgetingWindow)
	window := WindowLabel(b.Catalog.BudgetingWindow.Milliseconds())
	lastDay := to.AddDate(0, 0, -1)
	var all []alert.Alert
	for _, f := range b.Catalog.Flows {
		pts, err := b.Metrics.Buckets(ctx, f.Name, flowmetrics.Day, lastDay.AddDate(0, 0, -(days-1)), lastDay)
		if err != nil {
			return Digest{}, fmt.Errorf("read %s day buckets: %w", f.Name, err)
		}
		var week, budget flowmetrics.Bucket
		for _, p := range pts {
			budget.Add(p.Bucket)
			if !p.Start.Before(from) && p.Start.Before(to) {
				week.Add(p.Bucket)
			}
		}
		fd := FlowDigest{Flow: f.Name, Events: week.Total, LatencyMs: flowmetrics.QuantilesOf(week.Sketch()), Objectives: []ObjectiveDigest{}}
		nd := byKey[alert.Key{Flow: f.Name, Objective: alert.NoData, Severity: burnrate.Ticket}]
		fd.NoData = stats(nd)
		all = append(all, nd...)
		for _, o := range f.Objectives {
			c := week.Counts(o.Name)
			od := ObjectiveDigest{
				Objective: o.Name, Kind: string(o.Kind), Target: o.Target, Good: c.Good, Total: c.Total,
				BudgetRemaining: alert.Finite(burnrate.BudgetRemaining(budget.Counts(o.Name), o.Target)),
			}
			if o.Kind == slo.Latency {
				ms := o.Threshold.Milliseconds()
				od.ThresholdMs = &ms
			}
			if c.Total > 0 {
				a := float64(c.Good) / float64(c.Total)
				met := a >= o.Target
				od.Attainment, od.Met = &a, &met
			}
			var fired []alert.Alert
			for _, sev := range []burnrate.Severity{burnrate.Page, burnrate.Ticket} {
				fired = append(fired, byKey[alert.Key{Flow: f.Name, Objective: o.Name, Severity: sev}]...)
			}
			od.Alerts = stats(fired)
			all = append(all, fired...)
			fd.Objectives = append(fd.Objectives, od)
			d.NeedsDecision = append(d.NeedsDecision, decisions(f.Name, od, window)...)
		}
		if noisy(fd.NoData) {
			d.NeedsDecision = append(d.NeedsDecision, Decision{Kind: NoisyAlerts, Flow: f.Name, Objective: alert.NoData,
				Message: fmt.Sprintf("%s no-data tickets were noisy: %s; raise the rule's rate floor or silence window", f.Name, noiseText(fd.NoData))})
		}
		d.Flows = append(d.Flows, fd)
	}
	if b.Lucian != nil {
		l, dec, err := buildLucian(ctx, b.Lucian, w, hintguard.DefaultRule())
		if err != nil {
			return Digest{}, err
		}
		d.Lucian, d.NeedsDecision = l, append(d.NeedsDecision, dec...)
	}
	if b.NextAction != nil {
		if d.NextAction, err = buildNextAction(ctx, b.NextAction, w); err != nil {
			return Digest{}, err
		}
	}
	if b.Review != nil {
		r, dec, err := buildReview(ctx, b.Review, w)
		if err != nil {
			return Digest{}, err
		}
		d.Review, d.NeedsDecision = r, append(d.NeedsDecision, dec...)
	}
	d.Totals = Totals{AlertStats: stats(all)}
	for _, f := range d.Flows {
		d.Totals.NoDataTickets += f.NoData.Tickets
	}
	if b.KPI != nil {
		rep, dec, err := b.KPI.Build(ctx, from, b.measures(d, incidents))
		if err != nil {
			return Digest{}, err
		}
		d.KPI = rep
		for _, x := range dec {
			d.NeedsDecision = append(d.NeedsDecision, Decision{Kind: x.Kind, Flow: "", Objective: x.KPI, Message: x.Message})
		}
	}
	return d, nil
}

// stats summarises incidents; only those of the catalogue's keys reach here, so incidents
// of a removed objective are not counted against anything.
func stats(as []alert.Alert) AlertStats {
	var s AlertStats
	var ttas []int64
	for _, a := range as {
		switch a.Severity {
		case burnrate.Page:
			s.Pages++
			if a.TimeToAckSeconds != nil {
				s.PagesAcknowledged++
				ttas = append(ttas, *a.TimeToAckSeconds)
			}
		case burnrate.Ticket:
			s.Tickets++
		}
		if a.Verdict != nil {
			s.Verdicts++
			if *a.Verdict == alert.FalsePositive {
				s.FalsePositives++
			}
		}
	}
	if len(ttas) > 0 {
		slices.Sort(ttas)
		n := len(ttas)
		median := ttas[n/2]
		if n%2 == 0 {
			median = (ttas[n/2-1] + ttas[n/2] + 1) / 2 // the mean of the middle two, rounded up
		}
		worst := ttas[n-1]
		s.MTTAMedianSeconds, s.MTTAWorstSeconds = &median, &worst
	}
	if s.Verdicts > 0 {
		r := float64(s.FalsePositives) / float64(s.Verdicts)
		s.FalsePositiveRate = &r
	}
	return s
}

func noisy(s AlertStats) bool { return s.FalsePositiveRate != nil && *s.FalsePositiveRate > Noisy }

// decisions lists what an objective's week asks of the ops lead.
func decisions(flow string, o ObjectiveDigest, window string) []Decision {
	var out []Decision
	add := func(kind, format string, args ...any) {
		out = append(out, Decision{Kind: kind, Flow: flow, Objective: o.Objective, Message: fmt.Sprintf(format, args...)})
	}
	name := flow + " " + o.Objective
	if o.Met != nil && !*o.Met {
		add(ObjectiveMissed, "%s missed its objective: %s %s against a target of %s", name,
			Percent(*o.Attainment), goodWord(o), Percent(o.Target))
	}
	if o.BudgetRemaining < LowBudget {
		if o.BudgetRemaining < 0 {
			add(BudgetLow, "%s has overspent its %s error budget by %s", name, window, Percent(-o.BudgetRemaining))
		} else {
			add(BudgetLow, "%s has %s of its %s error budget left", name, Percent(o.BudgetRemaining), window)
		}
	}
	if noisy(o.Alerts) {
		add(NoisyAlerts, "%s alerts were noisy: %s; tune the rule or the objective", name, noiseText(o.Alerts))
	}
	return out
}

// goodWord says what an objective counts as good.
func goodWord(o ObjectiveDigest) string {
	if o.ThresholdMs != nil {
		return fmt.Sprintf("within %d ms", *o.ThresholdMs)
	}
	return "ok"
}

func noiseText(s AlertStats) string {
	return fmt.Sprintf("%d of %s false positive (%s)", s.FalsePositives, plural(s.Verdicts, "verdict", "verdicts"), Percent(*s.FalsePositiveRate))
}

// measures are what the digest itself measures for the KPI catalogue: each server flow's
// week p95 ("p95:<flow>") and the P1 incidents ("p1": pages on a server flow's objective
// not marked false_positive, as kpi.yaml defines them).
func (b *Builder) measures(d Digest, incidents []alert.Alert) map[string]*float64 {
	m := map[string]*float64{}
	server := map[string]bool{}
	for _, f := range b.Catalog.Flows {
		server[f.Name] = f.Source == slo.Server
	}
	for _, f := range d.Flows {
		if f.Events > 0 && f.LatencyMs.P95 != nil {
			v := *f.LatencyMs.P95
			m["p95:"+f.Flow] = &v
		}
	}
	p1 := 0.0
	for _, a := range incidents {
		if a.Severity == burnrate.Page && server[a.Flow] && a.Objective != alert.NoData &&
			(a.Verdict == nil || *a.Verdict != alert.FalsePositive) {
			p1++
		}
	}
	m["p1"] = &p1
	return m
}
