package undo

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/lucian-app/phase12/shared/httpapi"
)

// Handler serves UndoFunction's route.
func Handler(s *Service, log *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST /undo", httpapi.WithUser(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) {
		var req struct {
			Token string `json:"token"`
		}
		if err := httpapi.DecodeJSON(r, &req); err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		res, err := s.Undo(r.Context(), id.UserID, req.Token)
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, res)
	}))
	return httpapi.Wrap(mux, log, time.Now)
}
