package alert

import (
	"context"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/lucian-app/phase12/shared/burnrate"
	"github.com/lucian-app/phase12/shared/flowmetrics"
	"github.com/lucian-app/phase12/shared/slo"
)

// NoDataRule says when a flow counts as having stopped reporting (see the package comment).
type NoDataRule struct {
	Silence    time.Duration
	Baseline   time.Duration
	MinPerHour float64
}

// DefaultNoDataRule: an hour without events from a flow that averaged ten an hour over
// three days.
func DefaultNoDataRule() NoDataRule {
	return NoDataRule{Silence: time.Hour, Baseline: 72 * time.Hour, MinPerHour: 10}
}

// Windows lists every window the rules and the no-data rule read, shortest first.
func Windows(rules []burnrate.Rule, nd NoDataRule) []time.Duration {
	ws := []time.Duration{nd.Silence, nd.Baseline}
	for _, r := range rules {
		ws = append(ws, r.Long, r.Short)
	}
	slices.Sort(ws)
	return slices.Compact(ws)
}

// ObjectiveStatus is the verdict of every rule on one objective.
type ObjectiveStatus struct {
	Objective       slo.Objective
	Evals           []burnrate.Evaluation
	Budget          burnrate.Counts // over the budgeting window
	BudgetRemaining float64
}

// Firing returns the evaluation to quote for a firing severity: the firing rule with the
// highest long burn rate.
func (o ObjectiveStatus) Firing(sev burnrate.Severity) (burnrate.Evaluation, bool) {
	return burnrate.Highest(o.Evals, sev)
}

// FlowStatus is everything the rules say about one flow at one time.
type FlowStatus struct {
	Flow       slo.Flow
	Windows    flowmetrics.Windows
	Objectives []ObjectiveStatus
	// Silent: no event in the no-data rule's silence window.
	Silent bool
	// BaselinePerHour is the flow's average hourly events over the baseline window;
	// Reporting says it is at least the rule's floor.
	BaselinePerHour float64
	Reporting       bool
}

// Objective returns the status of the named objective.
func (f FlowStatus) Objective(name string) (ObjectiveStatus, bool) {
	for _, o := range f.Objectives {
		if o.Objective.Name == name {
			return o, true
		}
	}
	return ObjectiveStatus{}, false
}

// RulesFor returns the rules that judge f: all of them for a server flow, only the ticket
// rules for a client flow. Any signed-in caller can report a client flow's events, so its
// burn is a lead to look into during working hours, never evidence to wake someone with.
func RulesFor(f slo.Flow, rules []burnrate.Rule) []burnrate.Rule {
	if f.Pages() {
		return rules
	}
	return slices.DeleteFunc(slices.Clone(rules), func(r burnrate.Rule) bool { return r.Severity == burnrate.Page })
}

// Assess applies the rules that judge f (RulesFor) to a flow's windows (read with at least
// Windows(rules, nd) and the budgeting window).
func Assess(f slo.Flow, w flowmetrics.Windows, rules []burnrate.Rule, nd NoDataRule) FlowStatus {
	fs := FlowStatus{Flow: f, Windows: w}
	rules = RulesFor(f, rules)
	for _, o := range f.Objectives {
		os := ObjectiveStatus{Objective: o, Budget: w.Budget.Counts(o.Name)}
		os.BudgetRemaining = burnrate.BudgetRemaining(os.Budget, o.Target)
		for _, r := range rules {
			win := burnrate.Window{Long: w.Span(r.Long).Counts(o.Name), Short: w.Span(r.Short).Counts(o.Name)}
			os.Evals = append(os.Evals, burnrate.Evaluate(r, win, o.Target, o.MinEvents))
		}
		fs.Objectives = append(fs.Objectives, os)
	}
	fs.Silent = w.Span(nd.Silence).Total == 0
	if hours := nd.Baseline.Hours(); hours > 0 {
		fs.BaselinePerHour = float64(w.Span(nd.Baseline).Total) / hours
	}
	fs.Reporting = fs.BaselinePerHour >= nd.MinPerHour
	return fs
}

func ms(d time.Duration) int64 { return d.Milliseconds() }

// RuleRates reports each evaluation for people (pages, the ops snapshot).
func RuleRates(evals []burnrate.Evaluation) []RuleRate {
	out := make([]RuleRate, len(evals))
	for i, e := range evals {
		out[i] = RuleRate{
			Rule: e.Rule.Name, Severity: e.Rule.Severity, Threshold: e.Rule.Factor,
			LongWindowMs: ms(e.Rule.Long), LongBurnRate: Finite(e.LongRate),
			ShortWindowMs: ms(e.Rule.Short), ShortBurnRate: Finite(e.ShortRate),
			Firing: e.Firing, LowTraffic: e.LowTraffic,
		}
	}
	return out
}

// Finite caps a burn rate at 1e100 so that JSON and DynamoDB can carry it: a target of
// 100% (which the catalogue refuses) would make any error burn infinitely fast.
func Finite(f float64) float64 {
	if math.IsNaN(f) {
		return 0
	}
	return math.Min(f, 1e100)
}

// readConcurrency bounds the flows read at once: each read is a handful of Queries, and
// one at a time they would add up to a second or more for twenty flows.
const readConcurrency = 8

// AssessAll reads every flow of the catalogue (concurrently) and assesses it. The result has
// one entry per flow, in catalogue order; a flow whose read failed has its error instead.
func AssessAll(ctx context.Context, r flowmetrics.Reader, cat slo.Catalog, rules []burnrate.Rule, nd NoDataRule, now time.Time) ([]FlowStatus, []error) {
	statuses := make([]FlowStatus, len(cat.Flows))
	errs := make([]error, len(cat.Flows))
	windows := Windows(rules, nd)
	sem := make(chan struct{}, readConcurrency)
	var wg sync.WaitGroup
	for i, f := range cat.Flows {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			w, err := flowmetrics.Read(ctx, r, flowmetrics.Query{Flow: f.Name, Now: now, Windows: windows, Budget: cat.BudgetingWindow})
			if err != nil {
				errs[i] = err
				return
			}
			statuses[i] = Assess(f, w, rules, nd)
		}()
	}
	wg.Wait()
	return statuses, errs
}
