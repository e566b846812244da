package wiring_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/digest"
	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/opsstore"
	"github.com/lucian-app/phase12/shared/opsstore/opsstoretest"
	"github.com/lucian-app/phase12/shared/review"
	"github.com/lucian-app/phase12/shared/reviewstore"
	"github.com/lucian-app/phase12/shared/reviewstore/reviewstoretest"
	"github.com/lucian-app/phase12/shared/wiring/digestwire"
)

// TestDigestReviewSectionFromReviewTable: counters written by the review's own paths
// (a review's put, its events, an adoption, the rephrase's spend, the next week's put)
// reach the digest of 2026-W48 as the section's figures, in two Queries of ReviewTable
// and at most 2 × 16 counter items, however many users there are.
func TestDigestReviewSectionFromReviewTable(t *testing.T) {
	ctx := context.Background()
	db := dynamotest.New(t)
	store := reviewstore.New(db, dynamotest.ReviewTable)
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	// 2026-W46: 40 treatment users and 2 holdout users get a review; 2026-W47's reviews
	// then count their next week (the treatment 3 of 4 due done on plan, the holdout 1 of 4).
	// In 2026-W47 the treatment users open their review, the first 20 are shown both
	// recommendations (r1 rephrased for the first 10) and 6 adopt r1.
	for i := range 42 {
		u, holdout := fmt.Sprint("user-", i), i >= 40
		if _, _, err := store.Put(ctx, u, reviewstoretest.Sample("2026-W46", holdout), nil); err != nil {
			t.Fatal(err)
		}
		r := reviewstoretest.Sample("2026-W47", holdout)
		if !holdout && i < 10 {
			r.Recommendations[0].Rephrased = true
		}
		arm, planned, onPlan := reviewstore.ArmTreatment, 4, 3
		if holdout {
			arm, onPlan = reviewstore.ArmHoldout, 1
		}
		r, _, err := store.Put(ctx, u, r, &reviewstore.NextWeek{PrevWeek: "2026-W46", PrevArm: arm, Planned: planned, OnPlan: onPlan})
		if err != nil {
			t.Fatal(err)
		}
		if holdout {
			continue
		}
		if _, err := store.Take(ctx, u, reviewstore.Event{ID: u + "-open", Name: reviewstore.EventReviewOpened, Week: r.Week, At: at}, r, at); err != nil {
			t.Fatal(err)
		}
		if i >= 20 {
			continue
		}
		for _, rec := range []string{"r1", "r2"} {
			e := reviewstore.Event{ID: u + "-show-" + rec, Name: reviewstore.EventRecShown, Week: r.Week, RecID: rec, VisibleMS: 900, At: at}
			if _, err := store.Take(ctx, u, e, r, at); err != nil {
				t.Fatal(err)
			}
		}
		if i%3 == 0 { // users 0, 3, 6, 9 (rephrased) and 12, 15, 18 adopt r1
			if err := store.Mark(ctx, u, r.Week, "r1", []string{review.StateOpen}, review.StateAdopted, "exec-"+u); err != nil {
				t.Fatal(err)
			}
		}
		if i < 10 {
			if err := store.Count(ctx, r.Week, arm, u, map[string]int64{"rephrase_calls": 2, "rephrase_kept": 1, "rephrase_refused": 1,
				"rephrase_input_tokens": 200, "rephrase_output_tokens": 60, "rephrase_micro_usd": 1500}); err != nil {
				t.Fatal(err)
			}
		}
	}

	calls := dynamotest.Count(db)
	items := opsstoretest.CountItems(calls)
	b := &digest.Builder{Incidents: opsstore.New(db, dynamotest.OpsTable), Now: func() time.Time { return time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC) },
		Review: digestwire.ReviewDigestSource(reviewstore.New(items, dynamotest.ReviewTable))}
	d, err := b.Build(ctx, digest.Week{Year: 2026, Number: 48})
	if err != nil {
		t.Fatal(err)
	}
	if q, all := calls.Calls("Query"), calls.Calls(""); q != 2 || all != 2 {
		t.Errorf("ReviewTable calls: %d Queries of %d calls, want 2 and 2 (the two weeks' counters)", q, all)
	}
	if n := items.Items(); n > 2*digest.ReviewItemsPerWeek || n < 2*reviewstore.StatShards {
		t.Errorf("read %d counter items, want between %d (two weeks of treatment shards) and %d", n, 2*reviewstore.StatShards, 2*digest.ReviewItemsPerWeek)
	}
	r := d.Review
	if r == nil || r.Week != "2026-W47" || r.PrevWeek != "2026-W46" {
		t.Fatalf("review section %+v, want the reviews of 2026-W47 against 2026-W46", r)
	}
	// By hand: 40 of 42 opened in W47, none in W46; 7 of 40 shown adopted (17.5%, under
	// 25% but under 100 shown: no decision); rephrased 4 of 10 shown, deterministic 3 of
	// 30; next week of W46: treatment 120 of 160, holdout 2 of 8; the rephrase 20 calls,
	// 2,000 + 600 tokens, 15,000 micro-dollars.
	type figures struct {
		gen, opened, prevGen, prevOpened, shown, adopted, rpShown, rpAdopted int64
		tReviews, tPlanned, tOnPlan, hReviews, hPlanned, hOnPlan             int64
		calls, in, out, micro                                                int64
	}
	got := figures{r.Open.Generated, r.Open.Opened, r.Open.PrevGenerated, r.Open.PrevOpened, r.Adoption.Shown, r.Adoption.Adopted,
		r.Rephrase.Rephrased.Shown, r.Rephrase.Rephrased.Adopted,
		r.NextWeek.Treatment.Reviews, r.NextWeek.Treatment.Planned, r.NextWeek.Treatment.OnPlan,
		r.NextWeek.Holdout.Reviews, r.NextWeek.Holdout.Planned, r.NextWeek.Holdout.OnPlan,
		r.Rephrase.Calls, r.Rephrase.InputTokens, r.Rephrase.OutputTokens, r.Rephrase.MicroUSD}
	want := figures{42, 40, 42, 0, 40, 7, 10, 4, 40, 160, 120, 2, 8, 2, 20, 2000, 600, 15000}
	if got != want {
		t.Errorf("figures\n got %+v\nwant %+v", got, want)
	}
	if r.Rephrase.Deterministic.Shown != 30 || r.Rephrase.Deterministic.Adopted != 3 || len(d.NeedsDecision) != 0 {
		t.Errorf("deterministic variant %+v, decisions %v; want 3 of 30 and none (too few shown)", r.Rephrase.Deterministic, d.NeedsDecision)
	}
}
