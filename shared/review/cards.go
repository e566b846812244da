package review

import (
	"slices"
	"time"

	"github.com/lucian-app/phase12/shared/intent"
)

// Carry-over: an open task counts once it is OverdueDays or more overdue at the week's
// end (a due on Wednesday or earlier), or, undated, was created that long before it.
const OverdueDays = 4

// weekStats are one week's numbers read from the facts.
type weekStats struct {
	planned, onPlan, completed int
	byDay                      [7]int
	executed, undone, refused  int
}

// active reports whether the user did anything in the week.
func (s weekStats) active() bool { return s.completed > 0 || s.executed > 0 || s.planned > 0 }

// rate is the on-plan completion rate in whole percent (half up); 0 when nothing was planned.
func (s weekStats) rate() int { return percent(s.onPlan, s.planned) }

func percent(n, d int) int {
	if d == 0 {
		return 0
	}
	return (200*n + d) / (2 * d)
}

// statsOf counts week w. Planned are the tasks due in w that were completed in w or later
// (up to the facts' end) or are still open; on plan are those completed within w.
func statsOf(f Facts, w Week) weekStats {
	var s weekStats
	for _, c := range f.Completions {
		in := w.DayIndex(c.At)
		if in >= 0 {
			s.completed++
			s.byDay[in]++
		}
		if c.Due != "" && w.Due(c.Due) && !c.At.Before(w.Start()) {
			s.planned++
			if in >= 0 {
				s.onPlan++
			}
		}
	}
	for _, t := range f.Open {
		if t.Due != "" && w.Due(t.Due) {
			s.planned++
		}
	}
	risky := 0
	for _, c := range f.Commands {
		if w.DayIndex(c.At) < 0 {
			continue
		}
		switch c.Outcome {
		case "executed":
			s.executed++
			if c.Type == intent.DeleteTask || c.Type == intent.DeleteGoal {
				risky--
			}
		case "undone":
			s.undone++
		case "confirmation_required":
			risky++
		}
	}
	// A confirmation asked for and never followed by the delete it guarded was refused.
	s.refused = max(risky, 0)
	return s
}

// carry is the carry-over at the end of w: slipped (due OverdueDays+ before the end) and
// never scheduled (undated, created that long before), with the oldest of each.
type carry struct {
	slipped, never             int
	oldestSlipped, oldestNever *OpenTask
}

func carryOf(f Facts, w Week) carry {
	cut := w.dayStart(7 - OverdueDays)
	lastDate := w.monday().AddDate(0, 0, 7-OverdueDays-1).Format(time.DateOnly)
	var c carry
	for i := range f.Open {
		t := &f.Open[i]
		if t.Due == "" {
			if t.CreatedAt.Before(cut) {
				c.never++
				if c.oldestNever == nil || older(*t, *c.oldestNever) {
					c.oldestNever = t
				}
			}
			continue
		}
		if overdue(t.Due, lastDate, cut) {
			c.slipped++
			if c.oldestSlipped == nil || dueBefore(*t, *c.oldestSlipped) {
				c.oldestSlipped = t
			}
		}
	}
	return c
}

func overdue(due, lastDate string, cut time.Time) bool {
	if _, err := time.Parse(time.DateOnly, due); err == nil {
		return due <= lastDate
	}
	t, err := time.Parse(time.RFC3339, due)
	return err == nil && t.Before(cut)
}

func older(a, b OpenTask) bool {
	if !a.CreatedAt.Equal(b.CreatedAt) {
		return a.CreatedAt.Before(b.CreatedAt)
	}
	return a.ID < b.ID
}

// dueBefore orders by due (a date as the start of its day in UTC: only the oldest is
// wanted, and ties fall to the id).
func dueBefore(a, b OpenTask) bool {
	da, db := dueKey(a.Due), dueKey(b.Due)
	if !da.Equal(db) {
		return da.Before(db)
	}
	return a.ID < b.ID
}

func dueKey(due string) time.Time {
	if d, err := time.Parse(time.DateOnly, due); err == nil {
		return d
	}
	t, _ := time.Parse(time.RFC3339, due)
	return t
}

// goalStats counts goals at the end of w.
type goalStats struct{ total, dated, passed, soon int }

func goalsOf(f Facts, w Week) goalStats {
	end, soon := w.Day(6), w.monday().AddDate(0, 0, 7+28).Format(time.DateOnly)
	var g goalStats
	for _, x := range f.Goals {
		g.total++
		if x.TargetDate == "" {
			continue
		}
		g.dated++
		switch {
		case x.TargetDate <= end:
			g.passed++
		case x.TargetDate < soon:
			g.soon++
		}
	}
	return g
}

