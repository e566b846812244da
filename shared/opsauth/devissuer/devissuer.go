// Package devissuer is a development OpenID Connect issuer: discovery, JWKS, an
// authorization endpoint that shows a sign-in form (any user name, any groups; no password)
// and a token endpoint that checks PKCE (S256) and answers RS256 ID tokens. Its signing key
// is generated when it is made and lives in memory only.
//
// It is for the local runner (opt-in, on 127.0.0.1 only) and the tests, never a deployment:
// anyone who reaches it can sign in as anyone. It does not do refresh tokens, user info,
// consent, logout or client secrets.
package devissuer

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// Issuer is the development issuer.
type Issuer struct {
	// URL is the issuer's URL (iss), set by Start or by the caller before serving.
	URL string
	// ClientID is the one client it knows; GroupsClaim the claim its ID tokens hold the groups in.
	ClientID    string
	GroupsClaim string
	// TTL is an ID token's lifetime (1 hour if zero).
	TTL time.Duration
	Now func() time.Time
	// Tamper, when set, edits an ID token's claims before it is signed: a test's way of
	// getting a token with the wrong audience, no nonce, or expired.
	Tamper func(claims map[string]any)

	key *rsa.PrivateKey
	kid string

	mu    sync.Mutex
	codes map[string]grant
	srv   *http.Server
}

// grant is an issued, not yet redeemed authorization code.
type grant struct {
	clientID, redirectURI, challenge, nonce, sub string
	groups                                       []string
	expires                                      time.Time
}

// New makes an issuer for clientID with a fresh 2048-bit RSA key.
func New(clientID, groupsClaim string) (*Issuer, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	kid := make([]byte, 8)
	if _, err := rand.Read(kid); err != nil {
		return nil, err
	}
	return &Issuer{ClientID: clientID, GroupsClaim: groupsClaim, key: key, kid: base64.RawURLEncoding.EncodeToString(kid),
		codes: map[string]grant{}, Now: time.Now}, nil
}

// Start serves the issuer on 127.0.0.1 (port 0: a free one) and sets URL.
func (i *Issuer) Start(port int) error {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", fmt.Sprint(port)))
	if err != nil {
		return err
	}
	i.URL = "http://" + l.Addr().String()
	i.srv = &http.Server{Handler: i.Handler(), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = i.srv.Serve(l) }()
	return nil
}

// Close stops what Start started.
func (i *Issuer) Close() error {
	if i.srv == nil {
		return nil
	}
	return i.srv.Close()
}

// Handler serves the issuer's endpoints.
func (i *Issuer) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", i.discovery)
	mux.HandleFunc("GET /jwks", i.jwks)
	mux.HandleFunc("GET /authorize", i.authorizeForm)
	mux.HandleFunc("POST /authorize", i.authorize)
	mux.HandleFunc("POST /token", i.token)
	return mux
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (i *Issuer) discovery(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer": i.URL, "authorization_endpoint": i.URL + "/authorize", "token_endpoint": i.URL + "/token",
		"jwks_uri": i.URL + "/jwks", "response_types_supported": []string{"code"},
		"subject_types_supported": []string{"public"}, "id_token_signing_alg_values_supported": []string{"RS256"},
		"code_challenge_methods_supported": []string{"S256"}, "scopes_supported": []string{"openid"},
		"token_endpoint_auth_methods_supported": []string{"none", "client_secret_basic", "client_secret_post"},
	})
}

func (i *Issuer) jwks(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &i.key.PublicKey, KeyID: i.kid, Algorithm: "RS256", Use: "sig"}}})
}

// authParams are the authorization request's parameters the form carries along.
var authParams = []string{"response_type", "client_id", "redirect_uri", "scope", "state", "nonce", "code_challenge", "code_challenge_method"}

