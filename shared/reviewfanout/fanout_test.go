package reviewfanout_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/review"
	"github.com/lucian-app/phase12/shared/reviewfanout"
	"github.com/lucian-app/phase12/shared/reviewstore"
)

// queue keeps what was sent, batch by batch.
type queue struct {
	batches [][]reviewfanout.Message
	fail    error
}

func (q *queue) Send(_ context.Context, b []reviewfanout.Message) error {
	if q.fail != nil {
		return q.fail
	}
	q.batches = append(q.batches, slices.Clone(b))
	return nil
}

func (q *queue) reviews() []string {
	var out []string
	for _, b := range q.batches {
		for _, m := range b {
			if m.Kind == reviewfanout.KindReview {
				out = append(out, m.User+" "+m.Week)
			}
		}
	}
	sort.Strings(out)
	return out
}

// countingRegister counts the register's reads.
type countingRegister struct {
	reviewfanout.Register
	due, reviewed int
}

func (c *countingRegister) Due(ctx context.Context, hour int, after string, limit int) ([]reviewstore.Registered, string, error) {
	c.due++
	return c.Register.Due(ctx, hour, after, limit)
}

func (c *countingRegister) Reviewed(ctx context.Context, keys []reviewstore.UserWeek) (map[reviewstore.UserWeek]bool, error) {
	c.reviewed++
	return c.Register.Reviewed(ctx, keys)
}

func registered(t *testing.T, users map[string]string) *reviewstore.Store {
	t.Helper()
	s := reviewstore.New(dynamotest.New(t), dynamotest.ReviewTable)
	for u, tz := range users {
		if err := s.Register(context.Background(), u, tz, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// Each run queues exactly the users whose Monday 06:00 passed in its hours: Auckland
// (UTC+13 in November) on Sunday 17:00 UTC, Honolulu (UTC-10) on Monday 16:00 UTC,
// Berlin on Monday 05:00 UTC in winter and 04:00 UTC in summer, Kolkata (UTC+5:30) at
// 00:30 UTC, so by the 01:00 run.
func TestTheProducerQueuesExactlyTheUsersWhoseMondaySixPassed(t *testing.T) {
	s := registered(t, map[string]string{"nz": "Pacific/Auckland", "hnl": "Pacific/Honolulu", "ber": "Europe/Berlin",
		"utc": "UTC", "kol": "Asia/Kolkata"})
	for _, tt := range []struct {
		at   time.Time
		want []string
	}{
		// Sunday 29 November 16:59 UTC: Monday 05:59 in Auckland, not yet.
		{time.Date(2026, 11, 29, 16, 59, 0, 0, time.UTC), nil},
		// 17:00 UTC: Monday 06:00 in Auckland; its last finished week is 48 (23-29 Nov, NZ time).
		{time.Date(2026, 11, 29, 17, 0, 0, 0, time.UTC), []string{"nz 2026-W48"}},
		{time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), nil},
		{time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC), []string{"kol 2026-W48"}},
		// Berlin is CET in November: 05:00 UTC. The 04:00 run reads its summer hour, not yet due.
		{time.Date(2026, 11, 30, 4, 0, 0, 0, time.UTC), nil},
		{time.Date(2026, 11, 30, 5, 0, 0, 0, time.UTC), []string{"ber 2026-W48"}},
		{time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC), []string{"ber 2026-W48", "utc 2026-W48"}},
		{time.Date(2026, 11, 30, 15, 59, 0, 0, time.UTC), nil},
		{time.Date(2026, 11, 30, 16, 0, 0, 0, time.UTC), []string{"hnl 2026-W48"}},
		// Summer: Berlin is CEST, ready at 04:00 UTC, so the 04:00 run queues it.
		{time.Date(2026, 6, 1, 4, 0, 0, 0, time.UTC), []string{"ber 2026-W22"}},
		// The week DST began (Sunday 29 March 2026): ready Monday 30 March 06:00 CEST = 04:00 UTC.
		{time.Date(2026, 3, 30, 4, 0, 0, 0, time.UTC), []string{"ber 2026-W13"}},
		{time.Date(2026, 3, 30, 3, 0, 0, 0, time.UTC), nil},
	} {
		q := &queue{}
		p := &reviewfanout.Producer{Register: s, Queue: q}
		if _, err := p.Run(context.Background(), tt.at); err != nil {
			t.Fatal(err)
		}
		if got := q.reviews(); !slices.Equal(got, tt.want) {
			t.Errorf("run at %s queued %v, want %v", tt.at.Format(time.RFC3339), got, tt.want)
		}
	}
}

