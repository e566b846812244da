package digest_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/digest"
	"github.com/lucian-app/phase12/shared/ids"
	"github.com/lucian-app/phase12/shared/webhook"
)

// slack is an incoming webhook served by httptest on 127.0.0.1: it answers each call with
// the next status of its script (the last repeats) and keeps the payloads it accepted.
type slack struct {
	srv *httptest.Server

	// hold, when set, runs before each call is answered (a test blocks the webhook with it).
	hold func()

	mu       sync.Mutex
	script   []int
	calls    int
	accepted []string
}

func newSlack(t *testing.T, script ...int) *slack {
	t.Helper()
	s := &slack{script: script}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if s.hold != nil {
			s.hold()
		}
		s.mu.Lock()
		status := s.script[min(s.calls, len(s.script)-1)]
		s.calls++
		if status == http.StatusOK {
			s.accepted = append(s.accepted, string(body))
		}
		s.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *slack) setScript(script ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script, s.calls = script, 0
}

func (s *slack) stats() (calls int, accepted []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls, append([]string{}, s.accepted...)
}

type harness struct {
	*env
	sns    *recorder
	slack  *slack
	sleeps []time.Duration
	sender *digest.Sender
}

// newHarness builds the sender of the known week; withWebhook false leaves
// DIGEST_WEBHOOK_URL unset.
func newHarness(t *testing.T, withWebhook bool, script ...int) *harness {
	t.Helper()
	h := &harness{env: newEnv(t), sns: &recorder{}}
	var mu sync.Mutex
	h.sender = &digest.Sender{
		Builder: h.builder, Store: h.store, Publisher: h.sns,
		Links: digest.Links{OpsPageURL: "https://api.example.com/ops"},
		Now:   h.clock.Now, NewID: ids.Sequence("run-"), Log: discard(),
	}
	if withWebhook {
		h.slack = newSlack(t, script...)
		h.sender.Webhook = &webhook.Client{HTTP: h.slack.srv.Client(), URL: h.slack.srv.URL + "/services/T/B/secret",
			Sleep: func(_ context.Context, d time.Duration) error {
				mu.Lock()
				defer mu.Unlock()
				h.sleeps = append(h.sleeps, d)
				return nil
			}}
	}
	return h
}

func (h *harness) run(t *testing.T) (digest.Report, error) {
	t.Helper()
	return h.sender.Run(context.Background(), scheduled)
}

func (h *harness) delivery(t *testing.T) digest.Delivery {
	t.Helper()
	rec, err := h.store.Digest(context.Background(), "2026-W48")
	if err != nil {
		t.Fatal(err)
	}
	return rec.Delivery
}

func TestTwoRunsOfTheSameWeekSendOnce(t *testing.T) {
	h := newHarness(t, true, http.StatusOK)
	first, err := h.run(t)
	if err != nil {
		t.Fatal(err)
	}
	h.clock.Add(10 * time.Minute)
	second, err := h.run(t)
	if err != nil {
		t.Fatal(err)
	}
	want := []digest.Report{
		{Week: "2026-W48", Created: true, SNS: digest.Sent, Webhook: digest.Sent},
		{Week: "2026-W48", Created: false, SNS: digest.AlreadySent, Webhook: digest.AlreadySent},
	}
	for i, got := range []digest.Report{first, second} {
		if got != want[i] {
			t.Errorf("run %d report = %+v, want %+v", i+1, got, want[i])
		}
	}
	msgs := h.sns.messages()
	calls, accepted := h.slack.stats()
	if len(msgs) != 1 || calls != 1 || len(accepted) != 1 {
		t.Fatalf("SNS messages %d, webhook calls %d: want one of each", len(msgs), calls)
	}
	m := msgs[0]
	if m.Subject != "Weekly SLO digest 2026-W48: 6 items need a decision" || m.Attributes["kind"] != "weekly_digest" || m.Attributes["week"] != "2026-W48" {
		t.Errorf("SNS message subject %q attributes %v", m.Subject, m.Attributes)
	}
	if !strings.HasPrefix(m.Body, "Weekly SLO digest 2026-W48\n") || !strings.Contains(m.Body, "NEEDS A DECISION (6)") {
		t.Errorf("SNS body:\n%s", m.Body)
	}
	if !strings.HasPrefix(accepted[0], `{"text":"Weekly SLO digest 2026-W48`) || !strings.Contains(accepted[0], `"blocks":[`) {
		t.Errorf("webhook payload: %.200s", accepted[0])
	}
	d := h.delivery(t)
	if d.SNSSentAt == nil || d.WebhookSentAt == nil || !d.SNSSentAt.Equal(scheduled.Add(3*time.Second)) {
		t.Errorf("delivery = %+v, want both marked at the first run", d)
	}
}

