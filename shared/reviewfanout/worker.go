package reviewfanout

import (
	"context"
	"log/slog"
)

// Reviews builds a queued review (reviewapi.Service.Scheduled): nothing when it is stored
// already, so a message delivered twice is built once.
type Reviews interface {
	Scheduled(ctx context.Context, user, week, timezone string) error
}

// Record is one message of a batch as SQS delivers it.
type Record struct {
	MessageID string
	Body      string
}

// Worker handles the queue's batches.
type Worker struct {
	Reviews  Reviews
	Producer *Producer
	Log      *slog.Logger
}

// Handle processes each record of a batch and answers the message ids that failed (SQS
// delivers those again, and after the queue's maxReceiveCount moves them to the dead-letter
// queue); the others are done. A body that is not a message fails too, so it ends in the
// dead-letter queue where an alarm shows it, rather than vanishing.
func (w *Worker) Handle(ctx context.Context, records []Record) (failed []string) {
	for _, r := range records {
		if err := w.one(ctx, r); err != nil {
			if w.Log != nil {
				w.Log.Error("weekly review message failed", "message_id", r.MessageID, "err", err.Error())
			}
			failed = append(failed, r.MessageID)
		}
	}
	return failed
}

func (w *Worker) one(ctx context.Context, r Record) error {
	m, err := Decode(r.Body)
	if err != nil {
		return err
	}
	if m.Kind == KindContinue {
		rep, err := w.Producer.Continue(ctx, *m.Cursor)
		if err == nil && w.Log != nil {
			w.Log.Info("weekly review fan-out continued", "hours", rep.Hours, "read", rep.Read, "queued", rep.Queued,
				"reviewed", rep.Reviewed, "not_yet", rep.NotYet, "continued", rep.Continued)
		}
		return err
	}
	return w.Reviews.Scheduled(ctx, m.User, m.Week, m.Timezone)
}
