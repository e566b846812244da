package httpapitest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/awslabs/aws-lambda-go-api-proxy/core"

	"github.com/lucian-app/phase12/shared/apigw"
)

// RequestID is the API Gateway request ID of every request NewRequest
// builds, so tests can expect it in error bodies and logs.
const RequestID = "httpapitest-request"

// NewRequest returns a request for method and target (a path with an
// optional query, or an absolute URL) as a function adapted with
// httpadapter.NewV2 receives it: the API Gateway v2 context in its
// context, with claims as the JWT authorizer's claims (nil: no authorizer,
// so the handler sees an anonymous caller). The route key is the method
// and the literal path, since a unit test has no template to match.
// Like httptest.NewRequest it panics on a target it cannot parse.
func NewRequest(method, target string, body io.Reader, claims map[string]string) *http.Request {
	r := httptest.NewRequest(method, target, body)
	return FromRequest(r, claims)
}

// FromRequest is NewRequest for a request the test has already built (to
// set headers first, for example).
func FromRequest(r *http.Request, claims map[string]string) *http.Request {
	return fromRequest(r, apigw.Options{Claims: claims})
}

// FromAuthorizer is FromRequest behind a Lambda authorizer whose context is lambda (the ops
// routes' authorizer; nil: it found no identity).
func FromAuthorizer(r *http.Request, lambda map[string]any) *http.Request {
	if lambda == nil {
		lambda = map[string]any{}
	}
	return fromRequest(r, apigw.Options{Lambda: lambda})
}

func fromRequest(r *http.Request, o apigw.Options) *http.Request {
	m := apigw.Match{Route: apigw.Route{Method: r.Method, Path: r.URL.Path}}
	o.RequestID = RequestID
	o.Time = time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	ev, err := apigw.NewEvent(r, m, o)
	if err != nil {
		panic("httpapitest: " + err.Error())
	}
	ctx := lambdacontext.NewContext(r.Context(), &lambdacontext.LambdaContext{AwsRequestID: RequestID})
	var accessor core.RequestAccessorV2
	out, err := accessor.EventToRequestWithContext(ctx, ev)
	if err != nil {
		panic("httpapitest: " + err.Error())
	}
	return out
}

// Claims returns the claims of a Cognito user: sub, and cognito:groups
// flattened the way API Gateway flattens an array claim ("[ops admin]").
// Without groups there is no groups claim, as with Cognito.
func Claims(user string, groups ...string) map[string]string {
	c := map[string]string{"sub": user}
	if len(groups) > 0 {
		c["cognito:groups"] = "[" + strings.Join(groups, " ") + "]"
	}
	return c
}
