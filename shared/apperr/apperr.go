package apperr

import (
	"errors"
	"fmt"
)

// Code is a machine-readable error code, part of the API contract.
type Code string

// The codes of DESIGN §3. Keep them exactly: clients switch on them.
const (
	InvalidRequest        Code = "invalid_request"
	IdempotencyKeyMissing Code = "idempotency_key_missing"
	Unauthorized          Code = "unauthorized"
	Forbidden             Code = "forbidden"
	NotFound              Code = "not_found"
	Conflict              Code = "conflict"
	UndoExpired           Code = "undo_expired"
	PayloadTooLarge       Code = "payload_too_large"
	IdempotencyKeyReused  Code = "idempotency_key_reused"
	ConfirmationRequired  Code = "confirmation_required"
	UndoDisabled          Code = "undo_disabled"
	DependencyUnavailable Code = "dependency_unavailable"
	Internal              Code = "internal"
	// RateLimited (DESIGN §7): a caller went over a per-caller limit. The
	// handler that refuses sets Retry-After, since only it knows when the
	// limit resets.
	RateLimited Code = "rate_limited"
	// QuotaExceeded (DESIGN §7): creating past a per-user limit (open
	// tasks, goals); the message names the limit.
	QuotaExceeded Code = "quota_exceeded"
)

// Error is an error a client is meant to see. Message is safe to show;
// Cause is for logs only. Extra, when set, is merged into the response
// body beside "error" (e.g. the candidates of an ambiguous match or the
// confirmation of a 428).
type Error struct {
	Code    Code
	Message string
	Extra   map[string]any
	Cause   error
}

func (e *Error) Error() string {
	if e.Cause != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Cause)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Cause }

// New returns an *Error with a formatted message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Field reports a bad field of a request; the message names the field so
// the client can point at it.
func Field(field, format string, args ...any) *Error {
	return &Error{Code: InvalidRequest, Message: field + ": " + fmt.Sprintf(format, args...)}
}

// Unavailable wraps a dependency failure that outlasted its retries.
func Unavailable(cause error) *Error {
	return &Error{Code: DependencyUnavailable, Message: "a dependency is unavailable; retry later", Cause: cause}
}

// CodeOf returns the code of err, Internal for errors outside the vocabulary.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// Is reports whether err carries code.
func Is(err error, code Code) bool { return err != nil && CodeOf(err) == code }
