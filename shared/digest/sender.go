package digest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/lucian-app/phase12/shared/alert"
	"github.com/lucian-app/phase12/shared/apperr"
)

// Channel is where a digest goes.
type Channel string

// The channels, each marked sent on the stored digest on its own.
const (
	SNS     Channel = "sns"
	Webhook Channel = "webhook"
)

// Errors of the store.
var (
	// ErrExists: a digest of that week is stored already.
	ErrExists = errors.New("digest: the week's digest exists")
	// ErrBusy: another run holds the week's delivery lease.
	ErrBusy = errors.New("digest: another run is delivering the week's digest")
)

// Record is a stored digest and what became of it.
type Record struct {
	Digest
	Delivery Delivery `json:"delivery"`
}

// Delivery says which channels accepted the digest, and when.
type Delivery struct {
	SNSSentAt     *time.Time `json:"sns_sent_at"`
	WebhookSentAt *time.Time `json:"webhook_sent_at"`
}

// SentAt is when ch accepted the digest, nil if it has not.
func (d Delivery) SentAt(ch Channel) *time.Time {
	if ch == SNS {
		return d.SNSSentAt
	}
	return d.WebhookSentAt
}

// Store keeps the digests.
type Store interface {
	// Digest returns the week's digest; none is apperr.NotFound.
	Digest(ctx context.Context, week string) (Record, error)
	// Latest returns the newest digest; none is apperr.NotFound.
	Latest(ctx context.Context) (Record, error)
	// Create stores a new digest, or returns ErrExists when its week has one.
	Create(ctx context.Context, d Digest) (Record, error)
	// Claim takes the week's delivery lease for owner until the given time, if no other
	// owner holds an unexpired one (ErrBusy), and returns the record as it is now.
	Claim(ctx context.Context, week, owner string, now, until time.Time) (Record, error)
	// MarkSent records that ch accepted the week's digest at at (the first mark stays).
	MarkSent(ctx context.Context, week string, ch Channel, at time.Time) error
	// Release gives the lease back, if owner still holds it.
	Release(ctx context.Context, week, owner string) error
}

// Poster posts a payload to the webhook; nil only once the webhook accepted it.
type Poster interface {
	Post(ctx context.Context, payload []byte) error
}

// DefaultLease outlasts WeeklyDigestFunction's 60-second timeout, so a run that is still
// delivering cannot be joined by a second one, and expires before Lambda's second retry of
// a run that died (about three minutes after it), which then takes over.
const DefaultLease = 90 * time.Second

// Sender is weekly-digest: one Run per scheduled invocation.
type Sender struct {
	Builder interface {
		Build(context.Context, Week) (Digest, error)
	}
	Store     Store
	Publisher alert.Publisher
	// Webhook is nil when no webhook is configured.
	Webhook Poster
	Links   Links
	Lease   time.Duration
	Now     func() time.Time
	NewID   func() string
	Log     *slog.Logger
}

// Outcomes of a channel in a Report.
const (
	Sent          = "sent"
	AlreadySent   = "already_sent"
	Failed        = "failed"
	NotConfigured = "not_configured"
	Skipped       = "skipped" // not attempted: another run holds the lease, or the run failed before
)

// Report says what a run did.
type Report struct {
	Week    string `json:"week"`
	Created bool   `json:"created"`
	SNS     string `json:"sns"`
	Webhook string `json:"webhook"`
}

