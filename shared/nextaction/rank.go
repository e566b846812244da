package nextaction

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/lucian-app/phase12/shared/tasks"
)

// Versions of what decides an answer. The same candidates, statistics, time and
// versions give the same answer.
const (
	// RulesVersion: the deterministic rules (tiers, priority, days overdue, a goal's
	// target date near). rules-1 had no goal rule.
	RulesVersion = "rules-2"
	// TieBreakVersion: the personal tie-breakers (habit, size, postponed) and their
	// weights.
	TieBreakVersion = "tiebreak-1"
	// Version is both, as GET /tasks/next reports it.
	Version = RulesVersion + "+" + TieBreakVersion
)

// Rule names, as reasons carry them.
const (
	RuleOverdue   = "overdue"
	RuleDueSoon   = "due_soon"
	RuleDueToday  = "due_today"
	RulePriority  = "priority"
	RuleGoalNear  = "goal_near"
	RuleNext      = "today_order"
	RuleHabit     = "habit"
	RuleSize      = "size"
	RulePostponed = "postponed"
)

// Thresholds of the rules and tie-breakers (rules-2, tiebreak-1).
const (
	// GoalNearDays: a task whose goal's target date is today or within this many days
	// scores GoalNearPoints more (two priority steps: it reorders tasks of one tier, never
	// lifts a task into a higher tier).
	GoalNearDays   = 14
	GoalNearPoints = 20
	// DueSoon: a task due within this is "due soon".
	DueSoon = 2 * time.Hour
	// MaxOverdueDays caps the days-overdue points, so a long-forgotten task does not
	// outrank a higher priority one overdue since yesterday.
	MaxOverdueDays = 7
	// PostponedAfter: a task postponed this often meets the postponed tie-breaker.
	PostponedAfter = 3
	// Habit and size reasons need this much (decayed) evidence in the slot.
	minEvidence = 2.0
	// ...and this share of the key's (or the slot's) completions: "usually", "mostly".
	minShare = 0.5
	// A user's peak slot needs this many completions overall.
	minPeak = 5.0
	// Tie-breaker weights on the log scale: habit lift, size lift, postponed.
	postponedWeight = 1.0
)

// Reason is one sentence the app can show, and the rule it comes from.
type Reason struct {
	Rule string `json:"rule"`
	Text string `json:"text"`
}

// Suggestion is one task to do now. Score orders suggestions: its whole part is the
// rules' (tier, priority, days overdue), its fraction (-0.5 to 0.5) the tie-breakers'.
type Suggestion struct {
	Task    tasks.Task `json:"task"`
	Score   float64    `json:"score"`
	Reasons []Reason   `json:"reasons"`
}

// Input is everything a ranking depends on.
type Input struct {
	Now time.Time
	Loc *time.Location
	// Candidates are open tasks of the today view (due today, overdue, undated).
	Candidates []tasks.Task
	Stats      Stats
	// Holdout serves the rules alone: no tie-breaker, no personal reason.
	Holdout bool
	// Dismissed are ids of tasks the user dismissed from a suggestion today.
	Dismissed map[string]bool
	// Goals are the candidates' goals by id (those found); a task whose goal is not
	// here has no goal rule.
	Goals map[string]tasks.Goal
	Limit int
}

type ranked struct {
	s        Suggestion
	rule     int
	personal float64
	due      time.Time
}

// Rank returns at most in.Limit suggestions, best first: by the rules' score, then the
// tie-breakers (not in the holdout), then the today order (due, priority, age, id).
func Rank(in Input) []Suggestion {
	local := in.Now.In(in.Loc)
	today := local.Format(time.DateOnly)
	slotNow := SlotOf(local)
	var list []ranked
	for _, t := range in.Candidates {
		if t.Completed || in.Dismissed[t.ID] {
			continue
		}
		r := rules(t, in.Now, in.Loc, today, in.Goals)
		if !in.Holdout {
			p, reasons := tieBreak(t, in.Stats, slotNow)
			r.personal = math.Round(p*1e4) / 1e4
			r.s.Reasons = append(r.s.Reasons, reasons...)
		}
		if len(r.s.Reasons) == 0 {
			r.s.Reasons = []Reason{{Rule: RuleNext, Text: "It is next in your today list."}}
		}
		r.s.Score = float64(r.rule) + r.personal
		list = append(list, r)
	}
	order := tasks.TodayOrder(in.Loc)
	slices.SortFunc(list, func(a, b ranked) int {
		return cmp.Or(cmp.Compare(b.rule, a.rule), cmp.Compare(b.personal, a.personal), order(a.s.Task, b.s.Task))
	})
	out := make([]Suggestion, 0, min(len(list), max(in.Limit, 0)))
	for i := 0; i < len(list) && i < in.Limit; i++ {
		out = append(out, list[i].s)
	}
	return out
}

