package reviewapi

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/degrade"
	"github.com/lucian-app/phase12/shared/execute"
	"github.com/lucian-app/phase12/shared/review"
	"github.com/lucian-app/phase12/shared/reviewstore"
)

// FactsReader reads what a review is built from (appstore.Store.WeekFacts).
type FactsReader interface {
	WeekFacts(ctx context.Context, owner string, w review.Week) (review.Facts, error)
}

// Store is ReviewTable (reviewstore.Store).
type Store interface {
	Get(ctx context.Context, user, week string) (review.Review, bool, error)
	Put(ctx context.Context, user string, r review.Review, next *reviewstore.NextWeek) (review.Review, bool, error)
	History(ctx context.Context, user string, w review.Week) (review.History, error)
	Timezone(ctx context.Context, user string) (string, error)
	Mark(ctx context.Context, user, week, rec string, from []string, to, executionID string) error
	Adoption(ctx context.Context, user, week, rec string) (string, error)
	Take(ctx context.Context, user string, e reviewstore.Event, r review.Review, now time.Time) (bool, error)
	Count(ctx context.Context, week, arm, user string, counts map[string]int64) error
	Register(ctx context.Context, user, tz string, now time.Time) error
}

// ZoneReader is the user's chosen zone from the companion settings (hintstore.Store.Timezone).
type ZoneReader interface {
	Timezone(ctx context.Context, user string) (string, error)
}

// Executor runs an intent once per key (execute.Engine).
type Executor interface {
	Execute(ctx context.Context, owner, key string, req execute.Request) (execute.Response, error)
}

var _ Store = (*reviewstore.Store)(nil)

// MaxAgeWeeks is how far back a review can be built on demand: the completions it reads
// are kept 8 weeks (appstore.DoneRetention).
const MaxAgeWeeks = 8

// Service is the weekly review.
type Service struct {
	Facts    FactsReader
	Store    Store
	Zones    ZoneReader // nil: no companion settings
	Exec     Executor
	Holdout  review.Holdout
	Levers   degrade.Reader
	Rephrase Rephraser // nil: the deterministic text only
	Now      func() time.Time
	Log      *slog.Logger
}

// Zone is the zone a user's weeks are built in, first found: the companion settings'
// timezone (the user's own choice), the zone the request names (the device's), the zone
// of the user's last review, UTC.
func (s *Service) Zone(ctx context.Context, user, requested string) (*time.Location, error) {
	var names []string
	if s.Zones != nil {
		tz, err := s.Zones.Timezone(ctx, user)
		if err != nil {
			return nil, err
		}
		names = append(names, tz)
	}
	names = append(names, requested)
	tz, err := s.Store.Timezone(ctx, user)
	if err != nil {
		return nil, err
	}
	names = append(names, tz)
	for _, n := range names {
		if n = strings.TrimSpace(n); n == "" {
			continue
		}
		if loc, err := time.LoadLocation(n); err == nil && n != "Local" {
			return loc, nil
		}
	}
	return time.UTC, nil
}

// Generate builds and stores user's review of w if there is none: the schedule's worker
// and an on-demand open both come here, so both build the same review, and of two racing
// only one is stored (the other answers it).
func (s *Service) Generate(ctx context.Context, user string, w review.Week) (review.Review, bool, error) {
	hist, err := s.Store.History(ctx, user, w)
	if err != nil {
		return review.Review{}, false, err
	}
	f, err := s.Facts.WeekFacts(ctx, user, w)
	if err != nil {
		return review.Review{}, false, err
	}
	f.History = hist
	r := review.Build(f, s.Holdout, s.Now())
	if s.Rephrase != nil && degrade.Of(ctx, s.Levers).AIRephrase {
		var counts map[string]int64
		r, counts = s.rephrase(ctx, r)
		if err := s.Store.Count(ctx, r.Week, armOf(r), user, counts); len(counts) > 0 && err != nil {
			return review.Review{}, false, err
		}
	}
	var next *reviewstore.NextWeek
	if p := hist.Prev; p != nil {
		next = &reviewstore.NextWeek{PrevWeek: p.Week, PrevArm: armOf(*p)}
		if c, ok := r.Card(review.CardPlanned); ok {
			planned, _ := c.Part("planned")
			onPlan, _ := c.Part("completed_on_plan")
			next.Planned, next.OnPlan = planned.Value, onPlan.Value
		}
	}
	return s.Store.Put(ctx, user, r, next)
}

