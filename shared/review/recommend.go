package review

import (
	"fmt"
	"strconv"
	"time"

	"github.com/lucian-app/phase12/shared/intent"
)

// The templates: each rule id is a class's template, its version the RuleVersion. A
// recommendation's text names every number, date and title it rests on; its action is an
// intent of the command OS that adopting runs (never a risky one: no deletes).
const (
	RuleEmptyPlan        = "empty_week.plan_one"
	RuleNewUserPlan      = "new_user.pick_three"
	RuleReturningOldest  = "returning.move_oldest"
	RuleReturningPlan    = "returning.plan_one"
	RuleOverloadedOldest = "overloaded.move_oldest"
	RuleOverloadedNever  = "overloaded.schedule_unscheduled"
	RuleDriftingBestDay  = "drifting.best_day"
	RuleSteadyReview     = "steady.weekly_review"
	RuleSteadyNever      = "steady.schedule_unscheduled"
)

// rec is a template's output before ids are given.
type rec struct {
	rule   string
	text   string
	cites  []Cite
	action intent.Intent
}

func cite(c Card, part string) Cite {
	if part == "" {
		return Cite{Card: c.ID, Value: c.Value}
	}
	p, _ := c.Part(part)
	return Cite{Card: c.ID, Part: part, Value: p.Value}
}

// dayName is "Monday 2026-12-07".
func dayName(next Week, i int) string {
	d, _ := time.Parse(time.DateOnly, next.Day(i))
	return d.Weekday().String() + " " + next.Day(i)
}

func dueText(due string) string { return due }

func recommend(f Facts, cs []Card, sit Situation, this weekStats, c carry) []rec {
	by := map[string]Card{}
	for _, x := range cs {
		by[x.ID] = x
	}
	next := f.Week.Next()
	planned, carryCard, weekday, streak := by[CardPlanned], by[CardCarry], by[CardWeekday], by[CardStreak]
	move := func(rule string, t *OpenTask, day int, why string, cites ...Cite) rec {
		when := "undated"
		if t.Due != "" {
			when = "due " + dueText(t.Due)
		}
		return rec{rule: rule,
			text:   fmt.Sprintf("%s Move %q (%s) to %s.", why, t.Title, when, dayName(next, day)),
			cites:  cites,
			action: intent.Intent{Type: intent.RescheduleTask, TaskRef: t.ID, Due: next.Day(day)}}
	}
	create := func(rule, title string, day int, text string, cites ...Cite) rec {
		return rec{rule: rule, text: text + fmt.Sprintf(" Add %q for %s.", title, dayName(next, day)), cites: cites,
			action: intent.Intent{Type: intent.CreateTask, Title: title, Due: next.Day(day)}}
	}
	switch sit.Class {
	case ClassEmpty:
		return []rec{create(RuleEmptyPlan, "Plan the week", 0,
			fmt.Sprintf("Nothing was due or done in %s: %d tasks due, %d completed.", f.Week, this.planned, this.completed), cite(planned, "planned"), cite(planned, "completed_total"))}
	case ClassNewUser:
		return []rec{create(RuleNewUserPlan, "Pick 3 tasks for the week", 0,
			fmt.Sprintf("Your first week: %d tasks completed, %d of %d due tasks on plan.", this.completed, this.onPlan, this.planned),
			cite(planned, "completed_total"), cite(planned, "completed_on_plan"), cite(planned, "planned"))}
	case ClassReturning:
		if t := c.oldestSlipped; t != nil {
			return []rec{move(RuleReturningOldest, t, 0,
				fmt.Sprintf("Welcome back: %s 4+ days past their due.", tasksWere(c.slipped)), cite(carryCard, "slipped"))}
		}
		return []rec{create(RuleReturningPlan, "Pick 3 tasks for the week", 0,
			fmt.Sprintf("Welcome back: %d tasks completed in %s.", this.completed, f.Week), cite(planned, "completed_total"))}
	case ClassOverloaded:
		var out []rec
		if t := c.oldestSlipped; t != nil {
			out = append(out, move(RuleOverloadedOldest, t, 2,
				fmt.Sprintf("%d tasks were due and %d completed on plan (%d%%); %d slipped 4+ days.", this.planned, this.onPlan, this.rate(), c.slipped),
				cite(planned, "planned"), cite(planned, "completed_on_plan"), cite(planned, ""), cite(carryCard, "slipped")))
		}
		if t := c.oldestNever; t != nil {
			out = append(out, move(RuleOverloadedNever, t, 4,
				fmt.Sprintf("%s never scheduled.", tasksWere(c.never)), cite(carryCard, "never_scheduled")))
		}
		if len(out) == 0 {
			out = append(out, create(RuleOverloadedOldest, "Choose what to drop this week", 0,
				fmt.Sprintf("%d tasks were due and %d completed on plan (%d%%).", this.planned, this.onPlan, this.rate()),
				cite(planned, "planned"), cite(planned, "completed_on_plan")))
		}
		return out
	case ClassDrifting:
		day := max(bestDay(this), 0)
		dayCite := cite(weekday, weekdays[day])
		why := fmt.Sprintf("Your on-plan rate went from %s to %d%%; %s was your best day (%d done).",
			prevRateText(planned), this.rate(), time.Weekday((day+1)%7), this.byDay[day])
		cites := []Cite{cite(planned, ""), dayCite}
		if planned.Previous != nil {
			cites = append(cites, Cite{Card: CardPlanned, Part: "previous", Value: *planned.Previous})
		}
		if t := oldestCarried(c); t != nil {
			return []rec{move(RuleDriftingBestDay, t, day, why, cites...)}
		}
		return []rec{create(RuleDriftingBestDay, "Plan the week's hardest task", day, why, cites...)}
	default:
		out := []rec{create(RuleSteadyReview, "Weekly review", 4,
			fmt.Sprintf("%d tasks completed, %d of %d due tasks on plan (%d%%), a %d-day streak.",
				this.completed, this.onPlan, this.planned, this.rate(), streakCurrent(streak)),
			cite(planned, "completed_total"), cite(planned, "completed_on_plan"), cite(planned, "planned"), cite(planned, ""),
			cite(streak, "current"))}
		if t := c.oldestNever; t != nil {
			day := max(bestDay(this), 0)
			out = append(out, move(RuleSteadyNever, t, day,
				fmt.Sprintf("%s never scheduled; %s was your best day (%d done).",
					tasksWere(c.never), time.Weekday((day+1)%7), this.byDay[day]),
				cite(carryCard, "never_scheduled"), cite(weekday, weekdays[day])))
		}
		return out
	}
}

func prevRateText(planned Card) string {
	if planned.Previous == nil {
		return "n/a"
	}
	return strconv.Itoa(*planned.Previous) + "%"
}

func streakCurrent(c Card) int {
	p, _ := c.Part("current")
	return p.Value
}

// oldestCarried is the slipped task with the oldest due, else the oldest never scheduled.
func oldestCarried(c carry) *OpenTask {
	if c.oldestSlipped != nil {
		return c.oldestSlipped
	}
	return c.oldestNever
}

// tasksWere is "1 open task was" or "3 open tasks were".
func tasksWere(n int) string {
	if n == 1 {
		return "1 open task was"
	}
	return strconv.Itoa(n) + " open tasks were"
}
