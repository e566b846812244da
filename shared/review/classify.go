package review

import "fmt"

// RuleVersion names the classification rules below and the recommendation templates in
// recommend.go. Any change to a threshold, an order or a template's text gets a new
// version, so a stored review says which rules made it.
const RuleVersion = "2026-12-v1"

// Thresholds of the rules.
const (
	// OverloadPlanned and OverloadRate: at least this many tasks due and under this
	// on-plan rate; OverloadCarry: or this much carry-over.
	OverloadPlanned = 8
	OverloadRate    = 50
	OverloadCarry   = 10
	// DriftPoints: the on-plan rate fell by this many points from last week; DriftSlipped:
	// or slipped carry-over grew by this many tasks.
	DriftPoints  = 20
	DriftSlipped = 3
)

// classify applies the rules in order; the first that holds names the situation.
func classify(f Facts, this, prev weekStats, c carry) Situation {
	s := func(class, why string, args ...any) Situation {
		return Situation{Class: class, RuleVersion: RuleVersion, Why: fmt.Sprintf(why, args...)}
	}
	w := f.Week
	switch {
	case !this.active():
		return s(ClassEmpty, "no task was due, completed or changed by a command in %s", w)
	case !prev.active() && f.History.PriorReviews == 0 && f.History.LastActiveWeek == "":
		return s(ClassNewUser, "%s is the first week with activity (%d completed, %d intents executed)", w, this.completed, this.executed)
	case !prev.active():
		since := "before"
		if f.History.LastActiveWeek != "" {
			since = "since " + f.History.LastActiveWeek
		}
		return s(ClassReturning, "active again in %s after a quiet %s (nothing done %s)", w, w.Prev(), since)
	case this.planned >= OverloadPlanned && this.rate() < OverloadRate:
		return s(ClassOverloaded, "%d tasks were due and %d of them were completed on plan (%d%%, under %d%%)",
			this.planned, this.onPlan, this.rate(), OverloadRate)
	case c.slipped+c.never >= OverloadCarry:
		return s(ClassOverloaded, "%d open tasks are carried over 4+ days (%d or more is overloaded)", c.slipped+c.never, OverloadCarry)
	case prev.planned > 0 && this.rate() <= prev.rate()-DriftPoints:
		return s(ClassDrifting, "the on-plan rate fell from %d%% to %d%% (%d points or more)", prev.rate(), this.rate(), DriftPoints)
	case slippedGrowth(f, c) >= DriftSlipped:
		return s(ClassDrifting, "slipped tasks grew by %d to %d", slippedGrowth(f, c), c.slipped)
	default:
		return s(ClassSteady, "%d of %d due tasks completed on plan (%d%%), %d carried over", this.onPlan, this.planned, this.rate(), c.slipped+c.never)
	}
}

func slippedGrowth(f Facts, c carry) int {
	p := prevPart(f, CardCarry, "slipped")
	if p == nil {
		return 0
	}
	return c.slipped - *p
}
