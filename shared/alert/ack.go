package alert

import (
	"context"
	"errors"
	"time"

	"github.com/lucian-app/phase12/shared/apperr"
)

// ErrAcknowledged reports that an alert already had its first acknowledgement.
var ErrAcknowledged = errors.New("alert: already acknowledged")

// Records is the incident history the ops routes read and acknowledge.
type Records interface {
	// Get returns an incident; an unknown id is apperr.NotFound.
	Get(ctx context.Context, id string) (Alert, error)
	// List returns incidents newest first, only those in state unless it is empty.
	List(ctx context.Context, state Status, limit int) ([]Alert, error)
	// Acknowledge records the first acknowledgement, or returns ErrAcknowledged.
	Acknowledge(ctx context.Context, id string, ack Acknowledgement) (Alert, error)
	// SetVerdict records or changes the verdict of an incident.
	SetVerdict(ctx context.Context, id, verdict string) (Alert, error)
}

// FiringIDs are the incidents the states say are firing.
func FiringIDs(states []State) []string {
	var ids []string
	for _, st := range states {
		if st.Alert.State == Firing {
			ids = append(ids, st.Alert.ID)
		}
	}
	return ids
}

// Acknowledgement is who took an incident on, and when.
type Acknowledgement struct {
	At               time.Time
	By               string
	TimeToAckSeconds int64
	Verdict          *string
}

// ValidVerdict reports whether v is a verdict an acknowledger may give.
func ValidVerdict(v string) bool { return v == TruePositive || v == FalsePositive }

// Ack acknowledges an incident for the ops user by. The first acknowledgement fixes
// acknowledged_at and time_to_ack_seconds (from triggered_at, so delivery delays count
// against MTTA as the on-call engineer felt them); later ones only record or change the
// verdict, since whether an alert was worth it is often clear only after the investigation.
// An incident may be acknowledged after it resolved.
func Ack(ctx context.Context, r Records, id, by string, verdict *string, now time.Time) (Alert, error) {
	if verdict != nil && !ValidVerdict(*verdict) {
		return Alert{}, apperr.Field("verdict", "must be %q or %q", TruePositive, FalsePositive)
	}
	a, err := r.Get(ctx, id)
	if err != nil {
		return Alert{}, err
	}
	if a.AcknowledgedAt == nil {
		tta := int64(max(now.Sub(a.TriggeredAt), 0) / time.Second)
		acked, err := r.Acknowledge(ctx, id, Acknowledgement{At: now.UTC(), By: by, TimeToAckSeconds: tta, Verdict: verdict})
		if !errors.Is(err, ErrAcknowledged) {
			return acked, err
		}
		// Someone else was first; fall through and record only the verdict.
	}
	if verdict == nil {
		return r.Get(ctx, id)
	}
	return r.SetVerdict(ctx, id, *verdict)
}
