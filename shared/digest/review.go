package digest

import (
	"context"
	"fmt"
)

// ReviewSource reads one review week's counters by arm (the weekly review's counters in
// ReviewTable, reviewstore.Store.Stats): one Query of at most ReviewItemsPerWeek items.
type ReviewSource interface {
	ReviewWeek(ctx context.Context, week string) (ReviewCounts, error)
}

// ReviewItemsPerWeek is how many counter items one review week has at most: two arms of
// reviewstore.StatShards (8) items. The digest reads two weeks, so at most 32 items.
const ReviewItemsPerWeek = 16

// ReviewCounts are one review week's counters, per arm.
type ReviewCounts struct {
	Treatment, Holdout ReviewArmCounts
}

// ReviewArmCounts are the counters reviewstore keeps for one arm of a review week.
type ReviewArmCounts struct {
	Generated, Opened int64 // reviews stored; reviews opened at least once
	// Shown and Adopted are recommendations shown at least once and adopted; the
	// Rephrased ones are those whose text was the AI rephrase's.
	Shown, Adopted, ShownRephrased, AdoptedRephrased int64
	// The week after: reviews that measured it, tasks due in it and those completed in it.
	NextReviews, NextPlanned, NextOnPlan         int64
	RephraseCalls, RephraseKept, RephraseRefused int64
	RephraseInputTokens, RephraseOutputTokens    int64
	RephraseMicroUSD                             int64
}

func (a ReviewArmCounts) plus(b ReviewArmCounts) ReviewArmCounts {
	return ReviewArmCounts{Generated: a.Generated + b.Generated, Opened: a.Opened + b.Opened,
		Shown: a.Shown + b.Shown, Adopted: a.Adopted + b.Adopted,
		ShownRephrased: a.ShownRephrased + b.ShownRephrased, AdoptedRephrased: a.AdoptedRephrased + b.AdoptedRephrased,
		NextReviews: a.NextReviews + b.NextReviews, NextPlanned: a.NextPlanned + b.NextPlanned, NextOnPlan: a.NextOnPlan + b.NextOnPlan,
		RephraseCalls: a.RephraseCalls + b.RephraseCalls, RephraseKept: a.RephraseKept + b.RephraseKept,
		RephraseRefused: a.RephraseRefused + b.RephraseRefused, RephraseInputTokens: a.RephraseInputTokens + b.RephraseInputTokens,
		RephraseOutputTokens: a.RephraseOutputTokens + b.RephraseOutputTokens, RephraseMicroUSD: a.RephraseMicroUSD + b.RephraseMicroUSD}
}

// Thresholds of the weekly review section (issue 16).
const (
	// AdoptionTarget is the recommendations' adoption target: adopted / shown.
	AdoptionTarget = 0.25
	// MinReviewShown: under this many recommendations shown (or shown in a variant), the
	// adoption rate is marked too few to read and asks for no decision.
	MinReviewShown = 100
	// MinReviews: under this many reviews in a week (or in an arm), open rates and the
	// treatment-vs-holdout completion are marked too few to read.
	MinReviews = 30
)

// Decision kinds of the weekly review section.
const (
	ReviewAdoptionLow = "review_adoption_low"
	RephraseNoLift    = "rephrase_no_lift"
)

// ReviewDigest is the weekly review's KPIs. Week is the review week before the digest's:
// its reviews are built from its Monday (in each user's zone) and opened during the
// digest's week, while the digest's own week has barely any review yet when the digest
// runs. The next-week completion is of the reviews of PrevWeek, the latest whose next
// week (Week) has been reviewed.
type ReviewDigest struct {
	Week     string `json:"week"`
	PrevWeek string `json:"prev_week"`
	Open     struct {
		Generated     int64    `json:"generated"`
		Opened        int64    `json:"opened"`
		Rate          *float64 `json:"rate"`
		PrevGenerated int64    `json:"prev_generated"`
		PrevOpened    int64    `json:"prev_opened"`
		PrevRate      *float64 `json:"prev_rate"`
		// ChangePoints is Rate - PrevRate in percentage points, null when either is.
		ChangePoints *float64 `json:"change_points"`
	} `json:"open"`
	Adoption struct {
		Shown   int64    `json:"shown"`
		Adopted int64    `json:"adopted"`
		Rate    *float64 `json:"rate"`
		Target  float64  `json:"target"`
		Met     *bool    `json:"met"`
	} `json:"adoption"`
	// NextWeek is the on-plan completion, in the week after, of the reviews of PrevWeek:
	// the treatment (recommendations) against the 5% holdout (cards only).
	NextWeek struct {
		Treatment  NextWeekArm `json:"treatment"`
		Holdout    NextWeekArm `json:"holdout"`
		LiftPoints *float64    `json:"lift_points"`
	} `json:"next_week"`
	// Rephrase is the AI rephrase's cost beside adoption per variant (the text served was
	// the deterministic one or the rephrase's), for the kill criterion.
	Rephrase struct {
		Deterministic VariantAdoption `json:"deterministic"`
		Rephrased     VariantAdoption `json:"rephrased"`
		// LiftPoints is the rephrased variant's adoption rate minus the deterministic one's.
		LiftPoints   *float64 `json:"lift_points"`
		Calls        int64    `json:"calls"`
		Kept         int64    `json:"kept"`
		Refused      int64    `json:"refused"`
		InputTokens  int64    `json:"input_tokens"`
		OutputTokens int64    `json:"output_tokens"`
		MicroUSD     int64    `json:"micro_usd"`
	} `json:"rephrase"`
}