func (i *Issuer) checkAuthRequest(v url.Values) string {
	switch {
	case v.Get("response_type") != "code":
		return "response_type must be code"
	case v.Get("client_id") != i.ClientID:
		return "unknown client_id"
	case v.Get("code_challenge_method") != "S256" || v.Get("code_challenge") == "":
		return "PKCE with S256 is required"
	case !strings.Contains(" "+v.Get("scope")+" ", " openid "):
		return "scope must include openid"
	}
	u, err := url.Parse(v.Get("redirect_uri"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "redirect_uri must be an absolute http(s) URL"
	}
	return ""
}

var form = template.Must(template.New("form").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Development sign-in</title>
<style>body{font:16px system-ui,sans-serif;margin:3em auto;max-width:28em}label{display:block;margin:.8em 0}input{font:inherit}</style></head>
<body><h1>Development sign-in</h1>
<p>A development issuer: no password, any user. Never deployed.</p>
<form method="post" action="/authorize">
{{range $k, $v := .Params}}<input type="hidden" name="{{$k}}" value="{{$v}}">
{{end}}<label>User <input name="user" id="user" value="oncall" required></label>
<label>Groups (comma-separated) <input name="groups" id="groups" value="ops"></label>
<button type="submit" id="sign-in">Sign in</button>
</form></body></html>
`))

func (i *Issuer) authorizeForm(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if msg := i.checkAuthRequest(q); msg != "" {
		http.Error(w, msg, http.StatusBadRequest)
		return
	}
	params := map[string]string{}
	for _, k := range authParams {
		params[k] = q.Get(k)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action *")
	_ = form.Execute(w, map[string]any{"Params": params})
}

func (i *Issuer) authorize(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	v := r.PostForm
	if msg := i.checkAuthRequest(v); msg != "" {
		http.Error(w, msg, http.StatusBadRequest)
		return
	}
	user := strings.TrimSpace(v.Get("user"))
	if user == "" {
		http.Error(w, "user is required", http.StatusBadRequest)
		return
	}
	var groups []string
	for g := range strings.SplitSeq(v.Get("groups"), ",") {
		if g = strings.TrimSpace(g); g != "" {
			groups = append(groups, g)
		}
	}
	code := token()
	i.mu.Lock()
	i.codes[code] = grant{clientID: v.Get("client_id"), redirectURI: v.Get("redirect_uri"), challenge: v.Get("code_challenge"),
		nonce: v.Get("nonce"), sub: user, groups: groups, expires: i.Now().Add(time.Minute)}
	i.mu.Unlock()
	u, _ := url.Parse(v.Get("redirect_uri"))
	q := u.Query()
	q.Set("code", code)
	q.Set("state", v.Get("state"))
	u.RawQuery = q.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
}

func tokenError(w http.ResponseWriter, code, desc string) {
	writeJSON(w, http.StatusBadRequest, map[string]string{"error": code, "error_description": desc})
}

func (i *Issuer) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		tokenError(w, "invalid_request", "bad form")
		return
	}
	v := r.PostForm
	clientID := v.Get("client_id")
	if id, _, ok := r.BasicAuth(); ok {
		clientID = id
	}
	if v.Get("grant_type") != "authorization_code" {
		tokenError(w, "unsupported_grant_type", "only authorization_code")
		return
	}
	i.mu.Lock()
	g, ok := i.codes[v.Get("code")]
	delete(i.codes, v.Get("code")) // single use, even when the request below fails
	i.mu.Unlock()
	sum := sha256.Sum256([]byte(v.Get("code_verifier")))
	switch {
	case !ok || i.Now().After(g.expires):
		tokenError(w, "invalid_grant", "unknown, used or expired code")
		return
	case clientID != g.clientID:
		tokenError(w, "invalid_client", "not the client the code was issued to")
		return
	case v.Get("redirect_uri") != g.redirectURI:
		tokenError(w, "invalid_grant", "redirect_uri differs from the authorization request's")
		return
	case subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(g.challenge)) != 1:
		tokenError(w, "invalid_grant", "code_verifier does not match the code_challenge (S256)")
		return
	}
	claims := i.Claims(g.sub, g.groups)
	if g.nonce != "" {
		claims["nonce"] = g.nonce
	}
	if i.Tamper != nil {
		i.Tamper(claims)
	}
	idToken, err := i.Sign(claims)
	if err != nil {
		tokenError(w, "server_error", "sign")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"access_token": token(), "token_type": "Bearer",
		"expires_in": int(i.ttl().Seconds()), "id_token": idToken})
}

func (i *Issuer) ttl() time.Duration {
	if i.TTL <= 0 {
		return time.Hour
	}
	return i.TTL
}

// Claims are an ID token's claims for sub with groups, from now for TTL.
func (i *Issuer) Claims(sub string, groups []string) map[string]any {
	now := i.Now()
	c := map[string]any{"iss": i.URL, "sub": sub, "aud": i.ClientID, "iat": now.Unix(), "exp": now.Add(i.ttl()).Unix()}
	if groups != nil {
		c[i.GroupsClaim] = groups
	}
	return c
}

// Sign signs claims with the issuer's key (RS256, its kid).
func (i *Issuer) Sign(claims map[string]any) (string, error) {
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: i.key, KeyID: i.kid}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	obj, err := s.Sign(payload)
	if err != nil {
		return "", err
	}
	return obj.CompactSerialize()
}

func token() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
