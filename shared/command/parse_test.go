package command

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // tests must not depend on the machine's zoneinfo
	"unicode/utf16"

	"github.com/lucian-app/phase12/shared/intent"
)

// Defaults for the table: a Wednesday morning in Berlin.
const (
	defaultTZ  = "Europe/Berlin"
	defaultRef = "2026-11-25 10:30"
)

func task(title, due string, priority int, project string) intent.Intent {
	if priority == 0 {
		priority = 4
	}
	return intent.Intent{Type: intent.CreateTask, Title: title, Due: due, Priority: priority, Project: project}
}

func goal(title, target string) intent.Intent {
	return intent.Intent{Type: intent.CreateGoal, Title: title, TargetDate: target}
}

func complete(ref string) intent.Intent {
	return intent.Intent{Type: intent.CompleteTask, TaskRef: ref}
}

func resched(ref, due string) intent.Intent {
	return intent.Intent{Type: intent.RescheduleTask, TaskRef: ref, Due: due}
}

func delTask(ref string) intent.Intent { return intent.Intent{Type: intent.DeleteTask, TaskRef: ref} }

func delGoal(ref string) intent.Intent { return intent.Intent{Type: intent.DeleteGoal, GoalRef: ref} }

type parseCase struct {
	text string
	tz   string // "" means defaultTZ
	ref  string // "" means defaultRef; "YYYY-MM-DD HH:MM" in tz, or RFC 3339
	want intent.Intent
	warn []string
	err  string // when set, Parse must fail with this *ParseError message
}

func mustLoad(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("LoadLocation(%q): %v", name, err)
	}
	return loc
}

func (c parseCase) setup(t testing.TB) (*time.Location, time.Time) {
	t.Helper()
	tz, ref := c.tz, c.ref
	if tz == "" {
		tz = defaultTZ
	}
	if ref == "" {
		ref = defaultRef
	}
	return zoneAndRef(t, tz, ref)
}

// zoneAndRef loads tz and reads ref: RFC 3339, or "2006-01-02 15:04" in tz.
func zoneAndRef(t testing.TB, tz, ref string) (*time.Location, time.Time) {
	t.Helper()
	loc := mustLoad(t, tz)
	var r time.Time
	var err error
	if strings.Contains(ref, "T") {
		r, err = time.Parse(time.RFC3339, ref)
	} else {
		r, err = time.ParseInLocation("2006-01-02 15:04", ref, loc)
	}
	if err != nil {
		t.Fatalf("bad ref %q: %v", ref, err)
	}
	return loc, r
}

