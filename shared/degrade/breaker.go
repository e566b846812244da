package degrade

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sony/gobreaker/v2"
)

// ErrOpen is a call refused at once because its dependency's breaker is open: the
// dependency failed or was slow, and has not yet passed a probe.
var ErrOpen = errors.New("circuit breaker open")

// BreakerSettings say when a dependency's breaker opens and how it closes again.
type BreakerSettings struct {
	// Name is the dependency ("dynamodb AppTable", "sns").
	Name string
	// It opens after ConsecutiveFailures failed calls in a row, or when at least
	// MinRequests calls in Interval failed at FailureRatio or more.
	ConsecutiveFailures uint32
	MinRequests         uint32
	FailureRatio        float64
	Interval            time.Duration
	// OpenFor is how long it refuses every call before letting Probes calls through
	// (half-open); the probes all succeeding close it, one failing opens it again.
	OpenFor time.Duration
	Probes  uint32
	// SlowCall: a call that takes longer counts as failed even when it succeeds, so a
	// dependency that answers, slowly, opens the breaker too.
	SlowCall time.Duration
}

// DefaultBreakerSettings are the settings of every dependency's breaker (README): open
// after 5 failures in a row or half of 10 calls within 30 s, a call slower than 1 s counting
// as failed; refuse for 5 s, then one probe.
func DefaultBreakerSettings(name string) BreakerSettings {
	return BreakerSettings{Name: name, ConsecutiveFailures: 5, MinRequests: 10, FailureRatio: 0.5,
		Interval: 30 * time.Second, OpenFor: 5 * time.Second, Probes: 1, SlowCall: time.Second}
}

// Breaker is one dependency's circuit breaker in one warm instance
// (github.com/sony/gobreaker/v2 underneath).
type Breaker struct {
	settings BreakerSettings
	cb       *gobreaker.TwoStepCircuitBreaker[struct{}]
	// failure says which errors are the dependency's fault (timeouts, throttling, 5xx),
	// not the request's (a failed condition, a validation error).
	failure func(error) bool
	now     func() time.Time
}

// NewBreaker is a closed breaker. failure classifies a call's error; nil counts every
// error. now times calls for SlowCall (the breaker's own state machine runs on the wall
// clock, as gobreaker does).
func NewBreaker(s BreakerSettings, failure func(error) bool, now func() time.Time) *Breaker {
	if failure == nil {
		failure = func(err error) bool { return err != nil }
	}
	if now == nil {
		now = time.Now
	}
	b := &Breaker{settings: s, failure: failure, now: now}
	b.cb = gobreaker.NewTwoStepCircuitBreaker[struct{}](gobreaker.Settings{
		Name: s.Name, MaxRequests: s.Probes, Interval: s.Interval, Timeout: s.OpenFor,
		ReadyToTrip: func(c gobreaker.Counts) bool {
			return c.ConsecutiveFailures >= s.ConsecutiveFailures ||
				c.Requests >= s.MinRequests && float64(c.TotalFailures) >= s.FailureRatio*float64(c.Requests)
		},
	})
	return b
}

// errCounted marks a call the breaker counts as failed (an error, or too slow).
var errCounted = errors.New("counted as failed")

// Do runs call unless the breaker is open (then ErrOpen, wrapped with the dependency's
// name, without calling). It returns call's own error.
func (b *Breaker) Do(ctx context.Context, call func(context.Context) error) error {
	done, err := b.cb.Allow()
	if err != nil {
		return fmt.Errorf("%s: %w", b.settings.Name, ErrOpen)
	}
	start := b.now()
	err = call(ctx)
	slow := b.settings.SlowCall > 0 && b.now().Sub(start) > b.settings.SlowCall
	if slow || err != nil && b.failure(err) {
		done(errCounted)
	} else {
		done(nil)
	}
	return err
}

// State is "closed", "open" or "half-open".
func (b *Breaker) State() string { return b.cb.State().String() }

// Name is the dependency's name.
func (b *Breaker) Name() string { return b.settings.Name }
