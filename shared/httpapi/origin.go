package httpapi

import (
	"net"
	"net/http"
	"net/url"
	"strings"
)

// OwnOrigin is the origin the request was addressed to, as API Gateway describes it: the
// Host header (the API's domain; host:port locally), X-Forwarded-Proto and X-Forwarded-Port.
func OwnOrigin(r *http.Request) string {
	host := r.Header.Get("Host")
	if host == "" {
		host = r.Host
	}
	proto := strings.ToLower(strings.TrimSpace(r.Header.Get("X-Forwarded-Proto")))
	if proto == "" {
		proto = "http"
		if r.TLS != nil {
			proto = "https"
		}
	}
	if _, _, err := net.SplitHostPort(host); err != nil {
		if port := strings.TrimSpace(r.Header.Get("X-Forwarded-Port")); port != "" {
			host = net.JoinHostPort(host, port)
		}
	}
	o, ok := NormalOrigin(proto + "://" + host)
	if !ok {
		return "(unknown)"
	}
	return o
}

// NormalOrigin is an http(s) origin in one spelling: lower-case, without its scheme's
// default port. "null" and anything with a path, query or credentials is no origin.
func NormalOrigin(s string) (string, bool) {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return "", false
	}
	scheme, host, port := strings.ToLower(u.Scheme), strings.ToLower(u.Hostname()), u.Port()
	switch {
	case scheme == "http" && (port == "" || port == "80"), scheme == "https" && (port == "" || port == "443"):
		port = ""
	case scheme != "http" && scheme != "https":
		return "", false
	}
	if port != "" {
		host = net.JoinHostPort(host, port)
	} else if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return scheme + "://" + host, true
}
