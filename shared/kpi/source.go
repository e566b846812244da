package kpi

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/lucian-app/phase12/shared/flake"
	"github.com/lucian-app/phase12/shared/productevents"
)

// ActionWeeks is how many weeks of reviews a digest looks back through for open actions
// (this week's included): at most ActionWeeks x MaxActionsPerWeek actions read.
const ActionWeeks = 4

// Decision is a "needs a decision" line the KPI section adds to the digest.
type Decision struct {
	Kind    string
	KPI     string
	Message string
}

// Decision kinds.
const (
	KPIMissed     = "kpi_missed"
	FlakeRateHigh = "flake_rate_over_target"
	ActionOverdue = "review_action_overdue"
)

// Source computes a week's KPI section from the stores.
type Source struct {
	Catalog Catalog
	Events  productevents.Counter
	Flakes  interface {
		FlakeWeeks(ctx context.Context, from, to string) ([]flake.Week, error)
	}
	FlakeTarget float64
	Actions     Actions
	// Past returns the KPI section of an earlier week's digest, nil when it has none.
	Past func(ctx context.Context, week string) (*Report, error)
	Now  func() time.Time
}

func weekOf(t time.Time) string { return productevents.WeekOf(t) }

// Build computes the section of the ISO week starting at from; measures holds what the
// digest measured itself (p1, p95:<flow>). It reads one Query of product counters, one of
// flake counters, up to TrendWeeks-1 earlier digests and ActionWeeks weeks of actions.
func (s *Source) Build(ctx context.Context, from time.Time, measures map[string]*float64) (*Report, []Decision, error) {
	week := weekOf(from)
	m := make(map[string]*float64, len(measures)+4)
	for k, v := range measures {
		m[k] = v
	}
	counts, err := s.Events.WeekCounts(ctx, week)
	if err != nil {
		return nil, nil, fmt.Errorf("read the week's product events: %w", err)
	}
	for _, k := range s.Catalog.KPIs {
		spec, ok := strings.CutPrefix(k.Measure, "events:")
		if !ok {
			continue
		}
		num, den, _ := strings.Cut(spec, "/")
		if d := counts[den].Users; d > 0 {
			r := float64(counts[num].Users) / float64(d)
			m[k.Measure] = &r
		}
	}
	var decisions []Decision
	fw, err := s.Flakes.FlakeWeeks(ctx, week, week)
	if err != nil {
		return nil, nil, fmt.Errorf("read the week's flake counters: %w", err)
	}
	if len(fw) == 1 {
		w := fw[0].Judge(s.FlakeTarget)
		m["flake_rate"] = w.Rate
		if w.Met != nil && !*w.Met {
			decisions = append(decisions, Decision{Kind: FlakeRateHigh, KPI: "blocker_flake_rate", Message: fmt.Sprintf(
				"blocker flake rate %s (%d of %d blocker tests flaky) is over the %s target: fix or quarantine the flaky tests (GET /ops/flakes) before the next release",
				pct(*w.Rate), w.Flaky, w.Tests, pct(s.FlakeTarget))})
		}
	}
	past := make([]*Report, TrendWeeks-1)
	for i := range past {
		if past[i], err = s.Past(ctx, weekOf(from.AddDate(0, 0, -7*(i+1)))); err != nil {
			return nil, nil, fmt.Errorf("read an earlier digest: %w", err)
		}
	}
	r := Evaluate(s.Catalog, m, past)
	for i, k := range s.Catalog.KPIs {
		v := r.KPIs[i]
		if k.P0 && v.Met != nil && !*v.Met && k.Measure != "flake_rate" {
			decisions = append(decisions, Decision{Kind: KPIMissed, KPI: k.ID, Message: fmt.Sprintf(
				"%s is %s, target %s: %s to bring a decision to the KPI review", k.Name, v.Shown, v.Target, k.Owner)})
		}
	}
	now := s.Now()
	for i := ActionWeeks - 1; i >= 0; i-- {
		as, err := s.Actions.ListActions(ctx, weekOf(from.AddDate(0, 0, -7*i)))
		if err != nil {
			return nil, nil, fmt.Errorf("read the review's actions: %w", err)
		}
		for _, a := range as {
			if a.Status != Open {
				continue
			}
			a.Overdue = a.IsOverdue(now)
			r.Actions = append(r.Actions, a)
			if a.Overdue {
				decisions = append(decisions, Decision{Kind: ActionOverdue, KPI: a.KPI, Message: fmt.Sprintf(
					"review action on %s is overdue (due %s, %s): %s", a.KPI, a.Due, a.Owner, a.Decision)})
			}
		}
	}
	return r, decisions, nil
}

func pct(f float64) string { return Target{Unit: "ratio"}.Format(f) }

// Lines are the section as plain text: the KPIs, the phase gate, the open actions.
func Lines(c Catalog, r *Report) []string {
	gate := "open: every P0 KPI met two weeks running"
	if !r.Gate.Open {
		gate = "closed: " + strings.Join(r.Gate.Missing, "; ")
	}
	out := []string{fmt.Sprintf("KPIS (catalogue v%d)", r.Version), "Phase gate " + gate}
	for _, v := range r.KPIs {
		verdict := "no data"
		if v.Met != nil {
			verdict = map[bool]string{true: "met", false: "MISSED"}[*v.Met]
		}
		out = append(out, fmt.Sprintf("- %s: %s (target %s, %s); owner %s; trend %s", v.Name, v.Shown, v.Target, verdict, v.Owner, TrendText(c, v)))
	}
	overdue := 0
	for _, a := range r.Actions {
		if a.Overdue {
			overdue++
		}
	}
	out = append(out, "", fmt.Sprintf("REVIEW ACTIONS (%d open, %d overdue)", len(r.Actions), overdue))
	if len(r.Actions) == 0 {
		out = append(out, "None open.")
	}
	for _, a := range r.Actions {
		mark := ""
		if a.Overdue {
			mark = "[overdue] "
		}
		out = append(out, fmt.Sprintf("- %s%s: %s (%s, due %s; review %s, %s)", mark, a.KPI, a.Decision, a.Owner, a.Due, a.Week, a.ID))
	}
	return out
}
