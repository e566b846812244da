package digest

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/lucian-app/phase12/shared/hintguard"
)

// HintCapsTightened is the decision kind of a cohort whose hint caps the guardrail
// tightened during the week.
const HintCapsTightened = "hint_caps_tightened"

// LucianSource reads hint-cooldown's days (hintstats.Store).
type LucianSource interface {
	Day(ctx context.Context, day string) (hintguard.Day, error)
}

// LucianDigest is the week of Lucian's guardrails (issue 17): per cohort, hints shown per
// user, the dismiss rate and the task-completion drop during hints; the days and cohorts
// whose caps were tightened; D7 retention of Lucian-enabled users against the holdout.
type LucianDigest struct {
	Rule      hintguard.Rule    `json:"rule"`
	Cohorts   []LucianCohort    `json:"cohorts"`
	Days      []LucianDay       `json:"days"`
	Tightened []LucianTightened `json:"tightened"`
	Retention LucianRetention   `json:"retention"`
}

// LucianRates are a Metrics' rates, null without data.
type LucianRates struct {
	PerUser       *float64 `json:"hints_per_user"`
	DismissRate   *float64 `json:"dismiss_rate"`
	AbandonHinted *float64 `json:"abandon_rate_hinted"`
	AbandonPlain  *float64 `json:"abandon_rate_plain"`
	Drop          *float64 `json:"completion_drop"`
}

func ratesOf(m hintguard.Metrics) LucianRates {
	return LucianRates{PerUser: m.PerUser(), DismissRate: m.DismissRate(), AbandonHinted: m.AbandonHinted(),
		AbandonPlain: m.AbandonPlain(), Drop: m.Drop()}
}

// LucianCohort is one cohort's week. PerUser is per user-day: hints shown over the users
// shown one, day by day.
type LucianCohort struct {
	Cohort string `json:"cohort"`
	hintguard.Metrics
	Rates         LucianRates `json:"rates"`
	TightenedDays int         `json:"tightened_days"`
}

// LucianDay is one cohort's day.
type LucianDay struct {
	Day    string `json:"day"`
	Cohort string `json:"cohort"`
	hintguard.Metrics
	Rates     LucianRates `json:"rates"`
	Tightened bool        `json:"tightened"`
}

// LucianTightened is a run of consecutive days a cohort's caps were tightened, with the
// first day's reason.
type LucianTightened struct {
	Cohort string `json:"cohort"`
	From   string `json:"from"`
	To     string `json:"to"`
	Days   int    `json:"days"`
	Why    string `json:"why"`
	Window string `json:"window"`
}

// LucianRetention is D7 retention of the users first seen in the week before the digest's
// (their 7th day falls in the digest's week, so every one of them has had it): Lucian-enabled
// users of the treated arms against the holdout's users with Lucian on.
type LucianRetention struct {
	From    string              `json:"from"`
	To      string              `json:"to"`
	Enabled hintguard.Retention `json:"enabled"`
	Holdout hintguard.Retention `json:"holdout"`
	// EnabledRate and HoldoutRate are D7/New; Lift their difference.
	EnabledRate *float64 `json:"enabled_rate"`
	HoldoutRate *float64 `json:"holdout_rate"`
	Lift        *float64 `json:"lift"`
}

// holdout is the holdout's cohort name (hint.ArmHoldout; the digest does not link hint).
const holdout = "holdout"

