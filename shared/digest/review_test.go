package digest

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/alert"
)

// noIncidents is a week without incidents.
type noIncidents struct{}

func (noIncidents) Triggered(context.Context, time.Time, time.Time) ([]alert.Alert, error) {
	return nil, nil
}

// updating is the -update flag of the package's golden tests (declared in fixture_test.go).
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// reviewWeeks is a ReviewSource over fixed counters that records the weeks read.
type reviewWeeks struct {
	weeks map[string]ReviewCounts
	read  []string
}

func (r *reviewWeeks) ReviewWeek(_ context.Context, week string) (ReviewCounts, error) {
	r.read = append(r.read, week)
	return r.weeks[week], nil
}

// knownReviewWeeks: the digest of 2026-W48 reports the reviews of 2026-W47, and the
// next-week completion of those of 2026-W46. The figures, by hand:
//   - open rate 260 of 400 = 65.0% (247 + 13 of 380 + 20), 2026-W46 228 of 380 = 60.0%:
//     +5.0 points;
//   - adoption 84 of 400 shown = 21.0%, under the 25% target with 400 >= 100 shown: a
//     decision;
//   - next week: treatment 1,240 of 2,000 = 62.0%, holdout 55 of 100 = 55.0%: +7.0 points,
//     too few to read (18 holdout reviews < 30);
//   - variants: rephrased 27 of 150 = 18.0%, deterministic 57 of 250 = 22.8%: -4.8 points
//     with both >= 100 shown, and the rephrase cost 62,400 input tokens at $0.003/1k
//     (0.1872) + 20,800 output at $0.015/1k (0.312) = $0.4992: the kill-criterion decision.
func knownReviewWeeks() *reviewWeeks {
	return &reviewWeeks{weeks: map[string]ReviewCounts{
		"2026-W47": {
			Treatment: ReviewArmCounts{Generated: 380, Opened: 247, Shown: 400, Adopted: 84, ShownRephrased: 150, AdoptedRephrased: 27,
				RephraseCalls: 520, RephraseKept: 390, RephraseRefused: 130, RephraseInputTokens: 62400, RephraseOutputTokens: 20800,
				RephraseMicroUSD: 499200,
				// The week after 2026-W47 is not reviewed yet when the digest runs: not read.
				NextReviews: 5, NextPlanned: 30, NextOnPlan: 1},
			Holdout: ReviewArmCounts{Generated: 20, Opened: 13},
		},
		"2026-W46": {
			Treatment: ReviewArmCounts{Generated: 360, Opened: 216, Shown: 390, Adopted: 70, NextReviews: 340, NextPlanned: 2000, NextOnPlan: 1240},
			Holdout:   ReviewArmCounts{Generated: 20, Opened: 12, NextReviews: 18, NextPlanned: 100, NextOnPlan: 55},
		},
	}}
}

func TestReviewSectionOfAKnownWeek(t *testing.T) {
	src := knownReviewWeeks()
	d, dec, err := buildReview(context.Background(), src, Week{2026, 48})
	if err != nil {
		t.Fatal(err)
	}
	// Bounded: two weeks' counters (at most 2 × ReviewItemsPerWeek items), the reported
	// week and the one before, nothing else.
	if want := []string{"2026-W47", "2026-W46"}; !slices.Equal(src.read, want) {
		t.Errorf("weeks read %v, want %v", src.read, want)
	}
	want := []string{"WEEKLY REVIEW (reviews of 2026-W47, built and opened during this week)",
		"  open rate: 65.0% (260 of 400 reviews opened); 2026-W46: 60.0% (228 of 380); change +5.0 points",
		"  adoption: 21.0% (84 of 400 recommendations shown adopted), target 25%: NOT MET",
		"  next-week completion of the reviews of 2026-W46 (tasks due in 2026-W47 done on plan):",
		"    treatment (recommendations): 62.0% (1,240 of 2,000 due done on plan, 340 reviews)",
		"    holdout (cards only): 55.0% (55 of 100 due done on plan, 18 reviews)",
		"    lift: +7.0 points (fewer than 30 reviews in an arm: too few to read)",
		"  AI rephrase: deterministic 22.8% adopted (57 of 250 shown), rephrased 18.0% adopted (27 of 150 shown); lift -4.8 points",
		"  AI rephrase cost: $0.4992 for 520 calls (390 kept, 130 refused), 62,400 input and 20,800 output tokens"}
	if got := reviewText(d); !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var kinds []string
	for _, x := range dec {
		kinds = append(kinds, x.Kind)
	}
	if !slices.Equal(kinds, []string{ReviewAdoptionLow, RephraseNoLift}) {
		t.Fatalf("decisions %v, want adoption under target and the rephrase without lift", dec)
	}
	if !strings.Contains(dec[0].Message, "21.0% (84 of 400 recommendations shown)") ||
		!strings.Contains(dec[1].Message, "cost $0.4992 in the reviews of 2026-W47 for -4.8 points") {
		t.Errorf("decision messages:\n%s\n%s", dec[0].Message, dec[1].Message)
	}
}

