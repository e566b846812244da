package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"github.com/lucian-app/phase12/shared/apigw"
	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/httpapi"
	"github.com/lucian-app/phase12/shared/samtemplate"
	"github.com/lucian-app/phase12/shared/topic"
)

// API Gateway HTTP API's request payload limit.
const maxAPIBody = 10 << 20

// Paths the runner answers itself, beside the template's routes.
const (
	invokePrefix = "/2015-03-31/functions/"
	messagesPath = "/_local/sns/messages"
)

// Headers that carry the caller's identity in local mode only.
const (
	headerDevUser   = "X-Dev-User"
	headerDevGroups = "X-Dev-Groups"
)

// localPrefix holds the runner's own endpoints (/_local/sns/messages, /_local/clock).
const localPrefix = "/_local/"

// trustOnlyItself is the runner's front door: it answers only requests addressed to itself
// and, on the endpoints that drive it, only from itself.
//
// The runner listens on 127.0.0.1, but a web page can still reach it: through DNS
// rebinding (a name the page's site controls, first resolving to the site, then to
// 127.0.0.1), after which the browser sends that name as the Host; or by simply posting to
// http://127.0.0.1:<port>, with its own site as the Origin. So:
//   - a Host other than 127.0.0.1:<port> or localhost:<port> (the port it listens on;
//     the address it listens on, not another) is refused on every path;
//   - the Invoke API and /_local/* (which run any function with any payload, read what was
//     published and move the clock) also refuse an Origin other than http://127.0.0.1:<port>
//     or http://localhost:<port>, and a Sec-Fetch-Site of another site. Requests without
//     them (curl, the SDK, tests) pass. The template's routes take any Origin, as the
//     deployed API's CORS does for the app; the default identity ignores foreign origins
//     (devIdentity.claims).
//
// A refusal is 403 with the project's error body, code forbidden, as the error table maps it.
func trustOnlyItself(next http.Handler, addr net.Addr) http.Handler {
	port := "0"
	ip := "127.0.0.1"
	if a, ok := addr.(*net.TCPAddr); ok {
		port = strconv.Itoa(a.Port)
		ip = a.IP.String()
	}
	g := &guard{next: next, hosts: map[string]bool{}, origins: map[string]bool{}}
	for _, h := range []string{ip, "localhost"} {
		hostport := net.JoinHostPort(h, port)
		g.hosts[hostport] = true
		g.origins["http://"+hostport] = true
		g.names = append(g.names, hostport)
		if port == "80" { // a client may leave the scheme's default port out
			g.hosts[h] = true
			g.origins["http://"+h] = true
		}
	}
	return g
}

type guard struct {
	next    http.Handler
	hosts   map[string]bool // lower-case Host values that name the runner
	origins map[string]bool // its own origins
	names   []string        // for messages
}

func (g *guard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !g.hosts[strings.ToLower(r.Host)] {
		forbidden(w, fmt.Sprintf("the local runner answers only at %s, not at Host %q: it refuses other names for 127.0.0.1 (DNS rebinding)",
			strings.Join(g.names, " or "), clip(r.Host)))
		return
	}
	if strings.HasPrefix(r.URL.Path, invokePrefix) || strings.HasPrefix(r.URL.Path, localPrefix) {
		origin, site := r.Header.Get("Origin"), r.Header.Get("Sec-Fetch-Site")
		switch {
		case origin != "" && !g.origins[strings.ToLower(origin)]:
			forbidden(w, fmt.Sprintf("the Invoke API and /_local/ take no requests from web pages: Origin %q is not the runner's own (http://%s)",
				clip(origin), strings.Join(g.names, " or http://")))
			return
		case site != "" && site != "same-origin" && site != "none":
			forbidden(w, fmt.Sprintf("the Invoke API and /_local/ take no requests from web pages: Sec-Fetch-Site %q", clip(site)))
			return
		}
	}
	g.next.ServeHTTP(w, r)
}