func armOf(r review.Review) string {
	if r.Holdout {
		return reviewstore.ArmHoldout
	}
	return reviewstore.ArmTreatment
}

// Weekly is GET /reviews/weekly: user's review of week ("" the last finished week in their
// zone), built now if it does not exist yet. It registers the user for the schedule under
// the zone found (one read when they are registered under it already).
func (s *Service) Weekly(ctx context.Context, user, week, timezone string) (review.Review, error) {
	loc, err := s.Zone(ctx, user, timezone)
	if err != nil {
		return review.Review{}, err
	}
	s.register(ctx, user, loc)
	now := s.Now()
	w := review.LastFinished(now, loc)
	if week != "" {
		if w, err = review.ParseWeek(week, loc); err != nil {
			return review.Review{}, err
		}
	}
	r, ok, err := s.Store.Get(ctx, user, w.String())
	if err != nil || ok {
		return r, err
	}
	switch {
	case !w.Finished(now):
		return review.Review{}, apperr.New(apperr.NotFound, "no review of %s yet: the week ends %s in %s",
			w, w.End().Format(time.RFC3339), loc)
	case w.End().Before(review.WeekOf(now, loc).Start().AddDate(0, 0, -7*MaxAgeWeeks)):
		return review.Review{}, apperr.New(apperr.NotFound, "no review of %s: reviews are built for the last %d weeks", w, MaxAgeWeeks)
	case !degrade.Of(ctx, s.Levers).WeeklyReview:
		return review.Review{}, apperr.New(apperr.DependencyUnavailable, "weekly reviews are paused; try again later")
	}
	r, _, err = s.Generate(ctx, user, w)
	return r, err
}

// register puts user in the schedule's register under loc. A failure is logged, not
// answered: the review the user asked for does not depend on it.
func (s *Service) register(ctx context.Context, user string, loc *time.Location) {
	if err := s.Store.Register(ctx, user, loc.String(), s.Now()); err != nil && s.Log != nil {
		s.Log.Warn("weekly review: the register was not updated", "err", err.Error())
	}
}

// Scheduled builds user's review of week for the schedule's worker, through Generate as an
// on-demand open does (the same zone, facts and content; timezone is the zone they were
// registered in, the device's at their last open, taking the place of the request's), unless it is stored already: a
// message delivered twice, or a review the user opened first, is a success that does
// nothing. A week that has not ended yet in the user's zone (it changed since they were
// queued) moves them in the register and is built at that zone's hour; with the
// weekly_review lever off nothing is built (an open builds it later).
func (s *Service) Scheduled(ctx context.Context, user, week, timezone string) error {
	loc, err := s.Zone(ctx, user, timezone)
	if err != nil {
		return err
	}
	w, err := review.ParseWeek(week, loc)
	if err != nil {
		return err
	}
	if _, ok, err := s.Store.Get(ctx, user, w.String()); err != nil || ok {
		return err
	}
	if !w.Finished(s.Now()) {
		// The user moved west of the zone they were registered in (their settings changed
		// since): register them in the zone found, whose run queues them again when the
		// week has ended there. A week that cannot have ended anywhere is a bad message.
		if !w.Finished(s.Now().Add(26 * time.Hour)) {
			return apperr.New(apperr.InvalidRequest, "week %s has not ended in %s", w, loc)
		}
		s.register(ctx, user, loc)
		return nil
	}
	if !degrade.Of(ctx, s.Levers).WeeklyReview {
		if s.Log != nil {
			s.Log.Info("weekly review paused by its lever; the review is built when opened", "week", w.String())
		}
		return nil
	}
	s.register(ctx, user, loc)
	_, _, err = s.Generate(ctx, user, w)
	return err
}

// checkWeek validates a week in a path (its zone does not matter to its name).
func checkWeek(week string) error {
	_, err := review.ParseWeek(week, time.UTC)
	return err
}