// rules scores t by rules-2: a tier (overdue 400, due within DueSoon 300, due later
// today 200, no due 100), plus 10 per priority step above p4, plus one per day overdue
// up to MaxOverdueDays, plus GoalNearPoints when its goal's target date is from today to
// GoalNearDays ahead. Tasks with equal scores are ties: same tier, same priority, the
// same goal points and, overdue, the same due date.
func rules(t tasks.Task, now time.Time, loc *time.Location, today string, goals map[string]tasks.Goal) ranked {
	r := ranked{s: Suggestion{Task: t}}
	prio := ""
	if t.Priority < tasks.DefaultPriority {
		prio = fmt.Sprintf("P%d, ", t.Priority)
	}
	tier := 100
	if t.Due != nil {
		due, ok := tasks.DueInstant(*t.Due, loc)
		dateOnly := len(*t.Due) == len(time.DateOnly)
		dueDay := due.In(loc).Format(time.DateOnly)
		switch {
		case !ok:
		case dueDay < today || !dateOnly && !due.After(now):
			tier = 400
			days := daysBetween(dueDay, today)
			r.rule += min(days, MaxOverdueDays)
			r.s.Reasons = append(r.s.Reasons, Reason{Rule: RuleOverdue, Text: lower(prio) + overdueText(due.In(loc), dateOnly, dueDay == today)})
		case !dateOnly && due.Sub(now) <= DueSoon:
			tier = 300
			mins := int(math.Ceil(due.Sub(now).Minutes()))
			r.s.Reasons = append(r.s.Reasons, Reason{Rule: RuleDueSoon,
				Text: fmt.Sprintf("%sdue at %s, in %s.", prio, due.In(loc).Format("15:04"), minutesText(mins))})
		default:
			tier = 200
			text := prio + "due today."
			if !dateOnly {
				text = fmt.Sprintf("%sdue today at %s.", prio, due.In(loc).Format("15:04"))
			}
			r.s.Reasons = append(r.s.Reasons, Reason{Rule: RuleDueToday, Text: text})
		}
		r.due = due
	}
	if tier == 100 && t.Priority < tasks.DefaultPriority {
		r.s.Reasons = append(r.s.Reasons, Reason{Rule: RulePriority,
			Text: fmt.Sprintf("You marked it p%d, and nothing due is waiting.", t.Priority)})
	}
	r.rule += tier + (tasks.DefaultPriority-t.Priority)*10
	if text, ok := goalNear(t, goals, today); ok {
		r.rule += GoalNearPoints
		r.s.Reasons = append(r.s.Reasons, Reason{Rule: RuleGoalNear, Text: text})
	}
	for i := range r.s.Reasons {
		r.s.Reasons[i].Text = capitalize(r.s.Reasons[i].Text)
	}
	return r
}

// goalNear is the goal rule's reason when t's goal has a target date from today to
// GoalNearDays ahead (a passed target date is not near: the goal needs a new date, which
// the weekly review suggests, not more tasks today).
func goalNear(t tasks.Task, goals map[string]tasks.Goal, today string) (string, bool) {
	if t.GoalID == nil {
		return "", false
	}
	g, ok := goals[*t.GoalID]
	if !ok || g.TargetDate == nil {
		return "", false
	}
	target, err := time.Parse(time.DateOnly, *g.TargetDate)
	if err != nil || *g.TargetDate < today {
		return "", false
	}
	days := daysBetween(today, *g.TargetDate)
	if days > GoalNearDays {
		return "", false
	}
	when := fmt.Sprintf("due on %s, in %d days", target.Format("2 Jan"), days)
	switch days {
	case 0:
		when = "due today"
	case 1:
		when = fmt.Sprintf("due on %s, tomorrow", target.Format("2 Jan"))
	}
	return fmt.Sprintf("It serves your goal '%s', %s.", g.Title, when), true
}