// forbidden answers 403 in the project's error shape.
func forbidden(w http.ResponseWriter, msg string) {
	id := apigw.NewRequestID()
	w.Header().Set("Apigw-Requestid", id)
	writeJSON(w, http.StatusForbidden, httpapi.ErrorBody{Error: httpapi.ErrorDetail{Code: apperr.Forbidden, Message: msg, RequestID: id}})
}

// clip keeps a header quoted in a message short.
func clip(s string) string {
	if len(s) > 100 {
		return s[:100] + "..."
	}
	return s
}

// ServeHTTP dispatches by hand rather than with http.ServeMux, which would
// clean paths and redirect where API Gateway does not.
func (rn *runner) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == messagesPath:
		rn.serveMessages(w, r)
	case r.URL.Path == clockPath:
		rn.serveClock(w, r)
	case strings.HasPrefix(r.URL.Path, invokePrefix):
		rn.serveInvoke(w, r)
	default:
		rn.serveAPI(w, r)
	}
}

// serveAPI plays API Gateway for the template's HttpApi routes.
func (rn *runner) serveAPI(w http.ResponseWriter, r *http.Request) {
	reqID := apigw.NewRequestID()
	w.Header().Set("Apigw-Requestid", reqID)
	gatewayError := func(status int, msg string) {
		writeJSON(w, status, map[string]string{"message": msg})
	}
	if r.ContentLength > maxAPIBody {
		gatewayError(http.StatusRequestEntityTooLarge, "Request Entity Too Large")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxAPIBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			gatewayError(http.StatusRequestEntityTooLarge, "Request Entity Too Large")
			return
		}
		gatewayError(http.StatusBadRequest, "Bad Request")
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))

	m, ok := rn.router.Match(r.Method, r.URL.EscapedPath())
	if !ok {
		gatewayError(http.StatusNotFound, "Not Found")
		return
	}
	fn := rn.functions[rn.routeFunc[m.Route.Key()]]
	ev, err := apigw.NewEvent(r, m, apigw.Options{RequestID: reqID, Time: rn.now()})
	if err != nil {
		gatewayError(http.StatusBadRequest, "Bad Request")
		return
	}
	claims := rn.identity.claims(r, fn.groupsClaim)
	jwt := func() {
		if claims != nil {
			ev.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
				JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: claims}}
		}
	}
	switch auth := rn.routeAuth[m.Route.Key()]; auth {
	case "":
		jwt()
	case samtemplate.NoAuthorizer:
	default:
		// A Lambda authorizer, run as API Gateway runs it: before the function, with the
		// request's headers and cookies; a deny is API Gateway's own 403.
		out, err := rn.authorize(r.Context(), auth, ev)
		if err != nil {
			rn.log.Error("authorizer failed", "authorizer", auth, "route", m.Route.Key(), "apigw_request_id", reqID, "err", err)
			gatewayError(http.StatusInternalServerError, "Internal Server Error")
			return
		}
		if !out.IsAuthorized {
			gatewayError(http.StatusForbidden, "Forbidden")
			return
		}
		switch sub, _ := out.Context[httpapi.AuthorizerSub].(string); {
		case sub != "":
			ev.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{Lambda: out.Context}
		case claims != nil:
			// X-Dev-User (or the default identity) stands in for the bearer token, which
			// the authorizer would have vouched for.
			jwt()
		default:
			ev.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{Lambda: map[string]any{}}
		}
	}
	payload, err := json.Marshal(ev)
	if err != nil {
		rn.log.Error("encode event", "function", fn.id, "apigw_request_id", reqID, "err", err)
		gatewayError(http.StatusInternalServerError, "Internal Server Error")
		return
	}
	lambdaID := newRequestID()
	out, ierr := fn.invoke(r.Context(), lambdaID, payload)
	if ierr != nil {
		rn.log.Error("invocation failed", "function", fn.id, "route", m.Route.Key(), "apigw_request_id", reqID,
			"request_id", lambdaID, "error_type", ierr.Type, "err", ierr.Message)
		if ierr.timedOut {
			gatewayError(http.StatusServiceUnavailable, "Service Unavailable")
			return
		}
		gatewayError(http.StatusInternalServerError, "Internal Server Error")
		return
	}
	resp, err := apigw.ParseResponse(out)
	if err != nil {
		rn.log.Error("malformed function response", "function", fn.id, "request_id", lambdaID, "err", err)
		gatewayError(http.StatusInternalServerError, "Internal Server Error")
		return
	}
	if err := apigw.WriteResponse(w, resp); err != nil {
		rn.log.Error("write response", "function", fn.id, "request_id", lambdaID, "err", err)
		gatewayError(http.StatusInternalServerError, "Internal Server Error")
	}
}

