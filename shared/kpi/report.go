package kpi

import (
	"fmt"
	"strings"
	"time"
)

// TrendWeeks is how many weeks a KPI's trend shows, this one included.
const TrendWeeks = 4

// Value is one KPI's week.
type Value struct {
	ID     string   `json:"id"`
	Name   string   `json:"name"`
	Owner  string   `json:"owner"`
	Target string   `json:"target"`
	P0     bool     `json:"p0"`
	Value  *float64 `json:"value"`
	Shown  string   `json:"shown"`
	Met    *bool    `json:"met"`
	// Trend are the values of the TrendWeeks weeks ending with this one, oldest first
	// (null: no data that week).
	Trend []*float64 `json:"trend"`
}

// Gate is the phase gate: every P0 KPI met this week and the week before.
type Gate struct {
	Open    bool     `json:"open"`
	Missing []string `json:"missing"`
}

// Report is the KPI section of a week's digest.
type Report struct {
	Version int     `json:"catalog_version"`
	KPIs    []Value `json:"kpis"`
	Gate    Gate    `json:"phase_gate"`
	// Actions are the review's actions still open, and those closed during the week.
	Actions []Action `json:"actions"`
}

// Evaluate judges the week's measures (by measure name, nil or absent: no data) against
// the catalogue; past are the reports of the weeks before, newest first (missing weeks nil),
// for the trend and the gate.
func Evaluate(c Catalog, measures map[string]*float64, past []*Report) *Report {
	r := &Report{Version: c.Version, KPIs: []Value{}, Actions: []Action{}}
	var prev *Report
	if len(past) > 0 {
		prev = past[0]
	}
	for _, k := range c.KPIs {
		v := Value{ID: k.ID, Name: k.Name, Owner: k.Owner, Target: k.Target.String(), P0: k.P0, Value: measures[k.Measure], Shown: "no data"}
		if v.Value != nil {
			met := k.Target.Meets(*v.Value)
			v.Met, v.Shown = &met, k.Target.Format(*v.Value)
		}
		v.Trend = make([]*float64, TrendWeeks)
		v.Trend[TrendWeeks-1] = v.Value
		for i := 0; i < TrendWeeks-1 && i < len(past); i++ {
			if past[i] != nil {
				v.Trend[TrendWeeks-2-i] = past[i].value(k.ID)
			}
		}
		if k.P0 {
			switch {
			case v.Met == nil || !*v.Met:
				r.Gate.Missing = append(r.Gate.Missing, fmt.Sprintf("%s (%s, target %s) this week", k.Name, v.Shown, v.Target))
			case prev == nil || !prev.met(k.ID):
				r.Gate.Missing = append(r.Gate.Missing, fmt.Sprintf("%s met this week but not the week before", k.Name))
			}
		}
		r.KPIs = append(r.KPIs, v)
	}
	r.Gate.Open = len(r.Gate.Missing) == 0
	if r.Gate.Missing == nil {
		r.Gate.Missing = []string{}
	}
	return r
}

func (r *Report) value(id string) *float64 {
	for _, v := range r.KPIs {
		if v.ID == id {
			return v.Value
		}
	}
	return nil
}

func (r *Report) met(id string) bool {
	for _, v := range r.KPIs {
		if v.ID == id {
			return v.Met != nil && *v.Met
		}
	}
	return false
}

// TrendText shows a trend oldest first: "55% → 58% → – → 62.5%".
func TrendText(c Catalog, v Value) string {
	var k KPI
	for _, x := range c.KPIs {
		if x.ID == v.ID {
			k = x
		}
	}
	parts := make([]string, len(v.Trend))
	for i, t := range v.Trend {
		parts[i] = "-"
		if t != nil {
			parts[i] = k.Target.Format(*t)
		}
	}
	return strings.Join(parts, " > ")
}

// Action statuses.
const (
	Open    = "open"
	Done    = "done"
	Dropped = "dropped"
)

// Action is one decision of a weekly KPI review.
type Action struct {
	ID        string     `json:"id"`
	Week      string     `json:"week"`
	KPI       string     `json:"kpi"`
	Decision  string     `json:"decision"`
	Owner     string     `json:"owner"`
	Due       string     `json:"due"`
	Status    string     `json:"status"`
	CreatedBy string     `json:"created_by"`
	CreatedAt time.Time  `json:"created_at"`
	ClosedAt  *time.Time `json:"closed_at"`
	// Overdue is computed when shown: open past its due date.
	Overdue bool `json:"overdue"`
}

// IsOverdue: open and due before the day of now (UTC).
func (a Action) IsOverdue(now time.Time) bool {
	return a.Status == Open && a.Due < now.UTC().Format(time.DateOnly)
}
