package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/lucian-app/phase12/shared/httpapi"
	"github.com/lucian-app/phase12/shared/httpapi/httpapitest"
)

func TestClaimsWrapNamesTheGroupsClaimOfEveryRequest(t *testing.T) {
	tests := []struct {
		name   string
		config httpapi.Claims
		claims map[string]string
		want   []string
	}{
		{"the default is cognito:groups", httpapi.Claims{}, map[string]string{"sub": "alice", "cognito:groups": "[ops]", "groups": "[admin]"}, []string{"ops"}},
		{"a configured claim", httpapi.Claims{GroupsClaim: "groups"}, map[string]string{"sub": "alice", "groups": "[ops]"}, []string{"ops"}},
		{"a configured claim: cognito:groups is not read", httpapi.Claims{GroupsClaim: "groups"}, map[string]string{"sub": "alice", "cognito:groups": "[ops]"}, nil},
		{"a configured claim that is absent: no fallback", httpapi.Claims{GroupsClaim: "https://example.com/roles"}, map[string]string{"sub": "alice", "cognito:groups": "[ops]", "groups": "[ops]"}, nil},
		{"a URL-named claim holding a JSON array", httpapi.Claims{GroupsClaim: "https://example.com/roles"}, map[string]string{"sub": "alice", "https://example.com/roles": `["ops"]`}, []string{"ops"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got httpapi.Identity
			h := tt.config.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got, _ = httpapi.IdentityOf(r) }))
			h.ServeHTTP(httptest.NewRecorder(), httpapitest.NewRequest("GET", "/ops", nil, tt.claims))
			if got.UserID != "alice" || !reflect.DeepEqual(got.Groups, tt.want) {
				t.Errorf("identity %+v, want alice in %q", got, tt.want)
			}
		})
	}
}

func TestClaimsWrapDecidesWithGroup(t *testing.T) {
	h := httpapi.Claims{GroupsClaim: "groups"}.Wrap(httpapi.WithGroup(httpapi.OpsGroup, func(w http.ResponseWriter, r *http.Request, _ httpapi.Identity) {
		w.WriteHeader(http.StatusNoContent)
	}))
	tests := []struct {
		claims map[string]string
		want   int
	}{
		{map[string]string{"sub": "alice", "groups": "[ops]"}, http.StatusNoContent},
		{map[string]string{"sub": "alice", "cognito:groups": "[ops]"}, http.StatusForbidden},
		{map[string]string{"sub": "alice", "groups": "[ops, admin]"}, http.StatusForbidden},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httpapitest.NewRequest("GET", "/ops", nil, tt.claims))
		if rec.Code != tt.want {
			t.Errorf("claims %v: status %d, want %d (%s)", tt.claims, rec.Code, tt.want, strings.TrimSpace(rec.Body.String()))
		}
	}
}
