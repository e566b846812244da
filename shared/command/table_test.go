package command

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	rrule "github.com/teambition/rrule-go"

	"github.com/lucian-app/phase12/shared/intent"
	"github.com/lucian-app/phase12/shared/recur"
)

// readCase is one text read with Read. Every want was worked out by hand
// from the calendar: Tuesday 1 December 2026, 10:00 in Berlin unless the
// case says otherwise. DST changes used below: Europe 28 March and 31
// October 2027, New York 14 March and 7 November 2027, Sydney 4 April and
// 3 October 2027.
type readCase struct {
	lang  Language  // "" means English
	order DateOrder // "" means the language's default
	tz    string    // "" means Europe/Berlin
	ref   string    // "" means "2026-12-01 10:00" in tz
	text  string
	want  intent.Intent
	warn  []string
	err   string
}

func tsk(title, due string) intent.Intent {
	return intent.Intent{Type: intent.CreateTask, Title: title, Due: due, Priority: 4}
}

func rep(title, due, rule string) intent.Intent {
	in := tsk(title, due)
	in.Recurrence = rule
	return in
}

func withLabels(in intent.Intent, labels ...string) intent.Intent {
	in.Labels = labels
	return in
}

func withPrio(in intent.Intent, p int, project string) intent.Intent {
	in.Priority, in.Project = p, project
	return in
}

func shifted(ref, shift string) intent.Intent {
	return intent.Intent{Type: intent.RescheduleTask, TaskRef: ref, Shift: shift}
}

func renamed(ref, title string) intent.Intent {
	return intent.Intent{Type: intent.RenameTask, TaskRef: ref, Title: title}
}

func prio(ref string, p int) intent.Intent {
	return intent.Intent{Type: intent.SetPriority, TaskRef: ref, Priority: p}
}

func moved(ref, project string) intent.Intent {
	return intent.Intent{Type: intent.MoveTask, TaskRef: ref, Project: project}
}

func query(rng string) intent.Intent { return intent.Intent{Type: intent.QueryTasks, Range: rng} }

const (
	weekdaysRule = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
	enMust       = `a question needs a range: today, tomorrow, overdue or this week, e.g. "what's due today"`
	deMust       = `a question needs a range: heute, morgen, überfällig or diese Woche, e.g. "was ist heute fällig"`
)

var de = German

