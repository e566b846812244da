package wiring

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"

	"github.com/lucian-app/phase12/shared/eventstore"
	"github.com/lucian-app/phase12/shared/httpapi"
	"github.com/lucian-app/phase12/shared/productevents"
)

// firstValue records a user's first value (productevents.FirstValue) when a PATCH
// /tasks/{id} with "completed": true succeeds: the server's own evidence for the
// first-value KPI, which no client can send. Only the first completion of a user writes
// anything; every later one costs one cancelled transaction. A failure to record is logged
// and never changes the answer. Without OPS_TABLE (no counters) h is as is.
func firstValue(d Deps, h http.Handler) http.Handler {
	ops, app := d.Getenv(EnvOpsTable), d.Getenv(EnvAppTable)
	if ops == "" || app == "" {
		return h
	}
	svc := &productevents.Service{Store: eventstore.New(d.DynamoDB, app, ops), Now: d.Now}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		taskID, ok := strings.CutPrefix(r.URL.Path, "/tasks/")
		if r.Method != http.MethodPatch || !ok || taskID == "" || strings.Contains(taskID, "/") {
			h.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, httpapi.MaxBodyBytes+1))
		if err != nil {
			h.ServeHTTP(w, r)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		var in struct {
			Completed *bool `json:"completed"`
		}
		completing := json.Unmarshal(body, &in) == nil && in.Completed != nil && *in.Completed
		rec := &answerRecorder{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		id, signedIn := httpapi.IdentityOf(r)
		if !completing || !signedIn || (rec.status != 0 && rec.status != http.StatusOK) {
			return
		}
		if first, err := svc.FirstValue(r.Context(), id.UserID, taskID, d.Now()); err != nil {
			d.Log.Warn("first value not recorded", "err", err)
		} else if first {
			d.Log.Info("first value", "task_id", taskID)
		}
	})
}
