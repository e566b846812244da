package digest

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/lucian-app/phase12/shared/apperr"
)

// Week is an ISO 8601 week: Monday 00:00 UTC to the next Monday.
type Week struct {
	Year, Number int
}

// WeekBefore is the ISO week before the one holding t (in UTC): the week a run scheduled at
// t reports on, however late the run is within its own week.
func WeekBefore(t time.Time) Week {
	y, w := t.UTC().AddDate(0, 0, -7).ISOWeek()
	return Week{Year: y, Number: w}
}

// WeekOf is the ISO week holding t (in UTC).
func WeekOf(t time.Time) Week {
	y, w := t.UTC().ISOWeek()
	return Week{Year: y, Number: w}
}

// String is the week as DESIGN and the routes spell it: 2026-W48. The form sorts
// chronologically, which the store relies on to find the latest digest.
func (w Week) String() string { return fmt.Sprintf("%04d-W%02d", w.Year, w.Number) }

// Start is the week's Monday, 00:00 UTC.
func (w Week) Start() time.Time {
	// January 4th is always in week 1; its week's Monday starts week 1.
	jan4 := time.Date(w.Year, time.January, 4, 0, 0, 0, 0, time.UTC)
	monday := jan4.AddDate(0, 0, -((int(jan4.Weekday()) + 6) % 7))
	return monday.AddDate(0, 0, 7*(w.Number-1))
}

// End is the next week's Monday, 00:00 UTC: the week is [Start, End).
func (w Week) End() time.Time { return w.Start().AddDate(0, 0, 7) }

var weekPattern = regexp.MustCompile(`^([0-9]{4})-W([0-9]{2})$`)

// ParseWeek reads a week such as 2026-W48. A malformed week, or one the year does not have
// (2026-W53), is an invalid_request naming the week field.
func ParseWeek(s string) (Week, error) {
	m := weekPattern.FindStringSubmatch(s)
	if m == nil {
		return Week{}, apperr.Field("week", "%q is not an ISO week such as 2026-W48", truncate(s, 40))
	}
	y, _ := strconv.Atoi(m[1])
	n, _ := strconv.Atoi(m[2])
	w := Week{Year: y, Number: n}
	if n < 1 || WeekOf(w.Start()) != w {
		return Week{}, apperr.Field("week", "%d has no week %d", y, n)
	}
	return w, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
