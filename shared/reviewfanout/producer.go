package reviewfanout

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"github.com/lucian-app/phase12/shared/review"
	"github.com/lucian-app/phase12/shared/reviewstore"
)

// Register is the register of users by ready hour and the reviews already stored
// (reviewstore.Store).
type Register interface {
	Due(ctx context.Context, hour int, after string, limit int) ([]reviewstore.Registered, string, error)
	Reviewed(ctx context.Context, keys []reviewstore.UserWeek) (map[reviewstore.UserWeek]bool, error)
}

// Queue sends messages, at most SendBatch at a time (SQS SendMessageBatch).
type Queue interface {
	Send(ctx context.Context, batch []Message) error
}

var _ Register = (*reviewstore.Store)(nil)

// Bounds of one producer invocation.
const (
	// MaxUsersPerRun is how many registered users one invocation reads at most; past it,
	// the rest of the run is queued as a continuation (one more invocation of the worker).
	MaxUsersPerRun = 1000
	// PageSize is how many users one Query of the register reads.
	PageSize = 100
	// SendBatch is how many messages one SendMessageBatch carries (SQS allows 10).
	SendBatch = 10
)

// Producer queues the reviews that became due.
type Producer struct {
	Register Register
	Queue    Queue
	// MaxUsers bounds an invocation (0: MaxUsersPerRun).
	MaxUsers int
	Log      *slog.Logger
}

// Report is what one invocation did.
type Report struct {
	Hours []int `json:"hours"`
	// Read users of the register; NotYet of them not ready yet (the other hour of a DST
	// zone, or a zone half an hour off); Reviewed had their review; Queued were sent.
	Read, NotYet, Reviewed, Queued int
	BadZone                        int
	// Continued: the bound was met and the rest was queued as a continuation.
	Continued bool
}

// Hours are the ready hours a run at `at` reads: the hour before and the current one, so a
// user whose week became ready at 05:30 UTC is queued by the 06:00 run, and a run that
// failed is made up by the next (a user queued twice is built once: the worker skips a
// stored review).
func Hours(at time.Time) []int {
	prev, cur := review.HourOfWeek(at.Add(-time.Hour)), review.HourOfWeek(at)
	return []int{prev, cur}
}

// Run reads the register of Hours(at) and queues every user whose last finished week is
// ready at `at` and has no review yet.
func (p *Producer) Run(ctx context.Context, at time.Time) (Report, error) {
	return p.Continue(ctx, Cursor{At: at, Hours: Hours(at)})
}

// Continue runs from c, reading at most MaxUsers users; if more remain, it queues the
// cursor to continue from.
func (p *Producer) Continue(ctx context.Context, c Cursor) (Report, error) {
	max := p.MaxUsers
	if max <= 0 {
		max = MaxUsersPerRun
	}
	rep := Report{Hours: slices.Clone(c.Hours)}
	// A DST zone's users are in two hours, both read by the run between them.
	seen := map[string]bool{}
	for len(c.Hours) > 0 {
		if rep.Read >= max {
			rep.Continued = true
			return rep, p.Queue.Send(ctx, []Message{{Kind: KindContinue, Cursor: &c}})
		}
		users, next, err := p.Register.Due(ctx, c.Hours[0], c.After, min(PageSize, max-rep.Read))
		if err != nil {
			return rep, err
		}
		rep.Read += len(users)
		if err := p.queue(ctx, c.At, users, seen, &rep); err != nil {
			return rep, err
		}
		if next == "" {
			c.Hours, c.After = c.Hours[1:], ""
		} else {
			c.After = next
		}
	}
	return rep, nil
}

// queue sends the messages of the users of one page whose week is ready and unreviewed.
func (p *Producer) queue(ctx context.Context, at time.Time, users []reviewstore.Registered, seen map[string]bool, rep *Report) error {
	var due []reviewstore.UserWeek
	zones := map[string]string{}
	for _, u := range users {
		if seen[u.User] {
			continue
		}
		loc, err := time.LoadLocation(u.Timezone)
		if err != nil {
			rep.BadZone++
			if p.Log != nil {
				p.Log.Warn("a registered user's zone is unknown; skipped", "user", u.User, "timezone", u.Timezone)
			}
			continue
		}
		w := review.LastFinished(at, loc)
		if at.Before(w.ReadyAt()) {
			rep.NotYet++
			continue
		}
		seen[u.User], zones[u.User] = true, u.Timezone
		due = append(due, reviewstore.UserWeek{User: u.User, Week: w.String()})
	}
	if len(due) == 0 {
		return nil
	}
	done, err := p.Register.Reviewed(ctx, due)
	if err != nil {
		return err
	}
	var msgs []Message
	for _, k := range due {
		if done[k] {
			rep.Reviewed++
			continue
		}
		msgs = append(msgs, Message{Kind: KindReview, User: k.User, Week: k.Week, Timezone: zones[k.User]})
	}
	for batch := range slices.Chunk(msgs, SendBatch) {
		if err := p.Queue.Send(ctx, batch); err != nil {
			return err
		}
		rep.Queued += len(batch)
	}
	return nil
}
