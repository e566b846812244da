package productevents

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/lucian-app/phase12/shared/apperr"
)

// Store records one event for a user: the event, its (user, event_id) claim and, for a
// Once name seen the first time, the user's first-time marker, with the week's counters,
// all or nothing. A second event with the same (user, event_id) is a duplicate and
// changes nothing.
type Store interface {
	Record(ctx context.Context, user string, e Event, once bool) (Outcome, error)
}

// Outcome is what Record did.
type Outcome int

const (
	// Recorded: the event is new and stored.
	Recorded Outcome = iota + 1
	// Duplicate: an event with this (user, event_id) was stored before; nothing changed.
	Duplicate
)

// Reader is the per-user read other functions build on (the next-action rules).
type Reader interface {
	// ListUserEvents returns the user's events with one of names (every name of the
	// catalogue when names is empty), at in [from, to), newest first, at most limit
	// (1 to MaxListLimit). It reads at most len(names) x limit items.
	ListUserEvents(ctx context.Context, user string, names []string, from, to time.Time, limit int) ([]Event, error)
}

// MaxListLimit bounds one ListUserEvents.
const MaxListLimit = 1000

// Counts are one name's counters in one week.
type Counts struct {
	// Events is how many distinct events of the name fell in the week.
	Events int64 `json:"events"`
	// Users is how many users' first event of the name fell in the week (Once names only).
	Users int64 `json:"users"`
}

// Counter reads the week's counters, by name (names without events are absent).
type Counter interface {
	WeekCounts(ctx context.Context, week string) (map[string]Counts, error)
}

// Result is the answer of one ingest.
type Result struct {
	Accepted   int `json:"accepted"`
	Duplicates int `json:"duplicates"`
}

// Service ingests product events.
type Service struct {
	Store Store
	Now   func() time.Time
	// Derive, when set, names further counters a new event adds to (Event.Counters),
	// e.g. the next action's shown and started counts by arm (nextaction.Derive). It runs
	// before Record, so a duplicate may pay its read, but only a recorded event counts.
	Derive func(ctx context.Context, user string, e Event) ([]string, error)
}

// Ingest validates every event first (one bad event refuses the whole request, naming it,
// so nothing is half-taken), then records them in order. A dependency failure part way
// leaves the earlier events stored; sending the same request again is safe, since those
// come back as duplicates.
func (s *Service) Ingest(ctx context.Context, user string, raw []wireEvent) (Result, error) {
	if len(raw) > MaxEvents {
		return Result{}, apperr.Field("events", "at most %d events per request, got %d", MaxEvents, len(raw))
	}
	now := s.Now()
	evs := make([]Event, 0, len(raw))
	seen := make(map[string]bool, len(raw))
	for i, w := range raw {
		e, err := validate(i, w, now)
		if err != nil {
			return Result{}, err
		}
		if seen[e.EventID] {
			// The same id twice in one request is the same event: the first counts.
			continue
		}
		seen[e.EventID] = true
		evs = append(evs, e)
	}
	res := Result{Duplicates: len(raw) - len(evs)}
	for _, e := range evs {
		n, _ := Lookup(e.Name)
		if s.Derive != nil {
			c, err := s.Derive(ctx, user, e)
			if err != nil {
				return Result{}, err
			}
			e.Counters = c
		}
		out, err := s.Store.Record(ctx, user, e, n.Once)
		if err != nil {
			return Result{}, err
		}
		if out == Duplicate {
			res.Duplicates++
		} else {
			res.Accepted++
		}
	}
	return res, nil
}

// FirstValueEventID is the event_id of the server's first_value event: one per user, so
// the (user, event_id) claim makes it once whatever the number of completions.
const FirstValueEventID = "server:first_value"

// FirstValue records that user completed a task at at (the server calls it on every
// completion; only the first records anything). It reports whether this was the first.
func (s *Service) FirstValue(ctx context.Context, user, taskID string, at time.Time) (bool, error) {
	out, err := s.Store.Record(ctx, user, Event{EventID: FirstValueEventID, Name: FirstValue, At: at.UTC(), TaskID: taskID}, true)
	if err != nil {
		return false, err
	}
	return out == Recorded, nil
}

// CheckList validates ListUserEvents' arguments; stores call it first.
func CheckList(names []string, from, to time.Time, limit int) ([]string, error) {
	if limit < 1 || limit > MaxListLimit {
		return nil, fmt.Errorf("productevents: limit %d is not 1 to %d", limit, MaxListLimit)
	}
	if !from.Before(to) {
		return nil, fmt.Errorf("productevents: from %v is not before to %v", from, to)
	}
	if len(names) == 0 {
		return Names(), nil
	}
	out := make([]string, 0, len(names))
	for _, n := range names {
		if _, ok := Lookup(n); !ok {
			return nil, fmt.Errorf("productevents: unknown event name %q", n)
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out, nil
}
