package devissuer_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/lucian-app/phase12/shared/opsauth/devissuer"
)

// The test issuer must hold the client to the protocol, or the sign-in tests prove nothing:
// the token endpoint refuses a wrong PKCE verifier, a code used twice, another redirect_uri,
// and the authorization endpoint a request without S256 PKCE.
func TestTheTokenEndpointHoldsTheClientToPKCE(t *testing.T) {
	iss, err := devissuer.New("c1", "groups")
	if err != nil {
		t.Fatal(err)
	}
	if err := iss.Start(0); err != nil {
		t.Fatal(err)
	}
	defer iss.Close()
	const verifier = "the-verifier-of-this-sign-in-0123456789abcdef"
	sum := sha256.Sum256([]byte(verifier))
	auth := url.Values{"response_type": {"code"}, "client_id": {"c1"}, "redirect_uri": {"http://127.0.0.1:1/ops/callback"},
		"scope": {"openid"}, "state": {"s"}, "nonce": {"n"}, "code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])},
		"code_challenge_method": {"S256"}, "user": {"alice"}, "groups": {"ops"}}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	code := func() string {
		resp, err := noRedirect.PostForm(iss.URL+"/authorize", auth)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc, _ := url.Parse(resp.Header.Get("Location"))
		if resp.StatusCode != 302 || loc.Query().Get("state") != "s" || loc.Query().Get("code") == "" {
			t.Fatalf("authorize: %d to %s", resp.StatusCode, loc)
		}
		return loc.Query().Get("code")
	}
	token := func(code, verifier, redirect string) (int, map[string]any) {
		resp, err := http.PostForm(iss.URL+"/token", url.Values{"grant_type": {"authorization_code"}, "code": {code},
			"client_id": {"c1"}, "redirect_uri": {redirect}, "code_verifier": {verifier}})
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	redirect := auth.Get("redirect_uri")
	if status, out := token(code(), "another-verifier-0123456789abcdef0123456789", redirect); status != 400 || out["error"] != "invalid_grant" {
		t.Errorf("wrong verifier: %d %v", status, out)
	}
	if status, out := token(code(), verifier, "http://127.0.0.1:2/ops/callback"); status != 400 || out["error"] != "invalid_grant" {
		t.Errorf("another redirect_uri: %d %v", status, out)
	}
	c := code()
	if status, out := token(c, verifier, redirect); status != 200 || out["id_token"] == nil {
		t.Fatalf("the right verifier: %d %v", status, out)
	}
	if status, out := token(c, verifier, redirect); status != 400 || out["error"] != "invalid_grant" {
		t.Errorf("the code again: %d %v", status, out)
	}
	plain := url.Values{}
	for k, v := range auth {
		plain[k] = v
	}
	plain.Set("code_challenge_method", "plain")
	resp, err := http.Get(iss.URL + "/authorize?" + plain.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Errorf("authorization request with plain PKCE: %d, want 400", resp.StatusCode)
	}
	if !strings.HasPrefix(iss.URL, "http://127.0.0.1:") {
		t.Errorf("the issuer listens on %s, want 127.0.0.1 only", iss.URL)
	}
}
