package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lucian-app/phase12/shared/apperr"
)

func TestStatusTable(t *testing.T) {
	want := map[apperr.Code]int{
		apperr.InvalidRequest: 400, apperr.IdempotencyKeyMissing: 400, apperr.Unauthorized: 401,
		apperr.Forbidden: 403, apperr.NotFound: 404, apperr.Conflict: 409, apperr.UndoExpired: 410,
		apperr.PayloadTooLarge: 413, apperr.IdempotencyKeyReused: 422, apperr.ConfirmationRequired: 428,
		apperr.UndoDisabled: 403, apperr.DependencyUnavailable: 503, apperr.Internal: 500,
		apperr.RateLimited: 429, apperr.QuotaExceeded: 409,
	}
	for code, status := range want {
		if got := Status(code); got != status {
			t.Errorf("Status(%q) = %d, want %d", code, got, status)
		}
	}
}

func TestWriteErrorHidesInternalCauses(t *testing.T) {
	rec := httptest.NewRecorder()
	r := httptest.NewRequest("GET", "/", nil)
	WriteError(rec, r, errors.New("secret table name arn:aws:dynamodb:xyz"))
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status = %d", rec.Code)
	}
	if strings.Contains(rec.Body.String(), "arn:aws") {
		t.Errorf("body leaks the cause: %s", rec.Body)
	}
	var body ErrorBody
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Error.Code != apperr.Internal {
		t.Errorf("body = %s (%v)", rec.Body, err)
	}
}

func TestWriteErrorUnavailableSetsRetryAfterAndExtra(t *testing.T) {
	rec := httptest.NewRecorder()
	WriteError(rec, httptest.NewRequest("GET", "/", nil), apperr.Unavailable(errors.New("throttled")))
	if rec.Code != 503 || rec.Header().Get("Retry-After") != "2" {
		t.Errorf("status %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
	}
	rec = httptest.NewRecorder()
	WriteError(rec, httptest.NewRequest("GET", "/", nil), &apperr.Error{Code: apperr.Conflict, Message: "ambiguous",
		Extra: map[string]any{"candidates": []string{"a", "b"}}})
	var body map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &body)
	if rec.Code != 409 || body["candidates"] == nil || body["error"] == nil {
		t.Errorf("status %d body %v", rec.Code, body)
	}
}

func TestWrapRecoversPanicsAsInternal(t *testing.T) {
	h := Wrap(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }), discardLogger(), nowFunc)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != 500 || rec.Header().Get("X-Request-Id") == "" {
		t.Errorf("status %d, request id %q", rec.Code, rec.Header().Get("X-Request-Id"))
	}
	if strings.Contains(rec.Body.String(), "boom") {
		t.Errorf("body leaks the panic: %s", rec.Body)
	}
}
