package wiring

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/lucian-app/phase12/shared/eventstore"
	"github.com/lucian-app/phase12/shared/httpapi"
	"github.com/lucian-app/phase12/shared/productevents"
)

// firstValueRecorder records a user's first value (productevents.FirstValue) when they
// complete a task: the server's own evidence for the first-value KPI, which no client can
// send. Only the first completion of a user writes anything; every later one costs one
// cancelled transaction. A failure to record is logged and never changes the answer. Nil
// without OPS_TABLE or APP_TABLE (no counters).
func firstValueRecorder(d Deps) func(ctx context.Context, user, taskID string, at time.Time) {
	ops, app := d.Getenv(EnvOpsTable), d.Getenv(EnvAppTable)
	if ops == "" || app == "" {
		return nil
	}
	svc := &productevents.Service{Store: eventstore.New(d.DynamoDB, app, ops), Now: d.Now}
	return func(ctx context.Context, user, taskID string, at time.Time) {
		if first, err := svc.FirstValue(ctx, user, taskID, at); err != nil {
			d.Log.Warn("first value not recorded", "err", err)
		} else if first {
			d.Log.Info("first value", "task_id", taskID)
		}
	}
}

// firstValue records first value when a PATCH /tasks/{id} with "completed": true succeeds
// (the complete_task intent of the command OS records it too: execute.Engine.Completed).
// Without OPS_TABLE (no counters) h is as is.
func firstValue(d Deps, h http.Handler) http.Handler {
	record := firstValueRecorder(d)
	if record == nil {
		return h
	}
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
		record(r.Context(), id.UserID, taskID, d.Now())
	})
}
