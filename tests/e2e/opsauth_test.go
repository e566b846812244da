//go:build e2e

package e2e

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/lucian-app/phase12/shared/opsauth"
	"github.com/lucian-app/phase12/shared/opsauth/devissuer"
)

// TestOpsAuthorizerUnderTheEmulator: the built OpsAuthorizerFunction reads the session key
// from a Secrets Manager secret in moto at INIT, and as API Gateway invokes it (payload 2.0,
// simple responses) passes on a session cookie sealed with that key and a bearer token the
// issuer signed, and lets a forged cookie or nothing at all through without an identity. The
// secret's value never reaches the log.
func TestOpsAuthorizerUnderTheEmulator(t *testing.T) {
	const secret = "e2e0ps5ess10nSecretValueOfSixtyFourCharacters0123456789abcdefgh"
	arn := createSecret(t, "phase12/e2e-ops-session", secret)
	iss, err := devissuer.New("e2e-ops", "cognito:groups")
	if err != nil {
		t.Fatal(err)
	}
	if err := iss.Start(0); err != nil {
		t.Fatal(err)
	}
	defer iss.Close()
	fn := startFunction(t, "ops-authorizer", "OIDC_ISSUER="+iss.URL, "OIDC_CLIENT_ID=e2e-ops", "OIDC_AUDIENCES=e2e-api",
		"OPS_SESSION_SECRET_ARN="+arn, "GROUPS_CLAIM=cognito:groups")

	key, err := opsauth.KeyFromSecret(secret)
	if err != nil {
		t.Fatal(err)
	}
	sealer, _ := opsauth.NewSealer(key)
	session, _ := sealer.Seal(opsauth.SessionCookie, opsauth.Session{Sub: "oncall", Groups: []string{"ops"}, Expiry: time.Now().Add(time.Hour).Unix(), CSRF: "e2e-csrf"})
	claims := iss.Claims("api-client-user", []string{"ops"})
	claims["aud"] = "e2e-api"
	bearer, _ := iss.Sign(claims)

	authorize := func(headers map[string]string, cookies []string) events.APIGatewayV2CustomAuthorizerSimpleResponse {
		t.Helper()
		payload, _ := json.Marshal(events.APIGatewayV2CustomAuthorizerV2Request{Version: "2.0", Type: "REQUEST",
			RouteKey: "GET /ops/alerts/{id}", RawPath: "/ops/alerts/A1", Headers: headers, Cookies: cookies})
		out, err := fn.Invoke(payload)
		if err != nil {
			t.Fatal(err)
		}
		var resp events.APIGatewayV2CustomAuthorizerSimpleResponse
		if err := json.Unmarshal(out, &resp); err != nil {
			t.Fatalf("authorizer answer %s: %v", out, err)
		}
		return resp
	}
	if r := authorize(nil, []string{"theme=dark", opsauth.SessionCookie + "=" + session}); !r.IsAuthorized ||
		r.Context["sub"] != "oncall" || r.Context["groups"] != `["ops"]` || r.Context["via"] != "session" || r.Context["csrf"] != "e2e-csrf" {
		t.Errorf("with the session cookie: %+v", r)
	}
	if r := authorize(map[string]string{"authorization": "Bearer " + bearer}, nil); !r.IsAuthorized ||
		r.Context["sub"] != "api-client-user" || r.Context["via"] != "bearer" {
		t.Errorf("with a bearer token: %+v", r)
	}
	forged := []byte(session)
	forged[10] ^= 1
	for name, cookies := range map[string][]string{"a forged cookie": {opsauth.SessionCookie + "=" + string(forged)}, "nothing": nil} {
		if r := authorize(nil, cookies); !r.IsAuthorized || len(r.Context) != 0 {
			t.Errorf("with %s: %+v, want allowed without an identity", name, r)
		}
	}
	if strings.Contains(fn.Output(), secret) {
		t.Error("the log quotes the session secret")
	}
}
