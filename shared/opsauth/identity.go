package opsauth

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/httpapi"
)

// Via says how a request proved who it is.
const (
	ViaBearer  = "bearer"
	ViaSession = "session"
)

// Identity is who a request to an ops route is.
type Identity struct {
	Sub    string
	Groups []string
	Via    string
	// CSRF is the session's CSRF token (ViaSession only).
	CSRF string
}

// Authenticate says who the request is: the bearer token in authorization ("Bearer ...",
// verified as the JWT authorizer would: signature against the issuer's JWKS, issuer,
// expiry, aud or client_id among the audiences), else the session cookie among cookies
// (opened with the key, not expired). A request with neither valid has no identity; why is
// the reason, for the log.
func (a *Auth) Authenticate(ctx context.Context, authorization string, cookies []*http.Cookie) (id Identity, ok bool, why string) {
	if scheme, token, found := strings.Cut(strings.TrimSpace(authorization), " "); found && strings.EqualFold(scheme, "Bearer") {
		return a.bearer(ctx, strings.TrimSpace(token))
	} else if authorization != "" {
		return Identity{}, false, "Authorization is not a bearer token"
	}
	for _, c := range cookies {
		if c.Name != SessionCookie {
			continue
		}
		var s Session
		if err := a.sealer.Open(SessionCookie, c.Value, &s); err != nil {
			return Identity{}, false, "session cookie: " + err.Error()
		}
		if s.Sub == "" || s.CSRF == "" {
			return Identity{}, false, "session cookie: incomplete"
		}
		if a.cfg.Now().Unix() >= s.Expiry {
			return Identity{}, false, "session expired"
		}
		return Identity{Sub: s.Sub, Groups: s.Groups, Via: ViaSession, CSRF: s.CSRF}, true, ""
	}
	return Identity{}, false, "no bearer token and no session cookie"
}

func (a *Auth) bearer(ctx context.Context, token string) (Identity, bool, string) {
	p, err := a.discover(ctx)
	if err != nil {
		return Identity{}, false, err.Error()
	}
	ctx = oidc.ClientContext(ctx, a.cfg.HTTP)
	// The audience is checked below against the whole list, and Cognito's access tokens
	// carry client_id instead of aud, as API Gateway's JWT authorizer accepts.
	t, err := p.VerifierContext(ctx, &oidc.Config{SkipClientIDCheck: true, Now: a.cfg.Now}).Verify(ctx, token)
	if err != nil {
		return Identity{}, false, "bearer token: " + reason(err)
	}
	var claims map[string]json.RawMessage
	if err := t.Claims(&claims); err != nil {
		return Identity{}, false, "bearer token: claims do not decode"
	}
	var clientID string
	_ = json.Unmarshal(claims["client_id"], &clientID)
	audOK := slices.ContainsFunc(t.Audience, func(aud string) bool { return slices.Contains(a.cfg.Audiences, aud) }) ||
		(clientID != "" && slices.Contains(a.cfg.Audiences, clientID))
	if !audOK {
		return Identity{}, false, "bearer token: wrong audience"
	}
	if strings.TrimSpace(t.Subject) == "" {
		return Identity{}, false, "bearer token: no subject"
	}
	return Identity{Sub: t.Subject, Groups: groupsOf(claims[a.cfg.GroupsClaim]), Via: ViaBearer}, true, ""
}

// groupsOf reads a groups claim as the ID token holds it: a JSON array of names, or one
// name as a JSON string; httpapi.ParseGroups's strictness applies to both.
func groupsOf(raw json.RawMessage) []string {
	if len(raw) == 0 {
		return nil
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return httpapi.ParseGroups(one)
	}
	return httpapi.ParseGroups(string(raw))
}

// Context is the identity as the authorizer's context (httpapi.IdentityOf reads it back).
func (id Identity) Context() map[string]any {
	groups, _ := json.Marshal(id.Groups)
	if id.Groups == nil {
		groups = []byte("[]")
	}
	c := map[string]any{httpapi.AuthorizerSub: id.Sub, httpapi.AuthorizerGroups: string(groups), httpapi.AuthorizerVia: id.Via}
	if id.CSRF != "" {
		c[httpapi.AuthorizerCSRF] = id.CSRF
	}
	return c
}

// RequireCSRF refuses a state-changing request (anything but GET, HEAD, OPTIONS) made with
// the session cookie unless it comes from the ops pages' own origin (Sec-Fetch-Site
// same-origin, else an Origin equal to the request's own) and carries the session's CSRF
// token (the csrf form field, or X-CSRF-Token). A bearer-token request is the API's and
// needs neither: a browser never adds the token by itself.
func RequireCSRF(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		}
		id, ok := httpapi.IdentityOf(r)
		if !ok || !id.Session {
			next.ServeHTTP(w, r)
			return
		}
		if err := SameOrigin(r); err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		token := r.Header.Get(CSRFHeader)
		if token == "" {
			var err error
			if token, err = formField(r, CSRFField); err != nil {
				httpapi.WriteError(w, r, err)
				return
			}
		}
		if token == "" {
			httpapi.WriteError(w, r, apperr.New(apperr.Forbidden, "csrf: missing; a post signed in with the session cookie must carry the page's CSRF token"))
			return
		}
		if id.CSRF == "" || subtle.ConstantTimeCompare([]byte(token), []byte(id.CSRF)) != 1 {
			httpapi.WriteError(w, r, apperr.New(apperr.Forbidden, "csrf: not this session's token; reload the page and post again"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Now is the Auth's clock (the session's expiry is checked against it).
func (a *Auth) Now() time.Time { return a.cfg.Now() }
