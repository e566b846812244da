package opsauth

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/httpapi"
)

// Config is the issuer and client sign-in uses.
type Config struct {
	// Issuer is the OIDC issuer's URL (its discovery document is Issuer +
	// /.well-known/openid-configuration): the JWT authorizer's issuer.
	Issuer string
	// ClientID is the app client the browser signs in with (the ID token's audience).
	ClientID string
	// ClientSecret is the client's secret, empty for a public client (PKCE alone).
	ClientSecret string
	// Audiences are what a bearer token's aud (or Cognito's client_id) may be, as the JWT
	// authorizer's audience list; ClientID is always one.
	Audiences []string
	// GroupsClaim names the claim holding the groups (httpapi.DefaultGroupsClaim if empty).
	GroupsClaim string
	// RedirectURL is the callback's absolute URL; empty derives it from the request (its
	// Host and X-Forwarded-Proto, as API Gateway forwards them).
	RedirectURL string
	// HTTP reaches the issuer (discovery, JWKS, token endpoint); nil is a 5 s client.
	HTTP *http.Client
	Now  func() time.Time
}

// Auth signs browsers in and says who a request is.
type Auth struct {
	cfg    Config
	sealer *Sealer

	mu       sync.Mutex
	provider *oidc.Provider // discovered on first use and kept; a failure is retried next time
}

// New makes an Auth with the session key (KeySize bytes).
func New(cfg Config, key []byte) (*Auth, error) {
	if cfg.Issuer == "" || cfg.ClientID == "" {
		return nil, errors.New("sign-in: the issuer and the client ID are required")
	}
	s, err := NewSealer(key)
	if err != nil {
		return nil, err
	}
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: 5 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.GroupsClaim == "" {
		cfg.GroupsClaim = httpapi.DefaultGroupsClaim
	}
	if !slices.Contains(cfg.Audiences, cfg.ClientID) {
		cfg.Audiences = append(slices.Clone(cfg.Audiences), cfg.ClientID)
	}
	return &Auth{cfg: cfg, sealer: s}, nil
}

// discover reads the issuer's discovery document once (at the first request, not at INIT,
// so a cold start makes no call to the issuer).
func (a *Auth) discover(ctx context.Context) (*oidc.Provider, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.provider != nil {
		return a.provider, nil
	}
	p, err := oidc.NewProvider(oidc.ClientContext(ctx, a.cfg.HTTP), a.cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("discover the issuer %s: %w", a.cfg.Issuer, err)
	}
	a.provider = p
	return p, nil
}

func (a *Auth) oauth2Config(p *oidc.Provider, r *http.Request) *oauth2.Config {
	redirect := a.cfg.RedirectURL
	if redirect == "" {
		redirect = httpapi.OwnOrigin(r) + CallbackPath
	}
	return &oauth2.Config{ClientID: a.cfg.ClientID, ClientSecret: a.cfg.ClientSecret, Endpoint: p.Endpoint(),
		RedirectURL: redirect, Scopes: []string{oidc.ScopeOpenID}}
}

// ValidNext reports whether next may be where sign-in returns: a path on this site under
// /ops, never another origin ("//evil.example", "https://...", "/\evil") nor a sign-in route.
func ValidNext(next string) bool {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n\t") {
		return false
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return false
	}
	if u.Path != cookiePath && !strings.HasPrefix(u.Path, cookiePath+"/") {
		return false
	}
	return u.Path != LoginPath && u.Path != CallbackPath && !strings.Contains(u.Path, "/../") && !strings.HasSuffix(u.Path, "/..")
}

// LoginURL is /ops/login with next.
func LoginURL(next string) string { return LoginPath + "?next=" + url.QueryEscape(next) }

