package flowmetrics_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/clock"
	"github.com/lucian-app/phase12/shared/flowmetrics"
	"github.com/lucian-app/phase12/shared/httpapi/httpapitest"
	"github.com/lucian-app/phase12/shared/slo"
)

type recordingWriter struct {
	calls  int
	deltas []flowmetrics.Delta
	err    error
}

func (w *recordingWriter) Add(_ context.Context, d []flowmetrics.Delta) error {
	w.calls++
	w.deltas = append(w.deltas, d...)
	return w.err
}

func TestObserverReportsWatchedRoutes(t *testing.T) {
	cat, err := slo.Default()
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewManual(now)
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		clk.Add(700 * time.Millisecond) // the request takes 700 ms
		switch r.URL.Query().Get("answer") {
		case "500":
			w.WriteHeader(500)
		case "409":
			w.WriteHeader(409)
		default:
			_, _ = w.Write([]byte("{}"))
		}
	})
	tests := []struct {
		name, method, target string
		wantFlow             string // "" = not reported
		wantAvailable        uint64
		wantFast             uint64
	}{
		{"success", "POST", "/intents/execute", "execute_intent", 1, 1},
		{"client error counts as available", "POST", "/intents/execute?answer=409", "execute_intent", 1, 1},
		{"server error is unavailable", "POST", "/intents/execute?answer=500", "execute_intent", 0, 1},
		{"slow for undo's 500 ms objective", "POST", "/undo", "undo", 1, 0},
		{"preview is not watched", "POST", "/intents/preview", "", 0, 0},
		{"another method is not watched", "GET", "/intents/execute", "", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := &recordingWriter{}
			o := &flowmetrics.Observer{Catalog: cat, Writer: w, Now: clk.Now, Log: slog.New(slog.DiscardHandler),
				Routes: map[string]string{"POST /intents/execute": "execute_intent", "POST /undo": "undo"}}
			o.Wrap(app).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(tt.method, tt.target, nil))
			if tt.wantFlow == "" {
				if len(w.deltas) != 0 {
					t.Errorf("reported %d deltas for an unwatched route", len(w.deltas))
				}
				return
			}
			if len(w.deltas) != 3 {
				t.Fatalf("%d deltas, want one per resolution (minute, hour, day)", len(w.deltas))
			}
			for _, d := range w.deltas {
				if d.Flow != tt.wantFlow || d.Total != 1 || d.Good["availability"] != tt.wantAvailable || d.Good["latency"] != tt.wantFast {
					t.Errorf("delta = %+v, want flow %s, 1 event, availability good %d, latency good %d",
						d, tt.wantFlow, tt.wantAvailable, tt.wantFast)
				}
			}
		})
	}
}

func TestObserverNeverChangesTheAnswer(t *testing.T) {
	cat, _ := slo.Default()
	w := &recordingWriter{err: errors.New("OpsTable throttled")}
	var logged bytes.Buffer
	o := &flowmetrics.Observer{Catalog: cat, Writer: w, Now: time.Now, Log: slog.New(slog.NewTextHandler(&logged, nil)),
		Routes: map[string]string{"POST /undo": "undo"}}
	rec := httptest.NewRecorder()
	o.Wrap(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(201)
		_, _ = w.Write([]byte(`{"ok":true}`))
	})).ServeHTTP(rec, httptest.NewRequest("POST", "/undo", nil))
	if rec.Code != 201 || rec.Body.String() != `{"ok":true}` {
		t.Errorf("answer = %d %s, want the handler's own", rec.Code, rec.Body)
	}
	// The writer really ran and failed: the answer stood despite the failure, not because
	// nothing was reported.
	if w.calls != 1 || len(w.deltas) != 3 {
		t.Errorf("writer got %d calls with %d deltas, want 1 call with one delta per resolution (3)", w.calls, len(w.deltas))
	}
	if got := logged.String(); !strings.Contains(got, "could not record the server flow") || !strings.Contains(got, "OpsTable throttled") {
		t.Errorf("log = %q, want the failed report logged with its error", got)
	}
}

// TestObserverAttributesEventsToTheCaller: the deltas of a request carry the caller (the
// JWT sub), so a sharded store keeps each caller's events in one shard; a request without
// an identity gets a random caller of its own.
func TestObserverAttributesEventsToTheCaller(t *testing.T) {
	cat, err := slo.Default()
	if err != nil {
		t.Fatal(err)
	}
	w := &recordingWriter{}
	o := &flowmetrics.Observer{Catalog: cat, Writer: w, Now: time.Now, Log: slog.New(slog.DiscardHandler),
		Routes: map[string]string{"POST /undo": "undo"}}
	h := o.Wrap(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	h.ServeHTTP(httptest.NewRecorder(), httpapitest.NewRequest("POST", "/undo", nil, httpapitest.Claims("alice")))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/undo", nil))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/undo", nil))
	if len(w.deltas) != 9 {
		t.Fatalf("%d deltas, want 3 per request", len(w.deltas))
	}
	for i, d := range w.deltas[:3] {
		if d.Caller != "alice" {
			t.Errorf("delta %d caller = %q, want alice", i, d.Caller)
		}
	}
	a, b := w.deltas[3].Caller, w.deltas[6].Caller
	if !strings.HasPrefix(a, "anonymous-") || !strings.HasPrefix(b, "anonymous-") || a == b || w.deltas[4].Caller != a {
		t.Errorf("anonymous callers %q and %q, want a random one per request, the same for its three deltas", a, b)
	}
}
