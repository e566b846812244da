package wiring

import (
	"net/http"
	"sync"

	"github.com/lucian-app/phase12/shared/httpapi"
	"github.com/lucian-app/phase12/shared/reviewstore"
	"github.com/lucian-app/phase12/shared/tasks"
)

// registerMemo bounds what one warm instance remembers of the users it registered: past it
// the memo starts again (a user is then read once more, nothing is written twice).
const registerMemo = 10_000

// reviewRegister puts the caller of a successful GET /tasks/today?timezone= into the weekly
// review's register (reviewstore.Register) under that zone, so that the hourly schedule
// builds a review for every user who uses the app, not only for those who once opened one.
// Each warm instance registers a user and zone once (one GetItem; a transaction when the
// zone is new or changed); a failure is logged and never changes the answer. Without
// REVIEW_TABLE h is as is.
func reviewRegister(d Deps, h http.Handler) http.Handler {
	table := d.Getenv(EnvReviewTable)
	if table == "" {
		return h
	}
	store := reviewstore.New(d.DynamoDB, table)
	var mu sync.Mutex
	seen := map[string]string{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		zone := r.URL.Query().Get("timezone")
		if r.Method != http.MethodGet || r.URL.Path != "/tasks/today" || zone == "" {
			h.ServeHTTP(w, r)
			return
		}
		rec := &answerRecorder{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		id, signedIn := httpapi.IdentityOf(r)
		if !signedIn || (rec.status != 0 && rec.status != http.StatusOK) {
			return
		}
		loc, err := tasks.LoadLocation(zone)
		if err != nil {
			return
		}
		mu.Lock()
		done := seen[id.UserID] == loc.String()
		mu.Unlock()
		if done {
			return
		}
		if err := store.Register(r.Context(), id.UserID, loc.String(), d.Now()); err != nil {
			d.Log.Warn("weekly review register not updated", "err", err)
			return
		}
		mu.Lock()
		if len(seen) >= registerMemo {
			clear(seen)
		}
		seen[id.UserID] = loc.String()
		mu.Unlock()
	})
}
