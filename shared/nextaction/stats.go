package nextaction

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lucian-app/phase12/shared/tasks"
)

// StatsVersion names the counters' layout; a change that reads old counters differently
// gets a new version (and a new item).
const StatsVersion = "stats-v1"

// The counters, one number attribute each, all in one item per user and era:
//
//	h<hour of week>        completions in that local hour of the week (0 to 167)
//	k<key><slot>           completions of tasks with that project or label in that slot;
//	                       key is 3 hex digits, FNV-1a of "p:<project>" or "l:<label>"
//	                       (lower case) mod KeyBuckets
//	z<size><slot>          completions of short (s), medium (m) or long (l) tasks in that slot
//
// Hashing keys into KeyBuckets bounds the item whatever the names a user invents: at
// most 168 + KeyBuckets x 8 + 24 counters (about 120 KB in the worst case; a user with
// ten projects and labels has about 300 counters, 4 KB). Two keys in one bucket share
// their counts; with 1,024 buckets and 20 keys that happens to 17% of such users, to
// one pair, and only blurs that pair's habit.
const KeyBuckets = 1024

// Size classes by title length in characters: the API has no estimate, so the title is
// the estimate.
const (
	ShortTitle  = 30 // up to this many characters: short
	MediumTitle = 70 // up to this many: medium; longer: long
)

var sizeCodes = [3]byte{'s', 'm', 'l'}
var sizeWords = [3]string{"short", "medium-sized", "long"}

// SizeOf is the size class of t: 0 short, 1 medium, 2 long.
func SizeOf(t tasks.Task) int {
	switch n := utf8.RuneCountInString(t.Title); {
	case n <= ShortTitle:
		return 0
	case n <= MediumTitle:
		return 1
	}
	return 2
}

// Key is one habit key of a task: its project or one of its labels.
type Key struct {
	Label bool   // false: the project
	Name  string // as the user wrote it
}

// Phrase is how a reason names the key: "#work", "@phone".
func (k Key) Phrase() string {
	if k.Label {
		return "@" + k.Name
	}
	return "#" + k.Name
}

func (k Key) bucket() int {
	h := fnv.New32a()
	kind := "p:"
	if k.Label {
		kind = "l:"
	}
	h.Write([]byte(kind + strings.ToLower(k.Name)))
	return int(h.Sum32() % KeyBuckets)
}

// KeysOf are t's habit keys: its project, then its labels.
func KeysOf(t tasks.Task) []Key {
	var out []Key
	if t.Project != nil && *t.Project != "" {
		out = append(out, Key{Name: *t.Project})
	}
	for _, l := range t.Labels {
		out = append(out, Key{Label: true, Name: l})
	}
	return out
}

func hourAttr(h int) string         { return "h" + strconv.Itoa(h) }
func keyAttr(bucket, s int) string  { return fmt.Sprintf("k%03x%d", bucket, s) }
func sizeAttr(size, s int) string   { return fmt.Sprintf("z%c%d", sizeCodes[size], s) }
func isCounter(name string) bool    { return name != "" && strings.ContainsRune("hkz", rune(name[0])) }
func eraOfWeight(w int) (int, bool) { return Era(w), w%EraWeeks >= EraWeeks-OverlapWeeks }

// Add is one counter to add to.
type Add struct {
	Attr string
	N    float64
}

// ItemAdds are the adds to one era's item.
type ItemAdds struct {
	Era  int
	Adds []Add
}

// ZoneOf is the zone a completion is counted in, first found: loc, the zone the request
// named (execute requests always do; PATCH when it carries timezone); the offset of the
// task's due when it is a time (as PATCH completes a repeating task in the due's own
// offset); else UTC. The UTC fallback is for a date-only or undated task completed by a
// PATCH without timezone: its local hour is unknown, and UTC may put it in the wrong slot
// (Europe's 09:00 in winter is 08:00 UTC, still the morning; the Americas' evenings fall
// in UTC's night), but not counting it at all left those users' history empty, so the
// tie-breakers never learnt from them. Clients should send timezone with completions.
func ZoneOf(t tasks.Task, loc *time.Location) *time.Location {
	if loc != nil {
		return loc
	}
	if t.Due != nil {
		if d, err := time.Parse(time.RFC3339, *t.Due); err == nil {
			_, off := d.Zone()
			return time.FixedZone("", off)
		}
	}
	return time.UTC
}

