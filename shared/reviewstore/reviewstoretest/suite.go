// Package reviewstoretest is the behaviour ReviewTable's store must show on any DynamoDB:
// the unit tests run it on the embedded store, the contract tests on DynamoDB Local over
// the wire (which runs requests at the same time), so both prove the same things: one
// review per user and week under racing writers, state changes and events taken once.
package reviewstoretest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/barrier"
	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/intent"
	"github.com/lucian-app/phase12/shared/review"
	"github.com/lucian-app/phase12/shared/reviewstore"
)

// Twins is how many writers race in each concurrency case.
const Twins = 12

// At is the suite's clock: the Monday after week 2026-W49.
var At = time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC)

// Sample is a small review of week with two recommendations.
func Sample(week string, holdout bool) review.Review {
	r := review.Review{ID: "wr-" + week, Week: week, Timezone: "UTC", Summary: "sample",
		Situation:   review.Situation{Class: review.ClassSteady, RuleVersion: review.RuleVersion, Why: "test"},
		Cards:       []review.Card{{ID: review.CardPlanned, Value: 50, Parts: []review.Part{{Name: "planned", Value: 4}}}},
		GeneratedAt: At, Holdout: holdout, Recommendations: []review.Recommendation{}}
	if !holdout {
		r.Recommendations = []review.Recommendation{
			{ID: "r1", RuleID: review.RuleSteadyReview, Text: "Add \"Weekly review\" for Friday 2026-12-11.",
				Action: intent.Intent{Type: intent.CreateTask, Title: "Weekly review", Due: "2026-12-11"}, State: review.StateOpen},
			{ID: "r2", RuleID: review.RuleSteadyNever, Text: "Move it.",
				Action: intent.Intent{Type: intent.RescheduleTask, TaskRef: "t1", Due: "2026-12-12"}, State: review.StateOpen},
		}
	}
	return r
}

