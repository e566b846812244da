package execute

import (
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/lucian-app/phase12/shared/tasks"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func ptr(s string) *string { return &s }

func TestShiftDue(t *testing.T) {
	berlin := zone(t, "Europe/Berlin")
	// Tuesday 1 December 2026, 10:00 in Berlin.
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, berlin)
	cases := []struct {
		name  string
		due   *string
		shift string
		loc   *time.Location
		want  string
	}{
		{"a date by days", ptr("2026-12-04"), "P2D", berlin, "2026-12-06"},
		{"a date by weeks", ptr("2026-12-04"), "P1W", berlin, "2026-12-11"},
		{"a date by a month ends on the month's last day", ptr("2027-01-31"), "P1M", berlin, "2027-02-28"},
		{"a date by a year from 29 February", ptr("2028-02-29"), "P1Y", berlin, "2029-02-28"},
		{"a date across the year end", ptr("2026-12-31"), "P1D", berlin, "2027-01-01"},
		{"a time by days keeps its wall clock across DST", ptr("2027-03-27T09:00:00+01:00"), "P1D", berlin, "2027-03-28T09:00:00+02:00"},
		{"without a zone a time keeps its own offset", ptr("2027-03-27T09:00:00+01:00"), "P1D", nil, "2027-03-28T09:00:00+01:00"},
		{"a time by hours is elapsed time across DST", ptr("2027-03-28T01:30:00+01:00"), "PT2H", berlin, "2027-03-28T04:30:00+02:00"},
		{"a time by minutes", ptr("2026-12-01T09:00:00+01:00"), "PT30M", berlin, "2026-12-01T09:30:00+01:00"},
		{"a time by a month", ptr("2027-01-31T18:00:00+01:00"), "P1M", berlin, "2027-02-28T18:00:00+01:00"},
		{"no due: days from today", nil, "P2D", berlin, "2026-12-03"},
		{"no due: hours from now", nil, "PT2H", berlin, "2026-12-01T12:00:00+01:00"},
		{"a date by hours: from now", ptr("2026-12-04"), "PT2H", berlin, "2026-12-01T12:00:00+01:00"},
		{"today is the user's today", nil, "P1D", zone(t, "Asia/Tokyo"), "2026-12-02"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := shiftDue(c.due, c.shift, c.loc, now)
			if err != nil || got != c.want {
				t.Errorf("shiftDue(%v, %s) = %q %v, want %q", c.due, c.shift, got, err, c.want)
			}
		})
	}
	if _, err := shiftDue(nil, "P0D", berlin, now); err == nil {
		t.Errorf("a zero shift: no error")
	}
}

func TestInRange(t *testing.T) {
	berlin := zone(t, "Europe/Berlin")
	// Tuesday 1 December 2026, 10:00 in Berlin; the week ends Sunday 6 December.
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, berlin)
	cases := []struct {
		due                              string
		today, tomorrow, overdue, inWeek bool
	}{
		{"2026-12-01", true, false, false, true},
		{"2026-12-02", false, true, false, true},
		{"2026-11-30", false, false, true, false},
		{"2026-12-06", false, false, false, true},
		{"2026-12-07", false, false, false, false},
		{"2026-12-01T09:00:00+01:00", true, false, true, true},
		{"2026-12-01T23:59:00+01:00", true, false, false, true},
		{"2026-12-01T23:30:00Z", false, true, false, true}, // 00:30 on the 2nd in Berlin
		{"2026-12-02T00:00:00+01:00", false, true, false, true},
		{"2026-12-06T23:00:00+01:00", false, false, false, true},
		{"2026-12-07T00:00:00+01:00", false, false, false, false},
		{"2026-11-30T23:00:00+01:00", false, false, true, false},
	}
	for _, c := range cases {
		task := tasks.Task{Due: ptr(c.due)}
		for rng, want := range map[string]bool{"today": c.today, "tomorrow": c.tomorrow, "overdue": c.overdue, "week": c.inWeek} {
			if got := inRange(task, rng, berlin, now); got != want {
				t.Errorf("inRange(%s, %s) = %v, want %v", c.due, rng, got, want)
			}
		}
	}
	if inRange(tasks.Task{}, "today", berlin, now) {
		t.Errorf("an undated task is in a range")
	}
	// On a Sunday the week is that day alone.
	sunday := time.Date(2026, 12, 6, 10, 0, 0, 0, berlin)
	if !inRange(tasks.Task{Due: ptr("2026-12-06")}, "week", berlin, sunday) || inRange(tasks.Task{Due: ptr("2026-12-07")}, "week", berlin, sunday) {
		t.Errorf("the week of a Sunday is not that Sunday")
	}
}

func TestNextOccurrence(t *testing.T) {
	berlin := zone(t, "Europe/Berlin")
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, berlin)
	weekly := "FREQ=WEEKLY;BYDAY=TU"
	ended := "FREQ=WEEKLY;UNTIL=20261205T000000Z"
	for _, c := range []struct {
		name string
		task tasks.Task
		want string // "" means it closes
	}{
		{"a repeating date", tasks.Task{Due: ptr("2026-12-01"), Recurrence: &weekly}, "2026-12-08"},
		{"a repeating time", tasks.Task{Due: ptr("2026-12-01T09:00:00+01:00"), Recurrence: &weekly}, "2026-12-08T09:00:00+01:00"},
		{"no recurrence", tasks.Task{Due: ptr("2026-12-01")}, ""},
		{"no due", tasks.Task{Recurrence: &weekly}, ""},
		{"an ended series", tasks.Task{Due: ptr("2026-12-01"), Recurrence: &ended}, ""},
		{"a rule that does not parse", tasks.Task{Due: ptr("2026-12-01"), Recurrence: ptr("FREQ=SOMETIMES")}, ""},
	} {
		got, ok := tasks.NextOccurrence(c.task, berlin, now)
		if !ok {
			got = ""
		}
		if got != c.want {
			t.Errorf("%s: NextOccurrence = %q, want %q", c.name, got, c.want)
		}
	}
}
