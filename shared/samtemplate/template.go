// Errors name the template's properties (Timeout, Path, Schedule...) as the template spells them.
//
//lint:file-ignore ST1005 errors start with the template property they are about
package samtemplate

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Resource types read from the template.
const (
	TypeFunction = "AWS::Serverless::Function"
	TypeTable    = "AWS::DynamoDB::Table"
	TypeTopic    = "AWS::SNS::Topic"
	TypeHTTPAPI  = "AWS::Serverless::HttpApi"
)

// SAM's defaults for properties neither the function nor Globals set.
const (
	DefaultTimeout    = 3 * time.Second
	DefaultMemorySize = 128
)

// DefaultRoutePath is the path of an HttpApi event that names no path and
// method: API Gateway's $default route, which catches what nothing else does.
const DefaultRoutePath = "$default"

// Template is what the runner and the tests need from template.yaml.
type Template struct {
	Parameters map[string]Parameter
	Functions  map[string]Function // by logical ID
	Tables     []Table             // in template order
	Topics     []string            // logical IDs of AWS::SNS::Topic, in template order
	HTTPAPIs   []string            // logical IDs of AWS::Serverless::HttpApi, in template order
	// LambdaAuthorizers maps each HttpApi Lambda authorizer's name (Auth.Authorizers) to the
	// logical ID of its function (FunctionArn: !GetAtt <Function>.Arn).
	LambdaAuthorizers map[string]string
	// ResourceTypes maps every resource's logical ID to its Type, so a
	// resolver can tell a queue from a table.
	ResourceTypes map[string]string
}

// Parameter is a template parameter; locally it always takes its Default.
type Parameter struct {
	Type       string
	Default    string // a list Default is joined with ","
	HasDefault bool
}

// Table is an AWS::DynamoDB::Table.
type Table struct {
	LogicalID              string
	BillingMode            string
	KeySchema              []KeyElement
	AttributeDefinitions   []AttributeDefinition
	GlobalSecondaryIndexes []Index
	TTLAttribute           string // empty when TTL is not enabled
}

// KeyElement is one element of a key schema (KeyType HASH or RANGE).
type KeyElement struct {
	AttributeName string
	KeyType       string
}

// AttributeDefinition declares a key attribute's type (S, N or B).
type AttributeDefinition struct {
	AttributeName string
	AttributeType string
}

// Index is a global secondary index.
type Index struct {
	IndexName string
	KeySchema []KeyElement
}

// Function is an AWS::Serverless::Function with Globals applied.
type Function struct {
	LogicalID     string
	CodeURI       string
	Handler       string
	Runtime       string
	Architectures []string
	Timeout       time.Duration
	MemorySize    int
	BuildMethod   string           // Metadata.BuildMethod
	Env           map[string]Value // Globals' variables overridden by the function's
	Routes        []Route          // HttpApi events, in template order
	Schedules     []Schedule       // Schedule and ScheduleV2 events, in template order
	// OtherEvents names the events of other types (event name -> type),
	// which the local runner does not serve, so it can say so.
	OtherEvents map[string]string
}

// Route is an HttpApi event.
type Route struct {
	EventName string
	Method    string // upper case; ANY for any method
	Path      string // e.g. /tasks/{id}; DefaultRoutePath for the $default route
	APIID     string // logical ID of ApiId; empty for SAM's implicit API
	// Authorizer is the event's Auth.Authorizer: empty for the API's default authorizer,
	// NoAuthorizer for none, else an authorizer's name.
	Authorizer string
}

// NoAuthorizer is the Auth.Authorizer of a route without any.
const NoAuthorizer = "NONE"

// Schedule is a Schedule or ScheduleV2 event.
type Schedule struct {
	EventName  string
	Type       string // Schedule or ScheduleV2
	Expression string // rate(...), cron(...) or at(...)
	Enabled    bool
	Input      string // sent instead of the scheduled event when set
	Timezone   string // ScheduleV2's ScheduleExpressionTimezone; empty is UTC
}

