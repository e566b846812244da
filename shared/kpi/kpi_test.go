package kpi_test

import (
	"testing"

	"github.com/lucian-app/phase12/shared/kpi"
)

func f(v float64) *float64 { return &v }

func TestThePhaseGateNeedsEveryP0MetTwoWeeksRunning(t *testing.T) {
	c, err := kpi.Default()
	if err != nil {
		t.Fatal(err)
	}
	good := map[string]*float64{"events:onboarding_completed/onboarding_started": f(0.625), "events:first_value/onboarding_started": f(0.5),
		"p1": f(0), "p95:today_load": f(900), "p95:create_task": f(300), "flake_rate": f(0.01)}
	first := kpi.Evaluate(c, good, nil)
	if first.Gate.Open || len(first.Gate.Missing) != 6 {
		t.Errorf("first week: gate %+v, want closed for the six P0 KPIs not met the week before", first.Gate)
	}
	second := kpi.Evaluate(c, good, []*kpi.Report{first})
	if !second.Gate.Open {
		t.Errorf("second good week: gate %+v, want open", second.Gate)
	}
	bad := map[string]*float64{}
	for k, v := range good {
		bad[k] = v
	}
	bad["events:onboarding_completed/onboarding_started"] = f(0.4)
	third := kpi.Evaluate(c, bad, []*kpi.Report{second, first})
	if third.Gate.Open || len(third.Gate.Missing) != 1 || third.KPIs[0].Shown != "40%" || *third.KPIs[0].Met {
		t.Errorf("a missed week: %+v / %+v", third.Gate, third.KPIs[0])
	}
	if tr := third.KPIs[0].Trend; tr[0] != nil || *tr[1] != 0.625 || *tr[2] != 0.625 || *tr[3] != 0.4 {
		t.Errorf("trend %v, want -, 62.5%%, 62.5%%, 40%%", tr)
	}
}

func TestABrokenCatalogueNamesItsProblems(t *testing.T) {
	if _, err := kpi.Parse([]byte("version: 1\np1: x\nkpis:\n  - id: a\n    target: {op: '>', value: 1, unit: pct}\n")); err == nil {
		t.Error("a broken catalogue parsed")
	}
}
