package execute

import (
	"time"

	"github.com/lucian-app/phase12/shared/intent"
	"github.com/lucian-app/phase12/shared/tasks"
)

// Retention of what an execution leaves behind.
const (
	IdempotencyWindow  = 24 * time.Hour
	ConfirmationWindow = 5 * time.Minute
	AuditRetention     = 30 * 24 * time.Hour
	MaxIdempotencyKey  = 255
	DefaultLogLimit    = 50
	MaxLogLimit        = 200
	// MaxCandidates is how many candidates a 409 for an ambiguous
	// reference lists; more_candidates says how many more matched.
	MaxCandidates = 10
	// MaxQueryTasks is how many tasks a query_tasks execution lists;
	// "more" says how many more matched.
	MaxQueryTasks = 200
)

// Audit outcomes (DESIGN §4).
const (
	OutcomeExecuted             = "executed"
	OutcomeReplayed             = "replayed"
	OutcomeConfirmationRequired = "confirmation_required"
	OutcomeRejected             = "rejected"
	OutcomeUndone               = "undone"
)

// AuditEntry is one line of the caller's audit trail.
type AuditEntry struct {
	// EntryID orders entries made at the same instant; not shown.
	EntryID        string    `json:"-"`
	ExecutionID    string    `json:"execution_id"`
	At             time.Time `json:"at"`
	Type           string    `json:"type"`
	Outcome        string    `json:"outcome"`
	IdempotencyKey string    `json:"idempotency_key"`
	LatencyMS      int64     `json:"latency_ms"`
	Status         int       `json:"status"`
	// Detail says what an execution did beyond its type, when that is not
	// the obvious ("recurring: moved to its next occurrence 2026-12-08").
	Detail string `json:"detail,omitempty"`
}

// Execution is the record of one executed intent, keyed by the caller's
// idempotency key. It is what a replay answers with and what undo acts on.
type Execution struct {
	ID             string
	IdempotencyKey string
	Fingerprint    string
	Type           string
	At             time.Time
	// Status and Body are the stored response, replayed byte for byte.
	Status int
	Body   []byte
	// KeyExpiresAt ends the idempotency window: after it the key is free.
	KeyExpiresAt time.Time
	// Created names the item a creation made, for undo.
	Created *Created
	// UndoExpiresAt is zero when the execution issued no undo token.
	UndoExpiresAt time.Time
	UndoneAt      time.Time
}

// Created is the item an execution created, as it was created.
type Created struct {
	Kind    string // "task" or "goal"
	ID      string
	Version int
	// Ref is the store's reference for taking it back in one write
	// (Store.UndoRef), carried by the undo token.
	Ref string
}

// Effect is the one write an intent makes. Exactly one field is set.
type Effect struct {
	CreateTask *tasks.Task
	CreateGoal *tasks.Goal
	// ReplaceTask writes the task if the stored one is still Prev (its
	// version).
	ReplaceTask *tasks.Task
	Prev        *tasks.Task
	DeleteTask  *tasks.Task
	DeleteGoal  *tasks.Goal
	// Activity says what a task edit means for the next-action statistics
	// (a completion, the user's zone), kept in the same transaction.
	Activity tasks.Activity
}

// Confirmation is a pending confirmation of a risky intent, bound to the
// caller (by its key), the intent (Fingerprint) and the very items the
// user was shown (Targets, versions included).
type Confirmation struct {
	Token       string
	Fingerprint string
	Summary     string
	Targets     []intent.Target
	ExpiresAt   time.Time
}

// Commit is everything one execution writes, atomically.
type Commit struct {
	Effect Effect
	Record Execution
	Audit  AuditEntry
	// Confirm, when set, is consumed in the same transaction: it must exist,
	// be unexpired and match the intent's fingerprint and its targets as
	// resolved now.
	Confirm *Confirmation
	Now     time.Time
}
