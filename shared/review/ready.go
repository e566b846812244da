package review

import (
	"slices"
	"time"
)

// HoursInWeek is how many hours a week of the UTC clock has: the register of users due for a
// review is kept by hour of the week (HourOfWeek).
const HoursInWeek = 7 * 24

// HourOfWeek is t's hour in its ISO week on the UTC clock: 0 (Monday 00:00-00:59 UTC) to 167
// (Sunday 23:00-23:59 UTC).
func HourOfWeek(t time.Time) int {
	t = t.UTC()
	return (int(t.Weekday())+6)%7*24 + t.Hour()
}

// ReadyHours are the UTC hours of the week (HourOfWeek) at which loc's weeks become ready
// (ReadyAt: Monday 06:00 local) over the 53 weeks from the week of from: one hour for a zone
// without daylight saving time, two for one with it (Europe/Berlin: 05 in winter, 04 in
// summer), sorted. A zone more than 6 hours ahead of UTC is ready on Sunday (UTC+13: hour
// 161, Sunday 17:00 UTC).
func ReadyHours(loc *time.Location, from time.Time) []int {
	w := WeekOf(from, loc)
	var out []int
	for range 53 {
		if h := HourOfWeek(w.ReadyAt()); !slices.Contains(out, h) {
			out = append(out, h)
		}
		w = w.Next()
	}
	slices.Sort(out)
	return out
}
