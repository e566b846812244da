package apigw

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
)

// Defaults for what only a deployed API knows.
const (
	LocalAccountID = "123456789012"
	LocalAPIID     = "local"
	DefaultStage   = "$default"
	// TimeLayout is requestContext.time: "28/Nov/2026:10:00:00 +0000".
	TimeLayout = "02/Jan/2006:15:04:05 -0700"
)

// Options is what API Gateway adds to a request: who it is for, when it
// arrived and what the authorizer vouched for. Zero fields take the
// defaults above; a zero Time is the current time.
type Options struct {
	AccountID  string
	APIID      string
	Stage      string
	DomainName string // default: the request's host without the port
	RequestID  string // default: a fresh ID shaped like API Gateway's
	Time       time.Time
	// Claims are the JWT authorizer's claims, already flattened to strings
	// as API Gateway does; nil means the request carries no authorizer.
	Claims map[string]string
	Scopes []string
	// Lambda is a Lambda authorizer's context (requestContext.authorizer.lambda); used
	// when Claims is nil. Nil with nil Claims: no authorizer.
	Lambda map[string]any
}

// NewEvent builds the payload 2.0 event API Gateway would hand the
// function for r, which matched m. It reads (and so consumes) r.Body; the
// caller bounds its size.
func NewEvent(r *http.Request, m Match, o Options) (events.APIGatewayV2HTTPRequest, error) {
	var body []byte
	if r.Body != nil {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return events.APIGatewayV2HTTPRequest{}, fmt.Errorf("read request body: %w", err)
		}
		body = b
	}
	if o.AccountID == "" {
		o.AccountID = LocalAccountID
	}
	if o.APIID == "" {
		o.APIID = LocalAPIID
	}
	if o.Stage == "" {
		o.Stage = DefaultStage
	}
	if o.RequestID == "" {
		o.RequestID = NewRequestID()
	}
	if o.Time.IsZero() {
		o.Time = time.Now()
	}
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	if o.DomainName == "" {
		o.DomainName = hostOnly(host)
	}
	sourceIP := hostOnly(r.RemoteAddr)

	headers := map[string]string{}
	var cookies []string
	for k, vs := range r.Header {
		lk := strings.ToLower(k)
		if lk == "cookie" {
			// Payload 2.0 moves cookies out of the headers.
			for _, v := range vs {
				for c := range strings.SplitSeq(v, ";") {
					if c = strings.TrimSpace(c); c != "" {
						cookies = append(cookies, c)
					}
				}
			}
			continue
		}
		headers[lk] = strings.Join(vs, ",")
	}
	if _, ok := headers["host"]; !ok && host != "" {
		headers["host"] = host
	}
	if _, ok := headers["content-length"]; !ok && len(body) > 0 {
		headers["content-length"] = fmt.Sprint(len(body))
	}
	if xff := headers["x-forwarded-for"]; xff != "" {
		headers["x-forwarded-for"] = xff + ", " + sourceIP
	} else if sourceIP != "" {
		headers["x-forwarded-for"] = sourceIP
	}
	proto, port := "http", "80"
	if r.TLS != nil {
		proto, port = "https", "443"
	}
	if _, p, err := net.SplitHostPort(host); err == nil {
		port = p
	}
	headers["x-forwarded-proto"] = proto
	headers["x-forwarded-port"] = port

	var query map[string]string
	if r.URL.RawQuery != "" {
		// A malformed pair is skipped, as API Gateway does; the rest stay.
		values, _ := url.ParseQuery(r.URL.RawQuery)
		query = make(map[string]string, len(values))
		for k, vs := range values {
			query[k] = strings.Join(vs, ",")
		}
	}

	ev := events.APIGatewayV2HTTPRequest{
		Version:               "2.0",
		RouteKey:              m.Route.Key(),
		RawPath:               r.URL.EscapedPath(),
		RawQueryString:        r.URL.RawQuery,
		Cookies:               cookies,
		Headers:               headers,
		QueryStringParameters: query,
		PathParameters:        m.PathParameters,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey:     m.Route.Key(),
			AccountID:    o.AccountID,
			Stage:        o.Stage,
			RequestID:    o.RequestID,
			APIID:        o.APIID,
			DomainName:   o.DomainName,
			DomainPrefix: domainPrefix(o.DomainName),
			Time:         o.Time.UTC().Format(TimeLayout),
			TimeEpoch:    o.Time.UnixMilli(),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method:    r.Method,
				Path:      r.URL.Path,
				Protocol:  r.Proto,
				SourceIP:  sourceIP,
				UserAgent: r.UserAgent(),
			},
		},
	}
	if o.Claims != nil {
		ev.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
			JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: o.Claims, Scopes: o.Scopes},
		}
	} else if o.Lambda != nil {
		ev.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{Lambda: o.Lambda}
	}
	if len(body) > 0 {
		if utf8.Valid(body) {
			ev.Body = string(body)
		} else {
			ev.Body = base64.StdEncoding.EncodeToString(body)
			ev.IsBase64Encoded = true
		}
	}
	return ev, nil
}

// NewRequestID returns an ID shaped like API Gateway's ("JKJaXmPLvHcESHA=").
func NewRequestID() string {
	var b [11]byte
	_, _ = rand.Read(b[:]) // crypto/rand does not fail on supported platforms
	return base64.StdEncoding.EncodeToString(b[:])
}

func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return hostport
}

// domainPrefix is the first label of the domain ("abc123" of
// abc123.execute-api...), or the whole name for an IP address.
func domainPrefix(domain string) string {
	if net.ParseIP(domain) != nil {
		return domain
	}
	prefix, _, _ := strings.Cut(domain, ".")
	return prefix
}
