package burnrate

import (
	"fmt"
	"math"
	"time"
)

// Severity says who hears about an alert and how urgently.
type Severity string

const (
	// Page wakes the on-call engineer.
	Page Severity = "page"
	// Ticket waits for working hours.
	Ticket Severity = "ticket"
)

// Never is the DetectionTime of an error ratio that a rule never alerts on.
const Never = time.Duration(math.MaxInt64)

// rateTolerance lets a burn rate exactly at a rule's factor fire even though 1-target is
// not exact in binary (1-0.999 is a little over 0.001).
const rateTolerance = 1e-9

// Rule is one multi-window burn-rate alert.
type Rule struct {
	Name     string
	Severity Severity
	Factor   float64 // the burn rate both windows must reach
	Long     time.Duration
	Short    time.Duration
}

// Rules returns the SRE Workbook's recommended rules for a 30-day budget, most urgent
// first. The slice is new on every call, so callers may change it.
func Rules() []Rule {
	return []Rule{
		{Name: "page-1h-5m", Severity: Page, Factor: 14.4, Long: time.Hour, Short: 5 * time.Minute},
		{Name: "page-6h-30m", Severity: Page, Factor: 6, Long: 6 * time.Hour, Short: 30 * time.Minute},
		{Name: "ticket-1d-2h", Severity: Ticket, Factor: 3, Long: 24 * time.Hour, Short: 2 * time.Hour},
		{Name: "ticket-3d-6h", Severity: Ticket, Factor: 1, Long: 72 * time.Hour, Short: 6 * time.Hour},
	}
}

// BudgetConsumed is the share of the error budget spent by the time the rule's long window
// alone reaches its factor: 2%, 5%, 10% and 10% of a 30-day budget for Rules. It is 0 for a
// non-positive budget window.
func (r Rule) BudgetConsumed(budgetWindow time.Duration) float64 {
	if budgetWindow <= 0 {
		return 0
	}
	return r.Factor * float64(r.Long) / float64(budgetWindow)
}

// DetectionTime is how long a constant error ratio, starting from a clean history, takes to
// bring the rule's long window to its factor (the short window, being shorter, gets there
// first). It is Never when the ratio is too low for the rule ever to fire.
func DetectionTime(r Rule, errorRatio, target float64) time.Duration {
	if !(errorRatio > 0) {
		return Never
	}
	d := time.Duration(math.Round(float64(r.Long) * r.Factor * (1 - target) / errorRatio))
	if d > r.Long {
		return Never
	}
	return d
}

// Counts are the events of one objective over some window: Good of them met it.
type Counts struct {
	Good, Total uint64
}

// Bad is the number of events that missed the objective. Inconsistent counts (Good above
// Total) give 0 rather than inventing failures.
func (c Counts) Bad() uint64 {
	if c.Good >= c.Total {
		return 0
	}
	return c.Total - c.Good
}

// Add sums two windows' counts, e.g. minute buckets into an hour.
func (c Counts) Add(o Counts) Counts {
	return Counts{Good: c.Good + o.Good, Total: c.Total + o.Total}
}

// ErrorRatio is Bad/Total, and 0 for a window without events.
func (c Counts) ErrorRatio() float64 {
	if c.Total == 0 {
		return 0
	}
	return float64(c.Bad()) / float64(c.Total)
}

// BurnRate is the error ratio divided by the error budget (1 - target).
func BurnRate(c Counts, target float64) float64 {
	ratio := c.ErrorRatio()
	budget := 1 - target
	if budget <= 0 { // a 100% target has no budget: any error burns infinitely fast
		if ratio > 0 {
			return math.Inf(1)
		}
		return 0
	}
	return ratio / budget
}

// Window holds the counts of a rule's long and short windows.
type Window struct {
	Long, Short Counts
}

// Evaluation is the verdict of one rule on one objective.
type Evaluation struct {
	Rule      Rule
	LongRate  float64
	ShortRate float64
	Firing    bool
	// LowTraffic is set when both windows burned fast enough but the long window held fewer
	// than the minimum events, so the guard kept the rule from firing.
	LowTraffic bool
}

// Evaluate applies a rule: it fires when both windows burn at least at the rule's factor
// and the long window holds at least minEvents events.
func Evaluate(rule Rule, w Window, target float64, minEvents uint64) Evaluation {
	e := Evaluation{
		Rule:      rule,
		LongRate:  BurnRate(w.Long, target),
		ShortRate: BurnRate(w.Short, target),
	}
	threshold := rule.Factor * (1 - rateTolerance)
	burning := e.LongRate >= threshold && e.ShortRate >= threshold
	e.LowTraffic = burning && w.Long.Total < minEvents
	e.Firing = burning && !e.LowTraffic
	return e
}

// Highest picks, among the firing evaluations of a severity, the one with the largest long
// burn rate (the first on a tie): the one a page or ticket should quote.
func Highest(evals []Evaluation, sev Severity) (Evaluation, bool) {
	var best Evaluation
	found := false
	for _, e := range evals {
		if !e.Firing || e.Rule.Severity != sev {
			continue
		}
		if !found || e.LongRate > best.LongRate {
			best, found = e, true
		}
	}
	return best, found
}

// BudgetRemaining is the share of the error budget left after the counts of a whole budget
// window: 1 with no traffic or no errors, 0 when exactly spent, negative when overspent (kept
// so that a digest can say by how much).
func BudgetRemaining(c Counts, target float64) float64 {
	return 1 - BurnRate(c, target)
}

// WindowName writes a window length as the rules name it: 5m, 1h, 1d, 3d,
// so pages, the ops page and the digest say the same thing.
func WindowName(d time.Duration) string {
	switch {
	case d >= 24*time.Hour && d%(24*time.Hour) == 0:
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	case d >= time.Hour && d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	default:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
}
