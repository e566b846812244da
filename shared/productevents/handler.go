package productevents

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/httpapi"
)

type ingestRequest struct {
	Events *[]wireEvent `json:"events"`
}

// Route is the one route of Handler.
const Route = "POST /events/product"

// Handler serves POST /events/product for any signed-in caller: 200 {accepted,
// duplicates}, or 400 naming the first bad event's field (nothing stored).
func Handler(s *Service, log *slog.Logger, now func() time.Time) http.Handler {
	mux := http.NewServeMux()
	mux.Handle(Route, httpapi.WithUser(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) {
		var in ingestRequest
		if err := httpapi.DecodeJSON(r, &in); err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		if in.Events == nil {
			httpapi.WriteError(w, r, apperr.Field("events", "required: a list of up to %d events", MaxEvents))
			return
		}
		res, err := s.Ingest(r.Context(), id.UserID, *in.Events)
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		httpapi.Logger(r.Context()).Info("product events", "accepted", res.Accepted, "duplicates", res.Duplicates)
		httpapi.WriteJSON(w, http.StatusOK, res)
	}))
	return httpapi.Wrap(mux, log, now)
}
