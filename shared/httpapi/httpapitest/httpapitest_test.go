package httpapitest

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/httpapi"
)

func TestClaims(t *testing.T) {
	tests := []struct {
		user   string
		groups []string
		want   map[string]string
	}{
		{"alice", nil, map[string]string{"sub": "alice"}},
		{"bob", []string{"ops"}, map[string]string{"sub": "bob", "cognito:groups": "[ops]"}},
		{"carol", []string{"ops", "admin"}, map[string]string{"sub": "carol", "cognito:groups": "[ops admin]"}},
	}
	for _, tt := range tests {
		if got := Claims(tt.user, tt.groups...); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Claims(%q, %v) = %v, want %v", tt.user, tt.groups, got, tt.want)
		}
	}
}

func TestIdentity(t *testing.T) {
	tests := []struct {
		name   string
		claims map[string]string
		want   httpapi.Identity
		wantOK bool
	}{
		{"no authorizer", nil, httpapi.Identity{}, false},
		{"user", Claims("alice"), httpapi.Identity{UserID: "alice"}, true},
		{"user in groups", Claims("bob", "ops", "admin"), httpapi.Identity{UserID: "bob", Groups: []string{"ops", "admin"}}, true},
		{"claims without sub", map[string]string{"email": "x@example.com"}, httpapi.Identity{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := httpapi.IdentityOf(NewRequest("GET", "/tasks/today", nil, tt.claims))
			if ok != tt.wantOK || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("IdentityOf = %+v, %v; want %+v, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

// TestThroughHandler runs the shared middleware on a request from here:
// the caller, the request ID and the request itself arrive as deployed.
func TestThroughHandler(t *testing.T) {
	type seen struct {
		User, Method, Path, Query, Body, Header, RequestID string
	}
	h := httpapi.Wrap(httpapi.WithUser(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) {
		b, _ := io.ReadAll(r.Body)
		httpapi.WriteJSON(w, http.StatusOK, seen{
			User: id.UserID, Method: r.Method, Path: r.URL.Path, Query: r.URL.Query().Get("timezone"),
			Body: string(b), Header: r.Header.Get("Idempotency-Key"), RequestID: httpapi.RequestID(r.Context()),
		})
	}), slog.New(slog.DiscardHandler), time.Now)

	tests := []struct {
		name       string
		req        *http.Request
		wantStatus int
		want       seen
	}{
		{
			name:       "with a user",
			req:        NewRequest("POST", "/intents/execute?timezone=Europe/Berlin", strings.NewReader(`{"text":"x"}`), Claims("alice")),
			wantStatus: http.StatusOK,
			want: seen{User: "alice", Method: "POST", Path: "/intents/execute", Query: "Europe/Berlin",
				Body: `{"text":"x"}`, RequestID: RequestID},
		},
		{
			name: "headers set before",
			req: func() *http.Request {
				r := httptest.NewRequest("POST", "/intents/execute", strings.NewReader("{}"))
				r.Header.Set("Idempotency-Key", "k1")
				return FromRequest(r, Claims("bob"))
			}(),
			wantStatus: http.StatusOK,
			want:       seen{User: "bob", Method: "POST", Path: "/intents/execute", Body: "{}", Header: "k1", RequestID: RequestID},
		},
		{
			name:       "anonymous",
			req:        NewRequest("GET", "/tasks/today", nil, nil),
			wantStatus: http.StatusUnauthorized,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, tt.req)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, tt.wantStatus, rec.Body)
			}
			if tt.wantStatus != http.StatusOK {
				var e httpapi.ErrorBody
				if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error.RequestID != RequestID {
					t.Errorf("error body %s: request_id want %q (err %v)", rec.Body, RequestID, err)
				}
				return
			}
			var got seen
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("handler saw %+v, want %+v", got, tt.want)
			}
		})
	}
}
