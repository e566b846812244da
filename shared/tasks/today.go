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
	"github.com/lucian-app/phase12/shared/cursor"
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

// TodayWindow is what today_load shows for one zone at one moment: open
// tasks due before End (a due time) or on or before Date (a due date),
// then the undated open tasks.
type TodayWindow struct {
	Loc  *time.Location
	Date string    // today in Loc, YYYY-MM-DD
	End  time.Time // the start of tomorrow in Loc
}

// TodayWindowAt is the window of the day now falls on in loc.
func TodayWindowAt(loc *time.Location, now time.Time) TodayWindow {
	y, m, d := now.In(loc).Date()
	return TodayWindow{Loc: loc, Date: time.Date(y, m, d, 0, 0, 0, 0, loc).Format(time.DateOnly),
		End: time.Date(y, m, d+1, 0, 0, 0, 0, loc)}
}

// TodayOrder orders the dated tasks of the today view: earliest due (a
// date counts from the start of that day in loc) first; ties go to the
// higher priority, then the older task, then the id. Undated tasks use the
// same order without the due.
func TodayOrder(loc *time.Location) func(a, b Task) int {
	due := func(t Task) time.Time {
		if t.Due == nil {
			return time.Time{}
		}
		d, _ := DueInstant(*t.Due, loc)
		return d
	}
	return func(a, b Task) int {
		return cmp.Or(due(a).Compare(due(b)), cmp.Compare(a.Priority, b.Priority),
			a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.ID, b.ID))
	}
}

// Page asks for one page of a list: at most Limit items after Cursor (""
// for the first page).
type Page = cursor.Page

// List limits (DESIGN §7): a page holds 1 to MaxPage items, DefaultPage
// when the client does not say.
const (
	DefaultPage = 100
	MaxPage     = 500
)

// Today is the today_load view of all, computed in memory: the reference
// the store's range reads are checked against. Open tasks due today or
// overdue in loc, in TodayOrder, then the undated ones.
func Today(all []Task, loc *time.Location, now time.Time) []Task {
	tomorrow := TodayWindowAt(loc, now).End
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