func TestWebhookFailingTwiceThenSucceedingIsRetried(t *testing.T) {
	h := newHarness(t, true, http.StatusInternalServerError, http.StatusServiceUnavailable, http.StatusOK)
	rep, err := h.run(t)
	if err != nil {
		t.Fatalf("Run() error = %v", err)
	}
	calls, accepted := h.slack.stats()
	if rep.Webhook != digest.Sent || calls != 3 || len(accepted) != 1 {
		t.Errorf("webhook %s after %d calls (%d accepted), want sent on the third", rep.Webhook, calls, len(accepted))
	}
	if want := []time.Duration{time.Second, 2 * time.Second}; len(h.sleeps) != 2 || h.sleeps[0] != want[0] || h.sleeps[1] != want[1] {
		t.Errorf("backoff = %v, want %v", h.sleeps, want)
	}
	if len(h.sns.messages()) != 1 {
		t.Errorf("%d SNS messages, want 1", len(h.sns.messages()))
	}
}

func TestWebhookDownForGoodStillSendsSNSAndReportsIt(t *testing.T) {
	h := newHarness(t, true, http.StatusBadGateway)
	rep, err := h.run(t)
	var werr *webhook.Error
	if err == nil || !errors.As(err, &werr) || !strings.Contains(err.Error(), "send the digest of 2026-W48 to webhook") {
		t.Fatalf("Run() error = %v, want the webhook failure returned", err)
	}
	if strings.Contains(err.Error(), "secret") {
		t.Errorf("the error quotes the webhook URL: %v", err)
	}
	if rep.SNS != digest.Sent || rep.Webhook != digest.Failed {
		t.Errorf("report = %+v, want SNS sent and the webhook failed", rep)
	}
	if n := len(h.sns.messages()); n != 1 {
		t.Errorf("%d SNS messages, want 1 despite the webhook", n)
	}
	if d := h.delivery(t); d.SNSSentAt == nil || d.WebhookSentAt != nil {
		t.Errorf("delivery = %+v, want only SNS marked", d)
	}

	// The webhook comes back; the rerun (Lambda's retry) delivers only what is missing.
	h.slack.setScript(http.StatusOK)
	h.clock.Add(time.Minute)
	rep, err = h.run(t)
	if err != nil || rep.SNS != digest.AlreadySent || rep.Webhook != digest.Sent {
		t.Fatalf("rerun: %+v, %v; want SNS already sent and the webhook sent", rep, err)
	}
	calls, accepted := h.slack.stats()
	if n := len(h.sns.messages()); n != 1 || calls != 1 || len(accepted) != 1 {
		t.Errorf("after the rerun: %d SNS messages, %d webhook calls; want 1 and 1", n, calls)
	}
}

func TestSNSFailureDoesNotStopTheWebhookAndIsRetriedAlone(t *testing.T) {
	h := newHarness(t, true, http.StatusOK)
	h.sns.setFailure(errors.New("sns: throttled"))
	rep, err := h.run(t)
	if err == nil || !strings.Contains(err.Error(), "sns: throttled") || rep.SNS != digest.Failed || rep.Webhook != digest.Sent {
		t.Fatalf("Run() = %+v, %v; want SNS failed and reported, webhook sent", rep, err)
	}
	h.sns.setFailure(nil)
	h.clock.Add(time.Minute)
	rep, err = h.run(t)
	if err != nil || rep.SNS != digest.Sent || rep.Webhook != digest.AlreadySent {
		t.Fatalf("rerun = %+v, %v", rep, err)
	}
	calls, _ := h.slack.stats()
	if n := len(h.sns.messages()); n != 1 || calls != 1 {
		t.Errorf("%d SNS messages and %d webhook calls, want 1 and 1", n, calls)
	}
}

// leaseBarrier is the store of overlapping runs: it closes claimed once n runs have tried
// to take the delivery lease (and got their answer).
type leaseBarrier struct {
	digest.Store
	n       int
	mu      sync.Mutex
	tries   int
	claimed chan struct{}
}

func (b *leaseBarrier) Claim(ctx context.Context, week, owner string, now, until time.Time) (digest.Record, error) {
	rec, err := b.Store.Claim(ctx, week, owner, now, until)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.tries++; b.tries == b.n {
		close(b.claimed)
	}
	return rec, err
}

