package digest

import (
	"context"
	"fmt"
)

// NextActionSource reads a week's next-action counters (the product events' week
// counters by arm, see nextaction.Derive): suggestions shown and started within 10
// minutes, for the treatment and the holdout. One Query.
type NextActionSource interface {
	NextActionWeek(ctx context.Context, week string) (NextActionCounts, error)
}

// NextActionCounts are one week's counts.
type NextActionCounts struct {
	Shown, Started           int64 // treatment: with the personal tie-breakers
	HoldoutShown, HoldoutRun int64 // the holdout: the rules order alone
}

// ArmRate is one arm's week.
type ArmRate struct {
	Shown   int64 `json:"shown"`
	Started int64 `json:"started_within_10m"`
	// Rate is Started/Shown, null when nothing was shown.
	Rate *float64 `json:"rate"`
}

// NextActionDigest is the suggestion start rate, treatment against holdout.
type NextActionDigest struct {
	Treatment ArmRate `json:"treatment"`
	Holdout   ArmRate `json:"holdout"`
	// LiftPoints is the treatment's rate minus the holdout's, in percentage points; null
	// when an arm showed nothing.
	LiftPoints *float64 `json:"lift_points"`
}

// MinArmShown: below this many shown suggestions in an arm, the lift is printed with a
// warning that it is too few to read.
const MinArmShown = 100

func armRate(shown, started int64) ArmRate {
	a := ArmRate{Shown: shown, Started: started}
	if shown > 0 {
		r := float64(started) / float64(shown)
		a.Rate = &r
	}
	return a
}

func buildNextAction(ctx context.Context, src NextActionSource, w Week) (*NextActionDigest, error) {
	c, err := src.NextActionWeek(ctx, w.String())
	if err != nil {
		return nil, fmt.Errorf("read the week's next-action counters: %w", err)
	}
	d := &NextActionDigest{Treatment: armRate(c.Shown, c.Started), Holdout: armRate(c.HoldoutShown, c.HoldoutRun)}
	if d.Treatment.Rate != nil && d.Holdout.Rate != nil {
		l := (*d.Treatment.Rate - *d.Holdout.Rate) * 100
		d.LiftPoints = &l
	}
	return d, nil
}

func pct(r *float64) string {
	if r == nil {
		return "n/a"
	}
	return fmt.Sprintf("%.1f%%", *r*100)
}

// nextActionText is the section's lines, the first its heading.
func nextActionText(d *NextActionDigest) []string {
	out := []string{"Next action (GET /tasks/next): suggestions started within 10 minutes",
		fmt.Sprintf("  with the personal tie-breakers: %s (%d of %d shown)", pct(d.Treatment.Rate), d.Treatment.Started, d.Treatment.Shown),
		fmt.Sprintf("  holdout, rules order only: %s (%d of %d shown)", pct(d.Holdout.Rate), d.Holdout.Started, d.Holdout.Shown)}
	switch {
	case d.LiftPoints == nil:
		out = append(out, "  lift: n/a (an arm showed no suggestion)")
	case d.Treatment.Shown < MinArmShown || d.Holdout.Shown < MinArmShown:
		out = append(out, fmt.Sprintf("  lift: %+.1f points (fewer than %d shown in an arm: too few to read)", *d.LiftPoints, MinArmShown))
	default:
		out = append(out, fmt.Sprintf("  lift: %+.1f points", *d.LiftPoints))
	}
	return out
}
