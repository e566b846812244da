package degrade_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/degrade"
)

func TestBudgetsAreTheSLOThresholdLessAMargin(t *testing.T) {
	want := map[string]time.Duration{"GET /tasks/today": 1200 * time.Millisecond, "POST /tasks": 480 * time.Millisecond,
		"POST /intents/execute": 800 * time.Millisecond, "POST /undo": 400 * time.Millisecond}
	d := degrade.Deadlines{Routes: degrade.DefaultBudgets()}
	for route, w := range want {
		if got := d.For(route); got != w {
			t.Errorf("budget of %s = %v, want %v", route, got, w)
		}
		if b := degrade.DefaultBudgets()[route]; b.Margin <= 0 || b.Limit() >= b.SLO {
			t.Errorf("%s: budget %v is not under its SLO threshold %v", route, b.Limit(), b.SLO)
		}
	}
	if got := d.For("PATCH /tasks/t1"); got != degrade.DefaultOtherRoutes {
		t.Errorf("a route without an SLO: %v, want %v", got, degrade.DefaultOtherRoutes)
	}
}

func TestDeadlinesPutTheBudgetOnTheRequest(t *testing.T) {
	d := degrade.Deadlines{Routes: degrade.DefaultBudgets()}
	var left time.Duration
	h := d.Wrap(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		dl, ok := r.Context().Deadline()
		if !ok {
			t.Fatal("no deadline on the request")
		}
		left = time.Until(dl)
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/undo", nil))
	if left <= 0 || left > 400*time.Millisecond {
		t.Errorf("POST /undo had %v left, want at most its 400 ms budget", left)
	}
}

var errDown = errors.New("down")

func TestBreakerOpensFailsFastAndClosesAfterAProbe(t *testing.T) {
	s := degrade.DefaultBreakerSettings("dynamodb AppTable")
	s.OpenFor = 50 * time.Millisecond
	b := degrade.NewBreaker(s, nil, nil)
	calls := 0
	failing := func(context.Context) error { calls++; return errDown }
	for range 5 {
		if err := b.Do(context.Background(), failing); !errors.Is(err, errDown) {
			t.Fatalf("a call while closed: %v, want its own error", err)
		}
	}
	if b.State() != "open" {
		t.Fatalf("after 5 failures in a row the breaker is %s, want open", b.State())
	}
	err := b.Do(context.Background(), failing)
	if !errors.Is(err, degrade.ErrOpen) || calls != 5 {
		t.Fatalf("a call while open: %v after %d calls, want ErrOpen without calling", err, calls)
	}
	deadline := time.Now().Add(5 * time.Second)
	for b.State() == "open" && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if b.State() != "half-open" {
		t.Fatalf("after OpenFor the breaker is %s, want half-open", b.State())
	}
	if err := b.Do(context.Background(), func(context.Context) error { return nil }); err != nil || b.State() != "closed" {
		t.Errorf("a good probe: %v, state %s; want closed", err, b.State())
	}
}

func TestBreakerCountsOnlyTheDependencysFailures(t *testing.T) {
	notMine := errors.New("condition failed")
	b := degrade.NewBreaker(degrade.DefaultBreakerSettings("x"), func(err error) bool { return !errors.Is(err, notMine) }, nil)
	for range 20 {
		_ = b.Do(context.Background(), func(context.Context) error { return notMine })
	}
	if b.State() != "closed" {
		t.Errorf("20 refused conditions opened the breaker (%s); want closed: they are the request's, not the dependency's", b.State())
	}
}

func TestBreakerCountsSlowSuccessesAsFailures(t *testing.T) {
	now := time.Date(2026, 12, 2, 4, 0, 0, 0, time.UTC)
	b := degrade.NewBreaker(degrade.DefaultBreakerSettings("x"), nil, func() time.Time { return now })
	for range 5 {
		_ = b.Do(context.Background(), func(context.Context) error { now = now.Add(1500 * time.Millisecond); return nil })
	}
	if b.State() != "open" {
		t.Errorf("5 calls of 1.5 s each (SlowCall 1 s) left the breaker %s, want open", b.State())
	}
}

func TestLastGoodIsBoundedInAgeAndCount(t *testing.T) {
	now := time.Date(2026, 12, 2, 4, 0, 0, 0, time.UTC)
	c := degrade.NewLastGood(func() time.Time { return now })
	c.Entries = 2
	c.Put("a", []byte("A"))
	c.Put("b", []byte("B"))
	c.Put("c", []byte("C"))
	if _, _, ok := c.Get("a"); ok || c.Len() != 2 {
		t.Errorf("3 answers in a cache of 2: a kept %v, len %d; want the oldest dropped", ok, c.Len())
	}
	now = now.Add(degrade.MaxStale)
	if body, at, ok := c.Get("c"); !ok || string(body) != "C" || !at.Equal(now.Add(-degrade.MaxStale)) {
		t.Errorf("an answer exactly 5 minutes old: %q %v %v, want it served", body, at, ok)
	}
	now = now.Add(time.Second)
	if _, _, ok := c.Get("c"); ok {
		t.Error("an answer over 5 minutes old was served")
	}
}

func TestMarkDegraded(t *testing.T) {
	degrade.MarkDegraded(context.Background()) // no mark: nothing to do, no panic
	ctx, m := degrade.WithMark(context.Background())
	if m.Degraded() {
		t.Fatal("a fresh mark says degraded")
	}
	degrade.MarkDegraded(ctx)
	if !m.Degraded() {
		t.Error("marked, but the mark says not degraded")
	}
}
