package reviewapi

import (
	"context"
	"time"

	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/review"
	"github.com/lucian-app/phase12/shared/reviewstore"
)

// MaxEvents bounds one POST /reviews/events; MaxVisibleMS one rec_shown's visible_ms (a day).
const (
	MaxEvents    = 100
	MaxVisibleMS = 24 * 60 * 60 * 1000
)

// EventIn is one event of a POST /reviews/events body.
type EventIn struct {
	EventID   *string `json:"event_id"`
	Name      *string `json:"name"`
	Week      *string `json:"week"`
	RecID     *string `json:"rec_id"`
	VisibleMS *int64  `json:"visible_ms"`
	At        *string `json:"at"`
}

// EventsBody is POST /reviews/events.
type EventsBody struct {
	Events []EventIn `json:"events"`
}

// EventsResult says how many events were new and how many repeated an event_id.
type EventsResult struct {
	Accepted   int `json:"accepted"`
	Duplicates int `json:"duplicates"`
}

func eventID(s string) bool {
	if len(s) == 0 || len(s) > 128 {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '.', r == ':', r == '-':
		default:
			return false
		}
	}
	return true
}

// validate reads the body into events, naming the first bad field.
func (s *Service) validate(b EventsBody) ([]reviewstore.Event, error) {
	if len(b.Events) == 0 || len(b.Events) > MaxEvents {
		return nil, apperr.Field("events", "required, 1 to %d events", MaxEvents)
	}
	out := make([]reviewstore.Event, 0, len(b.Events))
	for i, e := range b.Events {
		f := func(name string) string { return "events[" + itoa(i) + "]." + name }
		switch {
		case e.EventID == nil || !eventID(*e.EventID):
			return nil, apperr.Field(f("event_id"), "required, 1 to 128 letters, digits or _ . : -")
		case e.Name == nil || *e.Name != reviewstore.EventReviewOpened && *e.Name != reviewstore.EventRecShown && *e.Name != reviewstore.EventRecOpened:
			return nil, apperr.Field(f("name"), "required, one of review_opened, rec_shown, rec_opened")
		case e.Week == nil || checkWeek(*e.Week) != nil:
			return nil, apperr.Field(f("week"), "required, an ISO week YYYY-Www")
		case *e.Name != reviewstore.EventReviewOpened && (e.RecID == nil || *e.RecID == ""):
			return nil, apperr.Field(f("rec_id"), "required for %s", *e.Name)
		case *e.Name == reviewstore.EventRecShown && (e.VisibleMS == nil || *e.VisibleMS < 0 || *e.VisibleMS > MaxVisibleMS):
			return nil, apperr.Field(f("visible_ms"), "required for rec_shown, 0 to %d", MaxVisibleMS)
		}
		ev := reviewstore.Event{ID: *e.EventID, Name: *e.Name, Week: *e.Week, At: s.Now().UTC()}
		if e.RecID != nil && ev.Name != reviewstore.EventReviewOpened {
			ev.RecID = *e.RecID
		}
		if e.VisibleMS != nil && ev.Name == reviewstore.EventRecShown {
			ev.VisibleMS = *e.VisibleMS
		}
		if e.At != nil {
			at, err := time.Parse(time.RFC3339, *e.At)
			if err != nil {
				return nil, apperr.Field(f("at"), "an RFC 3339 time, not %q", *e.At)
			}
			ev.At = at
		}
		out = append(out, ev)
	}
	return out, nil
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

// Events is POST /reviews/events. Every event must name a review (and recommendation) of
// the caller's; one that does not is 404 and nothing of the batch is kept.
func (s *Service) Events(ctx context.Context, user string, b EventsBody) (EventsResult, error) {
	events, err := s.validate(b)
	if err != nil {
		return EventsResult{}, err
	}
	reviews := map[string]review.Review{}
	for _, e := range events {
		r, seen := reviews[e.Week]
		if !seen {
			var ok bool
			if r, ok, err = s.Store.Get(ctx, user, e.Week); err != nil {
				return EventsResult{}, err
			} else if !ok {
				return EventsResult{}, apperr.New(apperr.NotFound, "no review of %s", e.Week)
			}
			reviews[e.Week] = r
		}
		if _, ok := r.Recommendation(e.RecID); e.RecID != "" && !ok {
			return EventsResult{}, apperr.New(apperr.NotFound, "no recommendation %q in the review of %s", e.RecID, e.Week)
		}
	}
	var res EventsResult
	for _, e := range events {
		dup, err := s.Store.Take(ctx, user, e, reviews[e.Week], s.Now())
		if err != nil {
			return res, err
		}
		if dup {
			res.Duplicates++
		} else {
			res.Accepted++
		}
	}
	return res, nil
}
