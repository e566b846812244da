package review

import (
	"fmt"
	"strconv"
	"time"

	"github.com/lucian-app/phase12/shared/apperr"
)

// Week is an ISO 8601 week as one user lives it: from Monday 00:00 to the next Monday
// 00:00 on their own wall clock, in their zone. Its bounds come from time.Date in the
// zone, never from adding 7*24h, so a week with a DST change is 167 or 169 hours long.
type Week struct {
	Year, Num int
	Loc       *time.Location
}

// ReadyHour is the local hour on the Monday after a week when its review is generated.
const ReadyHour = 6

// ParseWeek reads "YYYY-Www" (e.g. "2026-W49") as a week in loc.
func ParseWeek(s string, loc *time.Location) (Week, error) {
	bad := apperr.Field("week", "must be an ISO week YYYY-Www such as 2026-W49, not %q", s)
	if len(s) != 8 || s[4] != '-' || s[5] != 'W' {
		return Week{}, bad
	}
	y, err1 := strconv.Atoi(s[:4])
	n, err2 := strconv.Atoi(s[6:])
	if err1 != nil || err2 != nil || y < 1970 || n < 1 || n > weeksIn(y) {
		return Week{}, bad
	}
	return Week{Year: y, Num: n, Loc: loc}, nil
}

// weeksIn is how many ISO weeks year y has (52 or 53): the week of December 28th is the last.
func weeksIn(y int) int {
	_, n := time.Date(y, time.December, 28, 12, 0, 0, 0, time.UTC).ISOWeek()
	return n
}

// WeekOf is the ISO week that contains t on loc's wall clock.
func WeekOf(t time.Time, loc *time.Location) Week {
	y, n := t.In(loc).ISOWeek()
	return Week{Year: y, Num: n, Loc: loc}
}

// LastFinished is the newest week that has ended at now in loc: the week before now's.
func LastFinished(now time.Time, loc *time.Location) Week { return WeekOf(now, loc).Prev() }

func (w Week) String() string { return fmt.Sprintf("%04d-W%02d", w.Year, w.Num) }

// monday is the week's Monday as a calendar date (year, month, day) in UTC, zone-free.
func (w Week) monday() time.Time {
	jan4 := time.Date(w.Year, time.January, 4, 0, 0, 0, 0, time.UTC)
	back := (int(jan4.Weekday()) + 6) % 7 // days since Monday
	return jan4.AddDate(0, 0, -back+7*(w.Num-1))
}

// Day is the date of the week's i-th day (0 Monday .. 6 Sunday) as YYYY-MM-DD.
func (w Week) Day(i int) string { return w.monday().AddDate(0, 0, i).Format(time.DateOnly) }

// dayStart is midnight on the wall clock of the i-th day from Monday (i may pass 6).
func (w Week) dayStart(i int) time.Time {
	m := w.monday().AddDate(0, 0, i)
	return time.Date(m.Year(), m.Month(), m.Day(), 0, 0, 0, 0, w.Loc)
}

// Start is Monday 00:00 in the user's zone; End the next Monday 00:00, exclusive.
func (w Week) Start() time.Time { return w.dayStart(0) }
func (w Week) End() time.Time   { return w.dayStart(7) }

// ReadyAt is when the week's review is due: the next Monday at ReadyHour, local.
func (w Week) ReadyAt() time.Time {
	m := w.monday().AddDate(0, 0, 7)
	return time.Date(m.Year(), m.Month(), m.Day(), ReadyHour, 0, 0, 0, w.Loc)
}

// Prev and Next are the neighbouring weeks in the same zone.
func (w Week) Prev() Week { return WeekOf(w.dayStart(-7).Add(12*time.Hour), w.Loc) }
func (w Week) Next() Week { return WeekOf(w.dayStart(7).Add(12*time.Hour), w.Loc) }

// Finished reports whether the week has ended at now.
func (w Week) Finished(now time.Time) bool { return !now.Before(w.End()) }

// DayIndex is the weekday of t in the week (0 Monday .. 6 Sunday), or -1 outside it.
func (w Week) DayIndex(t time.Time) int {
	if t.Before(w.Start()) || !t.Before(w.End()) {
		return -1
	}
	local := t.In(w.Loc)
	return (int(local.Weekday()) + 6) % 7
}

// HasDate reports whether the calendar date d (YYYY-MM-DD) is one of the week's days.
func (w Week) HasDate(d string) bool { return d >= w.Day(0) && d <= w.Day(6) }

// Due reports whether a task's due (a date, or an RFC 3339 time) falls in the week: a
// date by its calendar day, a time by the instant.
func (w Week) Due(due string) bool {
	if _, err := time.Parse(time.DateOnly, due); err == nil {
		return w.HasDate(due)
	}
	t, err := time.Parse(time.RFC3339, due)
	return err == nil && !t.Before(w.Start()) && t.Before(w.End())
}