// Completion is what completing t at at, in zone loc (see ZoneOf), adds to the
// statistics: one hour-of-week counter, one per key and one size counter in the slot,
// each by the week's weight. Usually one item; in the last weeks of an era, the next
// era's item too.
func Completion(t tasks.Task, at time.Time, loc *time.Location) []ItemAdds {
	loc = ZoneOf(t, loc)
	local := at.In(loc)
	s, w := SlotOf(local), Week(at)
	if w < 0 {
		return nil
	}
	names := []string{hourAttr(HourOfWeek(local)), sizeAttr(SizeOf(t), s)}
	seen := map[string]bool{}
	for _, k := range KeysOf(t) {
		// Two keys in one bucket count once: the bucket stands for both.
		if a := keyAttr(k.bucket(), s); !seen[a] {
			seen[a] = true
			names = append(names, a)
		}
	}
	era, overlap := eraOfWeight(w)
	eras := []int{era}
	if overlap {
		eras = append(eras, era+1)
	}
	out := make([]ItemAdds, 0, len(eras))
	for _, e := range eras {
		n := weight(w, e)
		adds := make([]Add, len(names))
		for i, a := range names {
			adds[i] = Add{Attr: a, N: n}
		}
		out = append(out, ItemAdds{Era: e, Adds: adds})
	}
	return out
}

// Postponed reports whether editing prev into next postpones it: both open, both due,
// and next due later (a date counts from the start of its day in loc, UTC when nil).
// Completing a repeating task also moves its due; the caller says so (completes), and
// that is a completion, not a postponement.
func Postponed(prev, next tasks.Task, completes bool, loc *time.Location) bool {
	if completes || prev.Completed || next.Completed || prev.Due == nil || next.Due == nil {
		return false
	}
	if loc == nil {
		loc = time.UTC
	}
	a, okA := tasks.DueInstant(*prev.Due, loc)
	b, okB := tasks.DueInstant(*next.Due, loc)
	return okA && okB && b.After(a)
}

// Stats are one user's counters decayed to a week: counts in units of "this week's
// completions".
type Stats struct {
	Hours [168]float64
	Keys  map[int][Slots]float64 // by key bucket
	Sizes [3][Slots]float64
}

// DecodeStats reads era's stored counters (attribute name to value) as of week now.
// Unknown attributes are ignored, so the item may carry other fields.
func DecodeStats(attrs map[string]float64, era, now int) Stats {
	st := Stats{Keys: map[int][Slots]float64{}}
	f := scale(now, era)
	for name, v := range attrs {
		if !isCounter(name) || v <= 0 {
			continue
		}
		v *= f
		switch name[0] {
		case 'h':
			if h, err := strconv.Atoi(name[1:]); err == nil && h >= 0 && h < 168 && "h"+strconv.Itoa(h) == name {
				st.Hours[h] += v
			}
		case 'k':
			if len(name) != 5 {
				continue
			}
			b, err1 := strconv.ParseUint(name[1:4], 16, 16)
			s, err2 := strconv.Atoi(name[4:])
			if err1 == nil && err2 == nil && int(b) < KeyBuckets && s >= 0 && s < Slots {
				row := st.Keys[int(b)]
				row[s] += v
				st.Keys[int(b)] = row
			}
		case 'z':
			if len(name) != 3 {
				continue
			}
			c := strings.IndexByte(string(sizeCodes[:]), name[1])
			s, err := strconv.Atoi(name[2:])
			if c >= 0 && err == nil && s >= 0 && s < Slots {
				st.Sizes[c][s] += v
			}
		}
	}
	return st
}

// slotTotals are the completions in each slot, from the hour counters.
func (st Stats) slotTotals() (by [Slots]float64, all float64) {
	for h, v := range st.Hours {
		by[slotOfHour(h)] += v
		all += v
	}
	return by, all
}