// NextWeekArm is one arm's completion in the week after its reviews.
type NextWeekArm struct {
	Reviews int64    `json:"reviews"`
	Planned int64    `json:"planned"`
	OnPlan  int64    `json:"on_plan"`
	Rate    *float64 `json:"rate"`
}

// VariantAdoption is one variant's recommendations shown and adopted.
type VariantAdoption struct {
	Shown   int64    `json:"shown"`
	Adopted int64    `json:"adopted"`
	Rate    *float64 `json:"rate"`
}

func ratio(n, d int64) *float64 {
	if d <= 0 {
		return nil
	}
	r := float64(n) / float64(d)
	return &r
}

func points(a, b *float64) *float64 {
	if a == nil || b == nil {
		return nil
	}
	p := (*a - *b) * 100
	return &p
}

// buildReview reads the review weeks before w and the one before that (two Queries of at
// most ReviewItemsPerWeek items each) and lists what needs a decision: adoption under
// target with MinReviewShown shown, and a rephrase that cost something without lifting
// adoption with MinReviewShown shown in each variant.
func buildReview(ctx context.Context, src ReviewSource, w Week) (*ReviewDigest, []Decision, error) {
	week := WeekOf(w.Start().AddDate(0, 0, -7))
	prev := WeekOf(w.Start().AddDate(0, 0, -14))
	cur, err := src.ReviewWeek(ctx, week.String())
	if err != nil {
		return nil, nil, fmt.Errorf("read the review counters of %s: %w", week, err)
	}
	before, err := src.ReviewWeek(ctx, prev.String())
	if err != nil {
		return nil, nil, fmt.Errorf("read the review counters of %s: %w", prev, err)
	}
	d := &ReviewDigest{Week: week.String(), PrevWeek: prev.String()}
	all, allPrev := cur.Treatment.plus(cur.Holdout), before.Treatment.plus(before.Holdout)

	o := &d.Open
	o.Generated, o.Opened, o.Rate = all.Generated, all.Opened, ratio(all.Opened, all.Generated)
	o.PrevGenerated, o.PrevOpened, o.PrevRate = allPrev.Generated, allPrev.Opened, ratio(allPrev.Opened, allPrev.Generated)
	o.ChangePoints = points(o.Rate, o.PrevRate)

	a := &d.Adoption
	a.Shown, a.Adopted, a.Rate, a.Target = all.Shown, all.Adopted, ratio(all.Adopted, all.Shown), AdoptionTarget
	if a.Rate != nil {
		met := *a.Rate >= AdoptionTarget
		a.Met = &met
	}

	arm := func(c ReviewArmCounts) NextWeekArm {
		return NextWeekArm{Reviews: c.NextReviews, Planned: c.NextPlanned, OnPlan: c.NextOnPlan, Rate: ratio(c.NextOnPlan, c.NextPlanned)}
	}
	n := &d.NextWeek
	n.Treatment, n.Holdout = arm(before.Treatment), arm(before.Holdout)
	n.LiftPoints = points(n.Treatment.Rate, n.Holdout.Rate)

	r := &d.Rephrase
	r.Rephrased = VariantAdoption{Shown: all.ShownRephrased, Adopted: all.AdoptedRephrased, Rate: ratio(all.AdoptedRephrased, all.ShownRephrased)}
	detShown, detAdopted := all.Shown-all.ShownRephrased, all.Adopted-all.AdoptedRephrased
	r.Deterministic = VariantAdoption{Shown: detShown, Adopted: detAdopted, Rate: ratio(detAdopted, detShown)}
	r.LiftPoints = points(r.Rephrased.Rate, r.Deterministic.Rate)
	r.Calls, r.Kept, r.Refused = all.RephraseCalls, all.RephraseKept, all.RephraseRefused
	r.InputTokens, r.OutputTokens, r.MicroUSD = all.RephraseInputTokens, all.RephraseOutputTokens, all.RephraseMicroUSD

	var dec []Decision
	if a.Met != nil && !*a.Met && a.Shown >= MinReviewShown {
		dec = append(dec, Decision{Kind: ReviewAdoptionLow, Objective: "weekly_review",
			Message: fmt.Sprintf("weekly review adoption was %s (%d of %d recommendations shown) in the reviews of %s, against a target of %s; revise the recommendation templates or the situation rules",
				pct(a.Rate), a.Adopted, a.Shown, d.Week, Percent(AdoptionTarget))})
	}
	if r.Calls > 0 && r.LiftPoints != nil && *r.LiftPoints <= 0 &&
		r.Rephrased.Shown >= MinReviewShown && r.Deterministic.Shown >= MinReviewShown {
		dec = append(dec, Decision{Kind: RephraseNoLift, Objective: "weekly_review",
			Message: fmt.Sprintf("the AI rephrase cost %s in the reviews of %s for %+.1f points of adoption (rephrased %s of %d shown, deterministic %s of %d); keep the deterministic text only: turn the ai_rephrase lever off",
				dollars(r.MicroUSD), d.Week, *r.LiftPoints, pct(r.Rephrased.Rate), r.Rephrased.Shown, pct(r.Deterministic.Rate), r.Deterministic.Shown)})
	}
	return d, dec, nil
}