// recommendation reads user's review of week and its recommendation id; either missing,
// or another user's, is 404.
func (s *Service) recommendation(ctx context.Context, user, week, id string) (review.Review, review.Recommendation, error) {
	if err := checkWeek(week); err != nil {
		return review.Review{}, review.Recommendation{}, err
	}
	r, ok, err := s.Store.Get(ctx, user, week)
	if err != nil {
		return r, review.Recommendation{}, err
	}
	if !ok {
		return r, review.Recommendation{}, apperr.New(apperr.NotFound, "no review of %s", week)
	}
	rec, ok := r.Recommendation(id)
	if !ok {
		return r, rec, apperr.New(apperr.NotFound, "no recommendation %q in the review of %s", id, week)
	}
	return r, rec, nil
}

// Adopted is an adoption's answer.
type Adopted struct {
	Recommendation review.Recommendation `json:"recommendation"`
	ExecutionID    string                `json:"execution_id"`
	// Execution is the command OS's answer to the action (absent when the adoption was
	// recorded before and is not run again).
	Execution      json.RawMessage `json:"execution,omitempty"`
	AlreadyAdopted bool            `json:"already_adopted"`
}

// AdoptionKey is the command OS's idempotency key of adopting a recommendation: derived
// from the recommendation, not the client's key, so that adoptions sent with different
// keys (two devices, a retry after a lost answer) still execute the action once.
func AdoptionKey(week, rec string) string { return "weekly-review:" + week + ":" + rec }

// Adopt is POST /reviews/weekly/{week}/recommendations/{id}/adopt: it executes the
// recommendation's action through the engine, once, and marks it adopted.
func (s *Service) Adopt(ctx context.Context, user, week, id, idempotencyKey string) (Adopted, error) {
	switch k := strings.TrimSpace(idempotencyKey); {
	case k == "":
		return Adopted{}, apperr.New(apperr.IdempotencyKeyMissing, "Idempotency-Key: header required")
	case len(k) > execute.MaxIdempotencyKey:
		return Adopted{}, apperr.New(apperr.InvalidRequest, "Idempotency-Key: at most %d characters", execute.MaxIdempotencyKey)
	}
	r, rec, err := s.recommendation(ctx, user, week, id)
	if err != nil {
		return Adopted{}, err
	}
	if rec.State == review.StateAdopted {
		ex, err := s.Store.Adoption(ctx, user, week, id)
		return Adopted{Recommendation: rec, ExecutionID: ex, AlreadyAdopted: true}, err
	}
	action := rec.Action
	resp, err := s.Exec.Execute(ctx, user, AdoptionKey(week, id), execute.Request{Intent: &action, Timezone: r.Timezone})
	if err != nil {
		return Adopted{}, err
	}
	var body struct {
		ExecutionID string `json:"execution_id"`
	}
	if resp.Status >= 300 || json.Unmarshal(resp.Body, &body) != nil || body.ExecutionID == "" {
		return Adopted{}, apperr.New(apperr.Conflict, "the recommendation's action was not executed; open the review again")
	}
	err = s.Store.Mark(ctx, user, week, id, []string{review.StateOpen, review.StateDismissed}, review.StateAdopted, body.ExecutionID)
	if err != nil && !errors.Is(err, reviewstore.ErrState) {
		return Adopted{}, err
	}
	// ErrState: a twin adopted it first, with the same execution (the engine's key).
	rec.State = review.StateAdopted
	return Adopted{Recommendation: rec, ExecutionID: body.ExecutionID, Execution: resp.Body}, nil
}

// Dismiss is POST /reviews/weekly/{week}/recommendations/{id}/dismiss. Dismissing twice is
// the same; an adopted recommendation cannot be dismissed (409).
func (s *Service) Dismiss(ctx context.Context, user, week, id string) (review.Recommendation, error) {
	_, rec, err := s.recommendation(ctx, user, week, id)
	if err != nil {
		return rec, err
	}
	switch rec.State {
	case review.StateDismissed:
		return rec, nil
	case review.StateAdopted:
		return rec, apperr.New(apperr.Conflict, "recommendation %q was adopted; it cannot be dismissed", id)
	}
	err = s.Store.Mark(ctx, user, week, id, []string{review.StateOpen}, review.StateDismissed, "")
	if errors.Is(err, reviewstore.ErrState) {
		return s.Dismiss(ctx, user, week, id)
	}
	rec.State = review.StateDismissed
	return rec, err
}
