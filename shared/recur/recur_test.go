package recur

import (
	"strings"
	"testing"
	"time"
	_ "time/tzdata"
)

func TestParseCanonicalises(t *testing.T) {
	cases := []struct{ in, want string }{
		{"FREQ=WEEKLY;BYDAY=MO", "FREQ=WEEKLY;BYDAY=MO"},
		{"rrule:freq=weekly;byday=mo", "FREQ=WEEKLY;BYDAY=MO"},
		{"FREQ=WEEKLY;INTERVAL=1;BYDAY=FR", "FREQ=WEEKLY;BYDAY=FR"},
		{"FREQ=WEEKLY;BYDAY=TH,MO,MO", "FREQ=WEEKLY;BYDAY=MO,TH"},
		{"BYDAY=FR;INTERVAL=2;FREQ=WEEKLY", "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR"},
		{"FREQ=MONTHLY;BYMONTHDAY=15", "FREQ=MONTHLY;BYMONTHDAY=15"},
		{"FREQ=MONTHLY;BYMONTHDAY=-1", "FREQ=MONTHLY;BYMONTHDAY=-1"},
		{"FREQ=MONTHLY;BYDAY=-1FR", "FREQ=MONTHLY;BYDAY=-1FR"},
		{"FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24"},
		{"FREQ=DAILY;UNTIL=20271231T000000Z", "FREQ=DAILY;UNTIL=20271231T000000Z"},
		{"FREQ=DAILY;UNTIL=20271231", "FREQ=DAILY;UNTIL=20271231T000000Z"},
		{"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"},
	}
	for _, c := range cases {
		r, err := Parse(c.in)
		if err != nil {
			t.Errorf("Parse(%q) error %v, want %q", c.in, err, c.want)
			continue
		}
		if got := r.String(); got != c.want {
			t.Errorf("Parse(%q).String() = %q, want %q", c.in, got, c.want)
		}
		if got := Canonical(c.in); got != c.want {
			t.Errorf("Canonical(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestParseRefusesWhatATaskCannotRepeatBy(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", "empty rule"},
		{"FREQ=HOURLY", "FREQ=HOURLY is not supported"},
		{"FREQ=MINUTELY", "FREQ=MINUTELY is not supported"},
		{"FREQ=DAILY;COUNT=3", "COUNT is not supported"},
		{"FREQ=DAILY;BYHOUR=9", "BYHOUR is not supported"},
		{"FREQ=DAILY;DTSTART=20260101T000000Z", "DTSTART is not supported"},
		{"DTSTART:20260101T000000Z\nRRULE:FREQ=DAILY", "one RRULE value only"},
		{"FREQ=DAILY;FREQ=WEEKLY", "FREQ given twice"},
		{"FREQ=DAILY;X-NAME=1", "unknown part X-NAME"},
		{"FREQ=DAILY;INTERVAL=0", "INTERVAL must be 1 to 1000"},
		{"FREQ=DAILY;INTERVAL=1001", "INTERVAL must be 1 to 1000"},
		{"FREQ=WEEKLY;BYDAY=2MO", "a numbered weekday needs FREQ=MONTHLY or YEARLY"},
		{"FREQ=MONTHLY;BYMONTHDAY=32", "bymonthday must be between 1 and 31"},
		{"FREQ=WEEKLY;BYDAY=XX", "undefined weekday"},
		{"FREQ", "not NAME=VALUE"},
		{"INTERVAL=2", "FREQ is required"},
		{"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "the rule has no occurrence"},
		{"FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31", "the rule has no occurrence"},
		{"FREQ=DAILY;" + strings.Repeat("BYDAY=MO;", 30), "over 200 characters"},
		{"FREQ=MONTHLY;BYDAY=6MO", "the rule has no occurrence"},
		{"FREQ=MONTHLY;BYDAY=5MO;BYMONTHDAY=1", "the rule has no occurrence"},
		{"FREQ=YEARLY;BYWEEKNO=1;BYMONTH=6", "the rule has no occurrence"},
	}
	for _, c := range cases {
		_, err := Parse(c.in)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%q) error = %v, want one containing %q", c.in, err, c.want)
		}
	}
}