// buildLucian reads the week's seven days and the seven before (14 Queries) and what they
// ask of the ops lead.
func buildLucian(ctx context.Context, src LucianSource, w Week, rule hintguard.Rule) (*LucianDigest, []Decision, error) {
	out := &LucianDigest{Rule: rule, Cohorts: []LucianCohort{}, Days: []LucianDay{}, Tightened: []LucianTightened{}}
	week := map[string]*LucianCohort{}
	runs := map[string]*LucianTightened{}
	ended := []LucianTightened{}
	for i := range 7 {
		day := w.Start().AddDate(0, 0, i).Format(time.DateOnly)
		d, err := src.Day(ctx, day)
		if err != nil {
			return nil, nil, fmt.Errorf("read hint counters of %s: %w", day, err)
		}
		verdicts := map[string]hintguard.Verdict{}
		for _, v := range d.Verdicts {
			verdicts[v.Cohort] = v
		}
		cohorts := map[string]bool{}
		for c := range d.Counters {
			cohorts[c] = true
		}
		for c := range verdicts {
			cohorts[c] = true
		}
		for _, c := range sortedKeys(cohorts) {
			m := hintguard.MetricsOf(d.Counters[c])
			v := verdicts[c]
			out.Days = append(out.Days, LucianDay{Day: day, Cohort: c, Metrics: m, Rates: ratesOf(m), Tightened: v.Tightened})
			if week[c] == nil {
				week[c] = &LucianCohort{Cohort: c}
			}
			week[c].Metrics.Add(m)
			if v.Tightened {
				week[c].TightenedDays++
			}
		}
		// Runs of tightened days per cohort, with the reason of each run's first day.
		for _, c := range sortedKeys(cohorts) {
			v, r := verdicts[c], runs[c]
			switch {
			case v.Tightened && r == nil:
				runs[c] = &LucianTightened{Cohort: c, From: day, To: day, Days: 1, Why: v.Why, Window: v.From + " to " + v.To}
			case v.Tightened:
				r.To, r.Days = day, r.Days+1
			case r != nil:
				ended, runs[c] = append(ended, *r), nil
			}
		}
		for c, r := range runs {
			if r != nil && !cohorts[c] {
				ended, runs[c] = append(ended, *r), nil
			}
		}
	}
	for _, r := range runs {
		if r != nil {
			ended = append(ended, *r)
		}
	}
	sort.Slice(ended, func(i, j int) bool {
		if ended[i].Cohort != ended[j].Cohort {
			return ended[i].Cohort < ended[j].Cohort
		}
		return ended[i].From < ended[j].From
	})
	out.Tightened = ended
	for _, c := range sortedKeys(week) {
		lc := week[c]
		lc.Rates = ratesOf(lc.Metrics)
		out.Cohorts = append(out.Cohorts, *lc)
	}

	// D7: the users first seen in the week before, counted on their first days.
	r := &out.Retention
	for i := range 7 {
		day := w.Start().AddDate(0, 0, i-7).Format(time.DateOnly)
		if i == 0 {
			r.From = day
		}
		r.To = day
		d, err := src.Day(ctx, day)
		if err != nil {
			return nil, nil, fmt.Errorf("read hint counters of %s: %w", day, err)
		}
		for c, counters := range d.Counters {
			if c == holdout {
				r.Holdout.Add(hintguard.RetentionOf(counters, true))
			} else {
				r.Enabled.Add(hintguard.RetentionOf(counters, true))
			}
		}
	}
	r.EnabledRate, r.HoldoutRate = r.Enabled.Rate(), r.Holdout.Rate()
	if r.EnabledRate != nil && r.HoldoutRate != nil {
		lift := *r.EnabledRate - *r.HoldoutRate
		r.Lift = &lift
	}

	var decide []Decision
	for _, c := range out.Cohorts {
		if c.TightenedDays == 0 {
			continue
		}
		var why []string
		for _, t := range out.Tightened {
			if t.Cohort == c.Cohort {
				why = append(why, fmt.Sprintf("%s (%s, over %s)", dayRange(t.From, t.To), t.Why, t.Window))
			}
		}
		decide = append(decide, Decision{Kind: HintCapsTightened, Flow: "hint-cooldown", Objective: c.Cohort,
			Message: fmt.Sprintf("Lucian's hint caps were tightened for cohort %s on %s: %s; simplify the copy, or keep the tighter caps",
				c.Cohort, plural(c.TightenedDays, "day", "days"), strings.Join(why, "; "))})
	}
	return out, decide, nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// dayRange writes "Wed 25 Nov" or "Wed 25 Nov to Sun 29 Nov".
func dayRange(from, to string) string {
	f := func(s string) string {
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return s
		}
		return t.Format("Mon 2 Jan")
	}
	if from == to {
		return f(from)
	}
	return f(from) + " to " + f(to)
}

// pctOr writes a share, or what stands for no data.
func pctOr(f *float64, none string) string {
	if f == nil {
		return none
	}
	return hintguard.Pct(*f)
}

// lucianText is the digest's Lucian section, one line per cohort and one per tightening.
func lucianText(l *LucianDigest) []string {
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	add("LUCIAN (hint-cooldown)")
	if len(l.Cohorts) == 0 {
		add("No hint decisions this week.")
	}
	for _, c := range l.Cohorts {
		if c.Shown == 0 {
			add("%s: no hints shown", c.Cohort)
			continue
		}
		perUser := "n/a"
		if c.Rates.PerUser != nil {
			perUser = fmt.Sprintf("%.2f", *c.Rates.PerUser)
		}
		drop := "drop n/a"
		if c.Rates.Drop != nil {
			drop = "drop " + hintguard.PP(*c.Rates.Drop)
		}
		add("%s: %s shown, %s per user a day; %s dismissed; task attempts left %s during hints (%s) vs %s without (%s): %s",
			c.Cohort, thousands(uint64(c.Shown)), perUser, pctOr(c.Rates.DismissRate, "n/a"),
			pctOr(c.Rates.AbandonHinted, "n/a"), plural64(uint64(c.AttemptsHinted), "attempt", "attempts"),
			pctOr(c.Rates.AbandonPlain, "n/a"), plural64(uint64(c.AttemptsPlain), "attempt", "attempts"), drop)
	}
	if len(l.Tightened) == 0 {
		add("Caps tightened: none (the rule: over the %d days before, dismiss rate over %s and completion drop over %s).",
			l.Rule.Window, hintguard.Pct(l.Rule.DismissRate), hintguard.PP(l.Rule.Drop))
	}
	for _, t := range l.Tightened {
		add("Caps tightened for %s on %s: %s over %s.", t.Cohort, dayRange(t.From, t.To), t.Why, t.Window)
	}
	r := l.Retention
	lift := ""
	if r.Lift != nil {
		lift = ": " + hintguard.PP(*r.Lift)
	}
	add("D7 retention of users first seen %s: Lucian enabled %s (%d of %d), holdout %s (%d of %d)%s",
		dayRange(r.From, r.To), pctOr(r.EnabledRate, "n/a"), r.Enabled.D7, r.Enabled.New,
		pctOr(r.HoldoutRate, "n/a"), r.Holdout.D7, r.Holdout.New, lift)
	return out
}