func TestOverlappingRunsSendOnce(t *testing.T) {
	h := newHarness(t, true, http.StatusOK)
	const runs = 6
	barrier := &leaseBarrier{Store: h.sender.Store, n: runs, claimed: make(chan struct{})}
	h.sender.Store = barrier
	// The run that holds the lease waits inside the webhook call until every run has tried
	// to take the lease, so all of them overlap the delivery. The timeout only keeps a
	// broken sender (one that never reaches the lease) from hanging the test.
	var missed atomic.Bool
	h.slack.hold = func() {
		select {
		case <-barrier.claimed:
		case <-time.After(10 * time.Second):
			missed.Store(true)
		}
	}
	var wg sync.WaitGroup
	errs := make([]error, runs)
	for i := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = h.run(t)
		}()
	}
	wg.Wait()
	if missed.Load() {
		t.Errorf("the webhook was released by the timeout: fewer than %d runs tried the delivery lease", runs)
	}
	ok, busy := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, digest.ErrBusy):
			busy++
		default:
			t.Errorf("overlapping run failed with %v, want nil or ErrBusy", err)
		}
	}
	// While the holder is inside the webhook call no other run can take the lease, so one
	// run delivers and every other one is refused.
	if ok != 1 || busy != runs-1 {
		t.Errorf("%d overlapping runs: %d succeeded and %d were refused by the lease (ErrBusy), want 1 and %d", runs, ok, busy, runs-1)
	}
	// Lambda retries the runs that found the lease taken: they find the digest sent.
	h.clock.Add(time.Minute)
	if rep, err := h.run(t); err != nil || rep.SNS != digest.AlreadySent || rep.Webhook != digest.AlreadySent {
		t.Errorf("retry = %+v, %v; want everything already sent", rep, err)
	}
	calls, _ := h.slack.stats()
	if n := len(h.sns.messages()); n != 1 || calls != 1 {
		t.Errorf("%d overlapping runs: got %d SNS messages and %d webhook calls, want 1 and 1", runs, n, calls)
	}
}

func TestAStaleLeaseIsTakenOver(t *testing.T) {
	h := newHarness(t, false)
	ctx := context.Background()
	// A run built the digest, took the lease and died before sending anything.
	d, err := h.builder.Build(ctx, digest.WeekBefore(scheduled))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.store.Create(ctx, d); err != nil {
		t.Fatal(err)
	}
	now := h.clock.Now()
	if _, err := h.store.Claim(ctx, "2026-W48", "dead-run", now, now.Add(digest.DefaultLease)); err != nil {
		t.Fatal(err)
	}
	rep, err := h.run(t)
	if !errors.Is(err, digest.ErrBusy) || rep.SNS != digest.Skipped || len(h.sns.messages()) != 0 {
		t.Fatalf("run inside the lease: %+v, %v, %d messages; want ErrBusy and nothing sent (a retry comes later)", rep, err, len(h.sns.messages()))
	}
	h.clock.Add(digest.DefaultLease + time.Second)
	rep, err = h.run(t)
	if err != nil || rep.SNS != digest.Sent || rep.Webhook != digest.NotConfigured || len(h.sns.messages()) != 1 {
		t.Fatalf("run after the lease: %+v, %v, %d messages", rep, err, len(h.sns.messages()))
	}
}

func TestRunRefusesWhatIsNotAFinishedWeek(t *testing.T) {
	tests := []struct {
		name      string
		scheduled time.Time
		want      string
	}{
		{"no time", time.Time{}, "the event has no time"},
		// Now is Monday 30 November 08:00:03: the week of 7 December's run is still going.
		{"a week still going", time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC), "week 2026-W49 ends at 2026-12-07T00:00:00Z, after now"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, false)
			_, err := h.sender.Run(context.Background(), tt.scheduled)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Run() error = %v, want %q", err, tt.want)
			}
			if _, err := h.store.Latest(context.Background()); err == nil || len(h.sns.messages()) != 0 {
				t.Errorf("a refused run stored or sent a digest")
			}
		})
	}
}

// TestRerunSendsTheStoredDigest: late events change nothing that was already decided.
func TestRerunSendsTheStoredDigest(t *testing.T) {
	h := newHarness(t, false)
	h.sns.setFailure(errors.New("sns down"))
	if _, err := h.run(t); err == nil {
		t.Fatal("Run() with SNS down succeeded")
	}
	stored, err := h.store.Digest(context.Background(), "2026-W48")
	if err != nil {
		t.Fatal(err)
	}
	if err := h.store.Add(context.Background(), knownWeek(h.cat)); err != nil { // every count doubles
		t.Fatal(err)
	}
	h.sns.setFailure(nil)
	h.clock.Add(time.Hour)
	if _, err := h.run(t); err != nil {
		t.Fatal(err)
	}
	msgs := h.sns.messages()
	if len(msgs) != 1 || msgs[0].Body != digest.Text(stored.Digest, h.sender.Links) {
		t.Errorf("the rerun sent something other than the stored digest")
	}
}
