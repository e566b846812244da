package hint

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/httpapi"
)

// MaxMinutesActive bounds context.minutes_active: a day.
const MaxMinutesActive = 24 * 60

// token reports whether s is 1 to max characters, each a letter or digit (when digits)
// or one of extra. A loop, not a package-level regexp: bounded repetitions compile into
// large programs, and every function that links this package would pay for them at INIT.
func token(s string, max int, digits bool, extra string) bool {
	if len(s) == 0 || len(s) > max {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', digits && r >= '0' && r <= '9', strings.ContainsRune(extra, r):
		default:
			return false
		}
	}
	return true
}

func screenName(s string) bool { return token(s, 64, true, "_.:/-") }
func moodName(s string) bool   { return token(s, 32, false, "_-") }
func eventID(s string) bool    { return token(s, 128, true, "_.:-") }

type nextBody struct {
	Context    *contextBody `json:"context"`
	ClientTime *string      `json:"client_time"`
	Timezone   *string      `json:"timezone"`
}

type contextBody struct {
	Screen         *string   `json:"screen"`
	Mood           *string   `json:"mood"`
	TaskInProgress *bool     `json:"task_in_progress"`
	MinutesActive  *int      `json:"minutes_active"`
	LastTask       *lastTask `json:"last_task"`
}

type lastTask struct {
	StartedAt *string `json:"started_at"`
	Outcome   *string `json:"outcome"`
}

// MaxAttemptAge bounds how long before client_time a reported task attempt may have
// started: older reports are an app bug, not a measurement.
const MaxAttemptAge = 24 * time.Hour

// taskAttempt validates context.last_task against the request's client_time.
func taskAttempt(b *lastTask, clientTime time.Time) (*TaskAttempt, error) {
	if b == nil {
		return nil, nil
	}
	if b.StartedAt == nil {
		return nil, apperr.Field("context.last_task.started_at", "required, an RFC 3339 time")
	}
	at, err := time.Parse(time.RFC3339, *b.StartedAt)
	if err != nil {
		return nil, apperr.Field("context.last_task.started_at", "not an RFC 3339 time: %q", *b.StartedAt)
	}
	if at.After(clientTime) || clientTime.Sub(at) > MaxAttemptAge {
		return nil, apperr.Field("context.last_task.started_at", "must be within the 24 hours before client_time")
	}
	if b.Outcome == nil || *b.Outcome != "completed" && *b.Outcome != "abandoned" {
		return nil, apperr.Field("context.last_task.outcome", "required, completed or abandoned")
	}
	// Milliseconds, as the store keeps it: a report repeated with more digits is the same.
	return &TaskAttempt{StartedAt: at.Truncate(time.Millisecond), Abandoned: *b.Outcome == "abandoned"}, nil
}

// nextRequest validates a POST /hints/next body, naming the first bad field.
func nextRequest(b nextBody) (NextRequest, error) {
	var req NextRequest
	c := b.Context
	switch {
	case c == nil:
		return req, apperr.Field("context", "required, an object")
	case c.Screen == nil || !screenName(*c.Screen):
		return req, apperr.Field("context.screen", "required, 1 to 64 letters, digits or _ . : / -")
	case c.Mood != nil && !moodName(*c.Mood):
		return req, apperr.Field("context.mood", "1 to 32 letters, _ or -")
	case c.TaskInProgress == nil:
		return req, apperr.Field("context.task_in_progress", "required, true or false")
	case c.MinutesActive == nil || *c.MinutesActive < 0 || *c.MinutesActive > MaxMinutesActive:
		return req, apperr.Field("context.minutes_active", "required, an integer from 0 to %d", MaxMinutesActive)
	case b.ClientTime == nil:
		return req, apperr.Field("client_time", "required, an RFC 3339 time")
	}
	at, err := time.Parse(time.RFC3339, *b.ClientTime)
	if err != nil {
		return req, apperr.Field("client_time", "not an RFC 3339 time: %q", *b.ClientTime)
	}
	attempt, err := taskAttempt(c.LastTask, at)
	if err != nil {
		return req, err
	}
	tz := ""
	if b.Timezone != nil {
		tz = *b.Timezone
	}
	loc, err := LoadLocation("timezone", tz)
	if err != nil {
		return req, err
	}
	req = NextRequest{ClientTime: at, Device: loc,
		Context: Context{Screen: *c.Screen, TaskInProgress: *c.TaskInProgress, MinutesActive: *c.MinutesActive, LastTask: attempt}}
	if c.Mood != nil {
		req.Context.Mood = strings.ToLower(*c.Mood)
	}
	return req, nil
}

type eventBody struct {
	EventID *string `json:"event_id"`
	Event   *string `json:"event"`
	At      *string `json:"at"`
}

func eventRequest(b eventBody) (EventRequest, error) {
	switch {
	case b.EventID == nil || !eventID(*b.EventID):
		return EventRequest{}, apperr.Field("event_id", "required, 1 to 128 letters, digits or _ . : -")
	case b.Event == nil || !Event(*b.Event).valid():
		return EventRequest{}, apperr.Field("event", "required, one of %s", joinEvents())
	case b.At == nil:
		return EventRequest{}, apperr.Field("at", "required, an RFC 3339 time")
	}
	at, err := time.Parse(time.RFC3339, *b.At)
	if err != nil {
		return EventRequest{}, apperr.Field("at", "not an RFC 3339 time: %q", *b.At)
	}
	return EventRequest{EventID: *b.EventID, Event: Event(*b.Event), At: at}, nil
}