var parseCases = []parseCase{
	// The examples in DESIGN.md.
	{text: "add buy milk tomorrow 9am p1 #groceries", want: task("buy milk", "2026-11-26T09:00:00+01:00", 1, "groceries")},
	{text: "new goal run a marathon by june 30", want: goal("run a marathon", "2027-06-30")},
	{text: "done buy milk", want: complete("buy milk")},
	{text: "move dentist to friday 3pm", want: resched("dentist", "2026-11-27T15:00:00+01:00")},
	{text: "delete task old draft", want: delTask("old draft")},

	// Command words.
	{text: "buy milk", want: task("buy milk", "", 0, "")},
	{text: "Add Buy Milk", want: task("Buy Milk", "", 0, "")},
	{text: "new call the bank", want: task("call the bank", "", 0, "")},
	{text: "create task file taxes", want: task("file taxes", "", 0, "")},
	{text: "ADD TASK Email Bob", want: task("Email Bob", "", 0, "")},
	{text: "goal learn Spanish", want: goal("learn Spanish", "")},
	{text: "create goal read 20 books", want: goal("read 20 books", "")},
	{text: "add goal save money by dec 31", want: goal("save money", "2026-12-31")},
	{text: "New Goal Ship v2 by 2027-03-01", want: goal("Ship v2", "2027-03-01")},
	{text: "complete quarterly report", want: complete("quarterly report")},
	{text: "finish essay", want: complete("essay")},
	{text: "Done: Buy Milk", want: complete("Buy Milk")},
	{text: "complete task t_123", want: complete("t_123")},
	{text: "mark buy milk done", want: complete("buy milk")},
	{text: "mark the report as complete", want: complete("the report")},
	{text: "mark exams", want: task("mark exams", "", 0, "")},
	{text: "reschedule dentist to tomorrow", want: resched("dentist", "2026-11-26")},
	{text: "move task dentist to dec 3 at 10am", want: resched("dentist", "2026-12-03T10:00:00+01:00")},
	{text: "move 3pm call to 4pm", want: resched("3pm call", "2026-11-25T16:00:00+01:00")},
	{text: "move trip to rome to monday", want: resched("trip to rome", "2026-11-30")},
	{text: "reschedule standup friday 9:15", want: resched("standup", "2026-11-27T09:15:00+01:00")},
	{text: "remove old draft", want: delTask("old draft")},
	{text: "delete goal learn piano", want: delGoal("learn piano")},
	{text: "Remove Goal Learn Piano", want: delGoal("Learn Piano")},
	{text: "delete t_9f2", want: delTask("t_9f2")},

	// Unparseable text.
	{text: "", err: "text is empty"},
	{text: "   \t ", err: "text is empty"},
	{text: "done", err: `"done" needs a task, e.g. "done buy milk"`},
	{text: "done task", err: `"done" needs a task, e.g. "done buy milk"`},
	{text: "finish", err: `"finish" needs a task, e.g. "finish buy milk"`},
	{text: "move dentist", err: `"move" needs a task and a new date, e.g. "move dentist to friday 3pm" (to add a task, start with "add")`},
	{text: "move boxes to garage", err: `"move" needs a task and a new date, e.g. "move dentist to friday 3pm" (to add a task, start with "add")`},
	{text: "move to friday", err: `"move" needs a task and a new date, e.g. "move dentist to friday 3pm" (to add a task, start with "add")`},
	{text: "reschedule x to feb 30", err: `"reschedule" needs a new date: could not place "feb 30"`},
	{text: "delete", err: `"delete" needs a task, e.g. "delete old draft"`},
	{text: "remove task", err: `"remove task" needs a task, e.g. "remove task old draft"`},
	{text: "delete goal", err: `"delete goal" needs a goal, e.g. "delete goal run a marathon"`},
	{text: "add task", err: `the task needs a title, e.g. "add buy milk tomorrow 9am"`},
	{text: "tomorrow 9am", err: `the task needs a title, e.g. "add buy milk tomorrow 9am"`},
	{text: "new goal", err: `the goal needs a title, e.g. "new goal run a marathon by june 30"`},
	{text: "goal by friday", err: `the goal needs a title, e.g. "new goal run a marathon by june 30"`},
	{text: "mark as done", err: `"mark" needs a task, e.g. "mark buy milk done"`},
	{text: strings.Repeat("a", 1001), err: "text is over 1000 characters"},
	{text: "buy \xff milk", err: "text is not valid UTF-8"},
	{text: strings.Repeat("ab ", 200), err: "title: over 500 characters"},
	{text: "add \x00", err: "title: must not contain control characters"},

	// Relative days.
	{text: "call mom today", want: task("call mom", "2026-11-25", 0, "")},
	{text: "call mom tomorrow", want: task("call mom", "2026-11-26", 0, "")},
	{text: "call mom tmrw", want: task("call mom", "2026-11-26", 0, "")},
	{text: "party tonight", want: task("party", "2026-11-25T19:00:00+01:00", 0, "")},
	{text: "party tonight at 8pm", want: task("party", "2026-11-25T20:00:00+01:00", 0, "")},
	{text: "Tomorrow: call mom", want: task("call mom", "2026-11-26", 0, "")},
	{text: "call mom, tomorrow.", want: task("call mom", "2026-11-26", 0, "")},

	// Weekdays from Wednesday 25 Nov: always the coming one.
	{text: "gym monday", want: task("gym", "2026-11-30", 0, "")},
	{text: "gym tue", want: task("gym", "2026-12-01", 0, "")},
	{text: "gym wednesday", want: task("gym", "2026-12-02", 0, "")},
	{text: "gym thu", want: task("gym", "2026-11-26", 0, "")},
	{text: "gym thurs", want: task("gym", "2026-11-26", 0, "")},
	{text: "gym fri", want: task("gym", "2026-11-27", 0, "")},
	{text: "gym saturday", want: task("gym", "2026-11-28", 0, "")},
	{text: "gym sunday", want: task("gym", "2026-11-29", 0, "")},
	{text: "gym next friday", want: task("gym", "2026-11-27", 0, "")},
	{text: "gym this friday", want: task("gym", "2026-11-27", 0, "")},
	{text: "gym on friday", want: task("gym", "2026-11-27", 0, "")},
	{text: "gym Next Wednesday", want: task("gym", "2026-12-02", 0, "")},
	{text: "sit in the sun", want: task("sit in the sun", "", 0, "")},
	{text: "brunch on sun", want: task("brunch", "2026-11-29", 0, "")},
	{text: "brunch sun 11am", want: task("brunch", "2026-11-29T11:00:00+01:00", 0, "")},
	{text: "sat exam prep", want: task("sat exam prep", "", 0, "")},
	{text: "got wed", want: task("got wed", "", 0, "")},
	{text: "report due wed", want: task("report", "2026-12-02", 0, "")},

	// In N days, weeks, months.
	{text: "water plants in 3 days", want: task("water plants", "2026-11-28", 0, "")},
	{text: "renew passport in 2 weeks", want: task("renew passport", "2026-12-09", 0, "")},
	{text: "review in a week", want: task("review", "2026-12-02", 0, "")},
	{text: "dentist in one month", want: task("dentist", "2026-12-25", 0, "")},
	{text: "check in 3 months", want: task("check", "2027-02-25", 0, "")},
	{text: "x in 0 days", want: task("x", "2026-11-25", 0, "")},
	{text: "stay in touch", want: task("stay in touch", "", 0, "")},
	{text: "x in 9999 days", want: task("x in 9999 days", "", 0, ""), warn: []string{`could not place "in 9999 days"`}},
	{text: "in 2 weeks 9am standup", want: task("standup", "2026-12-09T09:00:00+01:00", 0, "")},

	// Month and day, either order; a date gone by this year means next year.
	{text: "pay rent dec 1", want: task("pay rent", "2026-12-01", 0, "")},
	{text: "pay rent on dec 1", want: task("pay rent", "2026-12-01", 0, "")},
	{text: "pay rent 5 jan", want: task("pay rent", "2027-01-05", 0, "")},
	{text: "pay rent jan 5th", want: task("pay rent", "2027-01-05", 0, "")},
	{text: "party december 3", want: task("party", "2026-12-03", 0, "")},
	{text: "party 3rd of december", want: task("party", "2026-12-03", 0, "")},
	{text: "party the 3rd of december", want: task("party", "2026-12-03", 0, "")},
	{text: "x nov 25", want: task("x", "2026-11-25", 0, "")},
	{text: "x nov 24", want: task("x", "2027-11-24", 0, "")},
	{text: "x Sept 9", want: task("x", "2027-09-09", 0, "")},
	{text: "x dec 1, 2027", want: task("x", "2027-12-01", 0, "")},
	{text: "x dec 1 2025", want: task("x", "2025-12-01", 0, ""), warn: []string{`"dec 1 2025" is in the past`}},
	{text: "x feb 29", want: task("x", "2028-02-29", 0, "")},
	{text: "pay rent feb 30", want: task("pay rent feb 30", "", 0, ""), warn: []string{`could not place "feb 30"`}},
	{text: "x apr 31", want: task("x apr 31", "", 0, ""), warn: []string{`could not place "apr 31"`}},
	{text: "x jan 45", want: task("x jan 45", "", 0, ""), warn: []string{`could not place "jan 45"`}},
	{text: "call mom about may trip", want: task("call mom about may trip", "", 0, "")},
	{text: "march", want: task("march", "", 0, "")},
	{text: "march madness", want: task("march madness", "", 0, "")},
	{text: "monthly report review", want: task("monthly report review", "", 0, ""),
		warn: []string{`kept "monthly" in the title; to repeat, write "every month"`}},
	{text: "may 5 dinner", want: task("dinner", "2027-05-05", 0, "")},
	{text: "by june 30 finish thesis", want: task("finish thesis", "2027-06-30", 0, "")},

	// ISO dates are taken as written.
	{text: "launch 2026-12-01", want: task("launch", "2026-12-01", 0, "")},
	{text: "launch on 2027-01-15 at 14:00", want: task("launch", "2027-01-15T14:00:00+01:00", 0, "")},
	{text: "launch 2026-02-30", want: task("launch 2026-02-30", "", 0, ""), warn: []string{`could not place "2026-02-30"`}},
	{text: "launch 2026-11-01", want: task("launch", "2026-11-01", 0, ""), warn: []string{`"2026-11-01" is in the past`}},

	// Ordinal days: the next such day of a month, today included.
	{text: "pay bills the 1st", want: task("pay bills", "2026-12-01", 0, "")},
	{text: "pay bills on the 15th", want: task("pay bills", "2026-12-15", 0, "")},
	{text: "pay bills on the 25th", want: task("pay bills", "2026-11-25", 0, "")},
	{text: "pay bills the 31st", want: task("pay bills", "2026-12-31", 0, "")},
	{text: "1st place trophy", want: task("1st place trophy", "", 0, "")},
	{text: "pay by 20th", want: task("pay", "2026-12-20", 0, "")},

	// Times at 10:30: alone they mean today if still ahead, else tomorrow.
	{text: "call 9am", want: task("call", "2026-11-26T09:00:00+01:00", 0, "")},
	{text: "call 3pm", want: task("call", "2026-11-25T15:00:00+01:00", 0, "")},
	{text: "call 3 pm", want: task("call", "2026-11-25T15:00:00+01:00", 0, "")},
	{text: "call at 3:30pm", want: task("call", "2026-11-25T15:30:00+01:00", 0, "")},
	{text: "call 15:00", want: task("call", "2026-11-25T15:00:00+01:00", 0, "")},
	{text: "call at noon", want: task("call", "2026-11-25T12:00:00+01:00", 0, "")},
	{text: "call midnight", want: task("call", "2026-11-26T00:00:00+01:00", 0, "")},
	{text: "call 10:30", want: task("call", "2026-11-26T10:30:00+01:00", 0, "")},
	{text: "call 10:31", want: task("call", "2026-11-25T10:31:00+01:00", 0, "")},
	{text: "call 12am", want: task("call", "2026-11-26T00:00:00+01:00", 0, "")},
	{text: "call 12pm", want: task("call", "2026-11-25T12:00:00+01:00", 0, "")},
	{text: "call 9 a.m.", want: task("call", "2026-11-26T09:00:00+01:00", 0, "")},
	{text: "call at 7:05AM", want: task("call", "2026-11-26T07:05:00+01:00", 0, "")},
	{text: "call 13pm", want: task("call 13pm", "", 0, ""), warn: []string{`could not place "13pm"`}},
	{text: "call 24:00", want: task("call 24:00", "", 0, ""), warn: []string{`could not place "24:00"`}},
	{text: "meet at the station", want: task("meet at the station", "", 0, "")},
	{text: "read chapter 4", want: task("read chapter 4", "", 0, "")},
	{text: "call 9am tomorrow", want: task("call", "2026-11-26T09:00:00+01:00", 0, "")},
	{text: "friday at 3pm call", want: task("call", "2026-11-27T15:00:00+01:00", 0, "")},
	{text: "call today 9am", want: task("call", "2026-11-25T09:00:00+01:00", 0, ""), warn: []string{`"today 9am" is in the past`}},

	// Priorities and projects.
	{text: "x p1", want: task("x", "", 1, "")},
	{text: "x P2", want: task("x", "", 2, "")},
	{text: "x !3", want: task("x", "", 3, "")},
	{text: "x p4", want: task("x", "", 4, "")},
	{text: "x priority 2", want: task("x", "", 2, "")},
	{text: "x p1 p2", want: task("x", "", 1, ""), warn: []string{"ignored extra priority p2"}},
	{text: "x p5", want: task("x p5", "", 0, ""), warn: []string{`could not place "p5"`}},
	{text: "x #work", want: task("x", "", 0, "work")},
	{text: "x #Work-Stuff,", want: task("x", "", 0, "Work-Stuff")},
	{text: "fix bug #123", want: task("fix bug #123", "", 0, "")},
	{text: "x #work #home", want: task("x", "", 0, "work"), warn: []string{"ignored extra project #home"}},
	{text: "C# tutorial", want: task("C# tutorial", "", 0, "")},

	// Goals take a date only.
	{text: "new goal run a marathon by june 30 9am", want: goal("run a marathon", "2027-06-30"),
		warn: []string{`ignored time "9am": create_goal takes no time`}},
	{text: "goal read more p1 #books", want: goal("read more", ""),
		warn: []string{"ignored priority p1: create_goal takes no priority", "ignored project #books: create_goal takes no project"}},
	{text: "goal learn piano in 3 months", want: goal("learn piano", "2027-02-25")},
	{text: "goal x by 2020-01-01", want: goal("x", "2020-01-01"), warn: []string{`"2020-01-01" is in the past`}},

	// References take no dates, priorities or projects.
	{text: "done buy milk tomorrow", want: complete("buy milk"), warn: []string{`ignored date "tomorrow": complete_task takes no date`}},
	{text: "done buy milk at 5pm p1", want: complete("buy milk"),
		warn: []string{`ignored time "5pm": complete_task takes no time`, "ignored priority p1: complete_task takes no priority"}},
	{text: "delete task old draft #work", want: delTask("old draft"), warn: []string{"ignored project #work: delete_task takes no project"}},
	{text: "done p1", want: complete("p1")},
	{text: "delete tomorrow", want: delTask("tomorrow")},
	{text: "move dentist to friday afternoon", want: resched("dentist", "2026-11-27T15:00:00+01:00")},
	{text: "move dentist to friday p1", want: resched("dentist", "2026-11-27"), warn: []string{"ignored priority p1: reschedule_task takes no priority"}},
	{text: "move dentist to sat", want: resched("dentist", "2026-11-28")},

	// Extras.
	{text: "x tomorrow friday", want: task("x", "2026-11-26", 0, ""), warn: []string{`ignored extra date "friday"`}},
	{text: "x 9am 5pm", want: task("x", "2026-11-26T09:00:00+01:00", 0, ""), warn: []string{`ignored extra time "5pm"`}},
	{text: "x tomorrow on friday", want: task("x", "2026-11-26", 0, ""), warn: []string{`ignored extra date "friday"`}},

	// Double quotes keep words literal.
	{text: `"new york" trip`, want: task("new york trip", "", 0, "")},
	{text: `add "call at 9am" tomorrow`, want: task("call at 9am", "2026-11-26", 0, "")},
	{text: `"done" list`, want: task("done list", "", 0, "")},
	{text: `done "meeting on friday"`, want: complete("meeting on friday")},
	{text: `x "unclosed tomorrow`, want: task(`x "unclosed`, "2026-11-26", 0, "")},

	// Other zones, same local reference time.
	{tz: "UTC", text: "add buy milk tomorrow 9am", want: task("buy milk", "2026-11-26T09:00:00+00:00", 0, "")},
	{tz: "America/New_York", text: "call 3pm", want: task("call", "2026-11-25T15:00:00-05:00", 0, "")},
	{tz: "America/New_York", text: "move dentist to friday 3pm", want: resched("dentist", "2026-11-27T15:00:00-05:00")},
	{tz: "Asia/Tokyo", text: "call tomorrow 9am", want: task("call", "2026-11-26T09:00:00+09:00", 0, "")},
	{tz: "Asia/Tokyo", text: "x today", want: task("x", "2026-11-25", 0, "")},
	{tz: "Australia/Sydney", text: "call friday 9am", want: task("call", "2026-11-27T09:00:00+11:00", 0, "")},
	{tz: "Australia/Sydney", text: "call 9am", want: task("call", "2026-11-26T09:00:00+11:00", 0, "")},
	// The reference instant is read in the user's zone, whatever zone it came in.
	{tz: "Asia/Tokyo", ref: "2026-11-25T20:00:00Z", text: "x today", want: task("x", "2026-11-26", 0, "")},
	{tz: "America/New_York", ref: "2026-11-26T03:00:00Z", text: "x tomorrow", want: task("x", "2026-11-26", 0, "")},

	// DST: the wall time stays, the offset changes.
	{tz: "America/New_York", ref: "2026-03-07 10:00", text: "call tomorrow 9am", want: task("call", "2026-03-08T09:00:00-04:00", 0, "")},
	{tz: "America/New_York", ref: "2026-03-07 10:00", text: "call 9am", want: task("call", "2026-03-08T09:00:00-04:00", 0, "")},
	{tz: "America/New_York", ref: "2026-03-07 10:00", text: "call tomorrow 2:30am", want: task("call", "2026-03-08T03:30:00-04:00", 0, ""),
		warn: []string{`"2:30am" does not exist on 2026-03-08 in America/New_York (clock change); using 03:30`}},
	{tz: "America/New_York", ref: "2026-10-31 10:00", text: "call tomorrow 9am", want: task("call", "2026-11-01T09:00:00-05:00", 0, "")},
	{tz: "Europe/Berlin", ref: "2026-10-24 10:00", text: "call tomorrow 9am", want: task("call", "2026-10-25T09:00:00+01:00", 0, "")},
	{tz: "Europe/Berlin", ref: "2026-10-24 10:00", text: "call today 3pm", want: task("call", "2026-10-24T15:00:00+02:00", 0, "")},
	{tz: "Europe/Berlin", ref: "2026-03-28 10:00", text: "call in 2 days 9am", want: task("call", "2026-03-30T09:00:00+02:00", 0, "")},
	{tz: "Australia/Sydney", ref: "2026-04-04 10:00", text: "call tomorrow 9am", want: task("call", "2026-04-05T09:00:00+10:00", 0, "")},
	{tz: "Australia/Sydney", ref: "2026-10-03 10:00", text: "call tomorrow 9am", want: task("call", "2026-10-04T09:00:00+11:00", 0, "")},

	// Year rollover.
	{tz: "UTC", ref: "2026-12-30 10:00", text: "x jan 5", want: task("x", "2027-01-05", 0, "")},
	{tz: "UTC", ref: "2026-12-02 10:00", text: "x dec 1", want: task("x", "2027-12-01", 0, "")},
	{tz: "UTC", ref: "2026-12-31 10:00", text: "x tomorrow", want: task("x", "2027-01-01", 0, "")},
	{tz: "UTC", ref: "2026-12-31 10:00", text: "x the 1st", want: task("x", "2027-01-01", 0, "")},
	{tz: "UTC", ref: "2026-12-31 10:00", text: "x friday", want: task("x", "2027-01-01", 0, "")},
	{tz: "UTC", ref: "2026-12-31 23:00", text: "x 9am", want: task("x", "2027-01-01T09:00:00+00:00", 0, "")},
	{tz: "UTC", ref: "2026-12-30 10:00", text: "x in 1 week", want: task("x", "2027-01-06", 0, "")},
	{tz: "UTC", ref: "2027-01-31 10:00", text: "x in 1 month", want: task("x", "2027-02-28", 0, "")},
}

