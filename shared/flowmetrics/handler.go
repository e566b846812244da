package flowmetrics

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/httpapi"
)

type ingestRequest struct {
	// A pointer, to tell a missing or null "events" (a bad body) from an empty list.
	Events *[]json.RawMessage `json:"events"`
}

// Handler serves POST /metrics/flows. Any signed-in caller may report the client flows (what
// the app saw), within its per-caller limit; server flows are refused event by event. The
// answer is 200 with the per-event verdicts whenever the body itself is sound and within
// the bounds, even if every event was rejected; a caller over its limit gets 429 with
// Retry-After.
func Handler(s *Service, log *slog.Logger, now func() time.Time) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST /metrics/flows", httpapi.WithUser(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) {
		var in ingestRequest
		if err := httpapi.DecodeJSON(r, &in); err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		switch {
		case in.Events == nil:
			httpapi.WriteError(w, r, apperr.Field("events", "required: a list of up to %d events", MaxEvents))
			return
		case len(*in.Events) > MaxEvents:
			httpapi.WriteError(w, r, apperr.Field("events", "at most %d events per request, got %d", MaxEvents, len(*in.Events)))
			return
		}
		res, err := s.Ingest(r.Context(), id.UserID, *in.Events)
		if err != nil {
			if apperr.Is(err, apperr.RateLimited) {
				w.Header().Set("Retry-After", strconv.Itoa(RetryAfter(s.Now())))
				httpapi.Logger(r.Context()).Warn("flow events over the caller's limit", "events", len(*in.Events))
			}
			httpapi.WriteError(w, r, err)
			return
		}
		httpapi.Logger(r.Context()).Info("flow events", "accepted", res.Accepted, "rejected", len(res.Rejected))
		httpapi.WriteJSON(w, http.StatusOK, res)
	}))
	return httpapi.Wrap(mux, log, now)
}
