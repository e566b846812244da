package tasks

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/cursor"
	"github.com/lucian-app/phase12/shared/degrade"
	"github.com/lucian-app/phase12/shared/httpapi"
)

// Handler serves TasksFunction's routes.
func Handler(s *Service, log *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /tasks/today", httpapi.WithUser(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) {
		loc, err := LoadLocation(r.URL.Query().Get("timezone"))
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		page, err := cursor.PageOf(r.URL.Query(), DefaultPage, MaxPage)
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		key := id.UserID + "\x00" + loc.String() + "\x00" + r.URL.Query().Get("cursor") + "\x00" + r.URL.Query().Get("limit")
		list, next, err := s.TodayLoad(r.Context(), id.UserID, loc, page)
		if err != nil {
			if s.LastGood != nil && apperr.CodeOf(err) == apperr.DependencyUnavailable {
				if body, at, ok := s.LastGood.Get(key); ok {
					// The instance's last good answer for this request, at most
					// degrade.MaxStale old, said to be so.
					degrade.MarkDegraded(r.Context())
					httpapi.Logger(r.Context()).Warn("today_load answered degraded", "stale_as_of", at, "err", err)
					httpapi.WriteJSON(w, http.StatusOK, degradedBody(body, at))
					return
				}
			}
			httpapi.WriteError(w, r, err)
			return
		}
		body := cursor.Body("tasks", list, next)
		if s.LastGood != nil {
			if b, err := json.Marshal(body); err == nil {
				s.LastGood.Put(key, b)
			}
		}
		httpapi.WriteJSON(w, http.StatusOK, body)
	}))
	mux.Handle("POST /tasks", httpapi.WithUser(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) {
		var in NewTask
		if err := httpapi.DecodeJSON(r, &in); err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		t, err := s.CreateTask(r.Context(), id.UserID, in)
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusCreated, map[string]any{"task": t})
	}))
	mux.Handle("PATCH /tasks/{id}", httpapi.WithUser(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) {
		var p Patch
		if err := httpapi.DecodeJSON(r, &p); err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		t, err := s.UpdateTask(r.Context(), id.UserID, r.PathValue("id"), p)
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, map[string]any{"task": t})
	}))
	mux.Handle("GET /goals", httpapi.WithUser(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) {
		page, err := cursor.PageOf(r.URL.Query(), DefaultPage, MaxPage)
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		list, next, err := s.ListGoals(r.Context(), id.UserID, page)
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, cursor.Body("goals", list, next))
	}))
	mux.Handle("POST /goals", httpapi.WithUser(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) {
		var in NewGoal
		if err := httpapi.DecodeJSON(r, &in); err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		g, err := s.CreateGoal(r.Context(), id.UserID, in)
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusCreated, map[string]any{"goal": g})
	}))
	return httpapi.Wrap(mux, log, time.Now)
}

// degradedBody is a kept answer with "degraded": true and "stale_as_of" (when it was good).
func degradedBody(kept []byte, at time.Time) map[string]json.RawMessage {
	var body map[string]json.RawMessage
	if err := json.Unmarshal(kept, &body); err != nil || body == nil {
		body = map[string]json.RawMessage{}
	}
	body["degraded"] = json.RawMessage("true")
	ts, _ := json.Marshal(at.UTC().Format(time.RFC3339))
	body["stale_as_of"] = ts
	return body
}
