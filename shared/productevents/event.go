package productevents

import (
	"fmt"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/lucian-app/phase12/shared/apperr"
)

// Bounds of one request and of one event.
const (
	// MaxEvents is the largest batch POST /events/product takes. Each new event is one
	// DynamoDB transaction (two when a Once name's first-time marker already exists), so
	// a request costs at most 2 x MaxEvents calls.
	MaxEvents = 25
	// MaxIDLength bounds event_id and task_id.
	MaxIDLength = 128
	// MaxAge is how old an event may be: an app that was offline for a week still
	// reports, but a digest already sent for an older week should not change.
	MaxAge = 7 * 24 * time.Hour
	// MaxAhead tolerates client clocks running fast.
	MaxAhead = 5 * time.Minute
)

// Event is one validated product event.
type Event struct {
	EventID string    `json:"event_id"`
	Name    string    `json:"name"`
	At      time.Time `json:"at"`
	TaskID  string    `json:"task_id,omitempty"`
	// Counters are further week counters the event adds to beside its name's, set by
	// the server (Service.Derive), never by a client: e.g. the next action's counts by
	// experiment arm. The store adds them in the event's own write.
	Counters []string `json:"-"`
}

// Week is the ISO week (UTC) an event counts in, e.g. "2026-W49".
func (e Event) Week() string { return WeekOf(e.At) }

// WeekOf is t's ISO week in UTC, e.g. "2026-W49".
func WeekOf(t time.Time) string {
	y, w := t.UTC().ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

// wireEvent is an event as a client sends it; pointers tell missing from empty.
type wireEvent struct {
	EventID *string `json:"event_id"`
	Name    *string `json:"name"`
	At      *string `json:"at"`
	TaskID  *string `json:"task_id"`
}

// validate checks the event at index i; the error names the field as events[i].field.
func validate(i int, w wireEvent, now time.Time) (Event, error) {
	field := func(name string) string { return fmt.Sprintf("events[%d].%s", i, name) }
	var e Event
	switch {
	case w.EventID == nil || *w.EventID == "":
		return e, apperr.Field(field("event_id"), "required")
	case !validID(*w.EventID):
		return e, apperr.Field(field("event_id"), "1 to %d printable characters without spaces", MaxIDLength)
	}
	e.EventID = *w.EventID
	if w.Name == nil || *w.Name == "" {
		return e, apperr.Field(field("name"), "required (one of %s)", reportable())
	}
	n, ok := Lookup(*w.Name)
	switch {
	case !ok:
		return e, apperr.Field(field("name"), "unknown event %q (one of %s)", *w.Name, reportable())
	case n.Server:
		return e, apperr.Field(field("name"), "%s is recorded by the server and cannot be sent", n.Name)
	}
	e.Name = n.Name
	if w.At == nil || *w.At == "" {
		return e, apperr.Field(field("at"), "required: an RFC 3339 time with offset")
	}
	t, err := time.Parse(time.RFC3339Nano, *w.At)
	switch {
	case err != nil:
		return e, apperr.Field(field("at"), "must be an RFC 3339 time with offset, e.g. 2026-11-28T09:00:00Z")
	case t.Before(now.Add(-MaxAge)):
		return e, apperr.Field(field("at"), "more than %v in the past", MaxAge)
	case t.After(now.Add(MaxAhead)):
		return e, apperr.Field(field("at"), "more than %v in the future", MaxAhead)
	}
	e.At = t.UTC()
	if w.TaskID != nil {
		if !validID(*w.TaskID) {
			return e, apperr.Field(field("task_id"), "1 to %d printable characters without spaces", MaxIDLength)
		}
		e.TaskID = *w.TaskID
	}
	return e, nil
}

// validID: ids become part of a sort key, so no control or space characters, and bounded.
func validID(s string) bool {
	if s == "" || len(s) > MaxIDLength || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}
