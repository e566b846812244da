package ops

import (
	"bytes"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/lucian-app/phase12/shared/alert"
	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/httpapi"
)

// Listing limits of GET /ops/alerts.
const (
	DefaultLimit = 50
	MaxLimit     = 200
)

// maxIDLength bounds an alert id from the path; ids are 26 characters, and DynamoDB refuses
// keys over 1 KB with an error that would otherwise read as a 500.
const maxIDLength = 128

type ackRequest struct {
	Verdict *string `json:"verdict"`
}

// Handler serves the ops routes; every one needs the ops group (401 without identity, 403
// outside the group).
func Handler(s *Service, log *slog.Logger, now func() time.Time) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /ops/slo", httpapi.WithGroup(httpapi.OpsGroup, func(w http.ResponseWriter, r *http.Request, _ httpapi.Identity) {
		snap, err := s.Snapshot(r.Context())
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, snap)
	}))
	mux.Handle("GET /ops/alerts", httpapi.WithGroup(httpapi.OpsGroup, func(w http.ResponseWriter, r *http.Request, _ httpapi.Identity) {
		q := r.URL.Query()
		state := alert.Status(q.Get("state"))
		if state != "" && state != alert.Firing && state != alert.Resolved {
			httpapi.WriteError(w, r, apperr.Field("state", "must be %q or %q (or absent for all)", alert.Firing, alert.Resolved))
			return
		}
		limit := DefaultLimit
		if v := q.Get("limit"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > MaxLimit {
				httpapi.WriteError(w, r, apperr.Field("limit", "must be a whole number from 1 to %d", MaxLimit))
				return
			}
			limit = n
		}
		list, err := s.Alerts(r.Context(), state, limit)
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, map[string]any{"alerts": list})
	}))
	mux.Handle("POST /ops/alerts/{id}/ack", httpapi.WithGroup(httpapi.OpsGroup, func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) {
		alertID := r.PathValue("id")
		if alertID == "" || len(alertID) > maxIDLength {
			httpapi.WriteError(w, r, apperr.New(apperr.NotFound, "no alert %q", alertID))
			return
		}
		// The body is optional: acknowledging without a verdict is a bare POST.
		body, err := httpapi.ReadBody(r)
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		var in ackRequest
		if len(bytes.TrimSpace(body)) > 0 {
			if err := httpapi.Unmarshal(body, &in); err != nil {
				httpapi.WriteError(w, r, err)
				return
			}
		}
		a, err := s.Ack(r.Context(), alertID, id.UserID, in.Verdict)
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		httpapi.Logger(r.Context()).Info("alert acknowledged", "alert_id", a.ID, "by", id.UserID,
			"time_to_ack_seconds", a.TimeToAckSeconds, "verdict", a.Verdict)
		httpapi.WriteJSON(w, http.StatusOK, map[string]any{"alert": a})
	}))
	return httpapi.Wrap(mux, log, now)
}
