package recur

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	rrule "github.com/teambition/rrule-go"
)

// MaxLen bounds a rule's text; the rules a person means fit in a fraction.
const MaxLen = 200

// MaxInterval bounds INTERVAL: every 1,000 days is already almost three years.
const MaxInterval = 1000

// Rule is a checked recurrence rule.
type Rule struct {
	opt rrule.ROption
}

// Parse reads an RRULE value (an "RRULE:" prefix and any letter case are
// accepted) and checks it against what a task can repeat by.
func Parse(s string) (Rule, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "RRULE:")
	switch {
	case s == "":
		return Rule{}, errors.New("empty rule")
	case len(s) > MaxLen:
		return Rule{}, fmt.Errorf("over %d characters", MaxLen)
	case strings.ContainsAny(s, "\r\n"):
		return Rule{}, errors.New("one RRULE value only, without DTSTART (the due is the start)")
	}
	seen := map[string]bool{}
	for _, part := range strings.Split(s, ";") {
		name, value, ok := strings.Cut(part, "=")
		if !ok || value == "" {
			return Rule{}, fmt.Errorf("%q is not NAME=VALUE", part)
		}
		if seen[name] {
			return Rule{}, fmt.Errorf("%s given twice", name)
		}
		seen[name] = true
		switch name {
		case "FREQ", "INTERVAL", "UNTIL", "WKST", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYYEARDAY", "BYWEEKNO", "BYSETPOS":
		case "COUNT":
			return Rule{}, errors.New("COUNT is not supported: the series restarts from the due at each completion; use UNTIL")
		case "BYHOUR", "BYMINUTE", "BYSECOND":
			return Rule{}, fmt.Errorf("%s is not supported: the time of day comes from the due", name)
		case "DTSTART":
			return Rule{}, errors.New("DTSTART is not supported: the due is the start")
		default:
			return Rule{}, fmt.Errorf("unknown part %s", name)
		}
	}
	opt, err := rrule.StrToROption(s)
	if err != nil {
		return Rule{}, err
	}
	switch opt.Freq {
	case rrule.DAILY, rrule.WEEKLY, rrule.MONTHLY, rrule.YEARLY:
	default:
		return Rule{}, fmt.Errorf("FREQ=%s is not supported: a task repeats DAILY, WEEKLY, MONTHLY or YEARLY", opt.Freq)
	}
	if seen["INTERVAL"] && (opt.Interval < 1 || opt.Interval > MaxInterval) {
		return Rule{}, fmt.Errorf("INTERVAL must be 1 to %d", MaxInterval)
	}
	if opt.Interval == 1 {
		opt.Interval = 0 // the default, left out of the canonical text
	}
	for _, w := range opt.Byweekday {
		if w.N() != 0 && opt.Freq != rrule.MONTHLY && opt.Freq != rrule.YEARLY {
			return Rule{}, fmt.Errorf("BYDAY=%s: a numbered weekday needs FREQ=MONTHLY or YEARLY", w)
		}
	}
	if !opt.Until.IsZero() {
		opt.Until = opt.Until.UTC()
	}
	slices.SortFunc(opt.Byweekday, func(a, b rrule.Weekday) int {
		return cmp.Or(cmp.Compare(a.N(), b.N()), cmp.Compare(a.Day(), b.Day()))
	})
	for _, list := range [][]int{opt.Bymonth, opt.Bymonthday, opt.Byyearday, opt.Byweekno, opt.Bysetpos} {
		slices.Sort(list)
	}
	opt.Byweekday = slices.Compact(opt.Byweekday)
	opt.Bymonth, opt.Bymonthday = slices.Compact(opt.Bymonth), slices.Compact(opt.Bymonthday)
	opt.Byyearday, opt.Byweekno, opt.Bysetpos = slices.Compact(opt.Byyearday), slices.Compact(opt.Byweekno), slices.Compact(opt.Bysetpos)
	r := Rule{opt: *opt}
	if err := r.satisfiable(); err != nil {
		return Rule{}, err
	}
	return r, nil
}

