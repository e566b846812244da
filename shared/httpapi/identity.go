package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"unicode"

	"github.com/awslabs/aws-lambda-go-api-proxy/core"

	"github.com/lucian-app/phase12/shared/apperr"
)

// Identity is who is calling, as the JWT authorizer (or, on the ops routes, the ops
// Lambda authorizer) vouched for it.
type Identity struct {
	UserID string
	Groups []string
	// Session is true when the ops authorizer found a browser's session cookie rather than a
	// bearer token: its posts must carry CSRF, the session's token (shared/opsauth).
	Session bool
	CSRF    string
}

// The keys of the ops Lambda authorizer's context (shared/opsauth): the subject, the groups
// as a JSON array of names, how the caller proved it ("bearer" or "session") and the
// session's CSRF token.
const (
	AuthorizerSub    = "sub"
	AuthorizerGroups = "groups"
	AuthorizerVia    = "via"
	AuthorizerCSRF   = "csrf"
)

// InGroup reports whether the caller belongs to group.
func (id Identity) InGroup(group string) bool { return slices.Contains(id.Groups, group) }

// OpsGroup is the group that may use the ops routes.
const OpsGroup = "ops"

// DefaultGroupsClaim is the claim that holds the caller's groups unless configured
// otherwise: Cognito's.
const DefaultGroupsClaim = "cognito:groups"

// Claims says where in the JWT authorizer's claims the identity is. It is configuration,
// read once when a function is wired (GROUPS_CLAIM, see shared/wiring) and carried to
// IdentityOf in the request's context by Wrap, so the domain handlers that call WithUser and
// WithGroup need not know it.
type Claims struct {
	// GroupsClaim names the claim holding the groups; empty is DefaultGroupsClaim. No other
	// claim is ever read instead: a token without it has no groups.
	GroupsClaim string
}

type claimsKey struct{}

// Wrap makes c the claims configuration of every request h serves.
func (c Claims) Wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), claimsKey{}, c)))
	})
}

func (c Claims) groupsClaim() string {
	if c.GroupsClaim == "" {
		return DefaultGroupsClaim
	}
	return c.GroupsClaim
}

// IdentityOf reads the caller from the authorizer claims in the API Gateway
// request context, and from nowhere else: not the body, not a header. The groups
// come from the configured claim only (Claims; DefaultGroupsClaim outside Wrap).
//
// On the ops routes the authorizer is the ops Lambda authorizer, whose context carries the
// identity it found (AuthorizerSub and the others); an empty context is no identity.
func IdentityOf(r *http.Request) (Identity, bool) {
	rc, ok := core.GetAPIGatewayV2ContextFromContext(r.Context())
	if !ok || rc.Authorizer == nil {
		return Identity{}, false
	}
	if rc.Authorizer.JWT == nil {
		return lambdaIdentity(rc.Authorizer.Lambda)
	}
	claims := rc.Authorizer.JWT.Claims
	sub := strings.TrimSpace(claims["sub"])
	if sub == "" {
		return Identity{}, false
	}
	config, _ := r.Context().Value(claimsKey{}).(Claims)
	return Identity{UserID: sub, Groups: ParseGroups(claims[config.groupsClaim()])}, true
}

// lambdaIdentity reads the ops Lambda authorizer's context; its values are strings.
func lambdaIdentity(c map[string]any) (Identity, bool) {
	str := func(k string) string { s, _ := c[k].(string); return s }
	sub := strings.TrimSpace(str(AuthorizerSub))
	if sub == "" {
		return Identity{}, false
	}
	return Identity{UserID: sub, Groups: ParseGroups(str(AuthorizerGroups)),
		Session: str(AuthorizerVia) == "session", CSRF: str(AuthorizerCSRF)}, true
}

// ParseGroups reads a groups claim strictly, in one of the forms a list reaches a function,
// and answers no groups for anything else, never a guess:
//
//   - "[ops admin]": how an API Gateway HTTP API JWT authorizer hands an array claim to the
//     integration (requestContext.authorizer.jwt.claims is a map of strings; an array is
//     flattened to its elements between brackets, separated by single spaces; Cognito's
//     cognito:groups is always an array, so it arrives as "[ops]" even for one group);
//   - `["ops","admin"]`: a JSON array of strings (what an issuer or gateway that keeps
//     claims as JSON sends);
//   - "ops": a string claim, which API Gateway passes through unchanged: one group.
//
// Every name must be non-empty and free of spaces, control characters, brackets, quotes
// and commas, so "ops,admin", "[ops, admin]", "[ops \"admin\"]", nested arrays and arrays
// holding numbers or null all yield no groups (and so a 403 on the ops routes).
func ParseGroups(s string) []string {
	switch {
	case s == "":
		return nil
	case json.Valid([]byte(s)):
		// Only an array of names; "null", a string, an object or a nested array is nothing.
		var raw []json.RawMessage
		if !strings.HasPrefix(strings.TrimLeft(s, " \t\r\n"), "[") || json.Unmarshal([]byte(s), &raw) != nil {
			return nil
		}
		groups := make([]string, 0, len(raw))
		for _, r := range raw {
			var name string
			if bytes.TrimSpace(r)[0] != '"' || json.Unmarshal(r, &name) != nil || !validGroupName(name) {
				return nil
			}
			groups = append(groups, name)
		}
		return nilIfEmpty(groups)
	case strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]"):
		inner := s[1 : len(s)-1]
		if inner == "" {
			return nil
		}
		groups := strings.Split(inner, " ")
		for _, g := range groups {
			if !validGroupName(g) {
				return nil
			}
		}
		return groups
	case validGroupName(s):
		return []string{s}
	}
	return nil
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

// validGroupName: Cognito's group names have no white space; brackets, quotes and commas
// are what the list forms are made of, so a name holding one is a malformed list.
func validGroupName(name string) bool {
	if name == "" {
		return false
	}
	for _, r := range name {
		if unicode.IsSpace(r) || unicode.IsControl(r) || strings.ContainsRune(`[]",`, r) {
			return false
		}
	}
	return true
}

// WithUser answers 401 unless the request carries an identity.
func WithUser(next func(http.ResponseWriter, *http.Request, Identity)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := IdentityOf(r)
		if !ok {
			WriteError(w, r, apperr.New(apperr.Unauthorized, "no identity: the request carries no authorizer claims"))
			return
		}
		next(w, r, id)
	}
}

// WithGroup answers 401 without an identity and 403 outside group.
func WithGroup(group string, next func(http.ResponseWriter, *http.Request, Identity)) http.HandlerFunc {
	return WithUser(func(w http.ResponseWriter, r *http.Request, id Identity) {
		if !id.InGroup(group) {
			WriteError(w, r, apperr.New(apperr.Forbidden, "this route needs the %q group", group))
			return
		}
		next(w, r, id)
	})
}
