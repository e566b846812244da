package flowmetrics

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"time"

	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/degrade"
	"github.com/lucian-app/phase12/shared/slo"
)

// Writer adds deltas to the stored buckets, atomically per bucket and without reading them.
// It may spread a bucket over several items by the deltas' Caller; a Reader gives each
// bucket back whole.
type Writer interface {
	Add(ctx context.Context, deltas []Delta) error
}

// Limiter counts the events each caller reported per minute, in one place for every
// instance of the function (a conditional counter in OpsTable).
type Limiter interface {
	// Take adds n to caller's count for the minute starting at minute if the count stays
	// at or under limit, and reports whether it did: all n or nothing.
	Take(ctx context.Context, caller string, minute time.Time, n, limit int) (bool, error)
}

// Bounds of what one caller and one request may cost (see the package comment).
const (
	// DefaultPerCallerPerMinute is how many events one caller may report a minute unless
	// configured otherwise: more than MaxEvents, so a full batch a minute always fits, and
	// far more than one person's app produces (a few events a minute).
	DefaultPerCallerPerMinute = 600
	// MaxMinuteBuckets is the most minute buckets (distinct flow and minute) the accepted
	// events of one request may fall into. It bounds the writes of a request: at most
	// MaxMinuteBuckets buckets at each of the three resolutions.
	MaxMinuteBuckets = 10
)

// Service is the ingest side of flow metrics.
type Service struct {
	Catalog slo.Catalog
	Writer  Writer
	Now     func() time.Time
	// Limiter counts each caller's events against PerCallerPerMinute; nil means no limit
	// (tests that measure something else). The deployed function always has one.
	Limiter            Limiter
	PerCallerPerMinute int
	// Levers' metric_ingest_sampling is the share of accepted events counted (nil: all),
	// each kept when Rand() is below it (math/rand/v2's Float64 when nil). An operator
	// lowers it to take load off OpsTable; ratios (what the objectives judge) stay
	// unbiased, counts shrink by the share.
	Levers degrade.Reader
	Rand   func() float64
}

// Result is the answer to an ingest request.
type Result struct {
	Accepted int         `json:"accepted"`
	Rejected []Rejection `json:"rejected"`
}

// Ingest validates caller's events one by one and counts the valid ones. A request is
// counted whole or not at all: over MaxMinuteBuckets it is 400, and over the caller's
// limit for the current minute 429 rate_limited (the handler adds Retry-After); neither
// writes a bucket. An error after the limit was taken means none or only some of the
// accepted events were counted (see the package comment); they stay charged to the caller,
// so a retry can never take a caller over its limit.
func (s *Service) Ingest(ctx context.Context, caller string, raw []json.RawMessage) (Result, error) {
	now := s.Now()
	events, rejected := Validate(s.Catalog, now, raw)
	if n := minuteBuckets(events); n > MaxMinuteBuckets {
		return Result{}, apperr.Field("events", "the accepted events fall into %d minute buckets (distinct flow and minute), at most %d are allowed in one request: send the events of a few minutes per request", n, MaxMinuteBuckets)
	}
	accepted := len(events)
	events = s.sample(ctx, events)
	if len(events) == 0 {
		return Result{Accepted: accepted, Rejected: rejected}, nil
	}
	if s.Limiter != nil {
		limit := s.PerCallerPerMinute
		if len(events) > limit {
			return Result{}, apperr.Field("events", "%d events to count, more than the %d a caller may report in a minute: send at most %d per request", len(events), limit, limit)
		}
		ok, err := s.Limiter.Take(ctx, caller, Minute.Start(now), len(events), limit)
		if err != nil {
			return Result{}, err
		}
		if !ok {
			return Result{}, apperr.New(apperr.RateLimited, "over the limit of %d flow events a minute per caller: none of this request's %d events was counted; retry in %d s",
				limit, len(events), RetryAfter(now))
		}
	}
	if err := s.Writer.Add(ctx, attribute(Aggregate(s.Catalog, events), caller)); err != nil {
		return Result{}, err
	}
	return Result{Accepted: accepted, Rejected: rejected}, nil
}

// sample keeps the share of events the metric_ingest_sampling lever says.
func (s *Service) sample(ctx context.Context, events []Event) []Event {
	p := degrade.Of(ctx, s.Levers).MetricIngestSampling
	if p >= 1 {
		return events
	}
	draw := s.Rand
	if draw == nil {
		draw = rand.Float64
	}
	kept := events[:0:0]
	for _, e := range events {
		if draw() < p {
			kept = append(kept, e)
		}
	}
	return kept
}

// RetryAfter is the whole seconds from now until the next minute, when a caller's count
// starts again from zero (at least 1).
func RetryAfter(now time.Time) int {
	next := Minute.Start(now).Add(time.Minute)
	return max(1, int((next.Sub(now)+time.Second-1)/time.Second))
}

// minuteBuckets counts the distinct (flow, minute) buckets of events.
func minuteBuckets(events []Event) int {
	type key struct {
		flow   string
		minute int64
	}
	seen := map[key]bool{}
	for _, e := range events {
		seen[key{e.Flow, Minute.Start(e.At).Unix()}] = true
	}
	return len(seen)
}