// Login is GET /ops/login?next=...: a fresh state, nonce and PKCE verifier in the sealed
// login cookie, and a redirect to the issuer's authorization endpoint.
func (a *Auth) Login(w http.ResponseWriter, r *http.Request) {
	next := r.URL.Query().Get("next")
	if next == "" {
		next = cookiePath
	}
	if !ValidNext(next) {
		writeError(w, r, http.StatusBadRequest, apperr.InvalidRequest, "next: must be a path under /ops on this site")
		return
	}
	p, err := a.discover(r.Context())
	if err != nil {
		httpapi.Logger(r.Context()).Error("sign-in: discovery", "err", err)
		writeError(w, r, http.StatusServiceUnavailable, apperr.DependencyUnavailable, "the sign-in issuer cannot be reached; try again")
		return
	}
	state, err1 := randomToken()
	nonce, err2 := randomToken()
	if err := errors.Join(err1, err2); err != nil {
		writeError(w, r, http.StatusInternalServerError, apperr.Internal, "internal error")
		return
	}
	now := a.cfg.Now()
	l := login{State: state, Nonce: nonce, Verifier: oauth2.GenerateVerifier(), Next: next, Expiry: now.Add(loginTTL).Unix()}
	sealed, err := a.sealer.Seal(LoginCookie, l)
	if err != nil {
		writeError(w, r, http.StatusInternalServerError, apperr.Internal, "internal error")
		return
	}
	http.SetCookie(w, cookie(LoginCookie, sealed, CallbackPath, now.Add(loginTTL), now))
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, a.oauth2Config(p, r).AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(l.Verifier)), http.StatusFound)
}

// Callback is GET /ops/callback: the state checked against the login cookie's, the code
// exchanged with the PKCE verifier, the ID token verified (signature against the issuer's
// JWKS, issuer, audience, expiry, nonce), then the session cookie, valid as long as the
// token, and a redirect to the page asked for.
func (a *Auth) Callback(w http.ResponseWriter, r *http.Request) {
	log := httpapi.Logger(r.Context())
	var l login
	c, err := r.Cookie(LoginCookie)
	if err != nil {
		writeError(w, r, http.StatusBadRequest, apperr.InvalidRequest, "no sign-in in progress (the login cookie is missing or expired): start again at "+LoginPath)
		return
	}
	now := a.cfg.Now()
	if err := a.sealer.Open(LoginCookie, c.Value, &l); err != nil || l.State == "" || now.Unix() > l.Expiry {
		writeError(w, r, http.StatusBadRequest, apperr.InvalidRequest, "the login cookie is invalid or expired: start again at "+LoginPath)
		return
	}
	q := r.URL.Query()
	// The login cookie is spent whatever happens next.
	http.SetCookie(w, cookie(LoginCookie, "", CallbackPath, now, now))
	state := q.Get("state")
	if state == "" || subtle.ConstantTimeCompare([]byte(state), []byte(l.State)) != 1 {
		writeError(w, r, http.StatusBadRequest, apperr.InvalidRequest, "state: missing or not this sign-in's: start again at "+LoginPath)
		return
	}
	if e := q.Get("error"); e != "" {
		writeError(w, r, http.StatusUnauthorized, apperr.Unauthorized, fmt.Sprintf("the issuer refused the sign-in (%s)", clip(e)))
		return
	}
	code := q.Get("code")
	if code == "" {
		writeError(w, r, http.StatusBadRequest, apperr.InvalidRequest, "code: missing")
		return
	}
	p, err := a.discover(r.Context())
	if err != nil {
		log.Error("sign-in: discovery", "err", err)
		writeError(w, r, http.StatusServiceUnavailable, apperr.DependencyUnavailable, "the sign-in issuer cannot be reached; try again")
		return
	}
	ctx := oidc.ClientContext(r.Context(), a.cfg.HTTP)
	tok, err := a.oauth2Config(p, r).Exchange(ctx, code, oauth2.VerifierOption(l.Verifier))
	if err != nil {
		log.Warn("sign-in: code exchange refused", "err", err)
		writeError(w, r, http.StatusUnauthorized, apperr.Unauthorized, "the issuer did not accept the code: start again at "+LoginPath)
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		writeError(w, r, http.StatusUnauthorized, apperr.Unauthorized, "the issuer returned no ID token")
		return
	}
	idt, err := p.VerifierContext(ctx, &oidc.Config{ClientID: a.cfg.ClientID, Now: a.cfg.Now}).Verify(ctx, raw)
	if err != nil {
		log.Warn("sign-in: ID token refused", "err", err)
		writeError(w, r, http.StatusUnauthorized, apperr.Unauthorized, "the ID token is not valid here ("+reason(err)+")")
		return
	}
	if idt.Nonce == "" || subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(l.Nonce)) != 1 {
		writeError(w, r, http.StatusUnauthorized, apperr.Unauthorized, "the ID token's nonce is missing or not this sign-in's")
		return
	}
	if strings.TrimSpace(idt.Subject) == "" {
		writeError(w, r, http.StatusUnauthorized, apperr.Unauthorized, "the ID token has no subject")
		return
	}
	groups, err := a.groups(idt.Claims)
	if err != nil {
		writeError(w, r, http.StatusUnauthorized, apperr.Unauthorized, "the ID token's claims do not decode")
		return
	}
	csrf, err := randomToken()
	if err != nil {
		writeError(w, r, http.StatusInternalServerError, apperr.Internal, "internal error")
		return
	}
	s := Session{Sub: idt.Subject, Groups: groups, Expiry: idt.Expiry.Unix(), CSRF: csrf}
	sealed, err := a.sealer.Seal(SessionCookie, s)
	if err != nil {
		writeError(w, r, http.StatusInternalServerError, apperr.Internal, "internal error")
		return
	}
	http.SetCookie(w, cookie(SessionCookie, sealed, cookiePath, idt.Expiry, now))
	log.Info("signed in", "sub", s.Sub, "groups", s.Groups, "expires", idt.Expiry.UTC())
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, l.Next, http.StatusSeeOther)
}

