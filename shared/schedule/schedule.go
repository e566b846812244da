package schedule

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// EventBridge's year range for cron expressions.
const (
	minYear = 1970
	maxYear = 2199
)

// Schedule is a parsed schedule expression.
type Schedule struct {
	expr  string
	loc   *time.Location
	every time.Duration // rate()
	at    time.Time     // at()
	cron  *cron         // cron()
}

// Parse parses a schedule expression evaluated in UTC: rate(1 minute),
// rate(5 minutes), rate(1 hour), rate(2 days), cron(0 8 ? * MON *) or
// at(2026-11-28T10:00:00).
func Parse(expr string) (Schedule, error) { return ParseIn(expr, time.UTC) }

// ParseIn is Parse with cron() and at() evaluated in loc, as a ScheduleV2
// event's ScheduleExpressionTimezone asks.
func ParseIn(expr string, loc *time.Location) (Schedule, error) {
	if loc == nil {
		loc = time.UTC
	}
	s := Schedule{expr: expr, loc: loc}
	kind, arg, ok := strings.Cut(strings.TrimSpace(expr), "(")
	if !ok || !strings.HasSuffix(arg, ")") {
		return Schedule{}, fmt.Errorf("schedule %q: want rate(...), cron(...) or at(...)", expr)
	}
	arg = strings.TrimSpace(strings.TrimSuffix(arg, ")"))
	var err error
	switch kind {
	case "rate":
		s.every, err = parseRate(arg)
	case "cron":
		s.cron, err = parseCron(arg)
	case "at":
		s.at, err = time.ParseInLocation("2006-01-02T15:04:05", arg, loc)
		if err != nil {
			err = fmt.Errorf("want at(yyyy-mm-ddThh:mm:ss): %w", err)
		}
	default:
		err = fmt.Errorf("unknown kind %q", kind)
	}
	if err != nil {
		return Schedule{}, fmt.Errorf("schedule %q: %w", expr, err)
	}
	return s, nil
}

// String returns the expression as written.
func (s Schedule) String() string { return s.expr }

// Next returns the first time the schedule fires strictly after after, or
// the zero time when it never fires again (a past at(), a cron whose years
// are over).
func (s Schedule) Next(after time.Time) time.Time {
	switch {
	case s.every > 0:
		epoch := time.Unix(0, 0).UTC()
		n := after.Sub(epoch) / s.every
		next := epoch.Add((n + 1) * s.every)
		for !next.After(after) { // after before the epoch rounds towards zero
			next = next.Add(s.every)
		}
		return next
	case s.cron != nil:
		return s.cron.next(after.In(s.loc))
	case !s.at.IsZero():
		if s.at.After(after) {
			return s.at
		}
	}
	return time.Time{}
}

func parseRate(arg string) (time.Duration, error) {
	fields := strings.Fields(arg)
	if len(fields) != 2 {
		return 0, fmt.Errorf("want rate(value unit)")
	}
	n, err := strconv.Atoi(fields[0])
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("rate value %q: want a positive whole number", fields[0])
	}
	unit := fields[1]
	singular := strings.TrimSuffix(unit, "s")
	// EventBridge refuses "1 minutes" and "5 minute"; so does the runner,
	// so the template fails here before it fails to deploy.
	if (n == 1) != (unit == singular) {
		if n == 1 {
			return 0, fmt.Errorf("rate unit %q: a value of 1 takes the singular (%s)", unit, singular)
		}
		return 0, fmt.Errorf("rate unit %q: a value above 1 takes the plural (%ss)", unit, singular)
	}
	var d time.Duration
	switch singular {
	case "minute":
		d = time.Minute
	case "hour":
		d = time.Hour
	case "day":
		d = 24 * time.Hour
	default:
		return 0, fmt.Errorf("rate unit %q: want minute(s), hour(s) or day(s)", unit)
	}
	return time.Duration(n) * d, nil
}

// cron holds, for each field, which values match.
type cron struct {
	minutes, hours, dom, months, dow, years []bool
	anyDOM                                  bool // day-of-month is "?": days match on day-of-week
}

func parseCron(arg string) (*cron, error) {
	f := strings.Fields(arg)
	if len(f) != 6 {
		return nil, fmt.Errorf("want 6 fields (minutes hours day-of-month month day-of-week year), got %d", len(f))
	}
	if (f[2] == "?") == (f[4] == "?") {
		return nil, fmt.Errorf("exactly one of day-of-month (%q) and day-of-week (%q) must be ?", f[2], f[4])
	}
	c := &cron{anyDOM: f[2] == "?"}
	monthNames := []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}
	dayNames := []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}
	specs := []struct {
		name     string
		text     string
		min, max int
		names    []string
		dst      *[]bool
	}{
		{"minutes", f[0], 0, 59, nil, &c.minutes},
		{"hours", f[1], 0, 23, nil, &c.hours},
		{"day-of-month", f[2], 1, 31, nil, &c.dom},
		{"month", f[3], 1, 12, monthNames, &c.months},
		{"day-of-week", f[4], 1, 7, dayNames, &c.dow},
		{"year", f[5], minYear, maxYear, nil, &c.years},
	}
	for _, s := range specs {
		set, err := parseField(s.text, s.min, s.max, s.names)
		if err != nil {
			return nil, fmt.Errorf("%s %q: %w", s.name, s.text, err)
		}
		*s.dst = set
	}
	return c, nil
}

