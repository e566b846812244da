package main

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// waitFunc blocks until t or until ctx ends, reporting whether t came.
// The runner's is (*localClock).sleepUntil, which follows its movable clock;
// tests pass one that returns at once.
type waitFunc func(ctx context.Context, t time.Time) bool

// startSchedules runs each enabled schedule in its own goroutine until ctx
// ends.
func (rn *runner) startSchedules(ctx context.Context, wg *sync.WaitGroup, wait waitFunc) {
	for _, s := range rn.schedules {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rn.runSchedule(ctx, s, wait)
		}()
	}
}

// runSchedule fires s at each of its times. A run starts only after the
// previous one has finished; times that passed meanwhile are skipped, not
// caught up, so runs of one schedule never overlap.
func (rn *runner) runSchedule(ctx context.Context, s *scheduled, wait waitFunc) {
	last := rn.now()
	for {
		next := s.sched.Next(last)
		if next.IsZero() {
			rn.log.Info("schedule has no further runs", "function", s.fn.id, "rule", s.rule, "schedule", s.event.Expression)
			return
		}
		if !wait(ctx, next) {
			return
		}
		rn.fire(ctx, s, next)
		last = next
		if now := rn.now(); now.After(last) {
			last = now
		}
	}
}

// fire invokes the function once for the scheduled time at.
func (rn *runner) fire(ctx context.Context, s *scheduled, at time.Time) {
	reqID := newRequestID()
	payload := []byte(s.event.Input)
	if s.event.Input == "" {
		payload = scheduledEvent(reqID, s.rule, at)
	}
	_, ierr := s.fn.invoke(ctx, reqID, payload)
	if ierr != nil {
		if ctx.Err() != nil {
			return // shutting down
		}
		rn.log.Error("scheduled run failed", "function", s.fn.id, "rule", s.rule, "schedule", s.event.Expression,
			"scheduled_at", at.UTC(), "request_id", reqID, "error_type", ierr.Type, "err", ierr.Message)
		return
	}
	rn.log.Info("scheduled run", "function", s.fn.id, "rule", s.rule, "scheduled_at", at.UTC(), "request_id", reqID)
}

// scheduledEvent is the payload EventBridge sends for a scheduled rule.
func scheduledEvent(id, rule string, at time.Time) []byte {
	b, _ := json.Marshal(events.EventBridgeEvent{
		Version:    "0",
		ID:         id,
		DetailType: "Scheduled Event",
		Source:     "aws.events",
		AccountID:  localAccount,
		Time:       at.UTC().Truncate(time.Second),
		Region:     localRegion,
		Resources:  []string{"arn:aws:events:" + localRegion + ":" + localAccount + ":rule/" + rule},
		Detail:     json.RawMessage("{}"),
	})
	return b
}
