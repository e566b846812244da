package nextaction

import (
	"math"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/tasks"
)

// A completion is worth 1 in its own week, Decay a week later and Decay^10 ten weeks
// later, with nothing rewritten in between.
func TestCountsDecayWeeklyWithoutRewriting(t *testing.T) {
	berlin := zone(t, "Europe/Berlin")
	at := time.Date(2026, 12, 1, 9, 30, 0, 0, berlin) // a Tuesday morning
	s := store{}
	s.complete(task("a", "Write the report", "work", 4, ""), at, berlin)
	for weeks, want := range map[int]float64{0: 1, 1: 0.9, 10: math.Pow(0.9, 10)} {
		st := s.stats(at.AddDate(0, 0, 7*weeks))
		if got := st.Hours[33]; math.Abs(got-want) > 1e-9 {
			t.Errorf("after %d weeks: h33 = %v, want %v", weeks, got, want)
		}
		if got := st.Keys[Key{Name: "work"}.bucket()][0]; math.Abs(got-want) > 1e-9 {
			t.Errorf("after %d weeks: #work on weekday mornings = %v, want %v", weeks, got, want)
		}
		if got := st.Sizes[0][0]; math.Abs(got-want) > 1e-9 {
			t.Errorf("after %d weeks: short tasks on weekday mornings = %v, want %v", weeks, got, want)
		}
	}
}

// In an era's last OverlapWeeks a completion goes to both items, so the first reader of
// the next era finds it, decayed the same.
func TestTheNextEraStartsWithTheLastYear(t *testing.T) {
	last := Epoch.AddDate(0, 0, 7*(EraWeeks-2)).Add(10 * time.Hour) // a Monday, two weeks before the switch
	adds := Completion(task("a", "x", "", 4, ""), last, time.UTC)
	if len(adds) != 2 || adds[0].Era != 0 || adds[1].Era != 1 {
		t.Fatalf("adds %+v, want eras 0 and 1", adds)
	}
	s := store{}
	s.complete(task("a", "x", "", 4, ""), last, time.UTC)
	before := s.stats(last.AddDate(0, 0, 7)).Hours[10]
	after := s.stats(last.AddDate(0, 0, 21)).Hours[10] // in era 1
	if math.Abs(before-0.9) > 1e-9 || math.Abs(after-math.Pow(0.9, 3)) > 1e-9 {
		t.Errorf("a week on (era 0) %v, three weeks on (era 1) %v; want 0.9 and 0.729", before, after)
	}
	if w := weight(EraWeeks-1, 0); w > 1e27 {
		t.Errorf("the largest weight of an era is %g, want under 1e27", w)
	}
	if n := len(Completion(task("a", "x", "", 4, ""), Epoch.AddDate(0, 0, 7*3), time.UTC)); n != 1 {
		t.Errorf("early in an era: %d items, want 1", n)
	}
}

// Each completion touches a handful of counters: the hour, the size, one per key; two
// keys hashing to one bucket count once.
func TestACompletionAddsToItsHourSizeAndKeys(t *testing.T) {
	tk := task("a", "Call the plumber about the leaking kitchen tap today", "home", 4, "")
	tk.Labels = []string{"phone", "Phone2"}
	adds := Completion(tk, time.Date(2026, 12, 5, 20, 0, 0, 0, time.UTC), time.UTC)[0].Adds // Saturday evening
	got := map[string]bool{}
	for _, a := range adds {
		got[a.Attr] = true
	}
	want := []string{"h140", "zm6", keyAttr(Key{Name: "home"}.bucket(), 6), keyAttr(Key{Label: true, Name: "phone"}.bucket(), 6)}
	for _, w := range want {
		if !got[w] {
			t.Errorf("adds %v lack %s", adds, w)
		}
	}
	if len(adds) != 5 {
		t.Errorf("%d adds, want 5 (hour, size, project, two labels)", len(adds))
	}
	// A project and a label of the same name are different keys.
	if (Key{Name: "home"}).bucket() == (Key{Label: true, Name: "home"}).bucket() {
		t.Log("p:home and l:home share a bucket (allowed, but unexpected for this pair)")
	}
}

// Without a zone from the request a due time lends its offset; a date-only or undated
// task is counted in UTC (it used to be dropped, so such users' history stayed empty).
func TestTheZoneOfACompletion(t *testing.T) {
	at := time.Date(2026, 12, 1, 8, 30, 0, 0, time.UTC)
	timed := task("a", "x", "", 4, "2026-12-01T10:00:00+01:00")
	if adds := Completion(timed, at, nil); len(adds) != 1 || adds[0].Adds[0].Attr != "h33" {
		t.Errorf("due in +01:00, completed 08:30 UTC: %+v, want h33 (Tuesday 09:00)", adds)
	}
	// Tuesday 1 December 08:30 UTC is hour 24 + 8 = 32 of the week, a weekday morning.
	for _, due := range []string{"2026-12-01", ""} {
		adds := Completion(task("b", "x", "", 4, due), at, nil)
		if len(adds) != 1 || adds[0].Adds[0].Attr != "h32" {
			t.Errorf("due %q and no zone: %+v, want counted in UTC at h32", due, adds)
		}
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	if adds := Completion(task("c", "x", "", 4, "2026-12-01"), at, berlin); len(adds) != 1 || adds[0].Adds[0].Attr != "h33" {
		t.Errorf("a date due with the request's zone Europe/Berlin: %+v, want h33 (09:30 there)", adds)
	}
}

func TestPostponed(t *testing.T) {
	mk := func(due string, done bool) tasks.Task {
		tk := task("a", "x", "", 4, due)
		tk.Completed = done
		return tk
	}
	for _, tc := range []struct {
		name       string
		prev, next tasks.Task
		completes  bool
		want       bool
	}{
		{"a date moved later", mk("2026-12-01", false), mk("2026-12-02", false), false, true},
		{"a time moved later", mk("2026-12-01T10:00:00Z", false), mk("2026-12-01T11:00:00+00:00", false), false, true},
		{"moved earlier", mk("2026-12-02", false), mk("2026-12-01", false), false, false},
		{"the same instant in another offset", mk("2026-12-01T10:00:00Z", false), mk("2026-12-01T11:00:00+01:00", false), false, false},
		{"first given a due", mk("", false), mk("2026-12-02", false), false, false},
		{"a repeating task completed", mk("2026-12-01", false), mk("2026-12-08", false), true, false},
		{"completed", mk("2026-12-01", false), mk("2026-12-02", true), false, false},
	} {
		if got := Postponed(tc.prev, tc.next, tc.completes, time.UTC); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

// The item may carry other attributes, and counters of a foreign shape are ignored.
func TestDecodeStatsIgnoresWhatIsNotACounter(t *testing.T) {
	st := DecodeStats(map[string]float64{"h5": 2, "h168": 9, "h05": 9, "kzzz1": 9, "zq1": 9, "k0011": 3, "zs9": 9, "version": 7, "hx": 1}, 0, 0)
	if st.Hours[5] != 2 || st.Keys[1][1] != 3 || len(st.Keys) != 1 {
		t.Errorf("decoded %+v", st)
	}
	var sum float64
	for _, v := range st.Hours {
		sum += v
	}
	if sum != 2 {
		t.Errorf("hours sum %v, want 2", sum)
	}
}