func TestParse(t *testing.T) {
	for _, c := range parseCases {
		name := c.tz + "/" + c.text
		t.Run(name, func(t *testing.T) {
			loc, ref := c.setup(t)
			got, warnings, err := Parse(c.text, loc, ref)
			if warnings == nil {
				t.Errorf("warnings are nil, want a non-nil slice")
			}
			if c.err != "" {
				var pe *ParseError
				if !errors.As(err, &pe) {
					t.Fatalf("Parse(%q) error = %v (%T), want *ParseError %q", c.text, err, err, c.err)
				}
				if pe.Message != c.err {
					t.Errorf("Parse(%q) error\n got %s\nwant %s", c.text, pe.Message, c.err)
				}
				if !reflect.DeepEqual(got, intent.Intent{}) {
					t.Errorf("failed Parse returned intent %+v", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q) error = %v", c.text, err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("Parse(%q)\n got %+v\nwant %+v", c.text, got, c.want)
			}
			want := c.warn
			if want == nil {
				want = []string{}
			}
			if !reflect.DeepEqual(warnings, want) {
				t.Errorf("Parse(%q) warnings\n got %q\nwant %q", c.text, warnings, want)
			}
			if err := got.Validate(); err != nil {
				t.Errorf("intent does not validate: %v", err)
			}
		})
	}
	if len(parseCases) < 130 {
		t.Errorf("only %d cases", len(parseCases))
	}
}

func TestParseNilLocationIsUTC(t *testing.T) {
	ref := time.Date(2026, 11, 25, 10, 30, 0, 0, time.UTC)
	got, _, err := Parse("call tomorrow 9am", nil, ref)
	if err != nil {
		t.Fatal(err)
	}
	if want := task("call", "2026-11-26T09:00:00+00:00", 0, ""); !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

// TestParseDeterministic runs every table input again, with the reference
// instant expressed in another zone, and expects identical results.
func TestParseDeterministic(t *testing.T) {
	for _, c := range parseCases {
		loc, ref := c.setup(t)
		in1, w1, err1 := Parse(c.text, loc, ref)
		for _, r := range []time.Time{ref, ref.UTC(), ref.In(mustLoad(t, "Asia/Tokyo"))} {
			in2, w2, err2 := Parse(c.text, loc, r)
			if !reflect.DeepEqual(in1, in2) || !reflect.DeepEqual(w1, w2) || !reflect.DeepEqual(err1, err2) {
				t.Errorf("Parse(%q) not deterministic:\n%+v %q %v\n%+v %q %v", c.text, in1, w1, err1, in2, w2, err2)
			}
		}
	}
}

var fuzzZones = []string{"UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Sydney", "Australia/Lord_Howe", "Asia/Kolkata"}

func FuzzParse(f *testing.F) {
	seeds := []string{
		"add buy milk tomorrow 9am p1 #groceries",
		"new goal run a marathon by june 30",
		"done buy milk",
		"move dentist to friday 3pm",
		"delete task old draft",
		"delete goal learn piano",
		"mark the report as done",
		"reschedule standup friday 9:15",
		"move 3pm call to 4pm",
		"x p1 p2 #a #b tomorrow friday 9am 5pm",
		"pay rent feb 30",
		"x feb 29",
		"pay bills on the 31st",
		"party the 3rd of december 2027",
		"launch on 2027-01-15 at 14:00",
		"x in 3 months",
		"x in 99999999999999999999 days",
		"call 12:30 a.m.",
		"call 13pm 25:00 0:00",
		"brunch sun 11am",
		`"new york" trip`,
		`x "unclosed`,
		`""`,
		`"`,
		"done",
		"move",
		"#",
		"##x",
		"p0 !9 priority 7",
		"",
		"  \t\n ",
		"buy \xff milk",
		"add \x00",
		"to to to to friday",
		"the the 1st of of jan",
		// Issue 15: the v3 grammar.
		"submit report the day after tomorrow",
		"water plants every monday",
		"dentist 15.12. 14:00",
		"review PR in 2 hours",
		"plan trip next week @home @work",
		"pay rent end of month",
		"read book this weekend",
		"set priority of buy milk to p1",
		"rename task foo to bar",
		"snooze buy milk until monday",
		"push x by 2 days",
		"what's due today",
		"standup every weekday 9am, every other friday",
		"x every year on feb 29 every 31st",
		"x 03/04 12/24/2026 2027/1/5 31.12. 1.1.28",
		"call tonight at 8 tomorrow evening at 5 o'clock",
		"Zahnarzt morgen um 9 Uhr abends",
		"Müll jeden zweiten Montag und Donnerstag 7:30",
		"verschiebe x um 3 Tage auf Freitag nach #y",
		"benenne a in b um",
		"setze Priorität von x auf 5",
		"was ist überfällig",
		"Miete jeden Monat am 31. Ende des Monats",
		"alle 0 Tage jedes Jahr am 30.2.",
		"x @ @3pm @a@b 🙂 @😀 ünïcödé 🙂 tomorrow",
	}
	for i, s := range seeds {
		f.Add(s, uint8(i), int64(i)*86_400*37+3_600*int64(i))
	}
	f.Fuzz(func(t *testing.T, text string, zone uint8, refOffset int64) {
		loc, err := time.LoadLocation(fuzzZones[int(zone)%len(fuzzZones)])
		if err != nil {
			t.Fatal(err)
		}
		// Any reference time between about 1875 and 2165.
		ref := time.Unix(1_700_000_000+refOffset%4_500_000_000, 0)
		// The zone byte also picks the language and the date order.
		o := Options{Loc: loc, Ref: ref, Language: []Language{English, German}[zone/16%2],
			DateOrder: []DateOrder{"", DMY, MDY, YMD}[zone/32%4]}
		r, err := Read(text, o)
		if r.Warnings == nil || r.Entities == nil {
			t.Fatalf("Read(%q) warnings %v or entities %v are nil", text, r.Warnings, r.Entities)
		}
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Read(%q) error %v is %T, want *ParseError", text, err, err)
			}
			return
		}
		in := r.Intent
		if verr := in.Validate(); verr != nil {
			t.Fatalf("Read(%q) = %+v, which does not validate: %v", text, in, verr)
		}
		if n := in.Normalize(); !reflect.DeepEqual(n, in) {
			t.Fatalf("Read(%q) = %+v, not normalized (%+v)", text, in, n)
		}
		checkEntities(t, text, r.Entities)
		r2, err2 := Read(text, o)
		if err2 != nil || !reflect.DeepEqual(r2, r) {
			t.Fatalf("Read(%q) not deterministic: %+v, then %+v %v", text, r, r2, err2)
		}
		if o.Language == English && o.DateOrder == "" {
			in3, w3, err3 := Parse(text, loc, ref)
			if err3 != nil || !reflect.DeepEqual(in3, in) || !reflect.DeepEqual(w3, r.Warnings) {
				t.Fatalf("Parse(%q) differs from Read in English: %+v %q %v", text, in3, w3, err3)
			}
		}
	})
}

// checkEntities wants every entity inside the text, its Text exactly the
// text between its UTF-16 offsets, and the entities in order without
// overlapping.
func checkEntities(t *testing.T, text string, es []intent.Entity) {
	t.Helper()
	units := utf16.Encode([]rune(text))
	end := 0
	for _, e := range es {
		if e.Start < end || e.End <= e.Start || e.End > len(units) {
			t.Fatalf("entities of %q out of order or bounds: %+v", text, es)
		}
		if got := string(utf16.Decode(units[e.Start:e.End])); got != e.Text {
			t.Fatalf("entity %+v of %q: offsets hold %q", e, text, got)
		}
		end = e.End
	}
}

func BenchmarkParse(b *testing.B) {
	loc := mustLoad(b, "Europe/Berlin")
	ref := time.Date(2026, 11, 25, 10, 30, 0, 0, loc)
	inputs := []string{
		"add buy milk tomorrow 9am p1 #groceries",
		"new goal run a marathon by june 30",
		"done buy milk",
		"move dentist to friday 3pm",
		"delete task old draft",
		"call mom about may trip",
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, _, err := Parse(inputs[i%len(inputs)], loc, ref); err != nil {
			b.Fatal(err)
		}
	}
}