func joinEvents() string {
	var s []string
	for _, e := range Events() {
		s = append(s, string(e))
	}
	return strings.Join(s, ", ")
}

// SettingsJSON is the settings as the API reads and writes them.
type SettingsJSON struct {
	LucianEnabled       bool       `json:"lucian_enabled"`
	HintsEnabled        bool       `json:"hints_enabled"`
	BreakInvitesEnabled bool       `json:"break_invites_enabled"`
	QuietHours          *QuietJSON `json:"quiet_hours"`
	Timezone            *string    `json:"timezone"`
}

// QuietJSON is quiet hours as the API writes them.
type QuietJSON struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// JSON is s as the API answers it: quiet_hours null when there are none, timezone null
// when the device's is followed.
func (s Settings) JSON() SettingsJSON {
	out := SettingsJSON{LucianEnabled: s.LucianEnabled, HintsEnabled: s.HintsEnabled, BreakInvitesEnabled: s.BreakInvitesEnabled}
	if s.Quiet != nil {
		out.QuietHours = &QuietJSON{Start: FormatClock(s.Quiet.Start), End: FormatClock(s.Quiet.End)}
	}
	if s.Timezone != "" {
		tz := s.Timezone
		out.Timezone = &tz
	}
	return out
}

type settingsBody struct {
	LucianEnabled       *bool      `json:"lucian_enabled"`
	HintsEnabled        *bool      `json:"hints_enabled"`
	BreakInvitesEnabled *bool      `json:"break_invites_enabled"`
	QuietHours          *quietBody `json:"quiet_hours"`
	Timezone            *string    `json:"timezone"`
}

type quietBody struct {
	Start *string `json:"start"`
	End   *string `json:"end"`
}

// settingsRequest validates a PUT /companion/settings body, which replaces the settings:
// the three switches and quiet_hours (an object, or null for none) are required, so a
// client that forgets quiet hours does not silently lose them; timezone is an IANA name,
// or null or absent to follow the device.
func settingsRequest(raw []byte) (Settings, error) {
	var b settingsBody
	if err := httpapi.Unmarshal(raw, &b); err != nil {
		return Settings{}, err
	}
	var present map[string]json.RawMessage
	_ = json.Unmarshal(raw, &present) // the same bytes decoded above; keys are exact by now
	var s Settings
	for _, f := range []struct {
		name string
		v    *bool
		dst  *bool
	}{{"lucian_enabled", b.LucianEnabled, &s.LucianEnabled}, {"hints_enabled", b.HintsEnabled, &s.HintsEnabled},
		{"break_invites_enabled", b.BreakInvitesEnabled, &s.BreakInvitesEnabled}} {
		if f.v == nil {
			return Settings{}, apperr.Field(f.name, "required, true or false")
		}
		*f.dst = *f.v
	}
	if _, ok := present["quiet_hours"]; !ok {
		return Settings{}, apperr.Field("quiet_hours", "required: {start, end} as HH:MM, or null for none")
	}
	if q := b.QuietHours; q != nil {
		var qh QuietHours
		for _, f := range []struct {
			name string
			v    *string
			dst  *int
		}{{"quiet_hours.start", q.Start, &qh.Start}, {"quiet_hours.end", q.End, &qh.End}} {
			if f.v == nil {
				return Settings{}, apperr.Field(f.name, "required, HH:MM from 00:00 to 23:59")
			}
			m, ok := ParseClock(*f.v)
			if !ok {
				return Settings{}, apperr.Field(f.name, "not a time of day as HH:MM: %q", *f.v)
			}
			*f.dst = m
		}
		if qh.Start == qh.End {
			return Settings{}, apperr.Field("quiet_hours", "start and end are the same; send null for no quiet hours")
		}
		s.Quiet = &qh
	}
	if b.Timezone != nil && *b.Timezone != "" {
		loc, err := LoadLocation("timezone", *b.Timezone)
		if err != nil {
			return Settings{}, err
		}
		s.Timezone = loc.String()
	}
	return s, nil
}

// NextJSON is the answer of POST /hints/next.
type NextJSON struct {
	Show   bool   `json:"show"`
	Hint   *Hint  `json:"hint,omitempty"`
	Reason Reason `json:"reason"`
	// Caps are present only while the user's cohort has tightened caps.
	Caps *Caps `json:"caps,omitempty"`
}

// Handler serves HintCooldownFunction's routes.
func Handler(s *Service, log *slog.Logger, now func() time.Time) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST /hints/next", httpapi.WithUser(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) {
		var b nextBody
		if err := httpapi.DecodeJSON(r, &b); err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		req, err := nextRequest(b)
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		d, err := s.Next(r.Context(), id.UserID, req)
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, NextJSON{Show: d.Show, Hint: d.Hint, Reason: d.Reason, Caps: d.Caps})
	}))
	mux.Handle("POST /hints/{id}/events", httpapi.WithUser(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) {
		var b eventBody
		if err := httpapi.DecodeJSON(r, &b); err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		req, err := eventRequest(b)
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		res, err := s.Event(r.Context(), id.UserID, r.PathValue("id"), req)
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, res)
	}))
	mux.Handle("GET /companion/settings", httpapi.WithUser(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) {
		set, err := s.Settings(r.Context(), id.UserID)
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, set.JSON())
	}))
	mux.Handle("PUT /companion/settings", httpapi.WithUser(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) {
		raw, err := httpapi.ReadBody(r)
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		set, err := settingsRequest(raw)
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		if set, err = s.PutSettings(r.Context(), id.UserID, set); err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, set.JSON())
	}))
	return httpapi.Wrap(mux, log, now)
}