var readCases = []readCase{
	// --- English, dates (point 1) ---
	{text: "submit report the day after tomorrow", want: tsk("submit report", "2026-12-03")},
	{text: "submit report day after tomorrow", want: tsk("submit report", "2026-12-03")},
	{text: "call the day after tomorrow at 3pm", want: tsk("call", "2026-12-03T15:00:00+01:00")},
	{text: "plan trip next week", want: tsk("plan trip", "2026-12-07")},
	{text: "plan trip next week 9am", want: tsk("plan trip", "2026-12-07T09:00:00+01:00")},
	{text: "read book this weekend", want: tsk("read book", "2026-12-05")},
	{text: "read book next weekend", want: tsk("read book", "2026-12-12")},
	{text: "read book coming weekend", want: tsk("read book", "2026-12-05")},
	{text: "hike over the weekend", want: tsk("hike", "2026-12-05")},
	{text: "hike on the weekend", want: tsk("hike", "2026-12-05")},
	{text: "plan the weekend", want: tsk("plan the weekend", ""),
		warn: []string{`kept "weekend" in the title; for a date, write "this weekend" or "next weekend"`}},
	{text: "pay rent end of month", want: tsk("pay rent", "2026-12-31")},
	{text: "pay rent end of the month", want: tsk("pay rent", "2026-12-31")},
	{text: "pay rent end of this month", want: tsk("pay rent", "2026-12-31")},
	{text: "pay rent eom", want: tsk("pay rent", "2026-12-31")},
	{text: "pay rent end of next month", want: tsk("pay rent", "2027-01-31")},
	{text: "renew next month", want: tsk("renew", "2027-01-01")},
	{text: "taxes next year", want: tsk("taxes", "2027-01-01")},
	{text: "x in 2 years", want: tsk("x", "2028-12-01")},
	{text: "x in 11 years", want: tsk("x in 11 years", ""), warn: []string{`could not place "in 11 years"`}},
	{text: "review PR in 2 hours", want: tsk("review PR", "2026-12-01T12:00:00+01:00")},
	{text: "review PR in 30 minutes", want: tsk("review PR", "2026-12-01T10:30:00+01:00")},
	{text: "review PR in an hour", want: tsk("review PR", "2026-12-01T11:00:00+01:00")},
	{text: "review PR in 90 min", want: tsk("review PR", "2026-12-01T11:30:00+01:00")},
	{text: "review PR in 2h", want: tsk("review PR", "2026-12-01T12:00:00+01:00")},
	{text: "review PR in 45min", want: tsk("review PR", "2026-12-01T10:45:00+01:00")},
	{text: "review PR in 20 hours", want: tsk("review PR", "2026-12-02T06:00:00+01:00")},
	{text: "call in 2 hours tomorrow", want: tsk("call", "2026-12-01T12:00:00+01:00"), warn: []string{`ignored extra date "tomorrow"`}},
	{text: "call in 2 hours at 5pm", want: tsk("call", "2026-12-01T12:00:00+01:00"), warn: []string{`ignored extra time "5pm"`}},
	{ref: "2026-12-01 10:17", text: "x in 1 hour", want: tsk("x", "2026-12-01T11:17:00+01:00")},
	{ref: "2026-12-01T10:17:42+01:00", text: "x in 1 hour", want: tsk("x", "2026-12-01T11:17:00+01:00")},

	// Dayparts: morning 09:00, noon 12:00, afternoon 15:00, evening and tonight 19:00.
	{text: "call mom this morning", want: tsk("call mom", "2026-12-01T09:00:00+01:00"), warn: []string{`"this morning" is in the past`}},
	{text: "call mom this afternoon", want: tsk("call mom", "2026-12-01T15:00:00+01:00")},
	{text: "call mom this evening", want: tsk("call mom", "2026-12-01T19:00:00+01:00")},
	{text: "call mom tonight", want: tsk("call mom", "2026-12-01T19:00:00+01:00")},
	{text: "call mom tonight at 8", want: tsk("call mom", "2026-12-01T20:00:00+01:00")},
	{text: "call mom tonight 9pm", want: tsk("call mom", "2026-12-01T21:00:00+01:00")},
	{text: "call mom tonight at 7am", want: tsk("call mom", "2026-12-01T07:00:00+01:00"),
		warn: []string{`ignored extra time "tonight"`, `"tonight 7am" is in the past`}},
	{text: "call mom tomorrow morning", want: tsk("call mom", "2026-12-02T09:00:00+01:00")},
	{text: "call mom tomorrow afternoon", want: tsk("call mom", "2026-12-02T15:00:00+01:00")},
	{text: "call mom tomorrow evening", want: tsk("call mom", "2026-12-02T19:00:00+01:00")},
	{text: "call mom tomorrow night", want: tsk("call mom", "2026-12-02T19:00:00+01:00")},
	{text: "call mom tomorrow morning at 8", want: tsk("call mom", "2026-12-02T08:00:00+01:00")},
	{text: "call mom friday evening at 8", want: tsk("call mom", "2026-12-04T20:00:00+01:00")},
	{text: "call mom friday evening 7:30", want: tsk("call mom", "2026-12-04T19:30:00+01:00")},
	{text: "meeting in the morning", want: tsk("meeting", "2026-12-02T09:00:00+01:00")},
	{text: "meeting in the afternoon", want: tsk("meeting", "2026-12-01T15:00:00+01:00")},
	{text: "run at night", want: tsk("run", "2026-12-01T19:00:00+01:00")},
	{text: "lunch at noon tomorrow", want: tsk("lunch", "2026-12-02T12:00:00+01:00")},
	{text: "morning run", want: tsk("morning run", ""),
		warn: []string{`kept "morning" in the title; for a time, write "tomorrow morning", "this morning" or "at 9am"`}},
	{text: "evening walk", want: tsk("evening walk", ""),
		warn: []string{`kept "evening" in the title; for a time, write "this evening" or "at 7pm"`}},
	{text: "date night", want: tsk("date night", "")},

	// An hour without am/pm is not guessed.
	{text: "call mom at 5", want: tsk("call mom at 5", ""), warn: []string{`could not place "at 5": write "5am" or "5pm"`}},
	{text: "call mom at five", want: tsk("call mom at five", ""), warn: []string{`could not place "at five": write "5am" or "5pm"`}},
	{text: "call mom at 5 o'clock", want: tsk("call mom at 5 o'clock", ""), warn: []string{`could not place "at 5 o'clock": write "5am" or "5pm"`}},
	{text: "call mom tomorrow at 5", want: tsk("call mom at 5", "2026-12-02"), warn: []string{`could not place "at 5": write "5am" or "5pm"`}},
	{text: "dinner at 19", want: tsk("dinner", "2026-12-01T19:00:00+01:00")},
	{text: "dinner at 19 tomorrow", want: tsk("dinner", "2026-12-02T19:00:00+01:00")},
	{text: "call @3pm", want: tsk("call", "2026-12-01T15:00:00+01:00")},
	{text: "call @ 3pm", want: tsk("call", "2026-12-01T15:00:00+01:00")},

	// Numeric dates: dots are day first; slashes follow the date order.
	{text: "dentist 15.12. 14:00", want: tsk("dentist", "2026-12-15T14:00:00+01:00")},
	{text: "dentist 1.1.", want: tsk("dentist", "2027-01-01")},
	{text: "dentist 31.12.2027", want: tsk("dentist", "2027-12-31")},
	{text: "dentist 31.12.27", want: tsk("dentist", "2027-12-31")},
	{text: "x 29.2.", want: tsk("x", "2028-02-29")},
	{text: "x 30.2.", want: tsk("x 30.2.", ""), warn: []string{`could not place "30.2"`}},
	{text: "dentist 32.12.", want: tsk("dentist 32.12.", ""), warn: []string{`could not place "32.12"`}},
	{text: "x 15.12.2025", want: tsk("x", "2025-12-15"), warn: []string{`"15.12.2025" is in the past`}},
	{text: "pay 24.12 euros", want: tsk("pay 24.12 euros", "")},
	{text: "dentist 12/24", want: tsk("dentist", "2026-12-24")},
	{text: "dentist 12/24/2027", want: tsk("dentist", "2027-12-24")},
	{text: "dentist 12/24/26", want: tsk("dentist", "2026-12-24")},
	{text: "dentist 24/12/2026", want: tsk("dentist", "2026-12-24")},
	{text: "dentist 2027/1/5", want: tsk("dentist", "2027-01-05")},
	{text: "dentist 03/04", want: tsk("dentist", "2027-03-04"),
		warn: []string{`"03/04" could be 4 March or 3 April; read as 4 March (date order MDY)`}},
	{text: "x 1/2", want: tsk("x", "2027-01-02"), warn: []string{`"1/2" could be 2 January or 1 February; read as 2 January (date order MDY)`}},
	{text: "x 5/5", want: tsk("x", "2027-05-05")},
	{text: "x 02/29", want: tsk("x", "2028-02-29")},
	{text: "x 2/30", want: tsk("x 2/30", ""), warn: []string{`could not place "2/30"`}},
	{text: "dentist 13/14", want: tsk("dentist 13/14", ""), warn: []string{`could not place "13/14"`}},
	{text: "x 12/1", want: tsk("x", "2026-12-01"), warn: []string{`"12/1" could be 1 December or 12 January; read as 1 December (date order MDY)`}},
	{order: DMY, text: "dentist 03/04", want: tsk("dentist", "2027-04-03"),
		warn: []string{`"03/04" could be 3 April or 4 March; read as 3 April (date order DMY)`}},
	{order: DMY, text: "dentist 24/12", want: tsk("dentist", "2026-12-24")},
	{order: DMY, text: "dentist 12/24", want: tsk("dentist", "2026-12-24")},
	{order: DMY, text: "dentist 5/1/2027", want: tsk("dentist", "2027-01-05"),
		warn: []string{`"5/1/2027" could be 5 January or 1 May; read as 5 January (date order DMY)`}},
	{order: YMD, text: "x 03/04", want: tsk("x", "2027-03-04"),
		warn: []string{`"03/04" could be 4 March or 3 April; read as 4 March (date order YMD)`}},
	{order: YMD, text: "x 2027/03/04", want: tsk("x", "2027-03-04")},

	// Labels (point 3).
	{text: "standup tomorrow 9:30am @work", want: withLabels(tsk("standup", "2026-12-02T09:30:00+01:00"), "work")},
	{text: "x @home @work", want: withLabels(tsk("x", ""), "home", "work")},
	{text: "x @work @home", want: withLabels(tsk("x", ""), "home", "work")},
	{text: "x @Work @work", want: withLabels(tsk("x", ""), "Work")},
	{text: "x @errands, tomorrow", want: withLabels(tsk("x", "2026-12-02"), "errands")},
	{text: "email bob@example.com", want: tsk("email bob@example.com", "")},
	{text: "x @ home", want: tsk("x @ home", "")},
	{text: "x @" + strings.Repeat("l", 61), want: tsk("x @"+strings.Repeat("l", 61), ""), warn: []string{`could not place "@` + strings.Repeat("l", 61) + `"`}},
	{text: "x p1 #work @home tomorrow", want: withLabels(withPrio(tsk("x", "2026-12-02"), 1, "work"), "home")},
	{text: `"@home" office`, want: tsk("@home office", "")},
	{text: "done buy milk @home", want: complete("buy milk"), warn: []string{"ignored label @home: complete_task takes no label"}},
	{text: "goal x @a", want: goal("x", ""), warn: []string{"ignored label @a: create_goal takes no label"}},

	// Repeats (point 2): the due is the first occurrence.
	{text: "water plants every monday", want: rep("water plants", "2026-12-07", "FREQ=WEEKLY;BYDAY=MO")},
	{text: "water plants every mon", want: rep("water plants", "2026-12-07", "FREQ=WEEKLY;BYDAY=MO")},
	{text: "water plants every tuesday", want: rep("water plants", "2026-12-01", "FREQ=WEEKLY;BYDAY=TU")},
	{text: "water plants every tuesday 9am", want: rep("water plants", "2026-12-08T09:00:00+01:00", "FREQ=WEEKLY;BYDAY=TU")},
	{text: "water plants every tuesday 11am", want: rep("water plants", "2026-12-01T11:00:00+01:00", "FREQ=WEEKLY;BYDAY=TU")},
	{text: "brunch every sun", want: rep("brunch", "2026-12-06", "FREQ=WEEKLY;BYDAY=SU")},
	{text: "standup every day", want: rep("standup", "2026-12-01", "FREQ=DAILY")},
	{text: "standup every day at 9am", want: rep("standup", "2026-12-02T09:00:00+01:00", "FREQ=DAILY")},
	{text: "standup every day 11am", want: rep("standup", "2026-12-01T11:00:00+01:00", "FREQ=DAILY")},
	{text: "standup every weekday 9am", want: rep("standup", "2026-12-02T09:00:00+01:00", weekdaysRule)},
	{text: "standup every workday", want: rep("standup", "2026-12-01", weekdaysRule)},
	{text: "gym every mon, wed and fri 7am", want: rep("gym", "2026-12-02T07:00:00+01:00", "FREQ=WEEKLY;BYDAY=MO,WE,FR")},
	{text: "gym every monday and thursday", want: rep("gym", "2026-12-03", "FREQ=WEEKLY;BYDAY=MO,TH")},
	{text: "gym every mondays", want: rep("gym", "2026-12-07", "FREQ=WEEKLY;BYDAY=MO")},
	{text: "review every other friday", want: rep("review", "2026-12-04", "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR")},
	{text: "review every second friday", want: rep("review", "2026-12-04", "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR")},
	{text: "water plants every 3 days", want: rep("water plants", "2026-12-01", "FREQ=DAILY;INTERVAL=3")},
	{text: "water plants every other day", want: rep("water plants", "2026-12-01", "FREQ=DAILY;INTERVAL=2")},
	{text: "water plants every 3 days 9am", want: rep("water plants", "2026-12-04T09:00:00+01:00", "FREQ=DAILY;INTERVAL=3")},
	{text: "backup every week", want: rep("backup", "2026-12-01", "FREQ=WEEKLY")},
	{text: "backup every 2 weeks", want: rep("backup", "2026-12-01", "FREQ=WEEKLY;INTERVAL=2")},
	{text: "backup every two weeks on friday", want: rep("backup", "2026-12-04", "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR")},
	{text: "backup every week 9am", want: rep("backup", "2026-12-08T09:00:00+01:00", "FREQ=WEEKLY")},
	{text: "pay rent every month on the 15th", want: rep("pay rent", "2026-12-15", "FREQ=MONTHLY;BYMONTHDAY=15")},
	{text: "pay rent every month on the 1st", want: rep("pay rent", "2026-12-01", "FREQ=MONTHLY;BYMONTHDAY=1")},
	{text: "pay rent every month on the last day", want: rep("pay rent", "2026-12-31", "FREQ=MONTHLY;BYMONTHDAY=-1")},
	{text: "pay rent every month on the last day of the month", want: rep("pay rent", "2026-12-31", "FREQ=MONTHLY;BYMONTHDAY=-1")},
	{text: "pay rent every 31st", want: rep("pay rent", "2026-12-31", "FREQ=MONTHLY;BYMONTHDAY=31")},
	{text: "pay rent every 3 months on the 1st", want: rep("pay rent", "2026-12-01", "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=1")},
	{text: "invoice every month", want: rep("invoice", "2026-12-01", "FREQ=MONTHLY")},
	{text: "invoice every month 9am", want: rep("invoice", "2027-01-01T09:00:00+01:00", "FREQ=MONTHLY")},
	{text: "birthday every year", want: rep("birthday", "2026-12-01", "FREQ=YEARLY")},
	{text: "birthday every year on dec 24", want: rep("birthday", "2026-12-24", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24")},
	{text: "birthday every year on 5 jan", want: rep("birthday", "2027-01-05", "FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=5")},
	{text: "leap every year on feb 29", want: rep("leap", "2028-02-29", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29")},
	{text: "x every year on feb 30", want: tsk("x every year on feb 30", ""), warn: []string{`could not place "every year on feb 30"`}},
	{text: "stretch every morning", want: rep("stretch", "2026-12-02T09:00:00+01:00", "FREQ=DAILY")},
	{text: "journal every evening", want: rep("journal", "2026-12-01T19:00:00+01:00", "FREQ=DAILY")},
	{text: "journal every evening at 9", want: rep("journal", "2026-12-01T21:00:00+01:00", "FREQ=DAILY")},
	{text: "standup every monday morning", want: rep("standup", "2026-12-07T09:00:00+01:00", "FREQ=WEEKLY;BYDAY=MO")},
	{text: "clean every weekend", want: rep("clean", "2026-12-05", "FREQ=WEEKLY;BYDAY=SA,SU")},
	{text: "standup daily 9am", want: rep("standup", "2026-12-02T09:00:00+01:00", "FREQ=DAILY")},
	{text: "pay rent monthly", want: rep("pay rent", "2026-12-01", "FREQ=MONTHLY")},
	{text: "report fortnightly", want: rep("report", "2026-12-01", "FREQ=WEEKLY;INTERVAL=2")},
	{text: "taxes yearly p1", want: withPrio(rep("taxes", "2026-12-01", "FREQ=YEARLY"), 1, "")},
	{text: "weekly report", want: tsk("weekly report", ""), warn: []string{`kept "weekly" in the title; to repeat, write "every week"`}},
	{text: "daily", want: tsk("daily", ""), warn: []string{`kept "daily" in the title; to repeat, write "every day"`}},
	{text: "read every chapter", want: tsk("read every chapter", "")},
	{text: "check every other thing", want: tsk("check every other thing", ""), warn: []string{`could not place "every other thing"`}},
	{text: "every 3 hours check", want: tsk("every 3 hours check", ""), warn: []string{`could not place "every 3 hours"`}},
	{text: "x every 1000 days", want: tsk("x every 1000 days", ""), warn: []string{`could not place "every 1000 days"`}},
	{text: "x every other weekday", want: tsk("x every other weekday", ""), warn: []string{`could not place "every other weekday"`}},
	{text: "x every monday every friday", want: rep("x", "2026-12-07", "FREQ=WEEKLY;BYDAY=MO"), warn: []string{`ignored extra repeat "every friday"`}},
	{text: "x every monday tomorrow", want: rep("x", "2026-12-07", "FREQ=WEEKLY;BYDAY=MO")},
	{text: "x every day 2026-12-10", want: rep("x", "2026-12-10", "FREQ=DAILY")},
	{text: "x every day 2026-11-10", want: rep("x", "2026-12-01", "FREQ=DAILY"), warn: []string{`"2026-11-10" is in the past; the repeat starts today`}},
	{text: "x every friday 9am p1 #work @home", want: withLabels(withPrio(rep("x", "2026-12-04T09:00:00+01:00", "FREQ=WEEKLY;BYDAY=FR"), 1, "work"), "home")},
	{text: "done x every monday", want: complete("x"), warn: []string{`ignored repeat "every monday": complete_task takes no repeat`}},
	{text: "goal x every monday", want: goal("x", ""), warn: []string{`ignored repeat "every monday": create_goal takes no repeat`}},
	{text: `"every monday" meeting`, want: tsk("every monday meeting", "")},

	// New intents (point 4).
	{text: "set priority of buy milk to p1", want: prio("buy milk", 1)},
	{text: "set priority of buy milk to 2", want: prio("buy milk", 2)},
	{text: "set priority for buy milk to priority 3", want: prio("buy milk", 3)},
	{text: "change priority of buy milk to p4", want: prio("buy milk", 4)},
	{text: "set priority buy milk p1", want: prio("buy milk", 1)},
	{text: "set priority of buy milk to p5", err: `a priority is p1 (highest) to p4, not "p5"`},
	{text: "set priority of buy milk", err: `"set priority" needs a task and a priority, e.g. "set priority of buy milk to p1"`},
	{text: "set buy milk to p2", want: prio("buy milk", 2)},
	{text: "set buy milk to #groceries", want: moved("buy milk", "groceries")},
	{text: "set dentist to friday 3pm", want: resched("dentist", "2026-12-04T15:00:00+01:00")},
	{text: "set up the printer", want: tsk("set up the printer", "")},
	{text: "set the table to 4", want: tsk("set the table to 4", ""),
		warn: []string{`read as a new task: "set" changes a task as in "set buy milk to p1"`}},
	{text: "change oil", want: tsk("change oil", "")},
	{text: "set to p1", err: `"set" needs a task, e.g. "set buy milk to p1"`},
	{text: "push to friday", err: `"push" needs a task, e.g. "push dentist to friday"`},
	{lang: de, text: "setze auf p1", err: `"setze" needs a task, e.g. "setze Milch kaufen auf p1"`},
	{text: "rename task foo to bar", want: renamed("foo", "bar")},
	{text: "rename foo to bar baz", want: renamed("foo", "bar baz")},
	{text: `rename "go to gym" to gym`, want: renamed("go to gym", "gym")},
	{text: "rename foo to bar tomorrow", want: renamed("foo", "bar"), warn: []string{`ignored date "tomorrow": rename_task takes no date`}},
	{text: "rename foo to weekly sync", want: renamed("foo", "weekly sync"), warn: []string{`kept "weekly" in the title; to repeat, write "every week"`}},
	{text: "rename files", want: tsk("rename files", ""), warn: []string{`read as a new task: "rename" renames a task as in "rename task foo to bar"`}},
	{text: "rename foo to", err: `"rename" needs a task and a new title, e.g. "rename task foo to bar"`},
	{text: "rename to bar", err: `"rename" needs a task and a new title, e.g. "rename task foo to bar"`},
	{text: "move buy milk to #groceries", want: moved("buy milk", "groceries")},
	{text: "move task buy milk into #groceries", want: moved("buy milk", "groceries")},
	{text: "move buy milk #groceries", want: moved("buy milk", "groceries")},
	{text: "move dentist to friday #work", want: resched("dentist", "2026-12-04"), warn: []string{"ignored project #work: reschedule_task takes no project"}},
	{text: "move buy milk by 2 days", want: shifted("buy milk", "P2D")},
	{text: "postpone report to next week", want: resched("report", "2026-12-07")},
	{text: "postpone report until friday", want: resched("report", "2026-12-04")},
	{text: "snooze buy milk until monday", want: resched("buy milk", "2026-12-07")},
	{text: "snooze buy milk until tomorrow 9am", want: resched("buy milk", "2026-12-02T09:00:00+01:00")},
	{text: "snooze buy milk for 2 hours", want: shifted("buy milk", "PT2H")},
	{text: "snooze buy milk for 30 minutes", want: shifted("buy milk", "PT30M")},
	{text: "push buy milk by 2 days", want: shifted("buy milk", "P2D")},
	{text: "push buy milk by a week", want: shifted("buy milk", "P1W")},
	{text: "push buy milk by 1 month", want: shifted("buy milk", "P1M")},
	{text: "delay launch by 3 weeks", want: shifted("launch", "P3W")},
	{text: "defer taxes to next month", want: resched("taxes", "2027-01-01")},
	{text: "push task report to tomorrow", want: resched("report", "2026-12-02")},
	{text: "push code to github", want: tsk("push code to github", ""),
		warn: []string{`read as a new task: "push" moves a task as in "push dentist to friday"`}},
	{text: "push the release", want: tsk("push the release", "")},
	{text: "snooze buy milk", err: `"snooze" needs a task and a new date, e.g. "snooze dentist until monday" (to add a task, start with "add")`},
	{text: "postpone report to feb 30", err: `"postpone" needs a new date: could not place "feb 30"`},
	{text: "delay", err: `"delay" needs a task and a new date, e.g. "delay dentist until monday" (to add a task, start with "add")`},
	{text: "push buy milk by 2 parsecs", want: tsk("push buy milk by 2 parsecs", ""),
		warn: []string{`read as a new task: "push" moves a task as in "push dentist to friday"`}},
	{text: "push x by 11 years", want: tsk("push x by 11 years", ""),
		warn: []string{`could not place "11 years": "P11Y" is too far: at most 10`, `read as a new task: "push" moves a task as in "push dentist to friday"`}},
	{text: "what's due today", want: query("today")},
	{text: "whats due tomorrow", want: query("tomorrow")},
	{text: "what is overdue", want: query("overdue")},
	{text: "what's due this week?", want: query("week")},
	{text: "what do I have today", want: query("today")},
	{text: "What’s due today", want: query("today")},
	{text: "what's on today's list", want: query("today")},
	{text: "show today", want: query("today")},
	{text: "show me overdue tasks", want: query("overdue")},
	{text: "list tasks for tomorrow", want: query("tomorrow")},
	{text: "show dog to vet", want: tsk("show dog to vet", "")},
	{text: "list groceries", want: tsk("list groceries", "")},
	{text: "list groceries today", want: tsk("list groceries", "2026-12-01")},
	{text: "what time is it", err: enMust},
	{text: "what's due", err: enMust},
	{text: "what's due today and tomorrow", want: query("today"),
		warn: []string{`ignored extra range "tomorrow"`, `could not place "and"`}},
	{text: "what's due today #work", want: query("today"), warn: []string{`could not place "#work"`}},

	// --- German (point 5): same intent model ---
	{lang: de, text: "Zahnarzt morgen um 9 Uhr", want: tsk("Zahnarzt", "2026-12-02T09:00:00+01:00")},
	{lang: de, text: "Zahnarzt morgen 9 Uhr", want: tsk("Zahnarzt", "2026-12-02T09:00:00+01:00")},
	{lang: de, text: "Zahnarzt morgen um 9", want: tsk("Zahnarzt um 9", "2026-12-02"),
		warn: []string{`could not place "um 9": write "um 9 Uhr" or "um 21 Uhr"`}},
	{lang: de, text: "Anruf um 17", want: tsk("Anruf", "2026-12-01T17:00:00+01:00")},
	{lang: de, text: "Anruf um 14:30", want: tsk("Anruf", "2026-12-01T14:30:00+01:00")},
	{lang: de, text: "Anruf 14:30 Uhr", want: tsk("Anruf", "2026-12-01T14:30:00+01:00")},
	{lang: de, text: "Anruf 14.30 Uhr", want: tsk("Anruf", "2026-12-01T14:30:00+01:00")},
	{lang: de, text: "Anruf um neun Uhr", want: tsk("Anruf", "2026-12-02T09:00:00+01:00")},
	{lang: de, text: "Anruf um 25 Uhr", want: tsk("Anruf um 25 Uhr", ""), warn: []string{`could not place "25 Uhr"`}},
	{lang: de, text: "Anruf heute", want: tsk("Anruf", "2026-12-01")},
	{lang: de, text: "Bericht übermorgen", want: tsk("Bericht", "2026-12-03")},
	{lang: de, text: "Bericht uebermorgen", want: tsk("Bericht", "2026-12-03")},
	{lang: de, text: "Bericht Übermorgen", want: tsk("Bericht", "2026-12-03")},
	{lang: de, text: "Sport nächste Woche", want: tsk("Sport", "2026-12-07")},
	{lang: de, text: "Sport naechste Woche", want: tsk("Sport", "2026-12-07")},
	{lang: de, text: "Sport kommende Woche", want: tsk("Sport", "2026-12-07")},
	{lang: de, text: "Putzen am Wochenende", want: tsk("Putzen", "2026-12-05")},
	{lang: de, text: "Putzen dieses Wochenende", want: tsk("Putzen", "2026-12-05")},
	{lang: de, text: "Wandern nächstes Wochenende", want: tsk("Wandern", "2026-12-12")},
	{lang: de, text: "Miete Ende des Monats", want: tsk("Miete", "2026-12-31")},
	{lang: de, text: "Miete Monatsende", want: tsk("Miete", "2026-12-31")},
	{lang: de, text: "Miete zum Monatsende", want: tsk("Miete", "2026-12-31")},
	{lang: de, text: "Miete Ende nächsten Monats", want: tsk("Miete", "2027-01-31")},
	{lang: de, text: "Vertrag nächsten Monat", want: tsk("Vertrag", "2027-01-01")},
	{lang: de, text: "Steuern nächstes Jahr", want: tsk("Steuern", "2027-01-01")},
	{lang: de, text: "Steuern in 3 Tagen", want: tsk("Steuern", "2026-12-04")},
	{lang: de, text: "Steuern in zwei Wochen", want: tsk("Steuern", "2026-12-15")},
	{lang: de, text: "Steuern in einem Monat", want: tsk("Steuern", "2027-01-01")},
	{lang: de, text: "Anruf in einer Stunde", want: tsk("Anruf", "2026-12-01T11:00:00+01:00")},
	{lang: de, text: "Anruf in 30 Minuten", want: tsk("Anruf", "2026-12-01T10:30:00+01:00")},
	{lang: de, text: "Anruf in 2 Stunden", want: tsk("Anruf", "2026-12-01T12:00:00+01:00")},
	{lang: de, text: "Treffen Freitag", want: tsk("Treffen", "2026-12-04")},
	{lang: de, text: "Treffen am Freitag", want: tsk("Treffen", "2026-12-04")},
	{lang: de, text: "Treffen nächsten Montag", want: tsk("Treffen", "2026-12-07")},
	{lang: de, text: "Treffen Dienstag", want: tsk("Treffen", "2026-12-08")},
	{lang: de, text: "Treffen Mo 10 Uhr", want: tsk("Treffen", "2026-12-07T10:00:00+01:00")},
	{lang: de, text: "Treffen am Mi", want: tsk("Treffen", "2026-12-02")},
	{lang: de, text: "so viel zu tun", want: tsk("so viel zu tun", "")},
	{lang: de, text: "do it", want: tsk("do it", "")},
	{lang: de, text: "Abgabe 30. Juni", want: tsk("Abgabe", "2027-06-30")},
	{lang: de, text: "Abgabe am 5. Januar", want: tsk("Abgabe", "2027-01-05")},
	{lang: de, text: "Abgabe am 5. Januar 2028", want: tsk("Abgabe", "2028-01-05")},
	{lang: de, text: "Abgabe 1. März", want: tsk("Abgabe", "2027-03-01")},
	{lang: de, text: "Abgabe am 15.", want: tsk("Abgabe", "2026-12-15")},
	{lang: de, text: "Abgabe bis zum 15.", want: tsk("Abgabe", "2026-12-15")},
	{lang: de, text: "Abgabe 24.12.", want: tsk("Abgabe", "2026-12-24")},
	{lang: de, text: "Abgabe am 24.12", want: tsk("Abgabe", "2026-12-24")},
	{lang: de, text: "Abgabe 24.12.2027", want: tsk("Abgabe", "2027-12-24")},
	{lang: de, text: "Treffen 03/04", want: tsk("Treffen", "2027-04-03"),
		warn: []string{`"03/04" could be 3 April or 4 March; read as 3 April (date order DMY)`}},
	{lang: de, order: MDY, text: "Treffen 03/04", want: tsk("Treffen", "2027-03-04"),
		warn: []string{`"03/04" could be 4 March or 3 April; read as 4 March (date order MDY)`}},
	{lang: de, text: "Anruf heute Abend", want: tsk("Anruf", "2026-12-01T19:00:00+01:00")},
	{lang: de, text: "Anruf heute Abend um 8", want: tsk("Anruf", "2026-12-01T20:00:00+01:00")},
	{lang: de, text: "Anruf heute Morgen", want: tsk("Anruf", "2026-12-01T09:00:00+01:00"), warn: []string{`"heute Morgen" is in the past`}},
	{lang: de, text: "Anruf morgen früh", want: tsk("Anruf", "2026-12-02T09:00:00+01:00")},
	{lang: de, text: "Anruf morgen Nachmittag", want: tsk("Anruf", "2026-12-02T15:00:00+01:00")},
	{lang: de, text: "Anruf Freitag Mittag", want: tsk("Anruf", "2026-12-04T12:00:00+01:00")},
	{lang: de, text: "Anruf abends", want: tsk("Anruf", "2026-12-01T19:00:00+01:00")},
	{lang: de, text: "Anruf morgens", want: tsk("Anruf", "2026-12-02T09:00:00+01:00")},
	{lang: de, text: "Anruf am Abend", want: tsk("Anruf", "2026-12-01T19:00:00+01:00")},
	{lang: de, text: "Anruf morgen um 8 Uhr abends", want: tsk("Anruf", "2026-12-02T20:00:00+01:00")},
	{lang: de, text: "Anruf um Mitternacht", want: tsk("Anruf", "2026-12-02T00:00:00+01:00")},
	{lang: de, text: "Milch kaufen p1", want: withPrio(tsk("Milch kaufen", ""), 1, "")},
	{lang: de, text: "Milch kaufen Priorität 2", want: withPrio(tsk("Milch kaufen", ""), 2, "")},
	{lang: de, text: "Milch kaufen prio 3 #Einkauf @laden", want: withLabels(withPrio(tsk("Milch kaufen", ""), 3, "Einkauf"), "laden")},
	{lang: de, text: "Milch kaufen gestern", want: tsk("Milch kaufen gestern", ""),
		warn: []string{`kept "gestern" in the title; a task cannot be due in the past`}},
	{lang: de, text: "Müll rausbringen jeden Montag", want: rep("Müll rausbringen", "2026-12-07", "FREQ=WEEKLY;BYDAY=MO")},
	{lang: de, text: "Müll jeden Montag und Donnerstag 7:30", want: rep("Müll", "2026-12-03T07:30:00+01:00", "FREQ=WEEKLY;BYDAY=MO,TH")},
	{lang: de, text: "Review jeden zweiten Freitag", want: rep("Review", "2026-12-04", "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR")},
	{lang: de, text: "Gießen alle 3 Tage", want: rep("Gießen", "2026-12-01", "FREQ=DAILY;INTERVAL=3")},
	{lang: de, text: "Gießen alle zwei Tage", want: rep("Gießen", "2026-12-01", "FREQ=DAILY;INTERVAL=2")},
	{lang: de, text: "Gießen jeden 2. Tag", want: rep("Gießen", "2026-12-01", "FREQ=DAILY;INTERVAL=2")},
	{lang: de, text: "Zahnseide täglich", want: rep("Zahnseide", "2026-12-01", "FREQ=DAILY")},
	{lang: de, text: "Zahnseide jeden Tag um 22 Uhr", want: rep("Zahnseide", "2026-12-01T22:00:00+01:00", "FREQ=DAILY")},
	{lang: de, text: "Standup werktags 9:30", want: rep("Standup", "2026-12-02T09:30:00+01:00", weekdaysRule)},
	{lang: de, text: "Standup jeden Werktag um 9 Uhr", want: rep("Standup", "2026-12-02T09:00:00+01:00", weekdaysRule)},
	{lang: de, text: "Sport montags und donnerstags 18 Uhr", want: rep("Sport", "2026-12-03T18:00:00+01:00", "FREQ=WEEKLY;BYDAY=MO,TH")},
	{lang: de, text: "Miete jeden Monat am 1.", want: rep("Miete", "2026-12-01", "FREQ=MONTHLY;BYMONTHDAY=1")},
	{lang: de, text: "Miete jeden 15.", want: rep("Miete", "2026-12-15", "FREQ=MONTHLY;BYMONTHDAY=15")},
	{lang: de, text: "Miete jeden Monat am Monatsende", want: rep("Miete", "2026-12-31", "FREQ=MONTHLY;BYMONTHDAY=-1")},
	{lang: de, text: "Geburtstag jedes Jahr am 24.12.", want: rep("Geburtstag", "2026-12-24", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24")},
	{lang: de, text: "Geburtstag jedes Jahr am 5. Januar", want: rep("Geburtstag", "2027-01-05", "FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=5")},
	{lang: de, text: "Backup jede Woche", want: rep("Backup", "2026-12-01", "FREQ=WEEKLY")},
	{lang: de, text: "Backup jede zweite Woche", want: rep("Backup", "2026-12-01", "FREQ=WEEKLY;INTERVAL=2")},
	{lang: de, text: "Backup jede Woche am Freitag", want: rep("Backup", "2026-12-04", "FREQ=WEEKLY;BYDAY=FR")},
	{lang: de, text: "Meditieren jeden Morgen", want: rep("Meditieren", "2026-12-02T09:00:00+01:00", "FREQ=DAILY")},
	{lang: de, text: "Bericht jeden Monat", want: rep("Bericht", "2026-12-01", "FREQ=MONTHLY")},
	{lang: de, text: "Steuer jährlich", want: rep("Steuer", "2026-12-01", "FREQ=YEARLY")},
	{lang: de, text: "Putzen jedes Wochenende", want: rep("Putzen", "2026-12-05", "FREQ=WEEKLY;BYDAY=SA,SU")},
	{lang: de, text: "jeden Kunden anrufen", want: tsk("jeden Kunden anrufen", "")},
	{lang: de, text: "alle Unterlagen sortieren", want: tsk("alle Unterlagen sortieren", "")},
	{lang: de, text: "x alle 3 Stunden", want: tsk("x alle 3 Stunden", ""), warn: []string{`could not place "alle 3 Stunden"`}},
	{lang: de, text: "erledigt Milch kaufen", want: complete("Milch kaufen")},
	{lang: de, text: "erledige Aufgabe Milch kaufen", want: complete("Milch kaufen")},
	{lang: de, text: "fertig Bericht", want: complete("Bericht")},
	{lang: de, text: "markiere Milch kaufen als erledigt", want: complete("Milch kaufen")},
	{lang: de, text: "erledigt Milch kaufen morgen", want: complete("Milch kaufen"), warn: []string{`ignored date "morgen": complete_task takes no date`}},
	{lang: de, text: "lösche Aufgabe alter Entwurf", want: delTask("alter Entwurf")},
	{lang: de, text: "lösche Ziel Marathon", want: delGoal("Marathon")},
	{lang: de, text: "entferne alter Entwurf", want: delTask("alter Entwurf")},
	{lang: de, text: "loesche x", want: delTask("x")},
	{lang: de, text: "verschiebe Zahnarzt auf Freitag", want: resched("Zahnarzt", "2026-12-04")},
	{lang: de, text: "verschiebe Zahnarzt auf Freitag 15 Uhr", want: resched("Zahnarzt", "2026-12-04T15:00:00+01:00")},
	{lang: de, text: "verschiebe Zahnarzt auf morgen um 10 Uhr", want: resched("Zahnarzt", "2026-12-02T10:00:00+01:00")},
	{lang: de, text: "verschiebe Zahnarzt auf Sa", want: resched("Zahnarzt", "2026-12-05")},
	{lang: de, text: "verschiebe Zahnarzt um 2 Tage", want: shifted("Zahnarzt", "P2D")},
	{lang: de, text: "verschiebe Zahnarzt um eine Woche", want: shifted("Zahnarzt", "P1W")},
	{lang: de, text: "verschiebe Zahnarzt um 15 Uhr", want: resched("Zahnarzt", "2026-12-01T15:00:00+01:00")},
	{lang: de, text: "verschiebe Einkauf nach #Haushalt", want: moved("Einkauf", "Haushalt")},
	{lang: de, text: "verschiebe Zahnarzt", err: `"verschiebe" needs a task and a new date, e.g. "verschiebe Zahnarzt auf Freitag 15 Uhr" (to add a task, start with "neu")`},
	{lang: de, text: "benenne Einkauf um in Wocheneinkauf", want: renamed("Einkauf", "Wocheneinkauf")},
	{lang: de, text: "benenne Einkauf in Wocheneinkauf um", want: renamed("Einkauf", "Wocheneinkauf")},
	{lang: de, text: "umbenennen Einkauf in Wocheneinkauf", want: renamed("Einkauf", "Wocheneinkauf")},
	{lang: de, text: "setze Priorität von Milch kaufen auf p1", want: prio("Milch kaufen", 1)},
	{lang: de, text: "setze Priorität von Milch kaufen auf 2", want: prio("Milch kaufen", 2)},
	{lang: de, text: "Priorität von Milch kaufen auf 3", want: prio("Milch kaufen", 3)},
	{lang: de, text: "setze Milch kaufen auf p2", want: prio("Milch kaufen", 2)},
	{lang: de, text: "setze Milch kaufen auf #Einkauf", want: moved("Milch kaufen", "Einkauf")},
	{lang: de, text: "setze Zahnarzt auf Freitag", want: resched("Zahnarzt", "2026-12-04")},
	{lang: de, text: "neu Milch kaufen", want: tsk("Milch kaufen", "")},
	{lang: de, text: "neue Aufgabe Milch kaufen morgen", want: tsk("Milch kaufen", "2026-12-02")},
	{lang: de, text: "neues Ziel Marathon laufen bis 30. Juni", want: goal("Marathon laufen", "2027-06-30")},
	{lang: de, text: "Ziel Spanisch lernen", want: goal("Spanisch lernen", "")},
	{lang: de, text: "was ist heute fällig", want: query("today")},
	{lang: de, text: "was ist morgen fällig", want: query("tomorrow")},
	{lang: de, text: "was ist überfällig", want: query("overdue")},
	{lang: de, text: "was steht diese Woche an", want: query("week")},
	{lang: de, text: "zeige überfällige Aufgaben", want: query("overdue")},
	{lang: de, text: "zeige Aufgaben für morgen", want: query("tomorrow")},
	{lang: de, text: "zeige Fotos", want: tsk("zeige Fotos", "")},
	{lang: de, text: "was ist los", err: deMust},
	{lang: de, text: "erledigt", err: `"erledigt" needs a task, e.g. "erledigt Milch kaufen"`},
	{lang: de, text: "neu", err: `the task needs a title, e.g. "Milch kaufen morgen um 9 Uhr"`},
	{lang: de, text: "lösche", err: `"lösche" needs a task, e.g. "lösche alter Entwurf"`},
	{lang: de, text: "neues Ziel", err: `the goal needs a title, e.g. "neues Ziel Marathon laufen bis 30. Juni"`},

	// --- Zones, DST changes, month and year ends ---
	// New York, the Saturday before DST starts (14 March 2027).
	{tz: "America/New_York", ref: "2027-03-13 10:00", text: "call tomorrow 9am", want: tsk("call", "2027-03-14T09:00:00-04:00")},
	{tz: "America/New_York", ref: "2027-03-13 10:00", text: "call tomorrow 2:30am", want: tsk("call", "2027-03-14T03:30:00-04:00"),
		warn: []string{`"2:30am" does not exist on 2027-03-14 in America/New_York (clock change); using 03:30`}},
	{tz: "America/New_York", ref: "2027-03-13 10:00", text: "call in 2 hours", want: tsk("call", "2027-03-13T12:00:00-05:00")},
	{tz: "America/New_York", ref: "2027-03-13 10:00", text: "call in 24 hours", want: tsk("call", "2027-03-14T11:00:00-04:00")},
	{tz: "America/New_York", ref: "2027-03-13 10:00", text: "call in 1 day", want: tsk("call", "2027-03-14")},
	{tz: "America/New_York", ref: "2027-03-13 10:00", text: "standup every day 9am", want: rep("standup", "2027-03-14T09:00:00-04:00", "FREQ=DAILY")},
	{tz: "America/New_York", ref: "2027-03-13 10:00", text: "x tonight", want: tsk("x", "2027-03-13T19:00:00-05:00")},
	{tz: "America/New_York", ref: "2027-03-13 10:00", text: "x this weekend", want: tsk("x", "2027-03-13")},
	{tz: "America/New_York", ref: "2027-03-13 10:00", text: "x next weekend", want: tsk("x", "2027-03-20")},
	{tz: "America/New_York", ref: "2027-03-13 10:00", text: "x next week", want: tsk("x", "2027-03-15")},
	{tz: "America/New_York", ref: "2027-03-13 10:00", text: "x end of month", want: tsk("x", "2027-03-31")},
	{tz: "America/New_York", ref: "2027-03-13 10:00", text: "x sunday evening", want: tsk("x", "2027-03-14T19:00:00-04:00")},
	{tz: "America/New_York", ref: "2027-03-13 10:00", lang: de, text: "Anruf morgen um 9 Uhr", want: tsk("Anruf", "2027-03-14T09:00:00-04:00")},
	// New York, the Saturday before DST ends (7 November 2027).
	{tz: "America/New_York", ref: "2027-11-06 10:00", text: "call tomorrow 9am", want: tsk("call", "2027-11-07T09:00:00-05:00")},
	{tz: "America/New_York", ref: "2027-11-06 10:00", text: "call in 24 hours", want: tsk("call", "2027-11-07T09:00:00-05:00")},
	{tz: "America/New_York", ref: "2027-11-06 10:00", text: "standup every sunday 9am", want: rep("standup", "2027-11-07T09:00:00-05:00", "FREQ=WEEKLY;BYDAY=SU")},
	// Berlin, the Saturday before DST starts (28 March 2027).
	{ref: "2027-03-27 10:00", text: "call tomorrow 9am", want: tsk("call", "2027-03-28T09:00:00+02:00")},
	{ref: "2027-03-27 10:00", text: "call tomorrow 2:30am", want: tsk("call", "2027-03-28T03:30:00+02:00"),
		warn: []string{`"2:30am" does not exist on 2027-03-28 in Europe/Berlin (clock change); using 03:30`}},
	{ref: "2027-03-27 10:00", text: "x every day 2:30am", want: rep("x", "2027-03-28T03:30:00+02:00", "FREQ=DAILY"),
		warn: []string{`"2:30am" does not exist on 2027-03-28 in Europe/Berlin (clock change); using 03:30`}},
	{ref: "2027-03-27 10:00", text: "call monday 9am", want: tsk("call", "2027-03-29T09:00:00+02:00")},
	{ref: "2027-03-27 10:00", text: "standup every monday 9am", want: rep("standup", "2027-03-29T09:00:00+02:00", "FREQ=WEEKLY;BYDAY=MO")},
	{ref: "2027-03-27 10:00", text: "x end of month", want: tsk("x", "2027-03-31")},
	{ref: "2027-03-27 10:00", lang: de, text: "Anruf morgen um 9 Uhr", want: tsk("Anruf", "2027-03-28T09:00:00+02:00")},
	{ref: "2027-03-27 10:00", lang: de, text: "Anruf in 24 Stunden", want: tsk("Anruf", "2027-03-28T11:00:00+02:00")},
	{ref: "2027-03-27 10:00", lang: de, text: "Anruf morgen um 2:30", want: tsk("Anruf", "2027-03-28T03:30:00+02:00"),
		warn: []string{`"2:30" does not exist on 2027-03-28 in Europe/Berlin (clock change); using 03:30`}},
	// Berlin, the Saturday before DST ends (31 October 2027), a month end.
	{ref: "2027-10-30 10:00", text: "call tomorrow 9am", want: tsk("call", "2027-10-31T09:00:00+01:00")},
	{ref: "2027-10-30 10:00", text: "call in 24 hours", want: tsk("call", "2027-10-31T09:00:00+01:00")},
	{ref: "2027-10-30 10:00", text: "x end of month", want: tsk("x", "2027-10-31")},
	{ref: "2027-10-30 10:00", text: "x next month", want: tsk("x", "2027-11-01")},
	{ref: "2027-10-30 10:00", text: "x this weekend", want: tsk("x", "2027-10-30")},
	{ref: "2027-10-30 10:00", lang: de, text: "Anruf morgen Abend", want: tsk("Anruf", "2027-10-31T19:00:00+01:00")},
	{ref: "2027-10-31 10:00", text: "x this weekend", want: tsk("x", "2027-10-31")},
	{ref: "2027-10-31 10:00", text: "x next weekend", want: tsk("x", "2027-11-06")},
	// Sydney: DST ends 4 April and starts 3 October 2027.
	{tz: "Australia/Sydney", ref: "2027-04-03 10:00", text: "call tomorrow 9am", want: tsk("call", "2027-04-04T09:00:00+10:00")},
	{tz: "Australia/Sydney", ref: "2027-04-03 10:00", text: "call in 24 hours", want: tsk("call", "2027-04-04T09:00:00+10:00")},
	{tz: "Australia/Sydney", ref: "2027-04-03 10:00", text: "call tonight", want: tsk("call", "2027-04-03T19:00:00+11:00")},
	{tz: "Australia/Sydney", ref: "2027-10-02 10:00", text: "call tomorrow 9am", want: tsk("call", "2027-10-03T09:00:00+11:00")},
	{tz: "Australia/Sydney", ref: "2027-10-02 10:00", text: "call tomorrow 2:30am", want: tsk("call", "2027-10-03T03:30:00+11:00"),
		warn: []string{`"2:30am" does not exist on 2027-10-03 in Australia/Sydney (clock change); using 03:30`}},
	{tz: "Australia/Sydney", ref: "2027-10-02 10:00", lang: de, text: "Anruf übermorgen um 9 Uhr", want: tsk("Anruf", "2027-10-04T09:00:00+11:00")},
	// Tokyo (no DST), a month end: Wednesday 31 March 2027.
	{tz: "Asia/Tokyo", ref: "2027-03-31 10:00", text: "x tomorrow", want: tsk("x", "2027-04-01")},
	{tz: "Asia/Tokyo", ref: "2027-03-31 10:00", text: "x end of month", want: tsk("x", "2027-03-31")},
	{tz: "Asia/Tokyo", ref: "2027-03-31 10:00", text: "x in 1 month", want: tsk("x", "2027-04-30")},
	{tz: "Asia/Tokyo", ref: "2027-03-31 10:00", text: "x next month", want: tsk("x", "2027-04-01")},
	{tz: "Asia/Tokyo", ref: "2027-03-31 10:00", text: "x next week", want: tsk("x", "2027-04-05")},
	{tz: "Asia/Tokyo", ref: "2027-03-31 10:00", text: "x this weekend", want: tsk("x", "2027-04-03")},
	{tz: "Asia/Tokyo", ref: "2027-03-31 10:00", text: "pay every 31st", want: rep("pay", "2027-03-31", "FREQ=MONTHLY;BYMONTHDAY=31")},
	{tz: "Asia/Tokyo", ref: "2027-03-31 10:00", text: "pay every month", want: rep("pay", "2027-03-31", "FREQ=MONTHLY")},
	{tz: "Asia/Tokyo", ref: "2027-03-31 10:00", text: "pay every month 9am", want: rep("pay", "2027-05-31T09:00:00+09:00", "FREQ=MONTHLY")},
	{tz: "Asia/Tokyo", ref: "2027-03-31 10:00", text: "pay every month on the last day 9am", want: rep("pay", "2027-04-30T09:00:00+09:00", "FREQ=MONTHLY;BYMONTHDAY=-1")},
	{tz: "Asia/Tokyo", ref: "2027-03-31 10:00", lang: de, text: "Miete Ende des Monats", want: tsk("Miete", "2027-03-31")},
	// Tokyo, the year end: Friday 31 December 2027; 2028 is a leap year.
	{tz: "Asia/Tokyo", ref: "2027-12-31 10:00", text: "x tomorrow", want: tsk("x", "2028-01-01")},
	{tz: "Asia/Tokyo", ref: "2027-12-31 10:00", text: "x next week", want: tsk("x", "2028-01-03")},
	{tz: "Asia/Tokyo", ref: "2027-12-31 10:00", text: "x next month", want: tsk("x", "2028-01-01")},
	{tz: "Asia/Tokyo", ref: "2027-12-31 10:00", text: "x next year", want: tsk("x", "2028-01-01")},
	{tz: "Asia/Tokyo", ref: "2027-12-31 10:00", text: "x end of month", want: tsk("x", "2027-12-31")},
	{tz: "Asia/Tokyo", ref: "2027-12-31 10:00", text: "x end of next month", want: tsk("x", "2028-01-31")},
	{tz: "Asia/Tokyo", ref: "2027-12-31 10:00", text: "x this weekend", want: tsk("x", "2028-01-01")},
	{tz: "Asia/Tokyo", ref: "2027-12-31 10:00", text: "x jan 5", want: tsk("x", "2028-01-05")},
	{tz: "Asia/Tokyo", ref: "2027-12-31 10:00", text: "x 12/31", want: tsk("x", "2027-12-31")},
	{tz: "Asia/Tokyo", ref: "2027-12-31 10:00", text: "x 1/1", want: tsk("x", "2028-01-01")},
	{tz: "Asia/Tokyo", ref: "2027-12-31 10:00", text: "x every year on feb 29", want: rep("x", "2028-02-29", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29")},
	{tz: "Asia/Tokyo", ref: "2027-12-31 10:00", text: "x every sunday", want: rep("x", "2028-01-02", "FREQ=WEEKLY;BYDAY=SU")},
	{tz: "Asia/Tokyo", ref: "2027-12-31 10:00", text: "x in 2 months", want: tsk("x", "2028-02-29")},
	{tz: "Asia/Tokyo", ref: "2027-12-31 10:00", text: "x the day after tomorrow", want: tsk("x", "2028-01-02")},
	{tz: "Asia/Tokyo", ref: "2027-12-31 10:00", lang: de, text: "Party übermorgen", want: tsk("Party", "2028-01-02")},
	{tz: "Asia/Tokyo", ref: "2027-12-31 10:00", lang: de, text: "Party nächste Woche", want: tsk("Party", "2028-01-03")},
	// Kolkata (+05:30) and UTC.
	{tz: "Asia/Kolkata", text: "call tomorrow 9am", want: tsk("call", "2026-12-02T09:00:00+05:30")},
	{tz: "Asia/Kolkata", text: "call in 90 minutes", want: tsk("call", "2026-12-01T11:30:00+05:30")},
	{tz: "Asia/Kolkata", lang: de, text: "Anruf um 14:30", want: tsk("Anruf", "2026-12-01T14:30:00+05:30")},
	{tz: "UTC", ref: "2026-12-01 23:30", text: "call in 1 hour", want: tsk("call", "2026-12-02T00:30:00+00:00")},
	{tz: "UTC", ref: "2026-12-01 23:30", text: "x tonight", want: tsk("x", "2026-12-01T19:00:00+00:00"), warn: []string{`"tonight" is in the past`}},
	{tz: "UTC", ref: "2026-12-01 23:30", text: "x every day 9am", want: rep("x", "2026-12-02T09:00:00+00:00", "FREQ=DAILY")},
}

func (c readCase) options(t testing.TB) Options {
	t.Helper()
	tz, ref := c.tz, c.ref
	if tz == "" {
		tz = "Europe/Berlin"
	}
	if ref == "" {
		ref = "2026-12-01 10:00"
	}
	loc, r := zoneAndRef(t, tz, ref)
	return Options{Loc: loc, Ref: r, Language: c.lang, DateOrder: c.order}
}

func TestRead(t *testing.T) {
	for _, c := range readCases {
		name := string(c.lang) + "/" + c.tz + "/" + c.text
		t.Run(name, func(t *testing.T) {
			o := c.options(t)
			r, err := Read(c.text, o)
			if r.Warnings == nil || r.Entities == nil {
				t.Errorf("warnings %v or entities %v are nil, want non-nil slices", r.Warnings, r.Entities)
			}
			if c.err != "" {
				var pe *ParseError
				if !errors.As(err, &pe) || pe.Message != c.err {
					t.Fatalf("Read(%q) error\n got %v\nwant %s", c.text, err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Read(%q) error = %v", c.text, err)
			}
			if !reflect.DeepEqual(r.Intent, c.want) {
				t.Errorf("Read(%q)\n got %+v\nwant %+v", c.text, r.Intent, c.want)
			}
			want := c.warn
			if want == nil {
				want = []string{}
			}
			if !reflect.DeepEqual(r.Warnings, want) {
				t.Errorf("Read(%q) warnings\n got %q\nwant %q", c.text, r.Warnings, want)
			}
			checkEntities(t, c.text, r.Entities)
		})
	}
}

// TestTableCoversTheIssue keeps the measure of issue 15 (point 7): at
// least 400 table cases over both languages, five zones, DST changes and
// month and year ends.
func TestTableCoversTheIssue(t *testing.T) {
	total := len(parseCases) + len(readCases)
	zones, german, dst, ends := map[string]bool{}, 0, 0, 0
	for _, c := range parseCases {
		zones[c.tz] = true
	}
	for _, c := range readCases {
		zones[c.tz] = true
		if c.lang == German {
			german++
		}
		if strings.Contains(strings.Join(c.warn, " "), "clock change") ||
			strings.HasPrefix(c.ref, "2027-03-") || strings.HasPrefix(c.ref, "2027-10-") || strings.HasPrefix(c.ref, "2027-11-06") {
			dst++
		}
		if strings.HasSuffix(c.ref, "-31 10:00") {
			ends++
		}
	}
	delete(zones, "")
	if total < 400 || len(zones) < 5 || german < 100 || dst < 20 || ends < 20 {
		t.Errorf("table: %d cases (want 400), %d zones %v (want 5), %d German (want 100), %d around DST (want 20), %d at month or year ends (want 20)",
			total, len(zones), zones, german, dst, ends)
	}
}

// TestReadDeterministic reads every table case again with the reference
// instant in other zones and expects the same result, entities included.
func TestReadDeterministic(t *testing.T) {
	tokyo := mustLoad(t, "Asia/Tokyo")
	for _, c := range readCases {
		o := c.options(t)
		r1, err1 := Read(c.text, o)
		for _, ref := range []time.Time{o.Ref, o.Ref.UTC(), o.Ref.In(tokyo)} {
			o2 := o
			o2.Ref = ref
			r2, err2 := Read(c.text, o2)
			if !reflect.DeepEqual(r1, r2) || !reflect.DeepEqual(err1, err2) {
				t.Errorf("Read(%q) not deterministic:\n%+v %v\n%+v %v", c.text, r1, err1, r2, err2)
			}
		}
	}
}

// TestRepeatsStartOnTheirFirstOccurrence checks every repeat of the table
// against the RFC 5545 library itself: the rule is canonical, and the due's
// day is the rule's first occurrence from the reference day, or, when that
// one's time has passed, the occurrence after it.
func TestRepeatsStartOnTheirFirstOccurrence(t *testing.T) {
	n := 0
	for _, c := range readCases {
		if c.want.Recurrence == "" || strings.Contains(c.text, "2026-12-10") {
			continue // a start the text chose is not the reference day
		}
		n++
		o := c.options(t)
		r, err := recur.Parse(c.want.Recurrence)
		if err != nil {
			t.Fatalf("%q: rule %q: %v", c.text, c.want.Recurrence, err)
		}
		if r.String() != c.want.Recurrence {
			t.Errorf("%q: rule %q is not canonical (%q)", c.text, c.want.Recurrence, r.String())
		}
		opt, err := rrule.StrToROption(c.want.Recurrence)
		if err != nil {
			t.Fatal(err)
		}
		y, m, d := o.Ref.In(o.Loc).Date()
		opt.Dtstart = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		rr, err := rrule.NewRRule(*opt)
		if err != nil {
			t.Fatal(err)
		}
		first := rr.After(opt.Dtstart, true).Format(time.DateOnly)
		second := rr.After(opt.Dtstart.AddDate(0, 0, 1), true).Format(time.DateOnly)
		day := c.want.Due[:10]
		timed := len(c.want.Due) > 10
		if day != first && !(timed && day == second) {
			t.Errorf("%q: first due %s; the rule %s from %s gives %s (then %s)", c.text, day, c.want.Recurrence, opt.Dtstart.Format(time.DateOnly), first, second)
		}
	}
	if n < 40 {
		t.Errorf("only %d repeats in the table", n)
	}
}
