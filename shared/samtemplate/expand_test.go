package samtemplate

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
)

// The guardrail tests read template.yaml as SAM expands it: AWS's SAM translator (the
// samtranslator package cfn-lint ships, so wherever `make lint` runs) turns it into the
// CloudFormation template that would be deployed, with Globals merged into each function and
// the stage, roles and rules SAM generates. Without the translator they are skipped, except on
// CI (CI=true), where they fail.

type cfnTemplate struct {
	Parameters map[string]map[string]any `json:"Parameters"`
	Conditions map[string]any            `json:"Conditions"`
	Rules      map[string]map[string]any `json:"Rules"`
	Resources  map[string]cfnResource    `json:"Resources"`
	Outputs    map[string]map[string]any `json:"Outputs"`
}

type cfnResource struct {
	Type                string         `json:"Type"`
	Condition           string         `json:"Condition"`
	DeletionPolicy      string         `json:"DeletionPolicy"`
	UpdateReplacePolicy string         `json:"UpdateReplacePolicy"`
	Properties          map[string]any `json:"Properties"`
}

var (
	expandOnce sync.Once
	expanded   *cfnTemplate
	expandErr  error
	expandOut  []byte
)

// samExpanded returns the project's template.yaml as SAM expands it.
func samExpanded(t *testing.T) *cfnTemplate {
	t.Helper()
	expandOnce.Do(func() {
		if err := exec.Command("python3", "-c", "import samtranslator").Run(); err != nil {
			expandErr = errNoTranslator
			return
		}
		cmd := exec.Command("python3", "testdata/sam_expand.py", "../../template.yaml")
		cmd.Env = append(os.Environ(), "AWS_DEFAULT_REGION=us-east-1")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			expandOut, expandErr = stderr.Bytes(), err
			return
		}
		expanded = &cfnTemplate{}
		expandErr = json.Unmarshal(out, expanded)
	})
	switch {
	case expandErr == errNoTranslator && os.Getenv("CI") != "true":
		t.Skip("python3 with samtranslator (pip install cfn-lint) is missing: the template guardrails are not checked")
	case expandErr != nil:
		t.Fatalf("expanding template.yaml with the SAM translator: %v\n%s", expandErr, expandOut)
	}
	return expanded
}

var errNoTranslator = os.ErrNotExist

// ofType returns the logical IDs and resources of a type.
func (c *cfnTemplate) ofType(typ string) map[string]cfnResource {
	out := map[string]cfnResource{}
	for id, r := range c.Resources {
		if r.Type == typ {
			out[id] = r
		}
	}
	return out
}

// refName is the logical ID of {"Ref": X}, or "".
func refName(v any) string {
	m, _ := v.(map[string]any)
	if len(m) != 1 {
		return ""
	}
	s, _ := m["Ref"].(string)
	return s
}

// getAtt is X and Attr of {"Fn::GetAtt": [X, Attr]}.
func getAtt(v any) (string, string) {
	m, _ := v.(map[string]any)
	l, _ := m["Fn::GetAtt"].([]any)
	if len(m) != 1 || len(l) != 2 {
		return "", ""
	}
	a, _ := l[0].(string)
	b, _ := l[1].(string)
	return a, b
}

// number resolves a literal number or a !Ref to a parameter to the parameter's Default.
func (c *cfnTemplate) number(t *testing.T, v any) float64 {
	t.Helper()
	if p := refName(v); p != "" {
		d, ok := c.Parameters[p]["Default"]
		if !ok {
			t.Fatalf("parameter %s has no Default", p)
		}
		v = d
	}
	switch n := v.(type) {
	case float64:
		return n
	case string:
		f, err := strconv.ParseFloat(n, 64)
		if err != nil {
			t.Fatalf("%q is not a number", n)
		}
		return f
	}
	t.Fatalf("%v is neither a number nor a !Ref to a parameter", v)
	return 0
}

// path walks nested maps.
func path(v any, keys ...string) any {
	for _, k := range keys {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	return v
}
