package nextaction

import (
	"context"
	"time"

	"github.com/lucian-app/phase12/shared/productevents"
)

// StartWindow is how soon after a suggestion was shown a start counts as the
// suggestion's: the rate the digest compares between the arms.
const StartWindow = 10 * time.Minute

// Derived counters the product events' week counters keep beside each name's own, by arm
// (see Derive): "next_shown@treatment", "next_started_10m@holdout" and so on.
const (
	ArmTreatment   = "treatment"
	ArmHoldout     = "holdout"
	CounterShown   = productevents.NextShown
	CounterStarted = "next_started_10m"
)

// ArmOf is user's arm, as the counters name it.
func ArmOf(user string) string {
	if InHoldout(user) {
		return ArmHoldout
	}
	return ArmTreatment
}

// maxShownRead bounds the read behind one next_started: the suggestions shown to the
// user in the StartWindow before it.
const maxShownRead = 50

// Derive is what a new product event adds to the week's counters for the next action,
// beside its own name's counter: a next_shown counts as shown in the user's arm; a
// next_started counts as started within StartWindow in the user's arm when a next_shown
// of the same task came at most StartWindow before it (one Query of at most
// maxShownRead items). Other events add nothing. The counters are written in the event's
// own transaction, so a resent event (a duplicate) counts nothing twice.
func Derive(ctx context.Context, r productevents.Reader, user string, e productevents.Event) ([]string, error) {
	switch e.Name {
	case productevents.NextShown:
		return []string{CounterShown + "@" + ArmOf(user)}, nil
	case productevents.NextStarted:
		if e.TaskID == "" {
			return nil, nil
		}
		shown, err := r.ListUserEvents(ctx, user, []string{productevents.NextShown}, e.At.Add(-StartWindow), e.At.Add(time.Nanosecond), maxShownRead)
		if err != nil {
			return nil, err
		}
		for _, s := range shown {
			if s.TaskID == e.TaskID {
				return []string{CounterStarted + "@" + ArmOf(user)}, nil
			}
		}
	}
	return nil, nil
}

// EventDismissals reads today's dismissals from the product events (next_dismissed with
// a task_id): one Query of at most limit items.
type EventDismissals struct{ Events productevents.Reader }

// Dismissed implements Dismissals.
func (d EventDismissals) Dismissed(ctx context.Context, user string, from, to time.Time, limit int) (map[string]bool, error) {
	evs, err := d.Events.ListUserEvents(ctx, user, []string{productevents.NextDismissed}, from, to, limit)
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(evs))
	for _, e := range evs {
		if e.TaskID != "" {
			out[e.TaskID] = true
		}
	}
	return out, nil
}
