package hint

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/degrade"
	"github.com/lucian-app/phase12/shared/hintguard"
	"github.com/lucian-app/phase12/shared/httpapi"
)

// Store keeps each user's hint state in one item, and the counters.
type Store interface {
	// Load reads the user's state, consistently (a claim pins what it read).
	Load(ctx context.Context, user string) (State, error)
	// Claim applies c in one conditional write, or answers ErrClaimLost.
	Claim(ctx context.Context, user string, c Claim) error
	// Record keeps an event with its hint and applies its effect on the dismissal count
	// in one conditional write: ErrDuplicate when the hint has the event already,
	// ErrNoHint when the hint is not in the user's ring.
	Record(ctx context.Context, user string, r Record) error
	// SaveSettings replaces the user's settings and counts the change.
	SaveSettings(ctx context.Context, user string, s Settings) error
	// Count adds one to each named counter.
	Count(ctx context.Context, c Count) error
	// Seen marks the user's activity on s.Day, and keeps s's first day, arm and setting
	// unless kept already, in one conditional write: ErrSeen when the day is marked.
	Seen(ctx context.Context, user string, s Seen) error
	// Attempt keeps startedAt as the last task attempt counted, in one conditional write:
	// ErrDuplicate unless it is later than the last one kept.
	Attempt(ctx context.Context, user string, startedAt time.Time) error
}

// Guard answers a cohort's guardrail verdict for now's UTC day (hintguard.Keeper).
type Guard interface {
	Verdict(ctx context.Context, cohort string, now time.Time) (hintguard.Verdict, error)
}

// ClaimAttempts bounds the read-decide-claim rounds of one request. A request that loses
// its claim reads the winner's show and is refused by the gap, so the second round
// decides; a third covers a settings change landing at the same moment.
const ClaimAttempts = 3

// Service answers the companion routes.
type Service struct {
	Store      Store
	Catalog    *Catalog
	Limits     Limits
	Experiment Experiment
	// Levers are the emergency levers: hints off is flag_off for everyone, break invites
	// off offers none (tips still). Nil is the defaults (both on).
	Levers degrade.Reader
	// Guard, when set, tightens a cohort's caps (Limits.Tightened) on the days its
	// guardrail says so.
	Guard Guard
	Now   func() time.Time
	NewID func() string
	Log   *slog.Logger
}

// NextRequest is a validated POST /hints/next.
type NextRequest struct {
	Context    Context
	ClientTime time.Time
	// Device is the device's zone (the request's timezone).
	Device *time.Location
}

// Next decides whether Lucian may speak now and, if so, takes the slot. Every decision is
// counted by its reason (and a shown hint by its kind) and logged; so are the user's first
// request of the UTC day (D7 retention) and the task attempt the app reports.
func (s *Service) Next(ctx context.Context, user string, req NextRequest) (Decision, error) {
	arm := s.Experiment.Arm(user)
	lv := degrade.Of(ctx, s.Levers)
	limits, caps := s.limits(ctx, arm, s.Now())
	for attempt := 1; ; attempt++ {
		st, err := s.Store.Load(ctx, user)
		if err != nil {
			return Decision{}, err
		}
		now := s.Now()
		loc := req.Device
		if st.Settings.Timezone != "" {
			if l, err := time.LoadLocation(st.Settings.Timezone); err == nil {
				loc = l
			}
		}
		d, claim := limits.Decide(Input{Now: now, Loc: loc, Context: req.Context, State: st, Arm: arm,
			Flag: s.Experiment.Enabled && lv.Hints, NoBreakInvites: !lv.BreakInvites},
			s.Catalog, s.NewID)
		if claim != nil {
			err = s.Store.Claim(ctx, user, *claim)
			if errors.Is(err, ErrClaimLost) {
				if attempt < ClaimAttempts {
					continue
				}
				return Decision{}, apperr.New(apperr.Conflict, "the companion state kept changing; try again")
			}
			if err != nil {
				return Decision{}, err
			}
		}
		read := st
		if claim != nil {
			st = claim.Apply(st)
		}
		d.Caps = caps
		names := []string{"decision_" + string(d.Reason)}
		if d.Show {
			names = append(names, "shown_"+string(d.Hint.Kind))
			if claim.NewDay {
				// The user's first hint of their day: the users who saw a hint.
				names = append(names, hintguard.UsersShown)
			}
		}
		names = append(names, s.attempt(ctx, user, st, req, now)...)
		today, mark, first := s.seen(ctx, user, arm, read, now)
		s.count(ctx, user, arm, now, names, today)
		if len(first) > 0 {
			s.countOn(ctx, user, mark.FirstArm, mark.FirstDay, first)
		}
		s.logger(ctx).Info("hint decision", "user", user, "show", d.Show, "reason", d.Reason, "cohort", arm, "attempt", attempt,
			"tightened", caps != nil, "screen", req.Context.Screen, "client_skew_ms", req.ClientTime.Sub(now).Milliseconds())
		return d, nil
	}
}

