package httpapi

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/awslabs/aws-lambda-go-api-proxy/core"

	"github.com/lucian-app/phase12/shared/apperr"
)

// Identity is who is calling, as the JWT authorizer vouched for it.
type Identity struct {
	UserID string
	Groups []string
}

// InGroup reports whether the caller belongs to group.
func (id Identity) InGroup(group string) bool { return slices.Contains(id.Groups, group) }

// OpsGroup is the group that may use the ops routes.
const OpsGroup = "ops"

// IdentityOf reads the caller from the authorizer claims in the API Gateway
// request context, and from nowhere else: not the body, not a header.
func IdentityOf(r *http.Request) (Identity, bool) {
	rc, ok := core.GetAPIGatewayV2ContextFromContext(r.Context())
	if !ok || rc.Authorizer == nil || rc.Authorizer.JWT == nil {
		return Identity{}, false
	}
	claims := rc.Authorizer.JWT.Claims
	sub := strings.TrimSpace(claims["sub"])
	if sub == "" {
		return Identity{}, false
	}
	groups := claims["cognito:groups"]
	if groups == "" {
		groups = claims["groups"]
	}
	return Identity{UserID: sub, Groups: ParseGroups(groups)}, true
}

// ParseGroups reads a groups claim as API Gateway flattens it: an array
// claim arrives as "[ops admin]", some issuers send a JSON array or a
// comma-separated string.
func ParseGroups(s string) []string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	var list []string
	if json.Unmarshal([]byte(s), &list) == nil {
		return list
	}
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '"' })
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