// authorize invokes the Lambda authorizer function auth for ev (payload 2.0, simple
// responses).
func (rn *runner) authorize(ctx context.Context, auth string, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2CustomAuthorizerSimpleResponse, error) {
	var out events.APIGatewayV2CustomAuthorizerSimpleResponse
	fn, ok := rn.functions[auth]
	if !ok {
		return out, fmt.Errorf("no function %s", auth)
	}
	req := events.APIGatewayV2CustomAuthorizerV2Request{Version: "2.0", Type: "REQUEST",
		RouteArn: fmt.Sprintf("arn:aws:execute-api:%s:%s:%s/%s/%s", localRegion, localAccount, ev.RequestContext.APIID, ev.RequestContext.Stage,
			strings.Replace(ev.RouteKey, " ", "", 1)),
		RouteKey: ev.RouteKey, RawPath: ev.RawPath, RawQueryString: ev.RawQueryString, Cookies: ev.Cookies, Headers: ev.Headers,
		QueryStringParameters: ev.QueryStringParameters, RequestContext: ev.RequestContext, PathParameters: ev.PathParameters}
	payload, err := json.Marshal(req)
	if err != nil {
		return out, err
	}
	b, ierr := fn.invoke(ctx, newRequestID(), payload)
	if ierr != nil {
		return out, fmt.Errorf("%s: %s", ierr.Type, ierr.Message)
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return out, fmt.Errorf("the authorizer's answer: %w", err)
	}
	return out, nil
}

// devIdentity is the runner's default identity (LOCAL_DEV_USER and
// LOCAL_DEV_GROUPS), for a browser, which cannot send X-Dev-User: the ops
// page needs the ops group.
type devIdentity struct {
	user, groups string
}

// claims are the authorizer claims of r: its X-Dev-User and X-Dev-Groups,
// else the default identity, else none (no token: no claims); the groups go
// under groupsClaim. The default applies only to requests without an Origin
// or from the runner's own origin, so a web page elsewhere cannot post forms
// as that user.
func (d devIdentity) claims(r *http.Request, groupsClaim string) map[string]string {
	if strings.TrimSpace(r.Header.Get(headerDevUser)) != "" || d.user == "" || !sameOrigin(r) {
		return devClaims(r.Header, groupsClaim)
	}
	h := http.Header{}
	h.Set(headerDevUser, d.user)
	h.Set(headerDevGroups, d.groups)
	return devClaims(h, groupsClaim)
}

// sameOrigin reports a request without an Origin (navigation, curl) or from
// the runner's own origin.
func sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host == r.Host
}

// devClaims turns the local identity headers into authorizer claims, nil
// without X-Dev-User (no token: no claims), the groups under groupsClaim.
func devClaims(h http.Header, groupsClaim string) map[string]string {
	user := strings.TrimSpace(h.Get(headerDevUser))
	if user == "" {
		return nil
	}
	claims := map[string]string{"sub": user}
	var groups []string
	for g := range strings.SplitSeq(h.Get(headerDevGroups), ",") {
		if g = strings.TrimSpace(g); g != "" {
			groups = append(groups, g)
		}
	}
	if len(groups) > 0 {
		// API Gateway flattens an array claim to "[a b]".
		claims[groupsClaim] = "[" + strings.Join(groups, " ") + "]"
	}
	return claims
}

