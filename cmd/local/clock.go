package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/httpapi"
)

// clockPath reads and moves the runner's clock.
const clockPath = "/_local/clock"

// localClock is the runner's clock: real time, shifted by an offset that LOCAL_NOW sets at
// start and POST /_local/clock moves forward. Every function's Now and ID generator, the
// events' times and the schedules run on it, so a week of incidents can be replayed on a
// laptop (the weekly digest only covers a finished week; flow events are accepted up to a
// day old). It only moves forward, as time does: schedules and windows never see it go
// back.
type localClock struct {
	mu     sync.Mutex
	offset time.Duration
	real   func() time.Time
}

func newLocalClock(start string, real func() time.Time) (*localClock, error) {
	c := &localClock{real: real}
	if start == "" {
		return c, nil
	}
	t, err := time.Parse(time.RFC3339, start)
	if err != nil {
		return nil, fmt.Errorf("LOCAL_NOW %q is not an RFC 3339 time such as 2026-11-30T08:00:00Z", start)
	}
	c.offset = t.Sub(real())
	return c, nil
}

// Now is the runner's time.
func (c *localClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.real().Add(c.offset)
}

// Set moves the clock to t, which must not be before its time.
func (c *localClock) Set(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.real().Add(c.offset)
	if t.Before(now) {
		return fmt.Errorf("the clock only moves forward: %s is before its time, %s", t.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	c.offset += t.Sub(now)
	return nil
}

// sleepUntil waits until the clock reaches t or ctx ends. It looks at the clock at least
// every second, so a forward move wakes the schedules that it passed.
func (c *localClock) sleepUntil(ctx context.Context, t time.Time) bool {
	for {
		d := t.Sub(c.Now())
		if d <= 0 {
			return true
		}
		timer := time.NewTimer(min(d, time.Second))
		select {
		case <-ctx.Done():
			timer.Stop()
			return false
		case <-timer.C:
		}
	}
}

type clockBody struct {
	Now string `json:"now"`
}

// serveClock is GET (read) and POST {"now": "<RFC 3339>"} (move forward) /_local/clock.
func (rn *runner) serveClock(w http.ResponseWriter, r *http.Request) {
	if rn.clock == nil {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
		return
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
	case http.MethodPost:
		var in clockBody
		b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<10))
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"message": `body must be {"now": "<RFC 3339 time>"}`})
			return
		}
		// The functions' strict decoding (duplicate and case-variant keys refused), so
		// {"Now": ...} is not read as "now" here either.
		if err := httpapi.Unmarshal(b, &in); err != nil {
			msg := `body must be {"now": "<RFC 3339 time>"}`
			var e *apperr.Error
			if errors.As(err, &e) {
				msg += ": " + e.Message
			}
			writeJSON(w, http.StatusBadRequest, map[string]string{"message": msg})
			return
		}
		t, err := time.Parse(time.RFC3339, in.Now)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"message": `now: not an RFC 3339 time such as 2026-11-30T08:00:00Z`})
			return
		}
		if err := rn.clock.Set(t); err != nil {
			writeJSON(w, http.StatusConflict, map[string]string{"message": err.Error()})
			return
		}
		rn.log.Info("clock moved", "now", t.UTC())
	default:
		w.Header().Set("Allow", "GET, POST")
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"message": "Method Not Allowed"})
		return
	}
	writeJSON(w, http.StatusOK, clockBody{Now: rn.clock.Now().UTC().Format(time.RFC3339Nano)})
}