// satisfiable proves the rule has an occurrence by stepping it once from
// a start that matches every day of the year (1 January 2000 and each
// of the next 28 years cover every weekday and leap-day pattern; the
// interval is 1 so its phase cannot hide one).
func (r Rule) satisfiable() error {
	opt := r.opt
	if len(opt.Bymonth) > 0 && len(opt.Bymonthday) > 0 && !anyMonthDay(opt.Bymonth, opt.Bymonthday) {
		// The common empty rule (30 February), refused without the search.
		return errors.New("the rule has no occurrence")
	}
	// Plain weekdays, months and month days alone: a rule is non-empty
	// once some month has one of its days, because a calendar date falls
	// on every weekday within 28 years (29 February too). Only the rarer
	// parts need the search, which costs far more than parsing.
	numbered := false
	for _, w := range opt.Byweekday {
		numbered = numbered || w.N() != 0
	}
	opt.Interval, opt.Until, opt.Count = 0, time.Time{}, 0
	opt.Dtstart = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	rr, err := rrule.NewRRule(opt) // checks every part's bounds
	if err != nil {
		return err
	}
	if !numbered && len(opt.Byyearday) == 0 && len(opt.Byweekno) == 0 && len(opt.Bysetpos) == 0 {
		return nil
	}
	// The Gregorian calendar repeats every 400 years; 401 covers a BYDAY
	// and leap-day combination that only a century year could break.
	if first := rr.After(opt.Dtstart, true); first.IsZero() || first.Year() > 2400 {
		return errors.New("the rule has no occurrence")
	}
	return nil
}

