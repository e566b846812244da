package opsauth_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/httpapi"
	"github.com/lucian-app/phase12/shared/httpapi/httpapitest"
	"github.com/lucian-app/phase12/shared/opsauth"
)

func TestRequireCSRF(t *testing.T) {
	reached := 0
	h := httpapi.Wrap(opsauth.RequireCSRF(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm() // the handler still reads the body the check read
		if r.PostForm.Get("verdict") != "true_positive" && r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("the handler got the form without its fields: %v", r.PostForm)
		}
		reached++
		w.WriteHeader(http.StatusNoContent)
	})), httpapiLogger(), time.Now)
	session := map[string]any{"sub": "alice", "groups": `["ops"]`, "via": "session", "csrf": "the-token"}
	bearer := map[string]any{"sub": "api", "groups": `["ops"]`, "via": "bearer"}
	for _, tt := range []struct {
		name    string
		ctx     map[string]any
		body    string
		headers map[string]string
		want    int
		message string
	}{
		{"same-origin form with the token", session, "verdict=true_positive&csrf=the-token", map[string]string{"Sec-Fetch-Site": "same-origin"}, 204, ""},
		{"same Origin, older browser", session, "verdict=true_positive&csrf=the-token", map[string]string{"Origin": "https://ops.example"}, 204, ""},
		{"missing CSRF token", session, "verdict=true_positive", map[string]string{"Sec-Fetch-Site": "same-origin"}, 403, "csrf: missing"},
		{"another session's token", session, "verdict=true_positive&csrf=stolen", map[string]string{"Sec-Fetch-Site": "same-origin"}, 403, "csrf: not this session's token"},
		{"cross-site form post, token and all", session, "verdict=true_positive&csrf=the-token", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, 403, "cross-site post refused"},
		{"cross-site Origin", session, "verdict=true_positive&csrf=the-token", map[string]string{"Origin": "https://evil.example"}, 403, "cross-site post refused: Origin https://evil.example"},
		{"no Origin at all", session, "verdict=true_positive&csrf=the-token", nil, 403, "neither Sec-Fetch-Site nor Origin"},
		{"bearer API call without a token", bearer, `{"verdict":"true_positive"}`, map[string]string{"Content-Type": "application/json"}, 204, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := reached
			r := httptest.NewRequest("POST", "https://ops.example/ops/alerts/a1/ack", strings.NewReader(tt.body))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range tt.headers {
				r.Header.Set(k, v)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httpapitest.FromAuthorizer(r, tt.ctx))
			if w.Code != tt.want || !strings.Contains(w.Body.String(), tt.message) {
				t.Fatalf("got %d %s, want %d %q", w.Code, w.Body, tt.want, tt.message)
			}
			if (reached > before) != (tt.want == 204) {
				t.Errorf("handler reached: %v, want %v", reached > before, tt.want == 204)
			}
		})
	}
}
