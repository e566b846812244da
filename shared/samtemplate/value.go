package samtemplate

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// Kind tells what a Value holds.
type Kind int

// The kinds of Value. Unsupported keeps intrinsics such as !If or !Select
// so that parsing a template never fails on them; only resolving one does,
// and then the error names it.
const (
	Literal     Kind = iota // Text is the value
	Ref                     // !Ref Name
	GetAtt                  // !GetAtt Name.Attr
	Sub                     // !Sub Text, with Vars
	Join                    // !Join [Text, Items]
	Unsupported             // Text is the intrinsic, e.g. "!If"
)

// Value is a property value that may be a literal or a reference.
type Value struct {
	Kind  Kind
	Text  string           // literal text, !Sub template, !Join delimiter or the unsupported intrinsic
	Name  string           // logical ID (or parameter) of !Ref and !GetAtt
	Attr  string           // attribute of !GetAtt
	Vars  map[string]Value // variables of the two-argument !Sub
	Items []Value          // what !Join joins
}

// String shows the value the way the template spells it, for messages.
func (v Value) String() string {
	switch v.Kind {
	case Literal:
		return v.Text
	case Ref:
		return "!Ref " + v.Name
	case GetAtt:
		return "!GetAtt " + v.Name + "." + v.Attr
	case Sub:
		return "!Sub " + v.Text
	case Join:
		parts := make([]string, len(v.Items))
		for i, it := range v.Items {
			parts[i] = it.String()
		}
		return fmt.Sprintf("!Join [%q, [%s]]", v.Text, strings.Join(parts, ", "))
	default:
		return v.Text
	}
}

// Resolver answers what a resource is called where the caller runs it:
// for !Ref attr is empty, for !GetAtt it is the attribute (e.g. "Arn").
type Resolver func(logicalID, attr string) (string, bool)

// pseudoParameter answers the AWS pseudo parameters the resolver does not,
// so a template that builds ARNs with ${AWS::Region} still resolves locally.
func pseudoParameter(name string) (string, bool) {
	switch name {
	case "AWS::Region":
		return "us-east-1", true
	case "AWS::AccountId":
		return "123456789012", true
	case "AWS::Partition":
		return "aws", true
	case "AWS::URLSuffix":
		return "amazonaws.com", true
	case "AWS::StackName":
		return "local", true
	}
	return "", false
}

// Resolve turns v into a string: parameters give their Default, anything
// else goes to r (which may be nil), and AWS pseudo parameters the resolver
// does not answer get local defaults (us-east-1, account 123456789012).
func (t *Template) Resolve(v Value, r Resolver) (string, error) {
	switch v.Kind {
	case Literal:
		return v.Text, nil
	case Ref:
		return t.lookup(v.Name, "", r)
	case GetAtt:
		return t.lookup(v.Name, v.Attr, r)
	case Sub:
		return t.resolveSub(v, r)
	case Join:
		parts := make([]string, len(v.Items))
		for i, it := range v.Items {
			s, err := t.Resolve(it, r)
			if err != nil {
				return "", err
			}
			parts[i] = s
		}
		return strings.Join(parts, v.Text), nil
	default:
		return "", fmt.Errorf("%s cannot be resolved outside CloudFormation", v.Text)
	}
}

func (t *Template) lookup(name, attr string, r Resolver) (string, error) {
	if p, ok := t.Parameters[name]; ok && attr == "" && p.HasDefault {
		return p.Default, nil
	}
	if r != nil {
		if s, ok := r(name, attr); ok {
			return s, nil
		}
	}
	if attr == "" {
		if s, ok := pseudoParameter(name); ok {
			return s, nil
		}
		if _, ok := t.Parameters[name]; ok {
			return "", fmt.Errorf("!Ref %s: the parameter has no Default", name)
		}
		return "", fmt.Errorf("!Ref %s: unresolved reference", name)
	}
	return "", fmt.Errorf("!GetAtt %s.%s: unresolved reference", name, attr)
}

func (t *Template) resolveSub(v Value, r Resolver) (string, error) {
	var b strings.Builder
	s := v.Text
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		b.WriteString(s[:i])
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return "", fmt.Errorf("!Sub %q: unclosed ${", v.Text)
		}
		name := s[i+2 : i+j]
		s = s[i+j+1:]
		if strings.HasPrefix(name, "!") {
			// ${!Literal} is how !Sub writes a literal "${Literal}".
			b.WriteString("${" + name[1:] + "}")
			continue
		}
		if val, ok := v.Vars[name]; ok {
			out, err := t.Resolve(val, r)
			if err != nil {
				return "", err
			}
			b.WriteString(out)
			continue
		}
		var (
			out string
			err error
		)
		if id, attr, ok := strings.Cut(name, "."); ok {
			out, err = t.lookup(id, attr, r)
		} else {
			out, err = t.lookup(name, "", r)
		}
		if err != nil {
			return "", err
		}
		b.WriteString(out)
	}
}

