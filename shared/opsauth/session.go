package opsauth

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"time"
)

// The cookies. The session cookie's path is /ops, so it goes with the ops routes only; the
// login cookie's is the callback's, so it goes nowhere else.
const (
	SessionCookie = "ops_session"
	LoginCookie   = "ops_login"
)

// The sign-in routes (DESIGN section 7, issue 14).
const (
	LoginPath    = "/ops/login"
	CallbackPath = "/ops/callback"
	LogoutPath   = "/ops/logout"
	cookiePath   = "/ops"
)

// CSRFField is the hidden form field, and CSRFHeader the header, that carry the session's
// CSRF token on a post.
const (
	CSRFField  = "csrf"
	CSRFHeader = "X-CSRF-Token"
)

// loginTTL is how long a sign-in may take between /ops/login and /ops/callback.
const loginTTL = 10 * time.Minute

// Session is what the session cookie holds: who signed in, their groups (from the
// configured claim of the ID token), until when (the ID token's expiry), and the CSRF token
// of the session's form posts.
type Session struct {
	Sub    string   `json:"sub"`
	Groups []string `json:"groups,omitempty"`
	Expiry int64    `json:"exp"`
	CSRF   string   `json:"csrf"`
}

// login is what the login cookie holds between /ops/login and /ops/callback.
type login struct {
	State    string `json:"state"`
	Nonce    string `json:"nonce"`
	Verifier string `json:"verifier"`
	Next     string `json:"next"`
	Expiry   int64  `json:"exp"`
}

// randomToken is 32 random bytes, base64url: state, nonce and CSRF tokens.
func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// cookie is one of ours: HttpOnly, Secure, SameSite=Lax. Lax, not Strict: the callback is a
// navigation from the issuer's site, and a link in a page's email must arrive signed in;
// Lax still keeps the cookie off cross-site posts, which the CSRF token refuses anyway.
// Secure holds on http://127.0.0.1 and http://localhost too, which browsers treat as
// potentially trustworthy origins.
func cookie(name, value, path string, expires time.Time, now time.Time) *http.Cookie {
	c := &http.Cookie{Name: name, Value: value, Path: path, HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode}
	if value == "" {
		c.MaxAge = -1
		c.Expires = time.Unix(0, 0)
		return c
	}
	c.Expires = expires.UTC()
	c.MaxAge = int(expires.Sub(now).Seconds())
	if c.MaxAge < 1 {
		c.MaxAge = 1
	}
	return c
}
