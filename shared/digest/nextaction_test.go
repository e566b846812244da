package digest

import (
	"context"
	"slices"
	"strings"
	"testing"
)

type nextCounts NextActionCounts

func (c nextCounts) NextActionWeek(context.Context, string) (NextActionCounts, error) {
	return NextActionCounts(c), nil
}

// The start rate's figures, checked by hand: 190 of 500 is 38.0%, 15 of 50 is 30.0%,
// the lift 8.0 points, read with a warning because the holdout showed under 100.
func TestNextActionSectionOfAKnownWeek(t *testing.T) {
	d, err := buildNextAction(context.Background(), nextCounts{Shown: 500, Started: 190, HoldoutShown: 50, HoldoutRun: 15}, Week{2026, 48})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Next action (GET /tasks/next): suggestions started within 10 minutes",
		"  with the personal tie-breakers: 38.0% (190 of 500 shown)",
		"  holdout, rules order only: 30.0% (15 of 50 shown)",
		"  lift: +8.0 points (fewer than 100 shown in an arm: too few to read)"}
	if got := nextActionText(d); !slices.Equal(got, want) {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
	d, _ = buildNextAction(context.Background(), nextCounts{Shown: 1000, Started: 250, HoldoutShown: 200, HoldoutRun: 60}, Week{2026, 48})
	if got := nextActionText(d)[3]; got != "  lift: -5.0 points" {
		t.Errorf("25.0%% against 30.0%%: %q, want a lift of -5.0 points", got)
	}
	d, _ = buildNextAction(context.Background(), nextCounts{Shown: 10, Started: 1}, Week{2026, 48})
	if d.LiftPoints != nil || d.Holdout.Rate != nil || nextActionText(d)[2] != "  holdout, rules order only: n/a (0 of 0 shown)" {
		t.Errorf("no holdout shows: %+v %q", d, nextActionText(d))
	}
	if txt := Text(Digest{NextAction: d}, Links{}); !strings.Contains(txt, "Next action (GET /tasks/next)") {
		t.Errorf("the text rendering lacks the section:\n%s", txt)
	}
	if b, err := BlockKit(Digest{NextAction: d}, Links{}); err != nil || !strings.Contains(string(b), "*Next action*") {
		t.Errorf("the Block Kit rendering lacks the section (%v):\n%s", err, b)
	}
}
