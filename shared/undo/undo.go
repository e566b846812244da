package undo

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/degrade"
)

// DefaultWindow is how long an undo token is good for (UNDO_WINDOW_SECONDS).
const DefaultWindow = 30 * time.Second

// Store undoes in one transaction.
type Store interface {
	// Undo deletes the token's item if the record is the token's, within
	// its window and not undone, and the item is at its created version;
	// it marks the record undone and appends audit. It fails with
	// *RefusedError saying why, or ErrRetryable.
	Undo(ctx context.Context, owner string, t Token, now time.Time, audit Audit) error
}

// Audit is what the undone audit entry records.
type Audit struct {
	EntryID   string
	LatencyMS int64
}

// Reason is why an undo was refused.
type Reason int

// Reasons an undo is refused, in the order they are judged.
const (
	Unknown       Reason = iota + 1 // no such execution for this owner, or no undo issued
	AlreadyUndone                   // a success, told as such
	Expired
	Changed // the item was edited, completed or deleted since
)

// RefusedError is an undo the transaction refused.
type RefusedError struct{ Reason Reason }

func (e *RefusedError) Error() string { return "undo refused" }

// ErrRetryable is a transaction DynamoDB cancelled for a reason that
// passes: a concurrent transaction on the same items, or throttling.
var ErrRetryable = errors.New("undo: the transaction met a concurrent one or was throttled")

// Service answers POST /undo.
type Service struct {
	Store   Store
	Now     func() time.Time
	NewID   func() string
	Enabled bool
	// Levers are the emergency levers: the undo lever off is 403 undo_disabled, as Enabled
	// false is. Nil is the defaults (undo on).
	Levers degrade.Reader
}

// Result is the body of a successful undo.
type Result struct {
	Undone        Undone `json:"undone"`
	AlreadyUndone bool   `json:"already_undone"`
}

// Undone names the item taken back.
type Undone struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

// Undo takes back the creation token names, for owner.
func (s *Service) Undo(ctx context.Context, owner, token string) (Result, error) {
	if !s.Enabled || !degrade.Of(ctx, s.Levers).Undo {
		return Result{}, apperr.New(apperr.UndoDisabled, "undo is switched off")
	}
	if strings.TrimSpace(token) == "" {
		return Result{}, apperr.Field("token", "required")
	}
	t, ok := ParseToken(token)
	if !ok {
		return Result{}, apperr.New(apperr.NotFound, "token: unknown undo token")
	}
	start := s.Now()
	res := Result{Undone: Undone{Type: t.Kind, ID: t.ItemID}}
	err := s.Store.Undo(ctx, owner, t, start, Audit{EntryID: s.NewID(), LatencyMS: s.Now().Sub(start).Milliseconds()})
	var refused *RefusedError
	switch {
	case err == nil:
		return res, nil
	case errors.As(err, &refused):
		switch refused.Reason {
		case AlreadyUndone:
			res.AlreadyUndone = true
			return res, nil
		case Expired:
			return Result{}, apperr.New(apperr.UndoExpired, "the undo window has passed; the %s stays", t.Kind)
		case Changed:
			return Result{}, apperr.New(apperr.Conflict, "the %s changed since it was created; it stays", t.Kind)
		}
		return Result{}, apperr.New(apperr.NotFound, "token: unknown undo token")
	case errors.Is(err, ErrRetryable):
		// Still cancelled after the store's retries (dynamo.Transact).
		return Result{}, apperr.Unavailable(err)
	}
	return Result{}, err
}