// Logout is POST /ops/logout (CSRF-checked by RequireCSRF): the session cookie cleared,
// and a page saying so. The issuer's own session is left alone.
func (a *Auth) Logout(w http.ResponseWriter, r *http.Request) {
	now := a.cfg.Now()
	http.SetCookie(w, cookie(SessionCookie, "", cookiePath, now, now))
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
	w.WriteHeader(http.StatusOK)
	_, _ = fmt.Fprintf(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Signed out</title></head>`+
		`<body><h1>Signed out</h1><p><a href="%s">Sign in again</a></p></body></html>`, LoginURL(cookiePath))
}

// groups reads the configured groups claim: an array of names or one name; anything else
// is no groups, as httpapi.ParseGroups reads the JWT authorizer's.
func (a *Auth) groups(claims func(any) error) ([]string, error) {
	var all map[string]json.RawMessage
	if err := claims(&all); err != nil {
		return nil, err
	}
	return groupsOf(all[a.cfg.GroupsClaim]), nil
}

// reason names a verification failure without the token's content.
func reason(err error) string {
	var expired *oidc.TokenExpiredError
	msg := err.Error()
	switch {
	case errors.As(err, &expired):
		return "expired"
	case strings.Contains(msg, "different provider"):
		return "wrong issuer"
	case strings.Contains(msg, "audience"):
		return "wrong audience"
	case strings.Contains(msg, "signature"), strings.Contains(msg, "malformed"), strings.Contains(msg, "algorithm"):
		return "bad signature"
	}
	return "not verifiable"
}

func clip(s string) string {
	if len(s) > 100 {
		return s[:100] + "..."
	}
	return s
}

// writeError answers in the project's error shape; the status is the code's.
func writeError(w http.ResponseWriter, r *http.Request, _ int, code apperr.Code, msg string) {
	httpapi.WriteError(w, r, apperr.New(code, "%s", msg))
}