// dollars formats millionths of a dollar.
func dollars(micro int64) string { return fmt.Sprintf("$%.4f", float64(micro)/1e6) }

func change(p *float64) string {
	if p == nil {
		return "n/a"
	}
	return fmt.Sprintf("%+.1f points", *p)
}

// reviewText is the section's lines, the first its heading.
func reviewText(d *ReviewDigest) []string {
	o, a, n, r := d.Open, d.Adoption, d.NextWeek, d.Rephrase
	open := fmt.Sprintf("  open rate: %s (%d of %d reviews opened); %s: %s (%d of %d); change %s", pct(o.Rate), o.Opened, o.Generated,
		d.PrevWeek, pct(o.PrevRate), o.PrevOpened, o.PrevGenerated, change(o.ChangePoints))
	if o.ChangePoints != nil && (o.Generated < MinReviews || o.PrevGenerated < MinReviews) {
		open += fmt.Sprintf(" (fewer than %d reviews in a week: too few to read)", MinReviews)
	}
	adopt := fmt.Sprintf("  adoption: %s (%d of %d recommendations shown adopted), target %s", pct(a.Rate), a.Adopted, a.Shown, Percent(a.Target))
	switch {
	case a.Met == nil:
		adopt += ": n/a (nothing shown)"
	case a.Shown < MinReviewShown:
		adopt += fmt.Sprintf(": %s (fewer than %d shown: too few to read)", map[bool]string{true: "met", false: "not met"}[*a.Met], MinReviewShown)
	case *a.Met:
		adopt += ": met"
	default:
		adopt += ": NOT MET"
	}
	armText := func(x NextWeekArm) string {
		return fmt.Sprintf("%s (%s of %s due done on plan, %s)", pct(x.Rate), thousands(uint64(x.OnPlan)), thousands(uint64(x.Planned)), plural64(uint64(x.Reviews), "review", "reviews"))
	}
	next := fmt.Sprintf("    lift: %s", change(n.LiftPoints))
	if n.LiftPoints != nil && (n.Treatment.Reviews < MinReviews || n.Holdout.Reviews < MinReviews) {
		next += fmt.Sprintf(" (fewer than %d reviews in an arm: too few to read)", MinReviews)
	}
	variant := func(v VariantAdoption) string {
		return fmt.Sprintf("%s adopted (%d of %d shown)", pct(v.Rate), v.Adopted, v.Shown)
	}
	rephrase := fmt.Sprintf("  AI rephrase: deterministic %s, rephrased %s; lift %s", variant(r.Deterministic), variant(r.Rephrased), change(r.LiftPoints))
	if r.LiftPoints != nil && (r.Rephrased.Shown < MinReviewShown || r.Deterministic.Shown < MinReviewShown) {
		rephrase += fmt.Sprintf(" (fewer than %d shown in a variant: too few to read)", MinReviewShown)
	}
	cost := fmt.Sprintf("  AI rephrase cost: %s for %s (%d kept, %d refused), %s input and %s output tokens", dollars(r.MicroUSD),
		plural64(uint64(r.Calls), "call", "calls"), r.Kept, r.Refused, thousands(uint64(r.InputTokens)), thousands(uint64(r.OutputTokens)))
	if r.Calls == 0 {
		cost = "  AI rephrase cost: none (no calls: the lever was off or no model is configured)"
	}
	return []string{
		fmt.Sprintf("WEEKLY REVIEW (reviews of %s, built and opened during this week)", d.Week),
		open, adopt,
		fmt.Sprintf("  next-week completion of the reviews of %s (tasks due in %s done on plan):", d.PrevWeek, d.Week),
		"    treatment (recommendations): " + armText(n.Treatment),
		"    holdout (cards only): " + armText(n.Holdout),
		next,
		rephrase, cost,
	}
}
