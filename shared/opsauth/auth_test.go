package opsauth_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/httpapi"
	"github.com/lucian-app/phase12/shared/httpapi/httpapitest"
	"github.com/lucian-app/phase12/shared/opsauth"
	"github.com/lucian-app/phase12/shared/opsauth/devissuer"
)

const clientID = "ops-client"

type env struct {
	issuer *devissuer.Issuer
	auth   *opsauth.Auth
	key    []byte
}

func newEnv(t *testing.T) *env {
	t.Helper()
	iss, err := devissuer.New(clientID, "cognito:groups")
	if err != nil {
		t.Fatal(err)
	}
	if err := iss.Start(0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = iss.Close() })
	key := make([]byte, opsauth.KeySize)
	_, _ = rand.Read(key)
	a, err := opsauth.New(opsauth.Config{Issuer: iss.URL, ClientID: clientID, Audiences: []string{"api-client"}}, key)
	if err != nil {
		t.Fatal(err)
	}
	return &env{issuer: iss, auth: a, key: key}
}

// ownRequest is a request to the API as API Gateway forwards it.
func ownRequest(method, target string) *http.Request {
	r := httptest.NewRequest(method, target, nil)
	r.Host = "ops.example"
	r.Header.Set("X-Forwarded-Proto", "https")
	return r
}

func cookieOf(t *testing.T, resp *http.Response, name string) *http.Cookie {
	t.Helper()
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no %s cookie set; Set-Cookie: %q", name, resp.Header.Values("Set-Cookie"))
	return nil
}

// login runs GET /ops/login?next=next and returns the issuer's authorization URL and the login cookie.
func (e *env) login(t *testing.T, next string) (*url.URL, *http.Cookie) {
	t.Helper()
	w := httptest.NewRecorder()
	e.auth.Login(w, ownRequest("GET", "/ops/login?next="+url.QueryEscape(next)))
	resp := w.Result()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("login: status %d, want 302; body %s", resp.StatusCode, w.Body)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return loc, cookieOf(t, resp, opsauth.LoginCookie)
}

// approve signs user in at the issuer's form and returns the callback URL it redirects to.
func (e *env) approve(t *testing.T, authURL *url.URL, user, groups string) *url.URL {
	t.Helper()
	form := url.Values{"user": {user}, "groups": {groups}}
	for k, v := range authURL.Query() {
		form[k] = v
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.PostForm(e.issuer.URL+"/authorize", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("issuer: status %d, want 302", resp.StatusCode)
	}
	cb, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return cb
}

func (e *env) callback(t *testing.T, rawQuery string, login *http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	r := ownRequest("GET", "/ops/callback?"+rawQuery)
	if login != nil {
		r.AddCookie(&http.Cookie{Name: login.Name, Value: login.Value})
	}
	w := httptest.NewRecorder()
	e.auth.Callback(w, r)
	return w
}

// signIn runs the whole flow for user and returns the callback's answer.
func (e *env) signIn(t *testing.T, user, groups string) *httptest.ResponseRecorder {
	t.Helper()
	authURL, login := e.login(t, "/ops/alerts/a1")
	cb := e.approve(t, authURL, user, groups)
	return e.callback(t, cb.RawQuery, login)
}

func errorCode(t *testing.T, w *httptest.ResponseRecorder) string {
	t.Helper()
	var b httpapi.ErrorBody
	if err := json.Unmarshal(w.Body.Bytes(), &b); err != nil {
		t.Fatalf("not an error body: %s", w.Body)
	}
	return string(b.Error.Code) + ": " + b.Error.Message
}

func TestSignInSetsASessionCookieForTheTokensLifetime(t *testing.T) {
	e := newEnv(t)
	authURL, login := e.login(t, "/ops/alerts/a1?x=1")
	q := authURL.Query()
	if !strings.HasPrefix(authURL.String(), e.issuer.URL+"/authorize?") || q.Get("code_challenge_method") != "S256" ||
		q.Get("code_challenge") == "" || q.Get("state") == "" || q.Get("nonce") == "" || q.Get("client_id") != clientID ||
		q.Get("redirect_uri") != "https://ops.example/ops/callback" {
		t.Fatalf("authorization URL %s: want the issuer's with S256 PKCE, state, nonce, client and the callback", authURL)
	}
	if !login.HttpOnly || !login.Secure || login.SameSite != http.SameSiteLaxMode || login.Path != "/ops/callback" || login.MaxAge != 600 {
		t.Errorf("login cookie %+v: want HttpOnly, Secure, Lax, path /ops/callback, 10 minutes", login)
	}
	if strings.Contains(login.Value, q.Get("state")) {
		t.Error("the login cookie shows the state in the clear; it must be sealed")
	}
	cb := e.approve(t, authURL, "alice", "ops,admin")
	w := e.callback(t, cb.RawQuery, login)
	resp := w.Result()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/ops/alerts/a1?x=1" {
		t.Fatalf("callback: %d to %q, want 303 to /ops/alerts/a1?x=1; body %s", resp.StatusCode, resp.Header.Get("Location"), w.Body)
	}
	s := cookieOf(t, resp, opsauth.SessionCookie)
	if !s.HttpOnly || !s.Secure || s.SameSite != http.SameSiteLaxMode || s.Path != "/ops" {
		t.Errorf("session cookie %+v: want HttpOnly, Secure, SameSite=Lax, Path=/ops", s)
	}
	if s.MaxAge < 3590 || s.MaxAge > 3600 {
		t.Errorf("session cookie Max-Age %d, want the ID token's hour", s.MaxAge)
	}
	id, ok, why := e.auth.Authenticate(context.Background(), "", []*http.Cookie{s})
	if !ok || id.Sub != "alice" || !slices.Equal(id.Groups, []string{"ops", "admin"}) || id.Via != opsauth.ViaSession || id.CSRF == "" {
		t.Fatalf("session identity %+v (%v, %s), want alice in [ops admin] via session with a CSRF token", id, ok, why)
	}
}