func TestReviewSectionWarnsOnSmallNumbersAndAsksNothingOfThem(t *testing.T) {
	src := &reviewWeeks{weeks: map[string]ReviewCounts{
		"2026-W47": {Treatment: ReviewArmCounts{Generated: 12, Opened: 6, Shown: 40, Adopted: 4, ShownRephrased: 20, AdoptedRephrased: 1}},
		"2026-W46": {Treatment: ReviewArmCounts{Generated: 10, Opened: 4}},
	}}
	d, dec, err := buildReview(context.Background(), src, Week{2026, 48})
	if err != nil {
		t.Fatal(err)
	}
	if len(dec) != 0 {
		t.Errorf("decisions %v from 40 shown: want none (too few to read)", dec)
	}
	got := reviewText(d)
	for i, want := range map[int]string{
		1: "  open rate: 50.0% (6 of 12 reviews opened); 2026-W46: 40.0% (4 of 10); change +10.0 points (fewer than 30 reviews in a week: too few to read)",
		2: "  adoption: 10.0% (4 of 40 recommendations shown adopted), target 25%: not met (fewer than 100 shown: too few to read)",
		4: "    treatment (recommendations): n/a (0 of 0 due done on plan, 0 reviews)",
		6: "    lift: n/a",
		7: "  AI rephrase: deterministic 15.0% adopted (3 of 20 shown), rephrased 5.0% adopted (1 of 20 shown); lift -10.0 points (fewer than 100 shown in a variant: too few to read)",
		8: "  AI rephrase cost: none (no calls: the lever was off or no model is configured)",
	} {
		if got[i] != want {
			t.Errorf("line %d:\n got %q\nwant %q", i, got[i], want)
		}
	}
	// Adoption exactly at target is met; 25% of 100 shown.
	src.weeks["2026-W47"] = ReviewCounts{Treatment: ReviewArmCounts{Generated: 100, Opened: 50, Shown: 100, Adopted: 25}}
	d, dec, _ = buildReview(context.Background(), src, Week{2026, 48})
	if len(dec) != 0 || d.Adoption.Met == nil || !*d.Adoption.Met || reviewText(d)[2] != "  adoption: 25.0% (25 of 100 recommendations shown adopted), target 25%: met" {
		t.Errorf("25 of 100: decisions %v, %q", dec, reviewText(d)[2])
	}
	// Nothing at all: no rate, no decision.
	d, dec, _ = buildReview(context.Background(), &reviewWeeks{}, Week{2026, 48})
	if len(dec) != 0 || d.Open.Rate != nil || d.Adoption.Met != nil || reviewText(d)[2] != "  adoption: n/a (0 of 0 recommendations shown adopted), target 25%: n/a (nothing shown)" {
		t.Errorf("an empty week: %v %q", dec, reviewText(d))
	}
}

// TestReviewSectionGolden renders the known review week in the text digest and in Block
// Kit (testdata/review-2026-W48.*.golden; -update rewrites them), through Build so the
// decisions reach "needs a decision" and the subject.
func TestReviewSectionGolden(t *testing.T) {
	b := &Builder{Review: knownReviewWeeks(), Incidents: noIncidents{}, Now: func() time.Time { return time.Date(2026, 11, 30, 8, 0, 3, 0, time.UTC) }}
	d, err := b.Build(context.Background(), Week{2026, 48})
	if err != nil {
		t.Fatal(err)
	}
	if Subject(d) != "Weekly SLO digest 2026-W48: 2 items need a decision" {
		t.Errorf("subject %q, want the two review decisions counted", Subject(d))
	}
	// The text's decisions and section (the rest is the SLO part, golden elsewhere).
	text := Text(d, Links{})
	i, j := strings.Index(text, "NEEDS A DECISION"), strings.Index(text, "ALERTS")
	k, l := strings.Index(text, "WEEKLY REVIEW"), strings.Index(text, "Generated ")
	if i < 0 || j < i || k < j || l < k {
		t.Fatalf("no decisions or review section in\n%s", text)
	}
	section := text[i:j] + text[k:l]
	// The Block Kit message's decisions and section blocks.
	raw, err := BlockKit(d, Links{})
	if err != nil {
		t.Fatal(err)
	}
	var msg blockMessage
	if err := json.Unmarshal(raw, &msg); err != nil {
		t.Fatal(err)
	}
	var mine []block
	for _, b := range msg.Blocks {
		if b.Text != nil && (strings.HasPrefix(b.Text.Text, "*Needs a decision") || strings.HasPrefix(b.Text.Text, "*Weekly review*")) {
			mine = append(mine, b)
		}
	}
	pretty, err := json.MarshalIndent(mine, "", "  ")
	if err != nil || len(mine) != 2 {
		t.Fatalf("Block Kit blocks %d (%v), want the decisions and the review section:\n%s", len(mine), err, raw)
	}
	pretty = append(pretty, '\n')
	for _, g := range []struct {
		file string
		got  []byte
	}{
		{"review-2026-W48.txt.golden", []byte(section)},
		{"review-2026-W48.blockkit.json.golden", pretty},
	} {
		path := filepath.Join("testdata", g.file)
		if updating() {
			if err := os.WriteFile(path, g.got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		if !bytes.Equal(g.got, want) {
			t.Errorf("%s differs (run with -update and read the diff):\n--- got\n%s", path, g.got)
		}
	}
	// The stored digest carries the section, and a digest without a ReviewSource has none.
	raw, _ = json.Marshal(d)
	var back Digest
	if err := json.Unmarshal(raw, &back); err != nil || back.Review == nil || back.Review.Rephrase.MicroUSD != 499200 || *back.Review.NextWeek.LiftPoints != *d.Review.NextWeek.LiftPoints {
		t.Errorf("round trip: %v %+v", err, back.Review)
	}
	plain, _ := (&Builder{Incidents: noIncidents{}, Now: b.Now}).Build(context.Background(), Week{2026, 48})
	raw, _ = json.Marshal(plain)
	if plain.Review != nil || bytes.Contains(raw, []byte(`"review"`)) || strings.Contains(Text(plain, Links{}), "WEEKLY REVIEW") {
		t.Error("a digest without a ReviewSource has a review section")
	}
}
