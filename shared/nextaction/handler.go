package nextaction

import (
	"net/http"

	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/cursor"
	"github.com/lucian-app/phase12/shared/httpapi"
	"github.com/lucian-app/phase12/shared/tasks"
)

// Route is GET /tasks/next, served by TasksFunction beside the today view it ranks.
const Route = "GET /tasks/next"

// Handler serves Route: ?timezone=Area/City (required), limit (1 to MaxLimit, default
// DefaultLimit), context (lucian, or absent). It is mounted inside TasksFunction's
// handler, which wraps it (request IDs, logs, panics).
func Handler(s *Service) http.Handler {
	return httpapi.WithUser(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) {
		q := r.URL.Query()
		loc, err := tasks.LoadLocation(q.Get("timezone"))
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		limit, err := cursor.Limit(q.Get("limit"), DefaultLimit, MaxLimit)
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		req := Request{Loc: loc, Limit: limit}
		switch c := q.Get("context"); c {
		case "":
		case "lucian":
			req.Lucian = true
		default:
			httpapi.WriteError(w, r, apperr.Field("context", "unknown context %q: lucian, or leave it out", c))
			return
		}
		ans, err := s.Next(r.Context(), id.UserID, req)
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, ans)
	})
}
