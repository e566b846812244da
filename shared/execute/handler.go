package execute

import (
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/lucian-app/phase12/shared/apperr"
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
		limit, err := parseLimit(r.URL.Query().Get("limit"))
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		entries, err := e.Log(r.Context(), id.UserID, limit)
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, map[string]any{"entries": entries})
	}))
	return httpapi.Wrap(mux, log, time.Now)
}

func parseLimit(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return DefaultLogLimit, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > MaxLogLimit {
		return 0, apperr.Field("limit", "must be an integer from 1 to %d", MaxLogLimit)
	}
	return n, nil
}