// parseField returns a slice indexed by value (0..max) marking the values
// the field matches.
func parseField(text string, min, max int, names []string) ([]bool, error) {
	set := make([]bool, max+1)
	if text == "?" {
		for v := min; v <= max; v++ {
			set[v] = true
		}
		return set, nil
	}
	if strings.ContainsAny(text, "LW#") && !onlyNames(text, names) {
		//lint:ignore ST1005 L and W are cron's own letters, written as cron writes them
		return nil, fmt.Errorf("L, W and # are not supported by the local scheduler")
	}
	for part := range strings.SplitSeq(text, ",") {
		rng, stepText, hasStep := strings.Cut(part, "/")
		step := 1
		if hasStep {
			n, err := strconv.Atoi(stepText)
			if err != nil || n <= 0 {
				return nil, fmt.Errorf("step %q: want a positive whole number", stepText)
			}
			step = n
		}
		lo, hi := min, max
		switch {
		case rng == "*":
		case strings.Contains(rng, "-"):
			a, b, _ := strings.Cut(rng, "-")
			var err error
			if lo, err = value(a, min, max, names); err != nil {
				return nil, err
			}
			if hi, err = value(b, min, max, names); err != nil {
				return nil, err
			}
			if lo > hi {
				return nil, fmt.Errorf("range %q runs backwards", rng)
			}
		default:
			v, err := value(rng, min, max, names)
			if err != nil {
				return nil, err
			}
			lo = v
			if !hasStep {
				hi = v // "0/5" is 0, 5, 10 ... up to max; "7" is just 7
			}
		}
		for v := lo; v <= hi; v += step {
			set[v] = true
		}
	}
	return set, nil
}

func onlyNames(text string, names []string) bool {
	// "JUL", "WED" and "SAT" contain L or W but are names, not modifiers.
	for _, n := range names {
		text = strings.ReplaceAll(strings.ToUpper(text), n, "")
	}
	return !strings.ContainsAny(text, "LW#")
}

func value(s string, min, max int, names []string) (int, error) {
	for i, n := range names {
		if strings.EqualFold(s, n) {
			return min + i, nil
		}
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		if names != nil {
			return 0, fmt.Errorf("%q: want %d-%d or %s-%s", s, min, max, names[0], names[len(names)-1])
		}
		return 0, fmt.Errorf("%q: want a number %d-%d", s, min, max)
	}
	if v < min || v > max {
		return 0, fmt.Errorf("%d is outside %d-%d", v, min, max)
	}
	return v, nil
}

func (c *cron) dayMatches(t time.Time) bool {
	if c.anyDOM {
		return c.dow[int(t.Weekday())+1] // EventBridge: 1 is Sunday
	}
	return c.dom[t.Day()]
}

// next walks forward from the minute after t, skipping a whole year,
// month, day or hour as soon as that field cannot match.
func (c *cron) next(t time.Time) time.Time {
	loc := t.Location()
	t = t.Truncate(time.Minute).Add(time.Minute)
	// A bound on the walk, well above the ~84,000 days in 1970-2199, so an
	// expression that never matches (30 February) ends instead of spinning.
	for range 1_000_000 {
		y, mo, d := t.Date()
		h, mi := t.Hour(), t.Minute()
		var n time.Time
		switch {
		case y > maxYear:
			return time.Time{}
		case y < minYear || !c.years[y]:
			n = time.Date(y+1, 1, 1, 0, 0, 0, 0, loc)
		case !c.months[mo]:
			n = time.Date(y, mo+1, 1, 0, 0, 0, 0, loc)
		case !c.dayMatches(t):
			n = time.Date(y, mo, d+1, 0, 0, 0, 0, loc)
		case !c.hours[h]:
			// Adding rather than time.Date keeps the walk moving forward
			// through a repeated hour when clocks go back.
			n = t.Add(time.Duration(60-mi) * time.Minute)
		case !c.minutes[mi]:
			n = t.Add(time.Minute)
		default:
			return t
		}
		if !n.After(t) {
			n = t.Add(time.Minute)
		}
		t = n
	}
	return time.Time{}
}
