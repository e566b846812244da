package tasks

import (
	"cmp"
	"slices"
	"strings"
	"time"
	// Zone names come from clients; the Lambda base image need not ship a
	// zoneinfo database, so the binary carries its own.
	_ "time/tzdata"

	"github.com/lucian-app/phase12/shared/apperr"
)

// LoadLocation resolves an IANA zone name from a client. "Local" and ""
// are refused: they would mean the server's zone, never the user's.
func LoadLocation(name string) (*time.Location, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, apperr.Field("timezone", "required, an IANA name such as Europe/Berlin")
	}
	if name == "Local" {
		return nil, apperr.Field("timezone", "unknown time zone %q", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, apperr.Field("timezone", "unknown time zone %q", name)
	}
	return loc, nil
}

// Today is the today_load view: open tasks due today or overdue in loc,
// earliest due first, then the undated ones; ties go to the higher
// priority, then the older task.
func Today(all []Task, loc *time.Location, now time.Time) []Task {
	y, m, d := now.In(loc).Date()
	tomorrow := time.Date(y, m, d+1, 0, 0, 0, 0, loc)
	type keyed struct {
		t   Task
		due time.Time
	}
	var dated, undated []keyed
	for _, t := range all {
		if t.Completed {
			continue
		}
		if t.Due == nil {
			undated = append(undated, keyed{t: t})
			continue
		}
		due, ok := DueInstant(*t.Due, loc)
		if !ok || !due.Before(tomorrow) {
			continue
		}
		dated = append(dated, keyed{t: t, due: due})
	}
	byDue := func(a, b keyed) int {
		return cmp.Or(a.due.Compare(b.due), cmp.Compare(a.t.Priority, b.t.Priority),
			a.t.CreatedAt.Compare(b.t.CreatedAt), strings.Compare(a.t.ID, b.t.ID))
	}
	slices.SortFunc(dated, byDue)
	slices.SortFunc(undated, byDue)
	out := make([]Task, 0, len(dated)+len(undated))
	for _, k := range dated {
		out = append(out, k.t)
	}
	for _, k := range undated {
		out = append(out, k.t)
	}
	return out
}

// DueInstant is when a due value falls in loc: a date is the start of that
// day in loc, a time is itself.
func DueInstant(due string, loc *time.Location) (time.Time, bool) {
	if d, err := time.ParseInLocation(time.DateOnly, due, loc); err == nil {
		return d, true
	}
	if t, err := time.Parse(time.RFC3339, due); err == nil {
		return t, true
	}
	return time.Time{}, false
}
