package wiring_test

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"regexp"
	"slices"
	"testing"

	"github.com/lucian-app/phase12/shared/samtemplate"
	"github.com/lucian-app/phase12/shared/slo"
	"github.com/lucian-app/phase12/shared/wiring"
)

// dashMetric is one line of a dashboard widget: [namespace, name, dim, value, ..., {options}].
type dashMetric struct {
	namespace, name, stat string
	dims                  map[string]string
}

type dashWidget struct {
	title       string
	metrics     []dashMetric
	annotations []float64 // horizontal
}

var subVar = regexp.MustCompile(`\$\{([^}]+)\}`)

// dashboard reads the template's dashboard as CloudWatch would get it: the body's !Sub with
// the stack's name as "stack", the region us-east-1 and each resource as its logical ID.
func dashboard(t *testing.T) []dashWidget {
	t.Helper()
	res := template(t).get("Resources")
	var body string
	for i := 0; i+1 < len(res.Content); i += 2 {
		r := node{res.Content[i+1]}
		if r.get("Type").Value == "AWS::CloudWatch::Dashboard" {
			b := r.get("Properties").get("DashboardBody")
			if b.Tag != "!Sub" {
				t.Fatalf("DashboardBody is %s, want a !Sub string", b.Tag)
			}
			body = b.Value
		}
	}
	if body == "" {
		t.Fatal("template.yaml has no AWS::CloudWatch::Dashboard")
	}
	body = subVar.ReplaceAllStringFunc(body, func(m string) string {
		switch name := m[2 : len(m)-1]; name {
		case "AWS::StackName":
			return "stack"
		case "AWS::Region":
			return "us-east-1"
		default:
			return name
		}
	})
	var doc struct {
		Widgets []struct {
			Properties struct {
				Title       string
				Metrics     [][]any
				Annotations struct{ Horizontal []struct{ Value float64 } }
				Stat        string
			}
		}
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatalf("the dashboard body is not JSON: %v", err)
	}
	var out []dashWidget
	for _, w := range doc.Widgets {
		dw := dashWidget{title: w.Properties.Title}
		for _, a := range w.Properties.Annotations.Horizontal {
			dw.annotations = append(dw.annotations, a.Value)
		}
		for _, line := range w.Properties.Metrics {
			m := dashMetric{stat: w.Properties.Stat, dims: map[string]string{}}
			var strs []string
			for _, x := range line {
				switch x := x.(type) {
				case string:
					strs = append(strs, x)
				case map[string]any:
					if s, ok := x["stat"].(string); ok {
						m.stat = s
					}
				}
			}
			if len(strs) < 2 || len(strs)%2 != 0 {
				continue // an expression line, or the "." shorthand (not used here)
			}
			m.namespace, m.name = strs[0], strs[1]
			for i := 2; i+1 < len(strs); i += 2 {
				m.dims[strs[i]] = strs[i+1]
			}
			dw.metrics = append(dw.metrics, m)
		}
		out = append(out, dw)
	}
	return out
}

// TestTheDashboardShowsTheFunctionsMetricsWithTheSLOFlows: the dashboard reads the namespace
// the functions write to; it shows every metric they write, the requests, errors and p95
// latency of every route of the template by Function and Route, and each server flow's route
// against its objectives (the p95 against the latency threshold, the error rate against the
// availability target), all from the SLO catalogue.
func TestTheDashboardShowsTheFunctionsMetricsWithTheSLOFlows(t *testing.T) {
	data, err := os.ReadFile("../../template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := samtemplate.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	resolve := func(id, attr string) (string, bool) { return "stack", id == "AWS::StackName" }
	namespaces := map[string]bool{}
	for _, id := range tmpl.FunctionIDs() {
		v, err := tmpl.Resolve(tmpl.Functions[id].Env[wiring.EnvMetricsNamespace], resolve)
		if err != nil {
			t.Fatal(err)
		}
		namespaces[v] = true
	}
	if len(namespaces) != 1 || namespaces[""] {
		t.Fatalf("the functions' %s: %v, want one namespace for all", wiring.EnvMetricsNamespace, namespaces)
	}
	var ns string
	for n := range namespaces {
		ns = n
	}
	widgets := dashboard(t)
	has := func(w dashWidget, name, stat, fn, route string) bool {
		return slices.ContainsFunc(w.metrics, func(m dashMetric) bool {
			want := map[string]string{wiring.DimensionFunction: fn}
			if route != "" {
				want[wiring.DimensionRoute] = route
			}
			return m.namespace == ns && m.name == name && m.stat == stat && fmt.Sprint(m.dims) == fmt.Sprint(want)
		})
	}
	anywhere := func(name, stat, fn, route string) bool {
		return slices.ContainsFunc(widgets, func(w dashWidget) bool { return has(w, name, stat, fn, route) })
	}
	for _, name := range wiring.MetricNames {
		if !slices.ContainsFunc(widgets, func(w dashWidget) bool {
			return slices.ContainsFunc(w.metrics, func(m dashMetric) bool { return m.namespace == ns && m.name == name })
		}) {
			t.Errorf("the dashboard shows no %s in %s", name, ns)
		}
	}
	fnOf := map[string]string{}
	for _, id := range tmpl.FunctionIDs() {
		for _, r := range tmpl.Functions[id].Routes {
			route := r.Method + " " + r.Path
			fnOf[route] = id
			for _, m := range []struct{ name, stat string }{{wiring.MetricRequests, "Sum"}, {wiring.MetricErrors, "Sum"}, {wiring.MetricLatency, "p95"}} {
				if !anywhere(m.name, m.stat, id, route) {
					t.Errorf("the dashboard shows no %s (%s) of %s %s", m.name, m.stat, id, route)
				}
			}
		}
	}
	cat, err := slo.Default()
	if err != nil {
		t.Fatal(err)
	}
	for route, flow := range wiring.ServerFlows() {
		f, ok := cat.Flow(flow)
		if !ok || f.Source != slo.Server {
			t.Fatalf("%s measures %q, not a server flow of the catalogue", route, flow)
		}
		fn := fnOf[route]
		for _, o := range f.Objectives {
			if o.Kind == slo.Degraded {
				// Counted from OpsTable only (the ops page, the burn-rate check's pages):
				// the functions' own metrics have no degraded count.
				continue
			}
			name, stat, want := wiring.MetricLatency, "p95", float64(o.Threshold.Milliseconds())
			if o.Threshold == 0 {
				name, stat, want = wiring.MetricErrors, "Average", 1-o.Target
			}
			if !slices.ContainsFunc(widgets, func(w dashWidget) bool {
				return has(w, name, stat, fn, route) && slices.ContainsFunc(w.annotations, func(v float64) bool { return math.Abs(v-want) < 1e-9 })
			}) {
				t.Errorf("flow %s (%s): no widget shows %s %s of %s with the %s objective's line at %v", flow, route, name, stat, fn, o.Name, want)
			}
		}
	}
}