// Run sends the digest of the ISO week before scheduled (the EventBridge event's time), at
// most once per channel whatever the reruns: the digest is computed and stored on the first
// run, and each channel is marked sent only after it accepted the digest, so a rerun after a
// partial failure delivers only what is missing. A lease keeps two overlapping runs from
// both sending. A failing channel does not stop the other; every failure is returned.
func (s *Sender) Run(ctx context.Context, scheduled time.Time) (Report, error) {
	if scheduled.IsZero() {
		return Report{}, errors.New("the event has no time: the digest covers the ISO week before it")
	}
	w := WeekBefore(scheduled)
	rep := Report{Week: w.String(), SNS: Skipped, Webhook: NotConfigured}
	if s.Webhook != nil {
		rep.Webhook = Skipped
	}
	now := s.Now().UTC()
	if w.End().After(now) {
		// Only a hand-made event can get here; sending a partial week would use up the
		// week's one digest.
		return rep, fmt.Errorf("week %s ends at %s, after now (%s): a digest covers a finished week only",
			w, w.End().Format(time.RFC3339), now.Format(time.RFC3339))
	}
	rec, err := s.Store.Digest(ctx, w.String())
	if apperr.Is(err, apperr.NotFound) {
		var d Digest
		if d, err = s.Builder.Build(ctx, w); err != nil {
			return rep, fmt.Errorf("build the digest of %s: %w", w, err)
		}
		rec, err = s.Store.Create(ctx, d)
		rep.Created = err == nil
		if errors.Is(err, ErrExists) { // an overlapping run stored it first: send that one
			rec, err = s.Store.Digest(ctx, w.String())
		}
	}
	if err != nil {
		return rep, fmt.Errorf("read or store the digest of %s: %w", w, err)
	}
	if !s.due(rec, &rep) {
		return rep, nil
	}

	owner := s.NewID()
	lease := s.Lease
	if lease <= 0 {
		lease = DefaultLease
	}
	rec, err = s.Store.Claim(ctx, w.String(), owner, now, now.Add(lease))
	if errors.Is(err, ErrBusy) {
		// An error, not a quiet success: if the holder died, only a retry after its lease
		// expired sends the digest, and Lambda retries failed invocations only.
		return rep, fmt.Errorf("the digest of %s: another run holds the delivery lease; a retry finds it sent or the lease expired: %w", w, err)
	}
	if err != nil {
		return rep, fmt.Errorf("claim the delivery of %s: %w", w, err)
	}
	defer func() {
		// Without the release the lease simply expires; a rerun waits for it.
		if err := s.Store.Release(context.WithoutCancel(ctx), w.String(), owner); err != nil {
			s.Log.Warn("release the digest delivery lease", "week", rep.Week, "err", err)
		}
	}()
	if !s.due(rec, &rep) { // a run that held the lease before us finished the job
		return rep, nil
	}

	var errs []error
	if rep.SNS == Skipped {
		m := alert.Message{Subject: Subject(rec.Digest), Body: Text(rec.Digest, s.Links),
			Attributes: map[string]string{"kind": "weekly_digest", "week": rep.Week}}
		errs = append(errs, s.deliver(ctx, w, SNS, &rep.SNS, func() error { return s.Publisher.Publish(ctx, m) }))
	}
	if rep.Webhook == Skipped {
		errs = append(errs, s.deliver(ctx, w, Webhook, &rep.Webhook, func() error {
			payload, err := BlockKit(rec.Digest, s.Links)
			if err != nil {
				return err
			}
			return s.Webhook.Post(ctx, payload)
		}))
	}
	return rep, errors.Join(errs...)
}

// due sets the report's outcome of every channel already sent and reports whether any
// channel is still owed.
func (s *Sender) due(rec Record, rep *Report) bool {
	owed := false
	if rec.Delivery.SNSSentAt != nil {
		rep.SNS = AlreadySent
	} else {
		owed = true
	}
	if s.Webhook != nil {
		if rec.Delivery.WebhookSentAt != nil {
			rep.Webhook = AlreadySent
		} else {
			owed = true
		}
	}
	return owed
}

// deliver sends on one channel and marks it sent once it accepted.
func (s *Sender) deliver(ctx context.Context, w Week, ch Channel, outcome *string, send func() error) error {
	if err := send(); err != nil {
		*outcome = Failed
		return fmt.Errorf("send the digest of %s to %s: %w", w, ch, err)
	}
	if err := s.Store.MarkSent(ctx, w.String(), ch, s.Now().UTC()); err != nil {
		// The channel has it; a rerun will send it again (the one duplicate case).
		*outcome = Failed
		return fmt.Errorf("mark the digest of %s sent to %s: %w", w, ch, err)
	}
	*outcome = Sent
	return nil
}
