package execute

import (
	"context"
	"errors"
	"time"

	"github.com/lucian-app/phase12/shared/tasks"
)

// Store is what the engine needs from AppTable.
type Store interface {
	// Commit writes c in one transaction. A live record under the same key
	// makes it fail with *DuplicateError carrying that record; a stale
	// effect (the item changed or vanished) with ErrEffectConflict; an
	// unusable confirmation with ErrConfirmationInvalid; a twin in flight
	// or throttled, after the
	// retries dynamo.Transact makes, with ErrRetryable.
	Commit(ctx context.Context, owner string, c Commit) error
	// Execution reads the record under key, consistently.
	Execution(ctx context.Context, owner, key string) (Execution, bool, error)
	AppendAudit(ctx context.Context, owner string, e AuditEntry) error
	PutConfirmation(ctx context.Context, owner string, c Confirmation, audit AuditEntry) error
	// AuditLog returns one page of the owner's audit trail, newest first:
	// at most limit entries after cursor, and the next page's cursor.
	AuditLog(ctx context.Context, owner string, limit int, cursor string) ([]AuditEntry, string, error)
	GetTask(ctx context.Context, owner, id string) (tasks.Task, error)
	// OpenTasks returns the owner's open tasks (bounded by the open-task
	// quota); ListGoals every goal (bounded by the goal quota).
	OpenTasks(ctx context.Context, owner string) ([]tasks.Task, error)
	ListGoals(ctx context.Context, owner string) ([]tasks.Goal, error)
	// UndoRef is what undoing the creation e makes needs besides the
	// item's id, for the undo token (Created.Ref).
	UndoRef(e Effect) string
}

// DuplicateError is a commit refused because its key already has a live
// execution: the caller replays Existing (or refuses a different request).
type DuplicateError struct{ Existing Execution }

func (e *DuplicateError) Error() string { return "execution exists for this idempotency key" }

// ConfirmationError is a commit refused because its confirmation token
// does not confirm this execution; Why says so in words for the new 428.
type ConfirmationError struct{ Why string }

func (e *ConfirmationError) Error() string { return "confirmation refused: " + e.Why }

// Is makes every ConfirmationError an ErrConfirmationInvalid.
func (e *ConfirmationError) Is(target error) bool { return target == ErrConfirmationInvalid }

// Commit failures other than a duplicate.
var (
	ErrEffectConflict      = errors.New("the item changed since it was resolved")
	ErrConfirmationInvalid = errors.New("the confirmation token is unknown, used, expired or for another intent")
	// ErrRetryable is a transaction DynamoDB cancelled for a reason that
	// passes: a concurrent transaction on the same items (a twin in
	// flight), or throttling.
	ErrRetryable = errors.New("the transaction met a concurrent one or was throttled")
)

// live reports whether the record still holds its key at now.
func (e Execution) live(now time.Time) bool { return now.Before(e.KeyExpiresAt) }