func TestCallbackRefusals(t *testing.T) {
	for _, tt := range []struct {
		name    string
		tamper  func(map[string]any)
		query   func(q url.Values)
		noLogin bool
		want    string
	}{
		{name: "expired token", tamper: func(c map[string]any) { c["exp"] = time.Now().Add(-time.Minute).Unix() }, want: "unauthorized: the ID token is not valid here (expired)"},
		{name: "wrong audience", tamper: func(c map[string]any) { c["aud"] = "another-client" }, want: "unauthorized: the ID token is not valid here (wrong audience)"},
		{name: "wrong issuer", tamper: func(c map[string]any) { c["iss"] = "https://evil.example" }, want: "unauthorized: the ID token is not valid here (wrong issuer)"},
		{name: "missing nonce", tamper: func(c map[string]any) { delete(c, "nonce") }, want: "unauthorized: the ID token's nonce is missing or not this sign-in's"},
		{name: "another sign-in's nonce", tamper: func(c map[string]any) { c["nonce"] = "replayed" }, want: "unauthorized: the ID token's nonce is missing or not this sign-in's"},
		{name: "missing state", query: func(q url.Values) { q.Del("state") }, want: "invalid_request: state: missing or not this sign-in's"},
		{name: "mismatched state", query: func(q url.Values) { q.Set("state", "forged") }, want: "invalid_request: state: missing or not this sign-in's"},
		{name: "no login cookie", noLogin: true, want: "invalid_request: no sign-in in progress"},
		{name: "code from nowhere", query: func(q url.Values) { q.Set("code", "forged") }, want: "unauthorized: the issuer did not accept the code"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.issuer.Tamper = tt.tamper
			authURL, login := e.login(t, "/ops")
			cb := e.approve(t, authURL, "mallory", "ops")
			q := cb.Query()
			if tt.query != nil {
				tt.query(q)
			}
			if tt.noLogin {
				login = nil
			}
			w := e.callback(t, q.Encode(), login)
			if got := errorCode(t, w); !strings.HasPrefix(got, tt.want) {
				t.Errorf("got %d %q, want %q", w.Code, got, tt.want)
			}
			for _, c := range w.Result().Cookies() {
				if c.Name == opsauth.SessionCookie {
					t.Errorf("a refused sign-in set the session cookie")
				}
			}
		})
	}
}

func TestTokenSignedByAnotherKeyIsRefused(t *testing.T) {
	e := newEnv(t)
	other, err := devissuer.New(clientID, "cognito:groups")
	if err != nil {
		t.Fatal(err)
	}
	other.URL = e.issuer.URL // same iss, another key: only the signature tells
	tok, _ := other.Sign(other.Claims("mallory", []string{"ops"}))
	if id, ok, why := e.auth.Authenticate(context.Background(), "Bearer "+tok, nil); ok || !strings.Contains(why, "bad signature") {
		t.Fatalf("forged bearer: %+v %v %q, want refused for its signature", id, ok, why)
	}
}

func TestBearerTokens(t *testing.T) {
	e := newEnv(t)
	sign := func(edit func(map[string]any)) string {
		c := e.issuer.Claims("api-user", []string{"ops"})
		edit(c)
		tok, err := e.issuer.Sign(c)
		if err != nil {
			t.Fatal(err)
		}
		return "Bearer " + tok
	}
	id, ok, why := e.auth.Authenticate(context.Background(), sign(func(c map[string]any) { c["aud"] = "api-client" }), nil)
	if !ok || id.Sub != "api-user" || id.Via != opsauth.ViaBearer || !slices.Equal(id.Groups, []string{"ops"}) || id.CSRF != "" {
		t.Fatalf("valid bearer: %+v %v %q", id, ok, why)
	}
	// Cognito's access tokens name the client in client_id, without aud.
	if _, ok, why := e.auth.Authenticate(context.Background(), sign(func(c map[string]any) { delete(c, "aud"); c["client_id"] = "api-client" }), nil); !ok {
		t.Errorf("access token with client_id: refused (%s)", why)
	}
	for name, tt := range map[string]struct {
		edit func(map[string]any)
		why  string
	}{
		"expired":        {func(c map[string]any) { c["exp"] = time.Now().Add(-time.Second).Unix() }, "expired"},
		"wrong audience": {func(c map[string]any) { c["aud"] = "someone-else" }, "wrong audience"},
		"wrong issuer":   {func(c map[string]any) { c["iss"] = "https://evil.example" }, "wrong issuer"},
	} {
		if id, ok, why := e.auth.Authenticate(context.Background(), sign(tt.edit), nil); ok || !strings.Contains(why, tt.why) {
			t.Errorf("%s bearer: %+v %v %q, want refused: %s", name, id, ok, why, tt.why)
		}
	}
}