func overdueText(due time.Time, dateOnly, today bool) string {
	switch {
	case today:
		return "overdue since " + due.Format("15:04") + " today."
	case dateOnly:
		return "overdue since " + due.Format("Monday 2 January") + "."
	}
	return "overdue since " + due.Format("Monday 2 January, 15:04") + "."
}

func minutesText(m int) string {
	switch {
	case m <= 1:
		return "a minute"
	case m < 60:
		return fmt.Sprintf("%d minutes", m)
	case m == 60:
		return "an hour"
	case m%60 == 0:
		return fmt.Sprintf("%d hours", m/60)
	}
	return fmt.Sprintf("%d h %d min", m/60, m%60)
}

// daysBetween counts calendar days from a to b (YYYY-MM-DD), DST-proof.
func daysBetween(a, b string) int {
	ta, _ := time.Parse(time.DateOnly, a)
	tb, _ := time.Parse(time.DateOnly, b)
	return int(tb.Sub(ta).Hours() / 24)
}

func lower(s string) string { return strings.ToLower(s) }

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// tieBreak is tiebreak-1: the log-lift of t's best habit key in the slot, plus the
// log-lift of its size class in the slot, plus or minus postponedWeight for a task
// postponed PostponedAfter times or more (plus in the user's peak slot, minus
// elsewhere), squashed into (-0.5, 0.5) so it never outweighs a rule. With no history
// every lift is 1 and the result 0.
func tieBreak(t tasks.Task, st Stats, s int) (float64, []Reason) {
	bySlot, all := st.slotTotals()
	// The slot's share of all completions, smoothed towards 1/Slots.
	base := (bySlot[s] + 1) / (all + Slots)
	var x float64
	var reasons []Reason
	// Habit: the key whose completions fall most in this slot, relative to base.
	best, bestKey, bestShare, bestN := math.Inf(-1), Key{}, 0.0, 0.0
	for _, k := range KeysOf(t) {
		row := st.Keys[k.bucket()]
		var n float64
		for _, v := range row {
			n += v
		}
		share := (row[s] + 2*base) / (n + 2)
		if l := math.Log(share / base); l > best {
			best, bestKey, bestShare, bestN = l, k, share, row[s]
		}
	}
	if !math.IsInf(best, -1) {
		x += best
		if bestN >= minEvidence && bestShare >= minShare {
			reasons = append(reasons, Reason{Rule: RuleHabit,
				Text: fmt.Sprintf("You usually finish %s tasks on %s.", bestKey.Phrase(), SlotName(s))})
		}
	}
	// Size: the share of this slot's completions in t's size class.
	c := SizeOf(t)
	var inSlot float64
	for i := range st.Sizes {
		inSlot += st.Sizes[i][s]
	}
	q := (st.Sizes[c][s] + 1) / (inSlot + 3)
	x += math.Log(3 * q)
	if st.Sizes[c][s] >= minEvidence && q >= minShare {
		reasons = append(reasons, Reason{Rule: RuleSize,
			Text: fmt.Sprintf("On %s you mostly finish %s tasks.", SlotName(s), sizeWords[c])})
	}
	// Postponed: surfaced in the user's peak slot, demoted elsewhere.
	if t.Postponed >= PostponedAfter {
		peak := -1
		if all >= minPeak {
			peak = 0
			for i := range bySlot {
				if bySlot[i] > bySlot[peak] {
					peak = i
				}
			}
		}
		if peak == s {
			x += postponedWeight
			reasons = append(reasons, Reason{Rule: RulePostponed, Text: fmt.Sprintf(
				"You have postponed this %d times, and %s are when you finish the most: a good time to do it.", t.Postponed, SlotName(s))})
		} else {
			x -= postponedWeight
			reasons = append(reasons, Reason{Rule: RulePostponed, Text: fmt.Sprintf(
				"You have postponed this %d times, so tasks you are likelier to finish now come first.", t.Postponed)})
		}
	}
	return 1/(1+math.Exp(-x)) - 0.5, reasons
}