// serveInvoke is Lambda's Invoke API:
// POST /2015-03-31/functions/{FunctionName}/invocations.
func (rn *runner) serveInvoke(w http.ResponseWriter, r *http.Request) {
	name, tail, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, invokePrefix), "/")
	if tail != "invocations" || r.Method != http.MethodPost {
		lambdaError(w, http.StatusNotFound, "UnknownOperationException", "Unknown operation "+r.Method+" "+r.URL.Path)
		return
	}
	fn, ok := rn.functions[functionName(name)]
	if !ok {
		lambdaError(w, http.StatusNotFound, "ResourceNotFoundException",
			fmt.Sprintf("Function not found: arn:aws:lambda:%s:%s:function:%s", localRegion, localAccount, functionName(name)))
		return
	}
	payload, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxInvokePayload))
	if err != nil {
		lambdaError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLargeException",
			fmt.Sprintf("Request must be smaller than %d bytes for the InvokeFunction operation", maxInvokePayload))
		return
	}
	if len(bytes.TrimSpace(payload)) == 0 {
		payload = []byte("{}")
	}
	reqID := newRequestID()
	w.Header().Set("X-Amzn-Requestid", reqID)
	switch typ := r.Header.Get("X-Amz-Invocation-Type"); typ {
	case "", "RequestResponse":
	case "DryRun":
		w.WriteHeader(http.StatusNoContent)
		return
	case "Event":
		rn.background.Add(1)
		go func() {
			defer rn.background.Done()
			if _, ierr := fn.invoke(context.WithoutCancel(r.Context()), reqID, payload); ierr != nil {
				rn.log.Error("asynchronous invocation failed", "function", fn.id, "request_id", reqID, "error_type", ierr.Type, "err", ierr.Message)
			}
		}()
		w.WriteHeader(http.StatusAccepted)
		return
	default:
		lambdaError(w, http.StatusBadRequest, "InvalidParameterValueException", "Unsupported invocation type "+typ)
		return
	}
	out, ierr := fn.invoke(r.Context(), reqID, payload)
	w.Header().Set("X-Amz-Executed-Version", "$LATEST")
	if ierr != nil {
		rn.log.Error("invocation failed", "function", fn.id, "request_id", reqID, "error_type", ierr.Type, "err", ierr.Message)
		w.Header().Set("X-Amz-Function-Error", "Unhandled")
		writeJSON(w, http.StatusOK, ierr)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(out)
}

// functionName accepts what the Invoke API accepts: a name, a partial or
// full ARN, with or without a qualifier.
func functionName(s string) string {
	if _, after, ok := strings.Cut(s, ":function:"); ok {
		s = after
	} else if _, after, ok := strings.Cut(s, "function:"); ok {
		s = after
	}
	name, _, _ := strings.Cut(s, ":")
	return name
}

func lambdaError(w http.ResponseWriter, status int, errType, msg string) {
	w.Header().Set("X-Amzn-Errortype", errType)
	writeJSON(w, status, map[string]string{"Type": "User", "message": msg})
}

// messagesBody is GET /_local/sns/messages.
type messagesBody struct {
	Messages []topic.Message `json:"messages"`
	Note     string          `json:"note,omitempty"`
}

func (rn *runner) serveMessages(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET")
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"message": "Method Not Allowed"})
		return
	}
	body := messagesBody{Messages: []topic.Message{}}
	if rn.recorder == nil {
		body.Note = "SNS is a real endpoint (AWS_ENDPOINT_URL_SNS or AWS_ENDPOINT_URL): read messages there, e.g. from a subscribed SQS queue"
	} else {
		body.Messages = append(body.Messages, rn.recorder.Messages()...)
	}
	writeJSON(w, http.StatusOK, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"message":"Internal Server Error"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