func TestNextDue(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	ny, _ := time.LoadLocation("America/New_York")
	// Tuesday 1 December 2026, 10:00 in Berlin.
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, berlin)
	cases := []struct {
		name, rule, due string
		loc             *time.Location
		now             time.Time
		want            string // "" means the series ended
	}{
		{"a weekly date due today moves a week", "FREQ=WEEKLY;BYDAY=TU", "2026-12-01", berlin, now, "2026-12-08"},
		{"an overdue weekly date moves past today", "FREQ=WEEKLY;BYDAY=MO", "2026-11-16", berlin, now, "2026-12-07"},
		{"a date completed early moves past its own day", "FREQ=WEEKLY;BYDAY=MO", "2026-12-07", berlin, now, "2026-12-14"},
		{"daily moves to tomorrow", "FREQ=DAILY", "2026-12-01", berlin, now, "2026-12-02"},
		{"every other friday keeps its phase", "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", "2026-11-20", berlin, now, "2026-12-04"},
		{"every weekday skips the weekend", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "2026-12-04", berlin, time.Date(2026, 12, 4, 18, 0, 0, 0, berlin), "2026-12-07"},
		{"monthly on the 31st skips short months", "FREQ=MONTHLY;BYMONTHDAY=31", "2027-01-31", berlin, time.Date(2027, 1, 31, 12, 0, 0, 0, berlin), "2027-03-31"},
		{"monthly on the last day", "FREQ=MONTHLY;BYMONTHDAY=-1", "2027-01-31", berlin, time.Date(2027, 1, 31, 12, 0, 0, 0, berlin), "2027-02-28"},
		{"yearly on 29 February waits for a leap year", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "2028-02-29", berlin, time.Date(2028, 2, 29, 9, 0, 0, 0, berlin), "2032-02-29"},
		{"yearly across the year end", "FREQ=YEARLY", "2026-12-31", berlin, time.Date(2026, 12, 31, 9, 0, 0, 0, berlin), "2027-12-31"},
		{"a weekly time keeps 09:00 across the spring change", "FREQ=WEEKLY;BYDAY=MO", "2027-03-22T09:00:00+01:00", berlin,
			time.Date(2027, 3, 22, 9, 30, 0, 0, berlin), "2027-03-29T09:00:00+02:00"},
		{"a daily time keeps 09:00 across the autumn change", "FREQ=DAILY", "2026-10-24T09:00:00+02:00", berlin,
			time.Date(2026, 10, 24, 9, 30, 0, 0, berlin), "2026-10-25T09:00:00+01:00"},
		{"New York changes on its own day", "FREQ=DAILY", "2027-03-13T09:00:00-05:00", ny,
			time.Date(2027, 3, 13, 10, 0, 0, 0, ny), "2027-03-14T09:00:00-04:00"},
		{"without a zone the due's offset is kept", "FREQ=DAILY", "2026-12-01T09:00:00+01:00", nil, now, "2026-12-02T09:00:00+01:00"},
		{"today is the user's today, not UTC's", "FREQ=DAILY", "2026-12-01", ny,
			time.Date(2026, 12, 2, 3, 0, 0, 0, time.UTC), "2026-12-02"},
		{"UNTIL ends the series", "FREQ=WEEKLY;UNTIL=20261205T000000Z", "2026-12-01", berlin, now, ""},
		{"UNTIL still admits an occurrence before it", "FREQ=WEEKLY;UNTIL=20261210T000000Z", "2026-12-01", berlin, now, "2026-12-08"},
		{"an interval out of phase with its days has none", "FREQ=DAILY;INTERVAL=7;BYDAY=TU", "2026-12-07", berlin, now, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := Parse(c.rule)
			if err != nil {
				t.Fatal(err)
			}
			got, ok, err := r.NextDue(c.due, c.loc, c.now)
			if err != nil {
				t.Fatal(err)
			}
			if !ok {
				got = ""
			}
			if got != c.want {
				t.Errorf("NextDue(%s, %s) = %q, want %q", c.rule, c.due, got, c.want)
			}
		})
	}
	r, _ := Parse("FREQ=DAILY")
	if _, _, err := r.NextDue("soon", berlin, now); err == nil {
		t.Errorf("NextDue of a malformed due: no error")
	}
}

func TestDescribe(t *testing.T) {
	cases := []struct{ rule, want string }{
		{"FREQ=DAILY", "every day"},
		{"FREQ=DAILY;INTERVAL=2", "every other day"},
		{"FREQ=DAILY;INTERVAL=3", "every 3 days"},
		{"FREQ=WEEKLY", "every week"},
		{"FREQ=WEEKLY;BYDAY=MO", "every Monday"},
		{"FREQ=WEEKLY;BYDAY=MO,TH", "every Monday and Thursday"},
		{"FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", "every other Friday"},
		{"FREQ=WEEKLY;INTERVAL=3;BYDAY=FR", "every 3 weeks on Friday"},
		{"FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "every weekday"},
		{"FREQ=MONTHLY;BYMONTHDAY=15", "every month on the 15th"},
		{"FREQ=MONTHLY;BYMONTHDAY=-1", "every month on the last day"},
		{"FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=1", "every 3 months on the 1st"},
		{"FREQ=YEARLY", "every year"},
		{"FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24", "every year on 24 December"},
		{"FREQ=MONTHLY;BYDAY=-1FR", "repeating FREQ=MONTHLY;BYDAY=-1FR"},
	}
	for _, c := range cases {
		r, err := Parse(c.rule)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Describe(); got != c.want {
			t.Errorf("Describe(%s) = %q, want %q", c.rule, got, c.want)
		}
	}
}
