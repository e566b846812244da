package review

import (
	"fmt"
	"time"

	"github.com/lucian-app/phase12/shared/bucketing"
)

// Holdout is the experiment that measures the recommendations' lift: a stable share of
// users, bucketed on their sub and Seed (GrowthBook hash v2, shared/bucketing), gets the
// cards without recommendations.
type Holdout struct {
	Share float64 // 0 to 1; DefaultHoldoutShare
	Seed  string
}

// The holdout's defaults. Changing the seed reshuffles who is held out, so it is a constant.
const (
	DefaultHoldoutShare = 0.05
	DefaultHoldoutSeed  = "weekly-review-holdout-v1"
)

// DefaultHoldout is 5% on the default seed.
func DefaultHoldout() Holdout { return Holdout{Share: DefaultHoldoutShare, Seed: DefaultHoldoutSeed} }

// In reports whether user is held out.
func (h Holdout) In(user string) bool { return bucketing.In(h.Seed, user, h.Share) }

// ID is a review's id: one review per user and week, so the week names it.
func ID(w Week) string { return "wr-" + w.String() }

// Build makes the review of f.Week at now. The same facts and holdout give the same review
// (but for GeneratedAt): the schedule's worker and an on-demand open build the same.
func Build(f Facts, h Holdout, now time.Time) Review {
	w := f.Week
	this, prev := statsOf(f, w), statsOf(f, w.Prev())
	c := carryOf(f, w)
	g := goalsOf(f, w)
	current, best := streakOf(f, this, prev)
	sit := classify(f, this, prev, c)
	r := Review{ID: ID(w), Week: w.String(), From: w.Start(), To: w.End(), Timezone: w.Loc.String(),
		Situation: sit, Holdout: h.In(f.User), GeneratedAt: now.UTC(), Cards: []Card{},
		Recommendations: []Recommendation{}}
	if sit.Class == ClassEmpty {
		// An empty week is a sentence and one suggestion, not a table of zeros.
		r.Summary = fmt.Sprintf("A quiet week: nothing was due, completed or changed in %s.", w)
	} else {
		r.Cards = cards(f, this, prev, c, g, current, best)
		r.Summary = fmt.Sprintf("%s: %d tasks completed, %d of %d due tasks on plan (%d%%), %d carried over.",
			w, this.completed, this.onPlan, this.planned, this.rate(), c.slipped+c.never)
	}
	if r.Holdout {
		return r
	}
	cs := r.Cards
	if sit.Class == ClassEmpty {
		cs = cards(f, this, prev, c, g, current, best)
	}
	for i, x := range recommend(f, cs, sit, this, c) {
		r.Recommendations = append(r.Recommendations, Recommendation{ID: fmt.Sprintf("r%d", i+1), RuleID: x.rule,
			Text: x.text, Cites: x.cites, Action: x.action, State: StateOpen})
	}
	return r
}

// Recommendation returns the review's recommendation id, if it has one.
func (r Review) Recommendation(id string) (Recommendation, bool) {
	for _, x := range r.Recommendations {
		if x.ID == id {
			return x, true
		}
	}
	return Recommendation{}, false
}