// limits are the cohort's limits today: tightened, with the caps to answer, when its
// guardrail says so. A guard that cannot be read leaves the caps as they are (logged).
func (s *Service) limits(ctx context.Context, arm Arm, now time.Time) (Limits, *Caps) {
	if s.Guard == nil {
		return s.Limits, nil
	}
	v, err := s.Guard.Verdict(ctx, string(arm), now)
	if err != nil {
		s.logger(ctx).Warn("hint guardrail not read; caps not tightened", "cohort", arm, "err", err)
	}
	if !v.Tightened {
		return s.Limits, nil
	}
	l := s.Limits.Tightened()
	return l, l.CapsOf(fmt.Sprintf("caps tightened for cohort %s: %s over %s to %s", arm, v.Why, v.From, v.To))
}

// attempt counts the task attempt the request reports, once (the latest start wins): as
// during a hint when one was shown from its start (moved to the server's clock by the
// request's skew) to hintguard.AttemptWindow after it, among the user's last hints.
func (s *Service) attempt(ctx context.Context, user string, st State, req NextRequest, now time.Time) []string {
	a := req.Context.LastTask
	if a == nil || !a.StartedAt.After(st.TaskAt) {
		return nil
	}
	if err := s.Store.Attempt(ctx, user, a.StartedAt); err != nil {
		if !errors.Is(err, ErrDuplicate) {
			s.logger(ctx).Warn("task attempt not counted", "err", err)
		}
		return nil
	}
	start := a.StartedAt.Add(now.Sub(req.ClientTime))
	hinted := false
	for _, h := range st.Ring {
		if h != nil && !h.ShownAt.Before(start) && !h.ShownAt.After(start.Add(hintguard.AttemptWindow)) {
			hinted = true
		}
	}
	switch {
	case hinted && a.Abandoned:
		return []string{hintguard.AttemptsHinted, hintguard.AbandonedHinted}
	case hinted:
		return []string{hintguard.AttemptsHinted}
	case a.Abandoned:
		return []string{hintguard.AttemptsPlain, hintguard.AbandonedPlain}
	}
	return []string{hintguard.AttemptsPlain}
}

// seen marks the user's first request of the UTC day, once: the retention counters it
// adds to today, and those it adds to the user's first day (a D7 return) under the arm
// the user had then.
func (s *Service) seen(ctx context.Context, user string, arm Arm, st State, now time.Time) (today []string, mark Seen, first []string) {
	day := now.UTC().Format(time.DateOnly)
	if st.SeenDay >= day {
		return nil, mark, nil
	}
	mark = Seen{Day: day, FirstDay: st.FirstDay, FirstArm: st.FirstArm, FirstOn: st.FirstOn}
	// New on the first request since the day was kept, whatever state the user had before
	// (settings saved first, or hints from before retention was kept: in the week after
	// it was deployed, every arm alike, as bucketing is random).
	isNew := st.FirstDay == ""
	if isNew {
		mark.FirstDay, mark.FirstArm, mark.FirstOn = day, arm, st.Settings.LucianEnabled
	}
	if err := s.Store.Seen(ctx, user, mark); err != nil {
		if !errors.Is(err, ErrSeen) {
			s.logger(ctx).Warn("hint activity not marked", "err", err)
		}
		return nil, mark, nil
	}
	today, first = hintguard.RetentionNames(day, mark.FirstDay, isNew, mark.FirstOn)
	return today, mark, first
}

