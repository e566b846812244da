package execute

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/lucian-app/phase12/shared/cursor"
	"github.com/lucian-app/phase12/shared/httpapi"
)

// Handler serves ExecuteIntentFunction's routes.
func Handler(e *Engine, log *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST /intents/preview", httpapi.WithUser(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) {
		var req Request
		if err := httpapi.DecodeJSON(r, &req); err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		p, err := e.Preview(r.Context(), id.UserID, req)
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, p)
	}))
	mux.Handle("POST /intents/execute", httpapi.WithUser(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) {
		var req Request
		if err := httpapi.DecodeJSON(r, &req); err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		resp, err := e.Execute(r.Context(), id.UserID, r.Header.Get("Idempotency-Key"), req)
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		if resp.Replayed {
			w.Header().Set("Idempotent-Replayed", "true")
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(resp.Status)
		_, _ = w.Write(append(resp.Body, '\n'))
	}))
	mux.Handle("GET /intents/log", httpapi.WithUser(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) {
		page, err := cursor.PageOf(r.URL.Query(), DefaultLogLimit, MaxLogLimit)
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		entries, next, err := e.Log(r.Context(), id.UserID, page.Limit, page.Cursor)
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, cursor.Body("entries", entries, next))
	}))
	return httpapi.Wrap(mux, log, time.Now)
}
