package apispec

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Spec is an OpenAPI document.
type Spec struct {
	doc map[string]any

	mu       sync.Mutex
	patterns map[string]*regexp.Regexp
}

var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// Load reads an OpenAPI document in YAML or JSON.
func Load(path string) (*Spec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(data)
}

// Parse reads an OpenAPI document in YAML or JSON.
func Parse(data []byte) (*Spec, error) {
	var doc map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("apispec: %w", err)
	}
	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.") {
		return nil, fmt.Errorf("apispec: openapi %q, want 3.x", doc["openapi"])
	}
	return &Spec{doc: doc, patterns: map[string]*regexp.Regexp{}}, nil
}

// Routes lists the described operations as "METHOD /path", sorted.
func (s *Spec) Routes() []string {
	var out []string
	paths, _ := s.doc["paths"].(map[string]any)
	for p, item := range paths {
		ops, _ := item.(map[string]any)
		for _, m := range methods {
			if _, ok := ops[m]; ok {
				out = append(out, strings.ToUpper(m)+" "+p)
			}
		}
	}
	sort.Strings(out)
	return out
}

// Operation returns the operation of route ("METHOD /path"), nil when it is not described.
func (s *Spec) Operation(route string) map[string]any {
	method, path, _ := strings.Cut(route, " ")
	paths, _ := s.doc["paths"].(map[string]any)
	item, _ := paths[path].(map[string]any)
	op, _ := item[strings.ToLower(method)].(map[string]any)
	return op
}

// Resolve follows a {"$ref": "#/..."} to what it names; anything else is returned as is.
func (s *Spec) Resolve(v any) (any, error) {
	for range 32 {
		m, ok := v.(map[string]any)
		if !ok {
			return v, nil
		}
		ref, ok := m["$ref"].(string)
		if !ok {
			return v, nil
		}
		target, err := s.pointer(ref)
		if err != nil {
			return nil, err
		}
		v = target
	}
	return nil, fmt.Errorf("apispec: $ref chain too long")
}

func (s *Spec) pointer(ref string) (any, error) {
	rest, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil, fmt.Errorf("apispec: $ref %q: only references within the document are followed", ref)
	}
	var cur any = s.doc
	for _, tok := range strings.Split(rest, "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("apispec: $ref %q: %q is not in the document", ref, tok)
		}
		if cur, ok = m[tok]; !ok {
			return nil, fmt.Errorf("apispec: $ref %q: %q is not in the document", ref, tok)
		}
	}
	return cur, nil
}

