package apigw

import (
	"fmt"
	"net/url"
	"strings"
)

// DefaultRoute is the route key of the $default route, which matches any
// request that no other route matches.
const DefaultRoute = "$default"

// AnyMethod matches every method.
const AnyMethod = "ANY"

// Route is an HTTP API route: a method (or ANY) and a path template such as
// /tasks/{id} or /files/{proxy+}; Path DefaultRoute is the $default route.
type Route struct {
	Method string
	Path   string
}

// Key is the route key API Gateway puts in the event: "POST /tasks/{id}".
func (r Route) Key() string {
	if r.Path == DefaultRoute {
		return DefaultRoute
	}
	return r.Method + " " + r.Path
}

// Match is the route a request matched and its path parameters.
type Match struct {
	Route          Route
	PathParameters map[string]string // nil when the route has none
}

// Router matches requests against a fixed set of routes.
type Router struct {
	routes []compiled
}

type segKind int

// Ordered by how specific a segment is: API Gateway prefers a literal
// segment to a variable and a variable to a greedy variable.
const (
	segGreedy segKind = iota
	segVar
	segLiteral
)

type segment struct {
	kind segKind
	text string // literal text or variable name
}

type compiled struct {
	route Route
	segs  []segment
}

func validMethod(m string) bool {
	switch m {
	case "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", AnyMethod:
		return true
	}
	return false
}

// NewRouter checks the routes and returns a Router over them.
func NewRouter(routes []Route) (*Router, error) {
	rt := &Router{}
	seen := map[string]bool{}
	for _, r := range routes {
		r.Method = strings.ToUpper(r.Method)
		if r.Path == DefaultRoute {
			r.Method = AnyMethod
		} else if !validMethod(r.Method) {
			return nil, fmt.Errorf("route %s: unknown method %q", r.Key(), r.Method)
		}
		if seen[r.Key()] {
			return nil, fmt.Errorf("route %s is declared twice", r.Key())
		}
		seen[r.Key()] = true
		segs, err := compile(r.Path)
		if err != nil {
			return nil, fmt.Errorf("route %s: %w", r.Key(), err)
		}
		rt.routes = append(rt.routes, compiled{route: r, segs: segs})
	}
	return rt, nil
}

// Routes returns the routes, as given (methods upper-cased).
func (rt *Router) Routes() []Route {
	out := make([]Route, len(rt.routes))
	for i, c := range rt.routes {
		out[i] = c.route
	}
	return out
}

func compile(path string) ([]segment, error) {
	if path == DefaultRoute {
		return nil, nil
	}
	if !strings.HasPrefix(path, "/") {
		return nil, fmt.Errorf("path %q must start with /", path)
	}
	parts := strings.Split(path[1:], "/")
	segs := make([]segment, len(parts))
	for i, p := range parts {
		switch {
		case strings.HasPrefix(p, "{") && strings.HasSuffix(p, "+}"):
			if i != len(parts)-1 {
				return nil, fmt.Errorf("greedy variable %s must be the last segment", p)
			}
			segs[i] = segment{kind: segGreedy, text: p[1 : len(p)-2]}
		case strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}"):
			segs[i] = segment{kind: segVar, text: p[1 : len(p)-1]}
		case strings.ContainsAny(p, "{}"):
			return nil, fmt.Errorf("segment %q: a variable must be a whole segment", p)
		default:
			segs[i] = segment{kind: segLiteral, text: p}
		}
		if segs[i].kind != segLiteral && segs[i].text == "" {
			return nil, fmt.Errorf("segment %q: the variable has no name", p)
		}
	}
	return segs, nil
}

// Match finds the route for method and path (the escaped path as sent, e.g.
// r.URL.EscapedPath()). Of several matches it prefers, as API Gateway does,
// literal segments over variables over a greedy variable, then a route for
// the method over ANY; $default only when nothing else matches. Path
// parameters are unescaped.
func (rt *Router) Match(method, path string) (Match, bool) {
	method = strings.ToUpper(method)
	var (
		best      *compiled
		bestScore []int
		bestVars  map[string]string
		fallback  *compiled
	)
	for i := range rt.routes {
		c := &rt.routes[i]
		if c.route.Path == DefaultRoute {
			fallback = c
			continue
		}
		if c.route.Method != method && c.route.Method != AnyMethod {
			continue
		}
		vars, ok := c.match(path)
		if !ok {
			continue
		}
		score := make([]int, 0, len(c.segs)+1)
		for _, s := range c.segs {
			score = append(score, int(s.kind))
		}
		if c.route.Method == method {
			score = append(score, 1)
		} else {
			score = append(score, 0)
		}
		if best == nil || better(score, bestScore) {
			best, bestScore, bestVars = c, score, vars
		}
	}
	if best != nil {
		return Match{Route: best.route, PathParameters: bestVars}, true
	}
	if fallback != nil {
		return Match{Route: fallback.route}, true
	}
	return Match{}, false
}

// better compares two specificity scores segment by segment; a longer
// route that agrees so far is more specific.
func better(a, b []int) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return a[i] > b[i]
		}
	}
	return len(a) > len(b)
}

func (c *compiled) match(path string) (map[string]string, bool) {
	if !strings.HasPrefix(path, "/") {
		return nil, false
	}
	parts := strings.Split(path[1:], "/")
	var vars map[string]string
	set := func(name, raw string) bool {
		v, err := url.PathUnescape(raw)
		if err != nil {
			return false
		}
		if vars == nil {
			vars = map[string]string{}
		}
		vars[name] = v
		return true
	}
	for i, s := range c.segs {
		if s.kind == segGreedy {
			rest := strings.Join(parts[i:], "/")
			return vars, i < len(parts) && rest != "" && set(s.text, rest)
		}
		if i >= len(parts) {
			return nil, false
		}
		switch s.kind {
		case segLiteral:
			if parts[i] != s.text {
				return nil, false
			}
		case segVar:
			if parts[i] == "" || !set(s.text, parts[i]) {
				return nil, false
			}
		}
	}
	return vars, len(parts) == len(c.segs)
}
