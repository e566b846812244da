package wiring_test

import (
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// grants reads the DynamoDB and SNS actions each function's Policies grant, per resource
// logical ID, following both branches of an !If.
func grants(t *testing.T) map[string]map[string]map[string]bool {
	t.Helper()
	b, err := os.ReadFile("../../template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	res := node{doc.Content[0]}.get("Resources")
	out := map[string]map[string]map[string]bool{}
	for i := 0; i+1 < len(res.Content); i += 2 {
		id, r := res.Content[i].Value, node{res.Content[i+1]}
		if r.get("Type").Value != "AWS::Serverless::Function" {
			continue
		}
		out[id] = map[string]map[string]bool{}
		pols := r.get("Properties").get("Policies").items()
		for len(pols) > 0 {
			p := node{pols[0]}
			pols = pols[1:]
			if p.Tag == "!If" && len(p.Content) == 3 {
				pols = append(pols, p.Content[1], p.Content[2])
				continue
			}
			for _, st := range p.get("Statement").items() {
				s := node{st}
				if s.get("Effect").Value != "Allow" {
					continue
				}
				actions := []string{s.get("Action").Value}
				if a := s.get("Action"); a.Kind == yaml.SequenceNode {
					actions = nil
					for _, n := range a.Content {
						actions = append(actions, n.Value)
					}
				}
				resources := []*yaml.Node{s.get("Resource").Node}
				if r := s.get("Resource"); r.Kind == yaml.SequenceNode {
					resources = r.Content
				}
				for _, rn := range resources {
					target := rn.Value // !Ref X, !GetAtt X.Arn
					target, _, _ = strings.Cut(target, ".")
					if out[id][target] == nil {
						out[id][target] = map[string]bool{}
					}
					for _, a := range actions {
						out[id][target][a] = true
					}
				}
			}
		}
	}
	return out
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestEveryGrantIsUsedAndEveryCallIsGranted drives every function through the tour and holds
// what it asked of DynamoDB and SNS against what template.yaml grants it: a call without a
// grant would be AccessDenied in AWS (moto, DynamoDB Local and the embedded store check no
// IAM), and a grant no call needs is privilege to remove. Both lists must be empty.
func TestEveryGrantIsUsedAndEveryCallIsGranted(t *testing.T) {
	w := newWorld(t)
	w.tour()
	granted := grants(t)
	for _, fn := range w.tmpl.FunctionIDs() {
		if !w.driven[fn] {
			t.Errorf("the tour drives no route or schedule of %s, so its grants go unchecked: add them to tour() in shared/wiring/tour_test.go", fn)
			continue
		}
		used := map[string]map[string]bool{}
		for table, actions := range w.used[fn] {
			used[table] = actions
		}
		for topic := range w.topics[fn] {
			used[topic] = map[string]bool{"sns:Publish": true}
		}
		for res, actions := range used {
			for _, a := range keys(actions) {
				if !granted[fn][res][a] {
					t.Errorf("%s calls %s on %s, which template.yaml does not grant it (AccessDenied in AWS)", fn, a, res)
				}
			}
		}
		for res, actions := range granted[fn] {
			for _, a := range keys(actions) {
				svc, _, _ := strings.Cut(a, ":")
				if !slices.Contains([]string{"dynamodb", "sns"}, svc) {
					continue // secrets, KMS: held by the template tests
				}
				if !used[res][a] {
					t.Errorf("%s is granted %s on %s, which no call of the tour needs: remove it", fn, a, res)
				}
			}
		}
	}
}
