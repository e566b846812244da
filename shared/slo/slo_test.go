package slo

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestDefaultCatalog(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatalf("Default() error: %v", err)
	}
	if c.Version != 3 {
		t.Errorf("Version = %d, want 3 (degraded objectives)", c.Version)
	}
	if got, want := c.BudgetingWindow, 30*24*time.Hour; got != want {
		t.Errorf("BudgetingWindow = %v, want %v", got, want)
	}
	tests := []struct {
		flow         string
		source       Source
		serverFlow   string
		threshold    time.Duration
		availability float64
	}{
		{"today_load", Server, "", 1500 * time.Millisecond, 0.999},
		{"create_task", Server, "", 600 * time.Millisecond, 0.999},
		{"execute_intent", Server, "", 1000 * time.Millisecond, 0.999},
		{"undo", Server, "", 500 * time.Millisecond, 0.999},
		// The server's threshold plus 1500 ms of network; 99% (see slo.yaml).
		{"today_load_client", Client, "today_load", 3000 * time.Millisecond, 0.99},
		{"create_task_client", Client, "create_task", 2100 * time.Millisecond, 0.99},
	}
	if got, want := len(c.Flows), len(tests); got != want {
		t.Errorf("len(Flows) = %d, want %d", got, want)
	}
	for _, tt := range tests {
		t.Run(tt.flow, func(t *testing.T) {
			f, ok := c.Flow(tt.flow)
			if !ok {
				t.Fatalf("Flow(%q) not found", tt.flow)
			}
			if f.Description == "" {
				t.Errorf("Description is empty")
			}
			if f.Source != tt.source || f.ServerFlow != tt.serverFlow || f.Pages() != (tt.source == Server) {
				t.Errorf("source %q, serverFlow %q, pages %v; want %q, %q, %v", f.Source, f.ServerFlow, f.Pages(), tt.source, tt.serverFlow, tt.source == Server)
			}
			want := []Objective{
				{Name: "latency", Kind: Latency, Target: 0.95, Threshold: tt.threshold,
					Runbook: "docs/runbooks/" + tt.flow + "-latency.md", MinEvents: DefaultMinEvents},
				{Name: "availability", Kind: Availability, Target: tt.availability,
					Runbook: "docs/runbooks/" + tt.flow + "-availability.md", MinEvents: DefaultMinEvents},
			}
			if tt.source == Server {
				// Every server flow counts its degraded answers (issue 13).
				want = append(want, Objective{Name: "degraded", Kind: Degraded, Target: 0.99,
					Runbook: "docs/runbooks/degraded.md", MinEvents: DefaultMinEvents})
			}
			if len(f.Objectives) != len(want) {
				t.Fatalf("Objectives = %+v, want %+v", f.Objectives, want)
			}
			for i := range want {
				if got := f.Objectives[i]; got != want[i] {
					t.Errorf("Objectives[%d] = %+v, want %+v", i, got, want[i])
				}
			}
		})
	}
	// Every server flow a client watches has that client flow, and only that one.
	for _, server := range []string{"today_load", "create_task"} {
		if f, ok := c.ClientFlowOf(server); !ok || f.Name != server+"_client" {
			t.Errorf("ClientFlowOf(%q) = %q, %v; want %s_client", server, f.Name, ok, server)
		}
	}
	if f, ok := c.ClientFlowOf("undo"); ok {
		t.Errorf("ClientFlowOf(undo) = %q, want none", f.Name)
	}
}