// Parse reads a SAM template.
func Parse(data []byte) (*Template, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("template: %w", err)
	}
	if len(doc.Content) == 0 {
		return nil, errors.New("template: empty document")
	}
	root := deref(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("template: line %d: the document must be a mapping", root.Line)
	}
	t := &Template{
		Parameters:        map[string]Parameter{},
		Functions:         map[string]Function{},
		ResourceTypes:     map[string]string{},
		LambdaAuthorizers: map[string]string{},
	}
	if err := t.parseParameters(get(root, "Parameters")); err != nil {
		return nil, err
	}
	resources := get(root, "Resources")
	if resources == nil || resources.Kind != yaml.MappingNode {
		return nil, errors.New("template: no Resources mapping")
	}
	globals := get(get(root, "Globals"), "Function")
	var errs []error
	for id, res := range pairs(resources) {
		typ, err := t.scalar(get(res, "Type"))
		if err != nil || typ == "" {
			errs = append(errs, fmt.Errorf("template: resource %s: no Type", id))
			continue
		}
		t.ResourceTypes[id] = typ
		props := get(res, "Properties")
		switch typ {
		case TypeFunction:
			fn, err := t.parseFunction(id, res, props, globals)
			if err != nil {
				errs = append(errs, fmt.Errorf("template: %s: %w", id, err))
				continue
			}
			t.Functions[id] = fn
		case TypeTable:
			tbl, err := t.parseTable(id, props)
			if err != nil {
				errs = append(errs, fmt.Errorf("template: %s: %w", id, err))
				continue
			}
			t.Tables = append(t.Tables, tbl)
		case TypeTopic:
			t.Topics = append(t.Topics, id)
		case TypeHTTPAPI:
			t.HTTPAPIs = append(t.HTTPAPIs, id)
			for name, a := range pairs(get(get(props, "Auth"), "Authorizers")) {
				fa := get(a, "FunctionArn")
				if fa == nil {
					continue
				}
				v, err := parseValue(fa)
				if err != nil || v.Kind != GetAtt || v.Attr != "Arn" {
					errs = append(errs, fmt.Errorf("template: %s: authorizer %s: FunctionArn must be !GetAtt <Function>.Arn", id, name))
					continue
				}
				t.LambdaAuthorizers[name] = v.Name
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return t, nil
}

// FunctionIDs returns the functions' logical IDs, sorted.
func (t *Template) FunctionIDs() []string {
	ids := make([]string, 0, len(t.Functions))
	for id := range t.Functions {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Table returns the table with the logical ID.
func (t *Template) Table(id string) (Table, bool) {
	for _, tbl := range t.Tables {
		if tbl.LogicalID == id {
			return tbl, true
		}
	}
	return Table{}, false
}

// Environment resolves a function's variables (see Resolve).
func (t *Template) Environment(fn Function, r Resolver) (map[string]string, error) {
	env := make(map[string]string, len(fn.Env))
	var errs []error
	for name, v := range fn.Env {
		s, err := t.Resolve(v, r)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: variable %s: %w", fn.LogicalID, name, err))
			continue
		}
		env[name] = s
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return env, nil
}

func (t *Template) parseParameters(n *yaml.Node) error {
	for name, p := range pairs(n) {
		typ, _ := t.scalar(get(p, "Type"))
		param := Parameter{Type: typ}
		if d := deref(get(p, "Default")); d != nil {
			param.HasDefault = true
			switch d.Kind {
			case yaml.ScalarNode:
				param.Default = d.Value
			case yaml.SequenceNode:
				items := make([]string, 0, len(d.Content))
				for _, it := range d.Content {
					items = append(items, deref(it).Value)
				}
				param.Default = strings.Join(items, ",")
			default:
				return fmt.Errorf("template: parameter %s: line %d: Default must be a string or a list", name, d.Line)
			}
		}
		t.Parameters[name] = param
	}
	return nil
}

func (t *Template) parseFunction(id string, res, props, globals *yaml.Node) (Function, error) {
	fn := Function{LogicalID: id, Env: map[string]Value{}, OtherEvents: map[string]string{}}
	// A property the function sets wins over Globals.
	prop := func(name string) *yaml.Node {
		if n := get(props, name); n != nil {
			return n
		}
		return get(globals, name)
	}
	var err error
	strs := []struct {
		name string
		dst  *string
	}{{"CodeUri", &fn.CodeURI}, {"Handler", &fn.Handler}, {"Runtime", &fn.Runtime}}
	for _, s := range strs {
		if n := deref(prop(s.name)); n != nil && n.Kind == yaml.ScalarNode {
			if *s.dst, err = t.scalar(n); err != nil {
				return fn, fmt.Errorf("%s: %w", s.name, err)
			}
		}
	}
	if fn.BuildMethod, err = t.scalar(get(get(res, "Metadata"), "BuildMethod")); err != nil {
		return fn, fmt.Errorf("Metadata.BuildMethod: %w", err)
	}
	fn.Architectures = []string{"x86_64"}
	if n := deref(prop("Architectures")); n != nil {
		if fn.Architectures, err = t.scalars(n); err != nil {
			return fn, fmt.Errorf("Architectures: %w", err)
		}
	}
	fn.Timeout = DefaultTimeout
	if n := prop("Timeout"); n != nil {
		secs, err := t.positiveInt(n)
		if err != nil {
			return fn, fmt.Errorf("Timeout: %w", err)
		}
		fn.Timeout = time.Duration(secs) * time.Second
	}
	fn.MemorySize = DefaultMemorySize
	if n := prop("MemorySize"); n != nil {
		if fn.MemorySize, err = t.positiveInt(n); err != nil {
			return fn, fmt.Errorf("MemorySize: %w", err)
		}
	}
	for _, src := range []*yaml.Node{globals, props} {
		for name, v := range pairs(get(get(src, "Environment"), "Variables")) {
			val, err := parseValue(v)
			if err != nil {
				return fn, fmt.Errorf("Environment variable %s: %w", name, err)
			}
			fn.Env[name] = val
		}
	}
	for name, ev := range pairs(get(props, "Events")) {
		if err := t.parseEvent(&fn, name, ev); err != nil {
			return fn, fmt.Errorf("event %s: %w", name, err)
		}
	}
	return fn, nil
}

func (t *Template) parseEvent(fn *Function, name string, ev *yaml.Node) error {
	typ, err := t.scalar(get(ev, "Type"))
	if err != nil {
		return fmt.Errorf("Type: %w", err)
	}
	props := get(ev, "Properties")
	switch typ {
	case "HttpApi":
		path, err := t.scalar(get(props, "Path"))
		if err != nil {
			return fmt.Errorf("Path: %w", err)
		}
		method, err := t.scalar(get(props, "Method"))
		if err != nil {
			return fmt.Errorf("Method: %w", err)
		}
		r := Route{EventName: name, Method: strings.ToUpper(method), Path: path}
		switch {
		case path == "" && method == "":
			r.Method, r.Path = "ANY", DefaultRoutePath
		case path == "" || method == "":
			return errors.New("an HttpApi event needs both Path and Method, or neither")
		case !strings.HasPrefix(path, "/"):
			return fmt.Errorf("Path %q must start with /", path)
		}
		if api := get(props, "ApiId"); api != nil {
			v, err := parseValue(api)
			if err != nil {
				return fmt.Errorf("ApiId: %w", err)
			}
			if v.Kind != Ref {
				return fmt.Errorf("ApiId must be a !Ref, not %s", v)
			}
			r.APIID = v.Name
		}
		if r.Authorizer, err = t.scalar(get(get(props, "Auth"), "Authorizer")); err != nil {
			return fmt.Errorf("Auth.Authorizer: %w", err)
		}
		fn.Routes = append(fn.Routes, r)
	case "Schedule", "ScheduleV2":
		s := Schedule{EventName: name, Type: typ, Enabled: true}
		exprKey := "Schedule"
		if typ == "ScheduleV2" {
			exprKey = "ScheduleExpression"
		}
		if s.Expression, err = t.scalar(get(props, exprKey)); err != nil {
			return fmt.Errorf("%s: %w", exprKey, err)
		}
		if s.Expression == "" {
			return fmt.Errorf("%s is required", exprKey)
		}
		if n := get(props, "Enabled"); n != nil {
			v, err := t.scalar(n)
			if err != nil {
				return fmt.Errorf("Enabled: %w", err)
			}
			if s.Enabled, err = strconv.ParseBool(v); err != nil {
				return fmt.Errorf("Enabled: %q is not a boolean", v)
			}
		}
		if n := get(props, "State"); n != nil {
			v, err := t.scalar(n)
			if err != nil {
				return fmt.Errorf("State: %w", err)
			}
			switch strings.ToUpper(v) {
			case "ENABLED":
				s.Enabled = true
			case "DISABLED":
				s.Enabled = false
			default:
				return fmt.Errorf("State: %q is neither ENABLED nor DISABLED", v)
			}
		}
		if s.Input, err = t.scalar(get(props, "Input")); err != nil {
			return fmt.Errorf("Input: %w", err)
		}
		if s.Timezone, err = t.scalar(get(props, "ScheduleExpressionTimezone")); err != nil {
			return fmt.Errorf("ScheduleExpressionTimezone: %w", err)
		}
		fn.Schedules = append(fn.Schedules, s)
	default:
		fn.OtherEvents[name] = typ
	}
	return nil
}

func (t *Template) parseTable(id string, props *yaml.Node) (Table, error) {
	tbl := Table{LogicalID: id}
	var err error
	if tbl.BillingMode, err = t.scalar(get(props, "BillingMode")); err != nil {
		return tbl, fmt.Errorf("BillingMode: %w", err)
	}
	if tbl.KeySchema, err = t.keySchema(get(props, "KeySchema")); err != nil {
		return tbl, err
	}
	for _, n := range items(get(props, "AttributeDefinitions")) {
		var d AttributeDefinition
		if d.AttributeName, err = t.scalar(get(n, "AttributeName")); err != nil {
			return tbl, fmt.Errorf("AttributeDefinitions: %w", err)
		}
		if d.AttributeType, err = t.scalar(get(n, "AttributeType")); err != nil {
			return tbl, fmt.Errorf("AttributeDefinitions: %w", err)
		}
		tbl.AttributeDefinitions = append(tbl.AttributeDefinitions, d)
	}
	for _, n := range items(get(props, "GlobalSecondaryIndexes")) {
		var ix Index
		if ix.IndexName, err = t.scalar(get(n, "IndexName")); err != nil {
			return tbl, fmt.Errorf("GlobalSecondaryIndexes: %w", err)
		}
		if ix.KeySchema, err = t.keySchema(get(n, "KeySchema")); err != nil {
			return tbl, fmt.Errorf("GlobalSecondaryIndexes %s: %w", ix.IndexName, err)
		}
		tbl.GlobalSecondaryIndexes = append(tbl.GlobalSecondaryIndexes, ix)
	}
	if ttl := get(props, "TimeToLiveSpecification"); ttl != nil {
		enabled, err := t.scalar(get(ttl, "Enabled"))
		if err != nil {
			return tbl, fmt.Errorf("TimeToLiveSpecification: %w", err)
		}
		if on, _ := strconv.ParseBool(enabled); on {
			if tbl.TTLAttribute, err = t.scalar(get(ttl, "AttributeName")); err != nil {
				return tbl, fmt.Errorf("TimeToLiveSpecification: %w", err)
			}
		}
	}
	return tbl, nil
}

func (t *Template) keySchema(n *yaml.Node) ([]KeyElement, error) {
	var ks []KeyElement
	for _, e := range items(n) {
		var k KeyElement
		var err error
		if k.AttributeName, err = t.scalar(get(e, "AttributeName")); err != nil {
			return nil, fmt.Errorf("KeySchema: %w", err)
		}
		if k.KeyType, err = t.scalar(get(e, "KeyType")); err != nil {
			return nil, fmt.Errorf("KeySchema: %w", err)
		}
		ks = append(ks, k)
	}
	return ks, nil
}

// scalar reads a property that must be known before deployment: a literal,
// or a !Ref to a parameter with a Default. A missing property is "".
func (t *Template) scalar(n *yaml.Node) (string, error) {
	if n == nil {
		return "", nil
	}
	v, err := parseValue(n)
	if err != nil {
		return "", err
	}
	switch {
	case v.Kind == Literal:
		return v.Text, nil
	case v.Kind == Ref && t.Parameters[v.Name].HasDefault:
		return t.Parameters[v.Name].Default, nil
	}
	return "", fmt.Errorf("line %d: %s: only a literal or a !Ref to a parameter with a Default is understood here", deref(n).Line, v)
}

func (t *Template) scalars(n *yaml.Node) ([]string, error) {
	if n.Kind != yaml.SequenceNode {
		s, err := t.scalar(n)
		return []string{s}, err
	}
	out := make([]string, 0, len(n.Content))
	for _, it := range n.Content {
		s, err := t.scalar(it)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func (t *Template) positiveInt(n *yaml.Node) (int, error) {
	s, err := t.scalar(n)
	if err != nil {
		return 0, err
	}
	i, err := strconv.Atoi(s)
	if err != nil || i <= 0 {
		return 0, fmt.Errorf("line %d: %q is not a positive whole number", deref(n).Line, s)
	}
	return i, nil
}

// get returns the value of key in mapping m, or nil.
func get(m *yaml.Node, key string) *yaml.Node {
	m = deref(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return deref(m.Content[i+1])
		}
	}
	return nil
}

// pairs iterates a mapping's keys and values in document order.
func pairs(m *yaml.Node) func(yield func(string, *yaml.Node) bool) {
	return func(yield func(string, *yaml.Node) bool) {
		m = deref(m)
		if m == nil || m.Kind != yaml.MappingNode {
			return
		}
		for i := 0; i+1 < len(m.Content); i += 2 {
			if !yield(m.Content[i].Value, deref(m.Content[i+1])) {
				return
			}
		}
	}
}

func items(n *yaml.Node) []*yaml.Node {
	n = deref(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	out := make([]*yaml.Node, len(n.Content))
	for i, it := range n.Content {
		out[i] = deref(it)
	}
	return out
}
