package hintguard

import (
	"fmt"
	"math"
	"time"
)

// Counter names, kept per UTC day and cohort by hint-cooldown (shared/hint).
const (
	// Shown counts hints shown (decisions with reason eligible).
	Shown = "decision_eligible"
	// UsersShown counts users shown their first hint of their day.
	UsersShown = "users_shown"
	// Dismissed counts hints dismissed (the first dismissal of each).
	Dismissed = "event_dismissed"
	// Task attempts the app reported that day, during a hint or not, and how many of each
	// were abandoned.
	AttemptsHinted  = "task_attempts_hinted"
	AbandonedHinted = "task_abandoned_hinted"
	AttemptsPlain   = "task_attempts_plain"
	AbandonedPlain  = "task_abandoned_plain"
	// RetentionNew counts, on the UTC day of a user's first POST /hints/next, the new
	// users whose Lucian setting was on then; RetentionD7 counts, on that same first day,
	// those who came back on the 7th UTC day after it. The Off variants count users whose
	// setting was off.
	RetentionNew    = "retention_new"
	RetentionD7     = "retention_d7"
	RetentionNewOff = "retention_new_off"
	RetentionD7Off  = "retention_d7_off"
)

// AttemptWindow is how long after an attempt's start a shown hint makes it "during a hint".
const AttemptWindow = 2 * time.Minute

// Counters are one cohort's counters, by name.
type Counters map[string]int64

// Metrics are the guardrail's numbers of one cohort over a day or a window.
type Metrics struct {
	Shown           int64 `json:"shown"`
	UsersShown      int64 `json:"users_shown"`
	Dismissed       int64 `json:"dismissed"`
	AttemptsHinted  int64 `json:"task_attempts_hinted"`
	AbandonedHinted int64 `json:"task_abandoned_hinted"`
	AttemptsPlain   int64 `json:"task_attempts_plain"`
	AbandonedPlain  int64 `json:"task_abandoned_plain"`
}

// MetricsOf reads the guardrail's counters.
func MetricsOf(c Counters) Metrics {
	return Metrics{Shown: c[Shown], UsersShown: c[UsersShown], Dismissed: c[Dismissed],
		AttemptsHinted: c[AttemptsHinted], AbandonedHinted: c[AbandonedHinted],
		AttemptsPlain: c[AttemptsPlain], AbandonedPlain: c[AbandonedPlain]}
}

// Add adds o to m.
func (m *Metrics) Add(o Metrics) {
	m.Shown += o.Shown
	m.UsersShown += o.UsersShown
	m.Dismissed += o.Dismissed
	m.AttemptsHinted += o.AttemptsHinted
	m.AbandonedHinted += o.AbandonedHinted
	m.AttemptsPlain += o.AttemptsPlain
	m.AbandonedPlain += o.AbandonedPlain
}

func ratio(a, b int64) *float64 {
	if b <= 0 {
		return nil
	}
	r := float64(a) / float64(b)
	return &r
}

// PerUser is hints shown per user who saw one (nil without any).
func (m Metrics) PerUser() *float64 { return ratio(m.Shown, m.UsersShown) }

// DismissRate is the share of shown hints dismissed (nil without any shown).
func (m Metrics) DismissRate() *float64 { return ratio(m.Dismissed, m.Shown) }

// AbandonHinted and AbandonPlain are the shares of attempts abandoned, during a hint and
// without one.
func (m Metrics) AbandonHinted() *float64 { return ratio(m.AbandonedHinted, m.AttemptsHinted) }

// AbandonPlain is the share of attempts without a hint that were abandoned.
func (m Metrics) AbandonPlain() *float64 { return ratio(m.AbandonedPlain, m.AttemptsPlain) }

// Drop is the task-completion drop during hints: AbandonHinted minus AbandonPlain, a
// share (0.05 is 5 percentage points more attempts left during a hint); nil when either
// side has no attempt.
func (m Metrics) Drop() *float64 {
	h, p := m.AbandonHinted(), m.AbandonPlain()
	if h == nil || p == nil {
		return nil
	}
	d := *h - *p
	return &d
}

// Rule is when a cohort's caps tighten: over the Window complete UTC days before the day,
// at least MinShown hints shown and MinAttempts attempts on each side, the dismiss rate
// above DismissRate and the drop above Drop. Both must hold: a dismissed hint that costs
// no completion is copy to improve, not frequency to cut.
type Rule struct {
	Window      int     `json:"window_days"`
	DismissRate float64 `json:"dismiss_rate"`
	Drop        float64 `json:"drop"`
	MinShown    int64   `json:"min_shown"`
	MinAttempts int64   `json:"min_attempts"`
}

// DefaultRule: over the 7 days before, more than 40% of at least 200 shown hints dismissed
// and at least 5 percentage points more of at least 30 attempts abandoned during hints than
// of at least 30 without.
func DefaultRule() Rule {
	return Rule{Window: 7, DismissRate: 0.40, Drop: 0.05, MinShown: 200, MinAttempts: 30}
}

// Verdict is one cohort's guardrail for one UTC day.
type Verdict struct {
	Cohort    string  `json:"cohort"`
	Tightened bool    `json:"tightened"`
	Window    Metrics `json:"window"`
	// From and To are the window's first and last day.
	From string `json:"from"`
	To   string `json:"to"`
	// Why says what decided, in words: the numbers against the thresholds.
	Why string `json:"why"`
}

// WindowDays are the Window UTC days before day, oldest first.
func (r Rule) WindowDays(day time.Time) []string {
	day = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
	days := make([]string, r.Window)
	for i := range days {
		days[i] = day.AddDate(0, 0, i-r.Window).Format(time.DateOnly)
	}
	return days
}

const epsilon = 1e-9

// Evaluate decides one cohort's verdict from its window's metrics.
func (r Rule) Evaluate(cohort string, w Metrics, from, to string) Verdict {
	v := Verdict{Cohort: cohort, Window: w, From: from, To: to}
	switch {
	case w.Shown < r.MinShown:
		v.Why = fmt.Sprintf("too little data: %d hints shown, the rule needs %d", w.Shown, r.MinShown)
		return v
	case w.AttemptsHinted < r.MinAttempts || w.AttemptsPlain < r.MinAttempts:
		v.Why = fmt.Sprintf("too little data: %d task attempts during hints and %d without, the rule needs %d of each",
			w.AttemptsHinted, w.AttemptsPlain, r.MinAttempts)
		return v
	}
	dr, drop := *w.DismissRate(), *w.Drop()
	// "Over" is over by more than float noise: 12/40 - 10/40 is 5 points, not a hair more.
	high, drops := dr > r.DismissRate+epsilon, drop > r.Drop+epsilon
	v.Tightened = high && drops
	cmp := func(b bool) string {
		if b {
			return ">"
		}
		return "<="
	}
	v.Why = fmt.Sprintf("dismiss rate %s %s %s, completion drop %s %s %s", Pct(dr), cmp(high), Pct(r.DismissRate),
		PP(drop), cmp(drops), PP(r.Drop))
	return v
}

// Pct writes a share as a percentage with at most one decimal.
func Pct(f float64) string {
	return trim(math.Round(f*1000)/10) + "%"
}

// PP writes a difference of shares in percentage points, signed.
func PP(f float64) string {
	s := trim(math.Round(f*1000) / 10)
	if f > 0 {
		s = "+" + s
	}
	return s + " pp"
}

func trim(f float64) string {
	if f == 0 {
		return "0" // not "-0"
	}
	return fmt.Sprintf("%g", f)
}