const validCatalog = `apiVersion: phase12/v1
version: 3
budgetingWindow: 30d
flows:
  - name: today_load
    source: server
    description: load today
    objectives:
      - name: latency
        target: 0.95
        thresholdMs: 1500
      - name: availability
        target: 0.999
  - name: create_task
    source: client
    serverFlow: today_load
    objectives:
      - name: latency
        target: 0.95
        thresholdMs: 600
`

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		old  string // replaced in validCatalog (first occurrence)
		new  string
		want string
	}{
		{"empty document", validCatalog, "", "empty catalogue"},
		{"unknown top-level key", "version: 3\n", "version: 3\nowner: me\n", "field owner not found"},
		{"unknown objective key", "thresholdMs: 600\n", "thresholdMs: 600\n        thresholdMS: 700\n", "field thresholdMS not found"},
		{"wrong api version", "phase12/v1", "phase12/v2", `apiVersion: must be "phase12/v1"`},
		{"missing version", "version: 3\n", "", "version: required"},
		{"zero version", "version: 3", "version: 0", "version: must be at least 1"},
		{"fractional version", "version: 3", "version: 1.5", `line 2: "1.5" is not a whole number`},
		{"fractional threshold", "thresholdMs: 600", "thresholdMs: 600.5", `"600.5" is not a whole number`},
		{"quoted threshold", "thresholdMs: 600", "thresholdMs: \"600\"", `"600" is not a whole number`},
		{"missing window", "budgetingWindow: 30d\n", "", "budgetingWindow: required"},
		{"window in weeks", "30d", "4w", `budgetingWindow: "4w" is not a duration`},
		{"window of zero days", "30d", "0d", "budgetingWindow: \"0d\" is not a whole number of days"},
		{"window of negative hours", "30d", "-24h", "budgetingWindow: \"-24h\" must be positive"},
		{"window over a year", "30d", "400d", "budgetingWindow: \"400d\" is not a whole number of days"},
		{"no flows", validCatalog[strings.Index(validCatalog, "flows:"):], "flows: []\n", "flows: at least one flow is required"},
		{"empty flow name", "name: create_task", "name: \"\"", "flows[1].name: required"},
		{"bad flow name", "name: create_task", "name: Create-Task", `flows[1].name: "Create-Task" must be lower case`},
		{"duplicate flow", "name: create_task", "name: today_load", `flows[1].name: duplicate name "today_load" (also flows[0])`},
		{"no objectives", "    objectives:\n      - name: latency\n        target: 0.95\n        thresholdMs: 600\n", "    objectives: []\n", "flows[1].objectives: at least one objective is required"},
		{"duplicate objective", "name: availability", "name: latency\n        kind: availability", `flows[0].objectives[1].name: duplicate name "latency" (also flows[0].objectives[0])`},
		{"empty objective name", "name: availability", "name: \"\"\n        kind: availability", "flows[0].objectives[1].name: required"},
		{"unknown kind by name", "name: availability", "name: freshness", `flows[0].objectives[1].kind: unknown objective kind "freshness"`},
		{"unknown explicit kind", "name: availability", "name: availability\n        kind: durability", `flows[0].objectives[1].kind: unknown objective kind "durability"`},
		{"target of one", "target: 0.999", "target: 1", "flows[0].objectives[1].target: must be between 0 and 1 (exclusive)"},
		{"target of zero", "target: 0.999", "target: 0", "flows[0].objectives[1].target: must be between 0 and 1 (exclusive)"},
		{"target as percent", "target: 0.999", "target: 99.9", "flows[0].objectives[1].target: must be between 0 and 1 (exclusive)"},
		{"target NaN", "target: 0.999", "target: .nan", "flows[0].objectives[1].target: must be between 0 and 1 (exclusive)"},
		{"missing target", "        target: 0.999\n", "", "flows[0].objectives[1].target: required"},
		{"missing threshold", "        thresholdMs: 600\n", "", "flows[1].objectives[0].thresholdMs: required for a latency objective"},
		{"zero threshold", "thresholdMs: 600", "thresholdMs: 0", "flows[1].objectives[0].thresholdMs: must be a positive number of milliseconds"},
		{"threshold on availability", "target: 0.999\n", "target: 0.999\n        thresholdMs: 100\n", "flows[0].objectives[1].thresholdMs: only latency objectives have a threshold"},
		{"negative minEvents", "target: 0.999\n", "target: 0.999\n        minEvents: -1\n", "flows[0].objectives[1].minEvents: must not be negative"},
		{"duplicate yaml key", "target: 0.999\n", "target: 0.999\n        target: 0.99\n", "already defined"},
		{"two documents", validCatalog, validCatalog + "---\n" + validCatalog, "more than one YAML document"},
		{"not a mapping", validCatalog, "- a\n- b\n", "cannot unmarshal"},
		{"missing source", "    source: server\n", "", `flows[0].source: required: "server" (the function serving the flow measures it) or "client" (the app reports it)`},
		{"unknown source", "source: server", "source: app", `flows[0].source: must be "server" or "client", not "app"`},
		{"serverFlow on a server flow", "    source: server\n", "    source: server\n    serverFlow: create_task\n", "flows[0].serverFlow: only a client flow watches a server flow"},
		{"serverFlow naming no flow", "serverFlow: today_load", "serverFlow: today_lod", `flows[1].serverFlow: "today_lod" is not a flow with source "server"`},
		{"serverFlow naming a client flow", "serverFlow: today_load", "serverFlow: create_task", `flows[1].serverFlow: "create_task" is not a flow with source "server"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := strings.Replace(validCatalog, tt.old, tt.new, 1)
			if doc == validCatalog {
				t.Fatalf("test case did not change the catalogue (%q not found)", tt.old)
			}
			_, err := Parse([]byte(doc))
			if err == nil {
				t.Fatalf("Parse() error = nil, want one containing %q", tt.want)
			}
			if got := err.Error(); !strings.Contains(got, tt.want) {
				t.Errorf("Parse() error = %q, want it to contain %q", got, tt.want)
			}
		})
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	doc := strings.NewReplacer("target: 0.999", "target: 2", "thresholdMs: 600", "thresholdMs: -5").Replace(validCatalog)
	_, err := Parse([]byte(doc))
	if err == nil {
		t.Fatal("Parse() error = nil, want two problems")
	}
	for _, want := range []string{"flows[0].objectives[1].target", "flows[1].objectives[0].thresholdMs"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Parse() error = %q, want it to mention %q", err, want)
		}
	}
}

func TestParseWindows(t *testing.T) {
	tests := []struct {
		window string
		want   time.Duration
	}{
		{"30d", 30 * 24 * time.Hour},
		{"7d", 7 * 24 * time.Hour},
		{"1d", 24 * time.Hour},
		{"365d", 365 * 24 * time.Hour},
		{"24h", 24 * time.Hour},
		{"90m", 90 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.window, func(t *testing.T) {
			c, err := Parse([]byte(strings.Replace(validCatalog, "30d", tt.window, 1)))
			if err != nil {
				t.Fatalf("Parse() error: %v", err)
			}
			if c.BudgetingWindow != tt.want {
				t.Errorf("BudgetingWindow = %v, want %v", c.BudgetingWindow, tt.want)
			}
		})
	}
}

func TestParseOptionalFields(t *testing.T) {
	doc := strings.Replace(validCatalog, "      - name: availability\n        target: 0.999\n",
		"      - name: availability\n        target: 0.999\n        runbook: docs/runbooks/shared-availability.md\n        minEvents: 0\n"+
			"      - name: latency_p99\n        kind: latency\n        target: 0.99\n        thresholdMs: 4000\n        minEvents: 100\n", 1)
	c, err := Parse([]byte(doc))
	if err != nil {
		t.Fatalf("Parse() error: %v", err)
	}
	if c.Version != 3 {
		t.Errorf("Version = %d, want 3", c.Version)
	}
	f, ok := c.Flow("today_load")
	if !ok {
		t.Fatal(`Flow("today_load") not found`)
	}
	tests := []struct {
		name string
		want Objective
	}{
		{"latency", Objective{Name: "latency", Kind: Latency, Target: 0.95, Threshold: 1500 * time.Millisecond,
			Runbook: "docs/runbooks/today_load-latency.md", MinEvents: DefaultMinEvents}},
		{"availability", Objective{Name: "availability", Kind: Availability, Target: 0.999,
			Runbook: "docs/runbooks/shared-availability.md", MinEvents: 0}},
		{"latency_p99", Objective{Name: "latency_p99", Kind: Latency, Target: 0.99, Threshold: 4 * time.Second,
			Runbook: "docs/runbooks/today_load-latency_p99.md", MinEvents: 100}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := f.Objective(tt.name)
			if !ok {
				t.Fatalf("Objective(%q) not found", tt.name)
			}
			if got != tt.want {
				t.Errorf("Objective(%q) = %+v, want %+v", tt.name, got, tt.want)
			}
		})
	}
}

func TestLookupsMiss(t *testing.T) {
	c, err := Parse([]byte(validCatalog))
	if err != nil {
		t.Fatalf("Parse() error: %v", err)
	}
	if _, ok := c.Flow("checkout"); ok {
		t.Error(`Flow("checkout") found, want unknown flow rejected`)
	}
	f, _ := c.Flow("create_task")
	if _, ok := f.Objective("availability"); ok {
		t.Error(`create_task Objective("availability") found, want missing`)
	}
}

func TestGood(t *testing.T) {
	latency := Objective{Name: "latency", Kind: Latency, Target: 0.95, Threshold: 600 * time.Millisecond}
	availability := Objective{Name: "availability", Kind: Availability, Target: 0.999}
	tests := []struct {
		name    string
		o       Objective
		latency time.Duration
		ok      bool
		want    bool
	}{
		{"latency fast ok", latency, 200 * time.Millisecond, true, true},
		{"latency at threshold", latency, 600 * time.Millisecond, true, true},
		{"latency just over", latency, 600*time.Millisecond + 1, true, false},
		{"latency fast error is availability's business", latency, 50 * time.Millisecond, false, true},
		{"latency slow error is still slow", latency, 2 * time.Second, false, false},
		{"availability ok", availability, 5 * time.Second, true, true},
		{"availability error", availability, 10 * time.Millisecond, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.o.Good(tt.latency, tt.ok); got != tt.want {
				t.Errorf("Good(%v, %v) = %v, want %v", tt.latency, tt.ok, got, tt.want)
			}
		})
	}
}

func TestErrorBudget(t *testing.T) {
	tests := []struct {
		target, want float64
	}{
		{0.999, 0.001},
		{0.95, 0.05},
		{0.5, 0.5},
	}
	for _, tt := range tests {
		if got := (Objective{Target: tt.target}).ErrorBudget(); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("ErrorBudget() for target %v = %v, want %v", tt.target, got, tt.want)
		}
	}
}

func TestDegradedObjectiveJudgesTheDegradedMarkOnly(t *testing.T) {
	o := Objective{Name: "degraded", Kind: Degraded, Target: 0.99}
	for _, tt := range []struct {
		ok, degraded, want bool
	}{{true, false, true}, {false, false, true}, {true, true, false}, {false, true, false}} {
		if got := o.Judge(time.Hour, tt.ok, tt.degraded); got != tt.want {
			t.Errorf("Judge(ok %v, degraded %v) = %v, want %v", tt.ok, tt.degraded, got, tt.want)
		}
	}
	if !(Objective{Kind: Availability}).Judge(0, true, true) {
		t.Error("an availability objective judged a degraded but ok answer bad; want good (it judges outcomes)")
	}
}
