package opsauth

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/aws/aws-lambda-go/events"
)

// Authorizer is OpsAuthorizerFunction: API Gateway's Lambda REQUEST authorizer (payload 2.0,
// simple responses) on the ops routes. It always allows, and passes the identity it found
// (bearer token or session cookie) in its context; with none, the request reaches
// OpsFunction without an identity, which answers a page's GET with a redirect to sign-in
// and everything else with 401. Denying here would make API Gateway answer 403 itself, and
// a browser following a page's link could not be sent to sign in.
func (a *Auth) Authorizer(log *slog.Logger) func(context.Context, events.APIGatewayV2CustomAuthorizerV2Request) (events.APIGatewayV2CustomAuthorizerSimpleResponse, error) {
	return func(ctx context.Context, req events.APIGatewayV2CustomAuthorizerV2Request) (events.APIGatewayV2CustomAuthorizerSimpleResponse, error) {
		id, ok, why := a.Authenticate(ctx, header(req.Headers, "authorization"), parseCookies(req.Cookies))
		if !ok {
			log.Info("no identity", "route", req.RouteKey, "request_id", req.RequestContext.RequestID, "why", why)
			return events.APIGatewayV2CustomAuthorizerSimpleResponse{IsAuthorized: true}, nil
		}
		log.Info("identity", "route", req.RouteKey, "request_id", req.RequestContext.RequestID, "sub", id.Sub, "via", id.Via)
		return events.APIGatewayV2CustomAuthorizerSimpleResponse{IsAuthorized: true, Context: id.Context()}, nil
	}
}

// header reads a header of the authorizer's event (API Gateway lower-cases the names).
func header(h map[string]string, name string) string {
	for k, v := range h {
		if http.CanonicalHeaderKey(k) == http.CanonicalHeaderKey(name) {
			return v
		}
	}
	return ""
}

// parseCookies reads payload 2.0's cookies ("name=value" each).
func parseCookies(raw []string) []*http.Cookie {
	var out []*http.Cookie
	for _, c := range raw {
		cs, err := http.ParseCookie(c)
		if err == nil {
			out = append(out, cs...)
		}
	}
	return out
}
