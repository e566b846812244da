package burnrate

import (
	"math"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/slo"
)

const thirtyDays = 30 * 24 * time.Hour

func approx(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

func TestRules(t *testing.T) {
	want := []Rule{
		{Name: "page-1h-5m", Severity: Page, Factor: 14.4, Long: time.Hour, Short: 5 * time.Minute},
		{Name: "page-6h-30m", Severity: Page, Factor: 6, Long: 6 * time.Hour, Short: 30 * time.Minute},
		{Name: "ticket-1d-2h", Severity: Ticket, Factor: 3, Long: 24 * time.Hour, Short: 2 * time.Hour},
		{Name: "ticket-3d-6h", Severity: Ticket, Factor: 1, Long: 72 * time.Hour, Short: 6 * time.Hour},
	}
	got := Rules()
	if len(got) != len(want) {
		t.Fatalf("Rules() = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Rules()[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
	got[0].Factor = 1
	if Rules()[0].Factor != 14.4 {
		t.Error("changing the returned slice changed the next Rules()")
	}
}

func TestBudgetConsumed(t *testing.T) {
	tests := []struct {
		rule   string
		window time.Duration
		want   float64
	}{
		{"page-1h-5m", thirtyDays, 0.02},
		{"page-6h-30m", thirtyDays, 0.05},
		{"ticket-1d-2h", thirtyDays, 0.10},
		{"ticket-3d-6h", thirtyDays, 0.10},
		{"page-1h-5m", 7 * 24 * time.Hour, 14.4 / 168},
		{"page-1h-5m", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			if got := rule(t, tt.rule).BudgetConsumed(tt.window); !approx(got, tt.want) {
				t.Errorf("BudgetConsumed(%v) = %v, want %v", tt.window, got, tt.want)
			}
		})
	}
}

func rule(t *testing.T, name string) Rule {
	t.Helper()
	for _, r := range Rules() {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no rule %q", name)
	return Rule{}
}

func TestDetectionTime(t *testing.T) {
	tests := []struct {
		name       string
		rule       string
		errorRatio float64
		target     float64
		want       time.Duration
	}{
		{"total outage, 1h page", "page-1h-5m", 1, 0.999, 51840 * time.Millisecond},
		{"total outage, 6h page", "page-6h-30m", 1, 0.999, 129600 * time.Millisecond},
		{"total outage, 1d ticket", "ticket-1d-2h", 1, 0.999, 259200 * time.Millisecond},
		{"total outage, 3d ticket", "ticket-3d-6h", 1, 0.999, 259200 * time.Millisecond},
		{"10% errors, 1h page", "page-1h-5m", 0.1, 0.999, 518400 * time.Millisecond},
		{"latency objective fully slow, 1h page", "page-1h-5m", 1, 0.95, 43*time.Minute + 12*time.Second},
		{"exactly the factor fires at the full window", "page-1h-5m", 0.0144, 0.999, time.Hour},
		{"below the factor never fires", "page-1h-5m", 0.01, 0.999, Never},
		{"no errors never fires", "ticket-3d-6h", 0, 0.999, Never},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DetectionTime(rule(t, tt.rule), tt.errorRatio, tt.target); got != tt.want {
				t.Errorf("DetectionTime(%s, %v, %v) = %v, want %v", tt.rule, tt.errorRatio, tt.target, got, tt.want)
			}
		})
	}
}

func TestCounts(t *testing.T) {
	tests := []struct {
		name      string
		c         Counts
		wantBad   uint64
		wantRatio float64
	}{
		{"no traffic", Counts{}, 0, 0},
		{"all good", Counts{Good: 50, Total: 50}, 0, 0},
		{"some bad", Counts{Good: 940, Total: 1000}, 60, 0.06},
		{"all bad", Counts{Good: 0, Total: 7}, 7, 1},
		{"inconsistent", Counts{Good: 9, Total: 5}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.c.Bad(); got != tt.wantBad {
				t.Errorf("Bad() = %d, want %d", got, tt.wantBad)
			}
			if got := tt.c.ErrorRatio(); !approx(got, tt.wantRatio) {
				t.Errorf("ErrorRatio() = %v, want %v", got, tt.wantRatio)
			}
		})
	}
	if got, want := (Counts{Good: 1, Total: 2}).Add(Counts{Good: 3, Total: 5}), (Counts{Good: 4, Total: 7}); got != want {
		t.Errorf("Add() = %+v, want %+v", got, want)
	}
}

func TestBurnRate(t *testing.T) {
	tests := []struct {
		name   string
		c      Counts
		target float64
		want   float64
	}{
		{"latency: 60 of 1000 slow at 95%", Counts{Good: 940, Total: 1000}, 0.95, 1.2},
		{"availability: 1 of 1000 at 99.9%", Counts{Good: 999, Total: 1000}, 0.999, 1},
		{"total outage at 99.9%", Counts{Good: 0, Total: 10}, 0.999, 1000},
		{"no traffic", Counts{}, 0.999, 0},
		{"no budget, no errors", Counts{Good: 10, Total: 10}, 1, 0},
		{"no budget, an error", Counts{Good: 9, Total: 10}, 1, math.Inf(1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := BurnRate(tt.c, tt.target); !(got == tt.want || approx(got, tt.want)) {
				t.Errorf("BurnRate(%+v, %v) = %v, want %v", tt.c, tt.target, got, tt.want)
			}
		})
	}
}

