package reviewapi

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/lucian-app/phase12/shared/httpapi"
	"github.com/lucian-app/phase12/shared/review"
)

// Handler serves WeeklyReviewFunction's routes.
func Handler(s *Service, log *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /reviews/weekly", httpapi.WithUser(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) {
		q := r.URL.Query()
		rv, err := s.Weekly(r.Context(), id.UserID, q.Get("week"), q.Get("timezone"))
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, map[string]review.Review{"review": rv})
	}))
	mux.Handle("POST /reviews/weekly/{week}/recommendations/{id}/adopt", httpapi.WithUser(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) {
		res, err := s.Adopt(r.Context(), id.UserID, r.PathValue("week"), r.PathValue("id"), r.Header.Get("Idempotency-Key"))
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		if res.AlreadyAdopted {
			w.Header().Set("Idempotent-Replayed", "true")
		}
		httpapi.WriteJSON(w, http.StatusOK, res)
	}))
	mux.Handle("POST /reviews/weekly/{week}/recommendations/{id}/dismiss", httpapi.WithUser(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) {
		rec, err := s.Dismiss(r.Context(), id.UserID, r.PathValue("week"), r.PathValue("id"))
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, map[string]review.Recommendation{"recommendation": rec})
	}))
	mux.Handle("POST /reviews/events", httpapi.WithUser(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) {
		var b EventsBody
		if err := httpapi.DecodeJSON(r, &b); err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		res, err := s.Events(r.Context(), id.UserID, b)
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, res)
	}))
	return httpapi.Wrap(mux, log, time.Now)
}
