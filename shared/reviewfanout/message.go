package reviewfanout

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/lucian-app/phase12/shared/review"
)

// Kinds of message on the queue.
const (
	// KindReview asks for one user's review of one week.
	KindReview = "review"
	// KindContinue asks for the rest of a producer run that met its bound.
	KindContinue = "continue"
)

// Message is one message of the queue, its body in JSON.
type Message struct {
	Kind string `json:"kind"`
	// User and Week (YYYY-Www, in the user's zone) of a review.
	User string `json:"user,omitempty"`
	Week string `json:"week,omitempty"`
	// Timezone is the zone the user is registered in (the device's at their last open): the
	// worker builds in it unless the user's settings name another, as an open would.
	Timezone string `json:"timezone,omitempty"`
	// Cursor of a continuation.
	Cursor *Cursor `json:"cursor,omitempty"`
}

// Cursor is where a producer run stands: the run's time, the ready hours still to read
// (the first being read) and the last user read of the first.
type Cursor struct {
	At    time.Time `json:"at"`
	Hours []int     `json:"hours"`
	After string    `json:"after,omitempty"`
}

// Encode is the message's body.
func (m Message) Encode() (string, error) {
	if err := m.check(); err != nil {
		return "", err
	}
	b, err := json.Marshal(m)
	return string(b), err
}

// Decode reads a message's body; a body that is not one (unknown kind, missing or bad
// fields) is an error naming what is wrong.
func Decode(body string) (Message, error) {
	var m Message
	d := json.NewDecoder(bytes.NewReader([]byte(body)))
	d.DisallowUnknownFields()
	if err := d.Decode(&m); err != nil {
		return m, fmt.Errorf("message body: %w", err)
	}
	return m, m.check()
}

func (m Message) check() error {
	switch m.Kind {
	case KindReview:
		if m.User == "" || len(m.User) > 256 {
			return fmt.Errorf("message: user must be 1 to 256 characters")
		}
		if _, err := review.ParseWeek(m.Week, time.UTC); err != nil {
			return fmt.Errorf("message: %w", err)
		}
	case KindContinue:
		if m.Cursor == nil || len(m.Cursor.Hours) == 0 || m.Cursor.At.IsZero() {
			return fmt.Errorf("message: a continuation needs its cursor's time and hours")
		}
		for _, h := range m.Cursor.Hours {
			if h < 0 || h >= review.HoursInWeek {
				return fmt.Errorf("message: hour %d is not 0 to %d", h, review.HoursInWeek-1)
			}
		}
	default:
		return fmt.Errorf("message: kind %q is neither %q nor %q", m.Kind, KindReview, KindContinue)
	}
	return nil
}