// parseValue reads a property value in either the short (!Ref) or the long
// ({"Ref": ...}) form of the intrinsics.
func parseValue(n *yaml.Node) (Value, error) {
	n = deref(n)
	if n == nil {
		return Value{}, nil
	}
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		return parseIntrinsic(n.Tag[1:], n, n)
	}
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return Value{Kind: Literal}, nil
		}
		return Value{Kind: Literal, Text: n.Value}, nil
	case yaml.MappingNode:
		if len(n.Content) == 2 {
			key := n.Content[0].Value
			if key == "Ref" {
				return parseIntrinsic("Ref", n.Content[1], n)
			}
			if name, ok := strings.CutPrefix(key, "Fn::"); ok {
				return parseIntrinsic(name, n.Content[1], n)
			}
		}
	}
	return Value{}, fmt.Errorf("line %d: expected a string or an intrinsic function", n.Line)
}

func parseIntrinsic(name string, arg, at *yaml.Node) (Value, error) {
	arg = deref(arg)
	bad := func(form string) (Value, error) {
		return Value{}, fmt.Errorf("line %d: %s must be %s", at.Line, name, form)
	}
	switch name {
	case "Ref":
		if arg.Kind != yaml.ScalarNode || arg.Value == "" {
			return bad("a logical ID")
		}
		return Value{Kind: Ref, Name: arg.Value}, nil
	case "GetAtt":
		switch arg.Kind {
		case yaml.ScalarNode:
			id, attr, ok := strings.Cut(arg.Value, ".")
			if !ok || id == "" || attr == "" {
				return bad("LogicalID.Attribute")
			}
			return Value{Kind: GetAtt, Name: id, Attr: attr}, nil
		case yaml.SequenceNode:
			if len(arg.Content) != 2 || deref(arg.Content[0]).Kind != yaml.ScalarNode || deref(arg.Content[1]).Kind != yaml.ScalarNode {
				return bad("[LogicalID, Attribute]")
			}
			return Value{Kind: GetAtt, Name: deref(arg.Content[0]).Value, Attr: deref(arg.Content[1]).Value}, nil
		}
		return bad("LogicalID.Attribute")
	case "Sub":
		switch arg.Kind {
		case yaml.ScalarNode:
			return Value{Kind: Sub, Text: arg.Value}, nil
		case yaml.SequenceNode:
			if len(arg.Content) != 2 || deref(arg.Content[0]).Kind != yaml.ScalarNode || deref(arg.Content[1]).Kind != yaml.MappingNode {
				return bad("a string or [string, {variables}]")
			}
			vars := map[string]Value{}
			m := deref(arg.Content[1])
			for i := 0; i+1 < len(m.Content); i += 2 {
				v, err := parseValue(m.Content[i+1])
				if err != nil {
					return Value{}, err
				}
				vars[m.Content[i].Value] = v
			}
			return Value{Kind: Sub, Text: deref(arg.Content[0]).Value, Vars: vars}, nil
		}
		return bad("a string or [string, {variables}]")
	case "Join":
		if arg.Kind != yaml.SequenceNode || len(arg.Content) != 2 {
			return bad("[delimiter, [values]]")
		}
		delim, list := deref(arg.Content[0]), deref(arg.Content[1])
		if delim.Kind != yaml.ScalarNode {
			return bad("[delimiter, [values]]")
		}
		if list.Kind != yaml.SequenceNode {
			// !Join [",", !Ref AList]: a CommaDelimitedList parameter, whose Default
			// resolves joined with ",", so only that delimiter reads it right.
			v, err := parseValue(list)
			if err != nil || v.Kind != Ref || delim.Value != "," {
				return bad(`[delimiter, [values]] or [",", !Ref ACommaDelimitedList]`)
			}
			return Value{Kind: Join, Text: delim.Value, Items: []Value{v}}, nil
		}
		items := make([]Value, 0, len(list.Content))
		for _, it := range list.Content {
			v, err := parseValue(it)
			if err != nil {
				return Value{}, err
			}
			items = append(items, v)
		}
		return Value{Kind: Join, Text: delim.Value, Items: items}, nil
	}
	return Value{Kind: Unsupported, Text: "!" + name}, nil
}

func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}