// Run runs the suite on db, whose table must exist.
func Run(t *testing.T, db dynamo.API, table string) {
	ctx := context.Background()
	s := reviewstore.New(db, table)
	run := fmt.Sprint(time.Now().UnixNano())
	user := func(name string) string { return name + "-" + run }
	utc, _ := review.ParseWeek("2026-W49", time.UTC)

	t.Run("a review is stored once per user and week, and racing writers all get the one stored", func(t *testing.T) {
		u := user("race")
		var mu sync.Mutex
		created, ids := 0, map[string]bool{}
		barrier.Run(Twins, func(i int) {
			r := Sample("2026-W49", false)
			r.Summary = fmt.Sprint("writer ", i)
			got, ok, err := s.Put(ctx, u, r, nil)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Errorf("writer %d: %v", i, err)
				return
			}
			if ok {
				created++
			}
			ids[got.Summary] = true
		})
		if created != 1 || len(ids) != 1 {
			t.Errorf("%d writers created a review and they saw %d different ones; want 1 and 1", created, len(ids))
		}
		stats, err := s.Stats(ctx, "2026-W49")
		if err != nil {
			t.Fatal(err)
		}
		if stats[reviewstore.ArmTreatment]["generated"] < 1 {
			t.Errorf("generated counter %v, want it counted", stats)
		}
		h, err := s.History(ctx, u, utc.Next())
		if err != nil {
			t.Fatal(err)
		}
		if h.PriorReviews != 1 || h.LastActiveWeek != "2026-W49" || h.Prev == nil || h.Prev.Week != "2026-W49" {
			t.Errorf("history after one review: %+v, want one review, active 2026-W49, the review as Prev", h)
		}
	})

	t.Run("another user's review does not exist for them", func(t *testing.T) {
		if _, _, err := s.Put(ctx, user("owner"), Sample("2026-W49", false), nil); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := s.Get(ctx, user("stranger"), "2026-W49"); ok || err != nil {
			t.Errorf("a stranger reads the review (ok %v, err %v)", ok, err)
		}
		err := s.Mark(ctx, user("stranger"), "2026-W49", "r1", []string{review.StateOpen}, review.StateAdopted, "x")
		if err == nil {
			t.Error("a stranger adopted another user's recommendation")
		}
	})

	t.Run("of racing adoptions one moves the state, the others see it adopted", func(t *testing.T) {
		u := user("adopt")
		if _, _, err := s.Put(ctx, u, Sample("2026-W49", false), nil); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		won, refused := 0, 0
		barrier.Run(Twins, func(i int) {
			err := s.Mark(ctx, u, "2026-W49", "r1", []string{review.StateOpen, review.StateDismissed}, review.StateAdopted, "exec-1")
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				won++
			case errors.Is(err, reviewstore.ErrState):
				refused++
			default:
				t.Errorf("twin %d: %v", i, err)
			}
		})
		if won != 1 || refused != Twins-1 {
			t.Errorf("%d adoptions took, %d refused; want 1 and %d", won, refused, Twins-1)
		}
		r, _, _ := s.Get(ctx, u, "2026-W49")
		if rec, _ := r.Recommendation("r1"); rec.State != review.StateAdopted {
			t.Errorf("state %q, want adopted", rec.State)
		}
		if rec, _ := r.Recommendation("r2"); rec.State != review.StateOpen {
			t.Errorf("the other recommendation is %q, want open", rec.State)
		}
		if ex, _ := s.Adoption(ctx, u, "2026-W49", "r1"); ex != "exec-1" {
			t.Errorf("adopting execution %q, want exec-1", ex)
		}
		err := s.Mark(ctx, u, "2026-W49", "r1", []string{review.StateOpen}, review.StateDismissed, "")
		if !errors.Is(err, reviewstore.ErrState) {
			t.Errorf("dismissing an adopted recommendation: %v, want ErrState", err)
		}
		if err := s.Mark(ctx, u, "2026-W49", "r9", []string{review.StateOpen}, review.StateDismissed, ""); err == nil {
			t.Error("an unknown recommendation was dismissed")
		}
	})

	t.Run("events are taken once by id, and the first open and show of each count toward the rates", func(t *testing.T) {
		u := user("events")
		r, _, err := s.Put(ctx, u, Sample("2026-W48", false), nil)
		if err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		taken := 0
		barrier.Run(Twins, func(i int) {
			dup, err := s.Take(ctx, u, reviewstore.Event{ID: "ev-open-1", Name: reviewstore.EventReviewOpened, Week: r.Week, At: At}, r, At)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Errorf("twin %d: %v", i, err)
			} else if !dup {
				taken++
			}
		})
		if taken != 1 {
			t.Errorf("one event id taken %d times, want 1", taken)
		}
		// A second open (another id) is an event but not a second opened review.
		if dup, err := s.Take(ctx, u, reviewstore.Event{ID: "ev-open-2", Name: reviewstore.EventReviewOpened, Week: r.Week, At: At}, r, At); dup || err != nil {
			t.Fatalf("second open: dup %v err %v", dup, err)
		}
		for i, name := range []string{reviewstore.EventRecShown, reviewstore.EventRecShown, reviewstore.EventRecOpened} {
			e := reviewstore.Event{ID: fmt.Sprint("ev-", i), Name: name, Week: r.Week, RecID: "r1", VisibleMS: 1500, At: At}
			if _, err := s.Take(ctx, u, e, r, At); err != nil {
				t.Fatal(err)
			}
		}
		stats, err := s.Stats(ctx, "2026-W48")
		if err != nil {
			t.Fatal(err)
		}
		got := stats[reviewstore.ArmTreatment]
		for name, want := range map[string]int64{"opened": 1, "review_opened": 2, "shown": 1, "rec_shown": 2, "visible_ms": 3000, "rec_opened": 1} {
			if got[name] != want {
				t.Errorf("%s = %d, want %d (counters %v)", name, got[name], want, got)
			}
		}
	})

	t.Run("a rephrased recommendation's first show and adoption count under its variant too", func(t *testing.T) {
		u := user("variant")
		before, err := s.Stats(ctx, "2026-W45") // the table may hold earlier runs' counters
		if err != nil {
			t.Fatal(err)
		}
		r := Sample("2026-W45", false)
		r.Recommendations[0].Rephrased = true // r1's text is the rephrase's; r2's the deterministic
		if _, _, err := s.Put(ctx, u, r, nil); err != nil {
			t.Fatal(err)
		}
		got, _, err := s.Get(ctx, u, "2026-W45")
		if err != nil {
			t.Fatal(err)
		}
		if a, _ := got.Recommendation("r1"); !a.Rephrased {
			t.Error("r1 read back as deterministic, want rephrased")
		}
		if b, _ := got.Recommendation("r2"); b.Rephrased {
			t.Error("r2 read back as rephrased, want deterministic")
		}
		for i, rec := range []string{"r1", "r1", "r2"} { // r1 shown twice: its first show counts once
			e := reviewstore.Event{ID: fmt.Sprint("variant-show-", i), Name: reviewstore.EventRecShown, Week: got.Week, RecID: rec, VisibleMS: 1000, At: At}
			if _, err := s.Take(ctx, u, e, got, At); err != nil {
				t.Fatal(err)
			}
		}
		for _, rec := range []string{"r1", "r2"} {
			if err := s.Mark(ctx, u, "2026-W45", rec, []string{review.StateOpen}, review.StateAdopted, "exec-"+rec); err != nil {
				t.Fatal(err)
			}
		}
		stats, err := s.Stats(ctx, "2026-W45")
		if err != nil {
			t.Fatal(err)
		}
		c, b := stats[reviewstore.ArmTreatment], before[reviewstore.ArmTreatment]
		for name, want := range map[string]int64{"shown": 2, reviewstore.CounterShownRephrased: 1, "adopted": 2,
			reviewstore.CounterAdoptedRephrased: 1, "rec_shown": 3} {
			if got := c[name] - b[name]; got != want {
				t.Errorf("%s grew by %d, want %d (counters %v, before %v)", name, got, want, c, b)
			}
		}
	})

	t.Run("the next week's completion is counted under the previous review's arm", func(t *testing.T) {
		u := user("lift")
		prev := Sample("2026-W40", true)
		if _, _, err := s.Put(ctx, u, prev, nil); err != nil {
			t.Fatal(err)
		}
		next := &reviewstore.NextWeek{PrevWeek: "2026-W40", PrevArm: reviewstore.ArmHoldout, Planned: 5, OnPlan: 3}
		if _, _, err := s.Put(ctx, u, Sample("2026-W41", true), next); err != nil {
			t.Fatal(err)
		}
		stats, _ := s.Stats(ctx, "2026-W40")
		h := stats[reviewstore.ArmHoldout]
		if h["next_planned"] < 5 || h["next_on_plan"] < 3 || h["generated"] < 1 {
			t.Errorf("holdout counters of 2026-W40: %v, want next_planned 5, next_on_plan 3 counted", h)
		}
	})

	t.Run("the register holds each user in the ready hours of their zone, moves them with it and pages", func(t *testing.T) {
		honolulu, nz := user("reg-hnl"), user("reg-nz")
		if err := s.Register(ctx, honolulu, "Pacific/Honolulu", At); err != nil {
			t.Fatal(err)
		}
		if err := s.Register(ctx, nz, "Pacific/Auckland", At); err != nil {
			t.Fatal(err)
		}
		// Registering again under the same zone changes nothing.
		if err := s.Register(ctx, nz, "Pacific/Auckland", At); err != nil {
			t.Fatal(err)
		}
		if err := s.Register(ctx, nz, "Nowhere/City", At); err == nil {
			t.Error("Register under an unknown zone: got nil, want an error")
		}
		in := func(hour int) map[string]string {
			got := map[string]string{}
			after := ""
			for page := 0; ; page++ {
				users, next, err := s.Due(ctx, hour, after, 1)
				if err != nil {
					t.Fatal(err)
				}
				if len(users) > 1 {
					t.Fatalf("Due(limit 1) answered %d users", len(users))
				}
				for _, u := range users {
					if u.User == honolulu || u.User == nz {
						got[u.User] = u.Timezone
					}
				}
				if next == "" || page > 10000 {
					return got
				}
				after = next
			}
		}
		for hour, want := range map[int]map[string]string{
			16: {honolulu: "Pacific/Honolulu"}, 161: {nz: "Pacific/Auckland"}, 162: {nz: "Pacific/Auckland"}, 6: {},
		} {
			if got := in(hour); len(got) != len(want) || (len(want) > 0 && fmt.Sprint(got) != fmt.Sprint(want)) {
				t.Errorf("register of hour %d = %v, want %v", hour, got, want)
			}
		}
		// Moving to Berlin takes the user out of both Auckland hours and into Berlin's two.
		if err := s.Register(ctx, nz, "Europe/Berlin", At); err != nil {
			t.Fatal(err)
		}
		for hour, want := range map[int]int{161: 0, 162: 0, 4: 1, 5: 1} {
			if got := len(in(hour)); got != want {
				t.Errorf("after moving to Berlin, hour %d holds %d of the users, want %d", hour, got, want)
			}
		}
	})

	t.Run("reviewed tells which users have a review of their week", func(t *testing.T) {
		a, b := user("rv-a"), user("rv-b")
		if _, _, err := s.Put(ctx, a, Sample("2026-W30", false), nil); err != nil {
			t.Fatal(err)
		}
		got, err := s.Reviewed(ctx, []reviewstore.UserWeek{{User: a, Week: "2026-W30"}, {User: b, Week: "2026-W30"},
			{User: a, Week: "2026-W31"}, {User: a, Week: "2026-W30"}})
		if err != nil {
			t.Fatal(err)
		}
		want := map[reviewstore.UserWeek]bool{{User: a, Week: "2026-W30"}: true}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("Reviewed = %v, want %v", got, want)
		}
	})
}