// CheckResponse checks one answer of route: its status is documented, and its body and
// headers are what the description says for that status and the answer's Content-Type.
// header maps names (any case) to values.
func (s *Spec) CheckResponse(route string, status int, header map[string]string, body []byte) error {
	op := s.Operation(route)
	if op == nil {
		return fmt.Errorf("%s is not described", route)
	}
	responses, _ := op["responses"].(map[string]any)
	r, ok := responses[strconv.Itoa(status)]
	if !ok {
		if r, ok = responses[strconv.Itoa(status/100)+"XX"]; !ok {
			if r, ok = responses["default"]; !ok {
				return fmt.Errorf("%s: status %d is not documented", route, status)
			}
		}
	}
	resp, err := s.Resolve(r)
	if err != nil {
		return err
	}
	rm, _ := resp.(map[string]any)
	get := func(name string) (string, bool) {
		for k, v := range header {
			if strings.EqualFold(k, name) {
				return v, true
			}
		}
		return "", false
	}
	var problems []string
	headers, _ := rm["headers"].(map[string]any)
	for name, h := range headers {
		h, err := s.Resolve(h)
		if err != nil {
			return err
		}
		hm, _ := h.(map[string]any)
		v, present := get(name)
		if hm["required"] == true && !present {
			problems = append(problems, fmt.Sprintf("header %s is required", name))
		}
		if present {
			problems = append(problems, s.validate(hm["schema"], v, "header "+name)...)
		}
	}
	content, _ := rm["content"].(map[string]any)
	ct, _ := get("Content-Type")
	media, _, _ := strings.Cut(ct, ";")
	media = strings.TrimSpace(media)
	switch {
	case len(content) == 0:
	default:
		mt, ok := content[media].(map[string]any)
		if !ok {
			var want []string
			for k := range content {
				want = append(want, k)
			}
			sort.Strings(want)
			problems = append(problems, fmt.Sprintf("Content-Type %q, want one of %v", ct, want))
			break
		}
		if media == "application/json" || strings.HasSuffix(media, "+json") {
			var v any
			if err := json.Unmarshal(body, &v); err != nil {
				problems = append(problems, fmt.Sprintf("body is not JSON: %v", err))
				break
			}
			problems = append(problems, s.validate(mt["schema"], v, "body")...)
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s %d: %s", route, status, strings.Join(problems, "; "))
	}
	return nil
}

// Validate checks value (decoded JSON) against schema (a schema of the document, or a $ref).
func (s *Spec) Validate(schema, value any) []string { return s.validate(schema, value, "value") }

func (s *Spec) validate(schema, v any, at string) []string {
	if schema == nil {
		return nil
	}
	if b, ok := schema.(bool); ok {
		if !b {
			return []string{at + ": no value is allowed here"}
		}
		return nil
	}
	raw, _ := schema.(map[string]any)
	var out []string
	if ref, ok := raw["$ref"]; ok {
		target, err := s.Resolve(map[string]any{"$ref": ref})
		if err != nil {
			return []string{at + ": " + err.Error()}
		}
		out = append(out, s.validate(target, v, at)...)
	}
	if all, ok := raw["allOf"].([]any); ok {
		for _, sub := range all {
			out = append(out, s.validate(sub, v, at)...)
		}
	}
	if anyOf, ok := raw["anyOf"].([]any); ok {
		matched := false
		var why []string
		for _, sub := range anyOf {
			p := s.validate(sub, v, at)
			matched = matched || len(p) == 0
			why = append(why, p...)
		}
		if !matched {
			out = append(out, fmt.Sprintf("%s: matches none of anyOf (%s)", at, strings.Join(why, "; ")))
		}
	}
	if oneOf, ok := raw["oneOf"].([]any); ok {
		n := 0
		var why []string
		for _, sub := range oneOf {
			p := s.validate(sub, v, at)
			if len(p) == 0 {
				n++
			}
			why = append(why, p...)
		}
		if n != 1 {
			out = append(out, fmt.Sprintf("%s: matches %d of oneOf, want exactly 1 (%s)", at, n, strings.Join(why, "; ")))
		}
	}
	if t, ok := raw["type"]; ok && !typeMatches(t, v) {
		return append(out, fmt.Sprintf("%s: %s is not of type %v", at, kind(v), t))
	}
	if enum, ok := raw["enum"].([]any); ok {
		found := false
		for _, e := range enum {
			found = found || equal(e, v)
		}
		if !found {
			out = append(out, fmt.Sprintf("%s: %v is not one of %v", at, v, enum))
		}
	}
	if c, ok := raw["const"]; ok && !equal(c, v) {
		out = append(out, fmt.Sprintf("%s: %v is not %v", at, v, c))
	}
	switch x := v.(type) {
	case map[string]any:
		out = append(out, s.object(raw, x, at)...)
	case []any:
		if n, ok := number(raw["minItems"]); ok && float64(len(x)) < n {
			out = append(out, fmt.Sprintf("%s: %d items, at least %v", at, len(x), n))
		}
		if n, ok := number(raw["maxItems"]); ok && float64(len(x)) > n {
			out = append(out, fmt.Sprintf("%s: %d items, at most %v", at, len(x), n))
		}
		if items, ok := raw["items"]; ok {
			for i, it := range x {
				out = append(out, s.validate(items, it, fmt.Sprintf("%s[%d]", at, i))...)
			}
		}
	case string:
		n := float64(utf8.RuneCountInString(x))
		if m, ok := number(raw["minLength"]); ok && n < m {
			out = append(out, fmt.Sprintf("%s: %q is shorter than %v", at, x, m))
		}
		if m, ok := number(raw["maxLength"]); ok && n > m {
			out = append(out, fmt.Sprintf("%s: %q is longer than %v", at, x, m))
		}
		if p, ok := raw["pattern"].(string); ok {
			re, err := s.pattern(p)
			if err != nil {
				out = append(out, fmt.Sprintf("%s: pattern %q: %v", at, p, err))
			} else if !re.MatchString(x) {
				out = append(out, fmt.Sprintf("%s: %q does not match %s", at, x, p))
			}
		}
		switch raw["format"] {
		case "date-time":
			if _, err := time.Parse(time.RFC3339Nano, x); err != nil {
				out = append(out, fmt.Sprintf("%s: %q is not an RFC 3339 date-time", at, x))
			}
		case "date":
			if _, err := time.Parse(time.DateOnly, x); err != nil {
				out = append(out, fmt.Sprintf("%s: %q is not a date (YYYY-MM-DD)", at, x))
			}
		}
	case float64:
		if m, ok := number(raw["minimum"]); ok && x < m {
			out = append(out, fmt.Sprintf("%s: %v is below the minimum %v", at, x, m))
		}
		if m, ok := number(raw["maximum"]); ok && x > m {
			out = append(out, fmt.Sprintf("%s: %v is above the maximum %v", at, x, m))
		}
	}
	return out
}

func (s *Spec) object(raw, x map[string]any, at string) []string {
	var out []string
	req, _ := raw["required"].([]any)
	for _, r := range req {
		if _, ok := x[fmt.Sprint(r)]; !ok {
			out = append(out, fmt.Sprintf("%s: %s is required", at, r))
		}
	}
	props, _ := raw["properties"].(map[string]any)
	keys := make([]string, 0, len(x))
	for k := range x {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if p, ok := props[k]; ok {
			out = append(out, s.validate(p, x[k], at+"."+k)...)
			continue
		}
		if ap, ok := raw["additionalProperties"]; ok {
			if ap == false {
				out = append(out, fmt.Sprintf("%s: %s is not a property of the description", at, k))
				continue
			}
			out = append(out, s.validate(ap, x[k], at+"."+k)...)
		}
	}
	return out
}

func (s *Spec) pattern(p string) (*regexp.Regexp, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if re, ok := s.patterns[p]; ok {
		return re, nil
	}
	re, err := regexp.Compile(p)
	if err != nil {
		return nil, err
	}
	s.patterns[p] = re
	return re, nil
}

// typeMatches reports whether v is of the JSON Schema type t (a name or a list of names).
func typeMatches(t, v any) bool {
	names, ok := t.([]any)
	if !ok {
		names = []any{t}
	}
	for _, n := range names {
		switch n {
		case "null":
			if v == nil {
				return true
			}
		case "boolean":
			if _, ok := v.(bool); ok {
				return true
			}
		case "string":
			if _, ok := v.(string); ok {
				return true
			}
		case "number":
			if _, ok := v.(float64); ok {
				return true
			}
		case "integer":
			if f, ok := v.(float64); ok && f == math.Trunc(f) {
				return true
			}
		case "array":
			if _, ok := v.([]any); ok {
				return true
			}
		case "object":
			if _, ok := v.(map[string]any); ok {
				return true
			}
		}
	}
	return false
}

func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case string:
		return "a string"
	case float64:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// number reads a schema keyword's number (YAML gives int or float64).
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

// equal compares a schema's value (from YAML) with a JSON value.
func equal(schema, v any) bool {
	if n, ok := number(schema); ok {
		f, isNum := v.(float64)
		return isNum && f == n
	}
	return reflect.DeepEqual(schema, v)
}