// TestLatencyObjectiveCounts feeds events through the catalogue's own good/bad rule, the way
// ingest counts them, and checks the burn rate that comes out.
func TestLatencyObjectiveCounts(t *testing.T) {
	o := slo.Objective{Name: "latency", Kind: slo.Latency, Target: 0.95, Threshold: 600 * time.Millisecond}
	var c Counts
	for i := range 1000 {
		latency, ok := 200*time.Millisecond, true
		switch {
		case i < 60:
			latency = 900 * time.Millisecond // over the threshold
		case i < 80:
			ok = false // fast errors are the availability objective's business
		}
		c.Total++
		if o.Good(latency, ok) {
			c.Good++
		}
	}
	if got, want := c, (Counts{Good: 940, Total: 1000}); got != want {
		t.Errorf("counts = %+v, want %+v", got, want)
	}
	if got, want := BurnRate(c, o.Target), 1.2; !approx(got, want) {
		t.Errorf("BurnRate() = %v, want %v", got, want)
	}
}

func TestEvaluate(t *testing.T) {
	page := rule(t, "page-1h-5m") // 14.4x at 99.9%: an error ratio of 1.44%
	burning := Counts{Good: 9800, Total: 10000}
	calm := Counts{Good: 9999, Total: 10000}
	tests := []struct {
		name           string
		w              Window
		minEvents      uint64
		wantFiring     bool
		wantLowTraffic bool
		wantLong       float64
		wantShort      float64
	}{
		{"both windows burn", Window{Long: burning, Short: Counts{Good: 800, Total: 1000}}, 20, true, false, 20, 200},
		{"long only (recovered)", Window{Long: burning, Short: Counts{Good: 1000, Total: 1000}}, 20, false, false, 20, 0},
		{"short only (a blip)", Window{Long: calm, Short: Counts{Good: 0, Total: 100}}, 20, false, false, 0.1, 1000},
		{"neither", Window{Long: calm, Short: calm}, 20, false, false, 0.1, 0.1},
		{"exactly at the factor", Window{Long: Counts{Good: 9856, Total: 10000}, Short: Counts{Good: 9856, Total: 10000}}, 20, true, false, 14.4, 14.4},
		{"just under the factor", Window{Long: Counts{Good: 9857, Total: 10000}, Short: burning}, 20, false, false, 14.3, 20},
		{"guard holds back a handful", Window{Long: Counts{Good: 2, Total: 3}, Short: Counts{Good: 0, Total: 1}}, 20, false, true, 1000.0 / 3, 1000},
		{"guard met exactly", Window{Long: Counts{Good: 10, Total: 20}, Short: Counts{Good: 0, Total: 2}}, 20, true, false, 500, 1000},
		{"guard off", Window{Long: Counts{Good: 0, Total: 1}, Short: Counts{Good: 0, Total: 1}}, 0, true, false, 1000, 1000},
		{"low traffic but calm is not flagged", Window{Long: Counts{Good: 3, Total: 3}, Short: Counts{Good: 1, Total: 1}}, 20, false, false, 0, 0},
		{"no traffic", Window{}, 0, false, false, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Evaluate(page, tt.w, 0.999, tt.minEvents)
			if got.Firing != tt.wantFiring || got.LowTraffic != tt.wantLowTraffic {
				t.Errorf("Evaluate() Firing, LowTraffic = %v, %v, want %v, %v", got.Firing, got.LowTraffic, tt.wantFiring, tt.wantLowTraffic)
			}
			if !approx(got.LongRate, tt.wantLong) || !approx(got.ShortRate, tt.wantShort) {
				t.Errorf("Evaluate() rates = %v, %v, want %v, %v", got.LongRate, got.ShortRate, tt.wantLong, tt.wantShort)
			}
			if got.Rule != page {
				t.Errorf("Evaluate() Rule = %+v, want %+v", got.Rule, page)
			}
		})
	}
}

func TestHighest(t *testing.T) {
	rules := Rules()
	evals := []Evaluation{
		{Rule: rules[0], LongRate: 20, Firing: false, LowTraffic: true},
		{Rule: rules[1], LongRate: 8, Firing: true},
		{Rule: rules[0], LongRate: 15, Firing: true},
		{Rule: rules[2], LongRate: 30, Firing: true},
		{Rule: rules[3], LongRate: 30, Firing: true},
	}
	tests := []struct {
		name     string
		evals    []Evaluation
		sev      Severity
		wantOK   bool
		wantRule string
		wantRate float64
	}{
		{"largest firing page, ignoring the suppressed one", evals, Page, true, "page-1h-5m", 15},
		{"tie keeps the first", evals, Ticket, true, "ticket-1d-2h", 30},
		{"nothing firing", evals[:1], Page, false, "", 0},
		{"no evaluations", nil, Ticket, false, "", 0},
		{"other severity only", evals[1:3], Ticket, false, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Highest(tt.evals, tt.sev)
			if ok != tt.wantOK || got.Rule.Name != tt.wantRule || got.LongRate != tt.wantRate {
				t.Errorf("Highest(%s) = %s %v, %v, want %s %v, %v", tt.sev, got.Rule.Name, got.LongRate, ok, tt.wantRule, tt.wantRate, tt.wantOK)
			}
		})
	}
}

func TestBudgetRemaining(t *testing.T) {
	tests := []struct {
		name   string
		c      Counts
		target float64
		want   float64
	}{
		{"no traffic", Counts{}, 0.999, 1},
		{"no errors", Counts{Good: 5000, Total: 5000}, 0.999, 1},
		{"half spent", Counts{Good: 99950, Total: 100000}, 0.999, 0.5},
		{"exactly spent", Counts{Good: 99900, Total: 100000}, 0.999, 0},
		{"overspent twice", Counts{Good: 99700, Total: 100000}, 0.999, -2},
		{"latency budget", Counts{Good: 940, Total: 1000}, 0.95, -0.2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := BudgetRemaining(tt.c, tt.target); !approx(got, tt.want) {
				t.Errorf("BudgetRemaining(%+v, %v) = %v, want %v", tt.c, tt.target, got, tt.want)
			}
		})
	}
}