func TestTheProducerSkipsUsersWhoseReviewIsStored(t *testing.T) {
	s := registered(t, map[string]string{"a": "UTC", "b": "UTC"})
	w, _ := review.ParseWeek("2026-W48", time.UTC)
	if _, _, err := s.Put(context.Background(), "a", review.Review{ID: "x", Week: w.String(), Timezone: "UTC",
		Situation: review.Situation{Class: review.ClassEmpty}}, nil); err != nil {
		t.Fatal(err)
	}
	q := &queue{}
	rep, err := (&reviewfanout.Producer{Register: s, Queue: q}).Run(context.Background(), time.Date(2026, 11, 30, 6, 10, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if got := q.reviews(); !slices.Equal(got, []string{"b 2026-W48"}) || rep.Reviewed != 1 {
		t.Errorf("queued %v (report %+v), want only b: a has its review", got, rep)
	}
	if m := q.batches[0][0]; m.Timezone != "UTC" {
		t.Errorf("b's message carries zone %q, want the registered UTC (the worker builds in it)", m.Timezone)
	}
}

// The bound: 25 users due, at most 10 read an invocation. The run reads 10 and queues a
// continuation; each continuation reads 10 more; the third finishes. Every user is queued
// once, in batches of at most 10, with a bounded number of reads per invocation.
func TestTheProducerStopsAtItsBoundAndContinues(t *testing.T) {
	users := map[string]string{}
	for i := range 25 {
		users[fmt.Sprintf("u%02d", i)] = "UTC"
	}
	reg := &countingRegister{Register: registered(t, users)}
	q := &queue{}
	p := &reviewfanout.Producer{Register: reg, Queue: q, MaxUsers: 10}
	rep, err := p.Run(context.Background(), time.Date(2026, 11, 30, 6, 5, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	invocations := 1
	for rep.Continued {
		if rep.Read != 10 || reg.due > 2 {
			t.Fatalf("invocation %d read %d users in %d queries, want 10 in at most 2 (bound 10)", invocations, rep.Read, reg.due)
		}
		last := q.batches[len(q.batches)-1]
		if len(last) != 1 || last[0].Kind != reviewfanout.KindContinue {
			t.Fatalf("a bounded run's last message is %+v, want one continuation", last)
		}
		q.batches = q.batches[:len(q.batches)-1]
		body, err := last[0].Encode()
		if err != nil {
			t.Fatal(err)
		}
		m, err := reviewfanout.Decode(body)
		if err != nil {
			t.Fatal(err)
		}
		reg.due = 0
		invocations++
		if rep, err = p.Continue(context.Background(), *m.Cursor); err != nil {
			t.Fatal(err)
		}
	}
	if invocations != 3 {
		t.Errorf("%d invocations, want 3 (10 + 10 + 5 users)", invocations)
	}
	got := q.reviews()
	if len(got) != 25 || len(slices.Compact(slices.Clone(got))) != 25 {
		t.Errorf("queued %d reviews (%v), want each of the 25 users once", len(got), got)
	}
	for _, b := range q.batches {
		if len(b) > reviewfanout.SendBatch {
			t.Errorf("a batch of %d messages, want at most %d", len(b), reviewfanout.SendBatch)
		}
	}
}

func TestAFailedSendFailsTheRun(t *testing.T) {
	s := registered(t, map[string]string{"a": "UTC"})
	_, err := (&reviewfanout.Producer{Register: s, Queue: &queue{fail: errors.New("sqs down")}}).Run(context.Background(),
		time.Date(2026, 11, 30, 6, 5, 0, 0, time.UTC))
	if err == nil {
		t.Fatal("Run with a failing queue: got nil, want the error (the schedule retries)")
	}
}

type reviews struct {
	built []string
	fail  map[string]error
}

func (r *reviews) Scheduled(_ context.Context, user, week, _ string) error {
	if err := r.fail[user]; err != nil {
		return err
	}
	r.built = append(r.built, user+" "+week)
	return nil
}

// A batch with a poisoned message (not JSON), a message of an unknown kind, one whose
// build fails and two good ones answers exactly the three failed ids.
func TestTheWorkerAnswersOnlyTheFailedMessages(t *testing.T) {
	rv := &reviews{fail: map[string]error{"down": errors.New("dynamodb unavailable")}}
	w := &reviewfanout.Worker{Reviews: rv}
	failed := w.Handle(context.Background(), []reviewfanout.Record{
		{MessageID: "m1", Body: `{"kind":"review","user":"a","week":"2026-W48"}`},
		{MessageID: "m2", Body: `not json`},
		{MessageID: "m3", Body: `{"kind":"review","user":"down","week":"2026-W48"}`},
		{MessageID: "m4", Body: `{"kind":"review","user":"b","week":"2026-W48"}`},
		{MessageID: "m5", Body: `{"kind":"digest","user":"c","week":"2026-W48"}`},
		{MessageID: "m6", Body: `{"kind":"review","user":"c","week":"2026-W99"}`},
	})
	if want := []string{"m2", "m3", "m5", "m6"}; !slices.Equal(failed, want) {
		t.Errorf("failed = %v, want %v", failed, want)
	}
	if want := []string{"a 2026-W48", "b 2026-W48"}; !slices.Equal(rv.built, want) {
		t.Errorf("built %v, want %v", rv.built, want)
	}
}