// streak is the run of days with a completion ending on the week's Sunday (current) and
// the longest run known (best). A run that fills the week continues the previous review's
// current streak; without a previous review, last week's days from the facts stand in.
func streakOf(f Facts, this, prev weekStats) (current, best int) {
	tail := func(days [7]int) int {
		n := 0
		for i := 6; i >= 0 && days[i] > 0; i-- {
			n++
		}
		return n
	}
	longest := func(days [7]int) int {
		n, m := 0, 0
		for _, d := range days {
			if d > 0 {
				n++
				m = max(m, n)
			} else {
				n = 0
			}
		}
		return m
	}
	current = tail(this.byDay)
	best = longest(this.byDay)
	if p := f.History.Prev; p != nil {
		if c, ok := p.Card(CardStreak); ok {
			pc, _ := c.Part("current")
			pb, _ := c.Part("best")
			if current == 7 {
				current += pc.Value
			}
			best = max(best, pb.Value)
		}
	} else {
		if current == 7 {
			current += tail(prev.byDay)
		}
		best = max(best, longest(prev.byDay))
	}
	return current, max(best, current)
}

func ptr(n int) *int { return &n }

func delta(v int, prev *int) *int {
	if prev == nil {
		return nil
	}
	return ptr(v - *prev)
}

// prevPart is the previous review's value of a card's part, nil without one.
func prevPart(f Facts, card, part string) *int {
	if f.History.Prev == nil {
		return nil
	}
	c, ok := f.History.Prev.Card(card)
	if !ok {
		return nil
	}
	if part == "" {
		return ptr(c.Value)
	}
	p, ok := c.Part(part)
	if !ok {
		return nil
	}
	return ptr(p.Value)
}

var weekdays = [7]string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}

// cards are the evidence of the week, in a fixed order.
func cards(f Facts, this, prev weekStats, c carry, g goalStats, current, best int) []Card {
	w := f.Week
	week := Window{From: w.Start(), To: w.End()}
	card := func(id, title, metric, unit string, value int, previous *int, win Window, parts ...Part) Card {
		if parts == nil {
			parts = []Part{}
		}
		return Card{ID: id, Title: title, Metric: metric, Unit: unit, Value: value, Previous: previous,
			Delta: delta(value, previous), Window: win, Parts: parts}
	}
	var prevRate *int
	if prev.planned > 0 {
		prevRate = ptr(prev.rate())
	}
	out := []Card{
		card(CardPlanned, "Planned vs completed",
			"on-plan rate: tasks due this week and completed this week, of all tasks due this week (completed then, later, or still open)",
			"percent", this.rate(), prevRate, week,
			Part{"planned", this.planned, ptr(prev.planned)},
			Part{"completed_on_plan", this.onPlan, ptr(prev.onPlan)},
			Part{"completed_total", this.completed, ptr(prev.completed)}),
	}
	carryParts := []Part{{"slipped", c.slipped, prevPart(f, CardCarry, "slipped")},
		{"never_scheduled", c.never, prevPart(f, CardCarry, "never_scheduled")}}
	cc := card(CardCarry, "Carry-over",
		"open tasks overdue 4+ days at the week's end (slipped: had a due; never scheduled: undated, created 4+ days before)",
		"tasks", c.slipped+c.never, prevPart(f, CardCarry, ""), week, carryParts...)
	cc.AtLeast = f.Truncated
	out = append(out, cc)
	days := make([]Part, 7)
	for i := range days {
		days[i] = Part{weekdays[i], this.byDay[i], ptr(prev.byDay[i])}
	}
	out = append(out, card(CardWeekday, "Completion by weekday", "tasks completed per day of the week, in the user's zone",
		"tasks", this.completed, ptr(prev.completed), week, days...))
	out = append(out, card(CardGoals, "Goal progress",
		"goals with a target date that has passed by the week's end (of all goals; dated; due in the next 4 weeks)",
		"goals", g.passed, prevPart(f, CardGoals, ""), week,
		Part{"total", g.total, prevPart(f, CardGoals, "total")},
		Part{"dated", g.dated, prevPart(f, CardGoals, "dated")},
		Part{"due_within_4_weeks", g.soon, prevPart(f, CardGoals, "due_within_4_weeks")}))
	out = append(out, card(CardStreak, "Streak", "consecutive days with at least one completion, ending on the week's Sunday",
		"days", current, prevPart(f, CardStreak, "current"), week,
		Part{"current", current, prevPart(f, CardStreak, "current")},
		Part{"best", best, prevPart(f, CardStreak, "best")}))
	out = append(out, card(CardCommands, "Command use",
		"intents executed through the command OS (undos and refused confirmations beside)",
		"intents", this.executed, ptr(prev.executed), week,
		Part{"executed", this.executed, ptr(prev.executed)},
		Part{"undone", this.undone, ptr(prev.undone)},
		Part{"confirmations_refused", this.refused, ptr(prev.refused)}))
	return out
}

// bestDay is the weekday with the most completions (the earliest on a tie), -1 if none.
func bestDay(s weekStats) int {
	i := slices.Index(s.byDay[:], slices.Max(s.byDay[:]))
	if s.byDay[i] == 0 {
		return -1
	}
	return i
}