// EventRequest is a validated POST /hints/{id}/events.
type EventRequest struct {
	EventID string
	Event   Event
	At      time.Time
}

// EventResult is the answer of POST /hints/{id}/events.
type EventResult struct {
	HintID    string `json:"hint_id"`
	Event     Event  `json:"event"`
	EventID   string `json:"event_id"`
	Duplicate bool   `json:"duplicate"`
}

// Event keeps a feedback event with its hint, once: a repeat (the same event for the same
// hint, whatever its event_id) changes nothing and answers Duplicate. A dismissal moves
// the user one rung up the back-off ladder; a click resets it.
func (s *Service) Event(ctx context.Context, user, hintID string, req EventRequest) (EventResult, error) {
	res := EventResult{HintID: hintID, Event: req.Event, EventID: req.EventID}
	st, err := s.Store.Load(ctx, user)
	if err != nil {
		return res, err
	}
	slot, h := st.Find(hintID)
	if h == nil {
		return res, notFound(hintID)
	}
	if req.Event.breakOnly() && h.Kind != BreakInvite {
		return res, apperr.Field("event", "%s is only for break invites; hint %s is a %s", req.Event, hintID, h.Kind)
	}
	now := s.Now()
	err = s.Store.Record(ctx, user, Record{HintID: hintID, Slot: slot, Event: req.Event, EventID: req.EventID, At: req.At,
		Dismiss: req.Event == EventDismissed, Reset: req.Event == EventClicked, Now: now})
	switch {
	case errors.Is(err, ErrDuplicate):
		res.Duplicate = true
		return res, nil
	case errors.Is(err, ErrNoHint):
		return res, notFound(hintID)
	case err != nil:
		return res, err
	}
	s.count(ctx, user, Arm(h.Cohort), now, []string{"event_" + string(req.Event)})
	return res, nil
}

func notFound(id string) error {
	return apperr.New(apperr.NotFound, "no hint %q among your recent hints", id)
}

// Settings returns the user's settings (the defaults until they save some).
func (s *Service) Settings(ctx context.Context, user string) (Settings, error) {
	st, err := s.Store.Load(ctx, user)
	if err != nil {
		return Settings{}, err
	}
	return st.Settings, nil
}

// PutSettings replaces the user's settings; the next decision reads them (a decision in
// flight that read the old ones loses its claim and decides again).
func (s *Service) PutSettings(ctx context.Context, user string, set Settings) (Settings, error) {
	if err := s.Store.SaveSettings(ctx, user, set); err != nil {
		return Settings{}, err
	}
	return set, nil
}

// count keeps the counters of now's UTC day: names, and more; a failure is logged, not
// answered: the decision stands.
func (s *Service) count(ctx context.Context, user string, arm Arm, now time.Time, names []string, more ...[]string) {
	for _, m := range more {
		names = append(names, m...)
	}
	s.countOn(ctx, user, arm, now.UTC().Format(time.DateOnly), names)
}

// countOn keeps the counters of a UTC day.
func (s *Service) countOn(ctx context.Context, user string, arm Arm, day string, names []string) {
	c := Count{Day: day, Cohort: string(arm), Shard: shard(user), Names: names}
	if err := s.Store.Count(ctx, c); err != nil {
		s.logger(ctx).Warn("hint counters not kept", "names", names, "err", err)
	}
}

// logger is the request's logger (it carries the request ID), else the service's.
func (s *Service) logger(ctx context.Context) *slog.Logger {
	if httpapi.RequestID(ctx) != "" || s.Log == nil {
		return httpapi.Logger(ctx)
	}
	return s.Log
}
