package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/degrade"
)

// statusOf is the one table from error code to HTTP status (DESIGN §3).
var statusOf = map[apperr.Code]int{
	apperr.InvalidRequest:        http.StatusBadRequest,
	apperr.IdempotencyKeyMissing: http.StatusBadRequest,
	apperr.Unauthorized:          http.StatusUnauthorized,
	apperr.Forbidden:             http.StatusForbidden,
	apperr.NotFound:              http.StatusNotFound,
	apperr.Conflict:              http.StatusConflict,
	apperr.UndoExpired:           http.StatusGone,
	apperr.PayloadTooLarge:       http.StatusRequestEntityTooLarge,
	apperr.IdempotencyKeyReused:  http.StatusUnprocessableEntity,
	apperr.ConfirmationRequired:  http.StatusPreconditionRequired,
	apperr.UndoDisabled:          http.StatusForbidden,
	apperr.DependencyUnavailable: http.StatusServiceUnavailable,
	apperr.RateLimited:           http.StatusTooManyRequests,
	apperr.QuotaExceeded:         http.StatusConflict,
	apperr.Internal:              http.StatusInternalServerError,
}

// Status returns the HTTP status for an error code.
func Status(code apperr.Code) int {
	if s, ok := statusOf[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// RetryAfterSeconds is what a 503 asks the client to wait.
const RetryAfterSeconds = 2

// ErrorBody is the shape of every error response.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the "error" member of an error response.
type ErrorDetail struct {
	Code      apperr.Code `json:"code"`
	Message   string      `json:"message"`
	RequestID string      `json:"request_id"`
}

// WriteError writes err as the error body. Errors outside the vocabulary
// become 500 internal with a generic message; the cause goes to the log,
// with the request ID, never to the client.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	rid := RequestID(r.Context())
	var e *apperr.Error
	if !errors.As(err, &e) {
		e = &apperr.Error{Code: apperr.Internal, Message: "internal error", Cause: err}
	}
	status := Status(e.Code)
	if status >= 500 {
		Logger(r.Context()).Error("request failed", "code", e.Code, "err", err)
	}
	if e.Code == apperr.DependencyUnavailable {
		w.Header().Set("Retry-After", strconv.Itoa(RetryAfterSeconds))
		if errors.Is(err, degrade.ErrOpen) || errors.Is(err, context.DeadlineExceeded) {
			// Failed fast to protect the request (breaker open, out of budget): a
			// degraded answer, for the flow's degraded objective.
			degrade.MarkDegraded(r.Context())
		}
	}
	body := map[string]any{"error": ErrorDetail{Code: e.Code, Message: e.Message, RequestID: rid}}
	for k, v := range e.Extra {
		if k != "error" {
			body[k] = v
		}
	}
	WriteJSON(w, status, body)
}
