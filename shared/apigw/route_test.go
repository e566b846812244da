package apigw

import (
	"reflect"
	"strings"
	"testing"
)

func TestMatch(t *testing.T) {
	rt, err := NewRouter([]Route{
		{"GET", "/tasks/today"},
		{"POST", "/tasks"},
		{"patch", "/tasks/{id}"},
		{"ANY", "/tasks/{id}"},
		{"POST", "/ops/alerts/{id}/ack"},
		{"GET", "/files/{proxy+}"},
		{"GET", "/files/readme"},
		{"GET", "/"},
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		method, path string
		wantKey      string // empty: no match
		wantParams   map[string]string
	}{
		{"GET", "/tasks/today", "GET /tasks/today", nil},
		{"get", "/tasks/today", "GET /tasks/today", nil},
		{"POST", "/tasks", "POST /tasks", nil},
		{"PATCH", "/tasks/T1", "PATCH /tasks/{id}", map[string]string{"id": "T1"}},
		// A literal segment beats a variable, and a method beats ANY.
		{"DELETE", "/tasks/T1", "ANY /tasks/{id}", map[string]string{"id": "T1"}},
		{"DELETE", "/tasks/today", "ANY /tasks/{id}", map[string]string{"id": "today"}},
		{"PATCH", "/tasks/a%20b", "PATCH /tasks/{id}", map[string]string{"id": "a b"}},
		{"PATCH", "/tasks/a%2Fb", "PATCH /tasks/{id}", map[string]string{"id": "a/b"}},
		{"POST", "/ops/alerts/A7/ack", "POST /ops/alerts/{id}/ack", map[string]string{"id": "A7"}},
		{"GET", "/files/readme", "GET /files/readme", nil},
		{"GET", "/files/a/b/c.txt", "GET /files/{proxy+}", map[string]string{"proxy": "a/b/c.txt"}},
		{"GET", "/", "GET /", nil},
		{"GET", "/files", "", nil},
		{"GET", "/files/", "", nil},
		{"GET", "/tasks/", "", nil},
		{"PATCH", "/tasks", "", nil},
		{"PUT", "/tasks", "", nil},
		{"GET", "/tasks/today/extra", "", nil},
		{"GET", "/nowhere", "", nil},
		{"GET", "tasks", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			m, ok := rt.Match(tt.method, tt.path)
			if tt.wantKey == "" {
				if ok {
					t.Fatalf("matched %s, want no match", m.Route.Key())
				}
				return
			}
			if !ok {
				t.Fatalf("no match, want %s", tt.wantKey)
			}
			if got := m.Route.Key(); got != tt.wantKey {
				t.Errorf("route = %s, want %s", got, tt.wantKey)
			}
			if !reflect.DeepEqual(m.PathParameters, tt.wantParams) {
				t.Errorf("params = %v, want %v", m.PathParameters, tt.wantParams)
			}
		})
	}
}

func TestDefaultRoute(t *testing.T) {
	rt, err := NewRouter([]Route{{"GET", "/a"}, {"", DefaultRoute}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		method, path, want string
	}{
		{"GET", "/a", "GET /a"},
		{"POST", "/a", "$default"},
		{"GET", "/b/c", "$default"},
	}
	for _, tt := range tests {
		m, ok := rt.Match(tt.method, tt.path)
		if !ok || m.Route.Key() != tt.want {
			t.Errorf("%s %s matched %v %q, want %q", tt.method, tt.path, ok, m.Route.Key(), tt.want)
		}
	}
}

func TestNewRouterErrors(t *testing.T) {
	tests := []struct {
		route Route
		want  string
	}{
		{Route{"FETCH", "/a"}, `unknown method "FETCH"`},
		{Route{"GET", "a"}, "must start with /"},
		{Route{"GET", "/a/{proxy+}/b"}, "must be the last segment"},
		{Route{"GET", "/a/x{id}"}, "a variable must be a whole segment"},
		{Route{"GET", "/a/{}"}, "the variable has no name"},
	}
	for _, tt := range tests {
		t.Run(tt.route.Key(), func(t *testing.T) {
			_, err := NewRouter([]Route{tt.route})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one containing %q", err, tt.want)
			}
		})
	}
	if _, err := NewRouter([]Route{{"GET", "/a"}, {"get", "/a"}}); err == nil || !strings.Contains(err.Error(), "declared twice") {
		t.Errorf("duplicate route: err = %v, want declared twice", err)
	}
}

func TestRoutes(t *testing.T) {
	in := []Route{{"get", "/a"}, {"POST", "/b/{id}"}}
	rt, err := NewRouter(in)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := rt.Routes(), []Route{{"GET", "/a"}, {"POST", "/b/{id}"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("Routes = %v, want %v", got, want)
	}
}