func TestSessionCookieRefusals(t *testing.T) {
	e := newEnv(t)
	good := cookieOf(t, e.signIn(t, "alice", "ops").Result(), opsauth.SessionCookie)
	tampered := []byte(good.Value)
	tampered[len(tampered)/2] ^= 1
	if tampered[len(tampered)/2] == '-'^1 || tampered[len(tampered)/2] == '_'^1 {
		tampered[len(tampered)/2] = 'A'
	}
	otherKey := make([]byte, opsauth.KeySize)
	_, _ = rand.Read(otherKey)
	otherSealer, _ := opsauth.NewSealer(otherKey)
	forged, _ := otherSealer.Seal(opsauth.SessionCookie, opsauth.Session{Sub: "mallory", Groups: []string{"ops"}, CSRF: "x", Expiry: time.Now().Add(time.Hour).Unix()})
	ownSealer, _ := opsauth.NewSealer(e.key)
	expired, _ := ownSealer.Seal(opsauth.SessionCookie, opsauth.Session{Sub: "alice", Groups: []string{"ops"}, CSRF: "x", Expiry: time.Now().Add(-time.Second).Unix()})
	// The login cookie is sealed with the same key, but for its own name.
	asLogin, _ := ownSealer.Seal(opsauth.LoginCookie, opsauth.Session{Sub: "alice", Groups: []string{"ops"}, CSRF: "x", Expiry: time.Now().Add(time.Hour).Unix()})
	for name, v := range map[string]string{
		"tampered": string(tampered), "forged with another key": forged, "expired": expired,
		"sealed for another cookie": asLogin, "not base64": "%%%", "empty": "",
	} {
		id, ok, why := e.auth.Authenticate(context.Background(), "", []*http.Cookie{{Name: opsauth.SessionCookie, Value: v}})
		if ok {
			t.Errorf("%s session cookie accepted as %+v", name, id)
		}
		if why == "" {
			t.Errorf("%s: refused without a reason for the log", name)
		}
	}
}

func TestLoginRefusesANextOutsideTheOpsPages(t *testing.T) {
	e := newEnv(t)
	for _, next := range []string{"https://evil.example/ops", "//evil.example/ops", "/tasks", "/\\evil.example", "/ops/login", "/opsx", "/ops/../tasks"} {
		w := httptest.NewRecorder()
		e.auth.Login(w, ownRequest("GET", "/ops/login?next="+url.QueryEscape(next)))
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "next: must be a path under /ops") {
			t.Errorf("next=%q: %d %s, want 400 naming next", next, w.Code, w.Body)
		}
	}
}

func TestAuthorizerPassesTheIdentityInItsContext(t *testing.T) {
	e := newEnv(t)
	s := cookieOf(t, e.signIn(t, "alice", "ops").Result(), opsauth.SessionCookie)
	h := e.auth.Authorizer(httpapiLogger())
	out, err := h(context.Background(), authorizerEvent(map[string]string{"cookie": "other=1"}, []string{"other=1", s.Name + "=" + s.Value}))
	if err != nil || !out.IsAuthorized || out.Context["sub"] != "alice" || out.Context["groups"] != `["ops"]` || out.Context["via"] != "session" || out.Context["csrf"] == "" {
		t.Fatalf("authorizer with a session: %+v %v", out, err)
	}
	// Read back as OpsFunction reads it.
	r := httpapitest.FromAuthorizer(httptest.NewRequest("GET", "/ops", nil), out.Context)
	id, ok := httpapi.IdentityOf(r)
	if !ok || id.UserID != "alice" || !id.InGroup("ops") || !id.Session || id.CSRF != out.Context["csrf"] {
		t.Fatalf("IdentityOf the authorizer's context: %+v %v", id, ok)
	}
	// Neither a token nor a cookie: allowed through without an identity, so the page can
	// send the browser to sign in.
	out, err = h(context.Background(), authorizerEvent(nil, nil))
	if err != nil || !out.IsAuthorized || len(out.Context) != 0 {
		t.Fatalf("authorizer without credentials: %+v %v, want allowed with no identity", out, err)
	}
	if _, ok := httpapi.IdentityOf(httpapitest.FromAuthorizer(httptest.NewRequest("GET", "/ops", nil), out.Context)); ok {
		t.Fatal("an empty authorizer context read as an identity")
	}
}