// monthLen is the longest each month gets (February in a leap year).
var monthLen = [13]int{0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

func anyMonthDay(months, days []int) bool {
	for _, m := range months {
		for _, d := range days {
			if d <= monthLen[m] && -d <= monthLen[m] {
				return true
			}
		}
	}
	return false
}

// String is the rule's canonical text: parts in one order, lists sorted,
// INTERVAL=1 and WKST=MO left out, so rules that mean the same compare
// equal.
func (r Rule) String() string { return r.opt.RRuleString() }

// Canonical returns the canonical text of s, or s trimmed and upper-cased
// when it is not a rule Parse accepts (for normalising before validation).
func Canonical(s string) string {
	if r, err := Parse(s); err == nil {
		return r.String()
	}
	return strings.ToUpper(strings.TrimSpace(s))
}

// dueLayout is the due time's RFC 3339 form with a numeric offset.
const dueLayout = "2006-01-02T15:04:05-07:00"

// NextDue is the occurrence of the series that starts at due and follows
// r on the first day after both today (in loc, at now) and due's own day:
// where a completed task moves. ok is false when the series has ended
// (UNTIL) and the task should close. A due date stays a date; a due time
// keeps its wall-clock time in loc (nil loc means due's own offset).
func (r Rule) NextDue(due string, loc *time.Location, now time.Time) (next string, ok bool, err error) {
	opt := r.opt
	if d, err := time.Parse(time.DateOnly, due); err == nil {
		// A date has no zone: step it on the calendar, in UTC, which has
		// no DST. "Today" is still the user's today.
		if loc == nil {
			loc = time.UTC
		}
		y, m, dd := now.In(loc).Date()
		after := time.Date(y, m, dd+1, 0, 0, 0, 0, time.UTC)
		if day := d.AddDate(0, 0, 1); day.After(after) {
			after = day
		}
		opt.Dtstart = d
		t, found, err := step(opt, after)
		if err != nil || !found {
			return "", false, err
		}
		return t.Format(time.DateOnly), true, nil
	}
	t, err := time.Parse(time.RFC3339, due)
	if err != nil {
		return "", false, fmt.Errorf("due %q is neither a date nor an RFC 3339 time", due)
	}
	if loc == nil {
		// The due's own offset, fixed: time.Parse would hand back the
		// machine's zone when the offset happens to match it.
		_, offset := t.Zone()
		loc = time.FixedZone("", offset)
	}
	t = t.In(loc)
	y, m, d := now.In(loc).Date()
	after := time.Date(y, m, d+1, 0, 0, 0, 0, loc)
	if ty, tm, td := t.Date(); time.Date(ty, tm, td+1, 0, 0, 0, 0, loc).After(after) {
		after = time.Date(ty, tm, td+1, 0, 0, 0, 0, loc)
	}
	opt.Dtstart = t.Truncate(time.Second)
	next2, found, err := step(opt, after)
	if err != nil || !found {
		return "", false, err
	}
	return next2.Format(dueLayout), true, nil
}

// step is the first occurrence at or after after. The search stops 400
// years on, which only an interval out of phase with its BY parts (every
// 7 days on Tuesdays, from a Monday) can reach.
func step(opt rrule.ROption, after time.Time) (time.Time, bool, error) {
	limit := after.AddDate(400, 0, 0)
	if opt.Until.IsZero() || opt.Until.After(limit) {
		opt.Until = limit
	}
	rr, err := rrule.NewRRule(opt)
	if err != nil {
		return time.Time{}, false, err
	}
	t := rr.After(after, true)
	return t, !t.IsZero(), nil
}

var dayNames = map[string]string{"MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday",
	"FR": "Friday", "SA": "Saturday", "SU": "Sunday"}

var units = map[rrule.Frequency]string{rrule.DAILY: "day", rrule.WEEKLY: "week", rrule.MONTHLY: "month", rrule.YEARLY: "year"}

// Describe says the rule in plain English for a preview ("every other
// Friday", "every month on the 15th"); rules beyond the common shapes
// are shown as written.
func (r Rule) Describe() string {
	o := r.opt
	plain := len(o.Byyearday) == 0 && len(o.Byweekno) == 0 && len(o.Bysetpos) == 0 && o.Until.IsZero()
	for _, w := range o.Byweekday {
		plain = plain && w.N() == 0
	}
	if !plain {
		return "repeating " + r.String()
	}
	every := "every "
	switch n := max(o.Interval, 1); n {
	case 1:
	case 2:
		every = "every other "
	default:
		every = "every " + strconv.Itoa(n) + " "
	}
	days := make([]string, len(o.Byweekday))
	for i, w := range o.Byweekday {
		days[i] = dayNames[w.String()]
	}
	switch {
	case len(o.Byweekday) > 0 && len(o.Bymonthday) == 0 && len(o.Bymonth) == 0 && o.Freq == rrule.WEEKLY:
		if strings.Join(days, ",") == "Monday,Tuesday,Wednesday,Thursday,Friday" && o.Interval <= 1 {
			return "every weekday"
		}
		if o.Interval <= 2 {
			return every + join(days)
		}
		return every + "weeks on " + join(days)
	case len(o.Byweekday) > 0:
		return "repeating " + r.String()
	case len(o.Bymonthday) == 1 && len(o.Bymonth) == 0 && o.Freq == rrule.MONTHLY:
		return every + plural(o.Interval, "month") + " on the " + ordinal(o.Bymonthday[0])
	case len(o.Bymonthday) == 1 && len(o.Bymonth) == 1 && o.Freq == rrule.YEARLY:
		return every + plural(o.Interval, "year") + " on " + strconv.Itoa(o.Bymonthday[0]) + " " + time.Month(o.Bymonth[0]).String()
	case len(o.Bymonthday) == 0 && len(o.Bymonth) == 0:
		return every + plural(o.Interval, units[o.Freq])
	}
	return "repeating " + r.String()
}

func plural(n int, unit string) string {
	if n > 2 {
		return unit + "s"
	}
	return unit
}

func join(names []string) string {
	if len(names) <= 1 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

func ordinal(d int) string {
	if d == -1 {
		return "last day"
	}
	if d < 0 {
		return strconv.Itoa(-d) + ordinalSuffix(-d) + " last day"
	}
	return strconv.Itoa(d) + ordinalSuffix(d)
}

func ordinalSuffix(d int) string {
	switch {
	case d%100 >= 11 && d%100 <= 13:
		return "th"
	case d%10 == 1:
		return "st"
	case d%10 == 2:
		return "nd"
	case d%10 == 3:
		return "rd"
	}
	return "th"
}
