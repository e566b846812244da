package hint

import (
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // the function must know every zone whatever the Lambda image carries

	"github.com/lucian-app/phase12/shared/apperr"
)

// QuietHours is a window of local wall-clock time, in minutes after midnight. Start is
// inside it, End is not; a window whose Start is after its End wraps midnight (21:00 to
// 08:00). Start never equals End.
type QuietHours struct {
	Start, End int
}

// Contains reports whether local, a time already in the user's zone, is quiet. It reads
// the wall clock, so it holds across DST changes: 21:00 is 21:00 on the day the clocks
// move.
func (q QuietHours) Contains(local time.Time) bool {
	m := local.Hour()*60 + local.Minute()
	if q.Start < q.End {
		return m >= q.Start && m < q.End
	}
	return m >= q.Start || m < q.End
}

// ParseClock reads "HH:MM" (00:00 to 23:59) as minutes after midnight.
func ParseClock(s string) (int, bool) {
	t, err := time.Parse("15:04", s)
	if err != nil || len(s) != 5 {
		return 0, false
	}
	return t.Hour()*60 + t.Minute(), true
}

// FormatClock writes minutes after midnight as "HH:MM".
func FormatClock(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

// LoadLocation reads an IANA zone name for field (400 naming it when unknown).
func LoadLocation(field, name string) (*time.Location, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, apperr.Field(field, "required, an IANA name such as Europe/Berlin")
	}
	// "Local" is the server's zone, never the user's.
	if name == "Local" || len(name) > 64 {
		return nil, apperr.Field(field, "unknown time zone %q", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, apperr.Field(field, "unknown time zone %q", name)
	}
	return loc, nil
}

// LocalDay is the date of t in loc, YYYY-MM-DD.
func LocalDay(t time.Time, loc *time.Location) string { return t.In(loc).Format(time.DateOnly) }
