package httpapi_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/httpapi"
	"github.com/lucian-app/phase12/shared/httpapi/httpapitest"
)

// TestTheRequestLogLineNamesTheCaller: the one log line per request carries the caller's
// sub from the authorizer's claims (as the API's access log does), so the two can be joined;
// a request without identity has no sub, never a guessed one.
func TestTheRequestLogLineNamesTheCaller(t *testing.T) {
	tests := []struct {
		name   string
		claims map[string]string
		want   any
	}{
		{"a signed-in caller", httpapitest.Claims("alice", "ops"), "alice"},
		{"no authorizer", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			log := slog.New(slog.NewJSONHandler(&buf, nil))
			h := httpapi.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }),
				log, func() time.Time { return time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC) })
			h.ServeHTTP(httptest.NewRecorder(), httpapitest.NewRequest("GET", "/tasks/today", nil, tt.claims))
			var line map[string]any
			if err := json.Unmarshal(bytes.TrimSpace(buf.Bytes()), &line); err != nil {
				t.Fatalf("log %q: %v", buf.String(), err)
			}
			if line["msg"] != "request" || line["status"] != 204.0 || line["request_id"] != httpapitest.RequestID {
				t.Fatalf("log line %v, want the request line", line)
			}
			if line["sub"] != tt.want {
				t.Errorf("sub = %v, want %v (line %s)", line["sub"], tt.want, strings.TrimSpace(buf.String()))
			}
		})
	}
}
