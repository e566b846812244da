package review

import (
	"testing"
	"time"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestWeekBoundsAreLocalMondaysAndADSTWeekIsNot168Hours(t *testing.T) {
	for _, tt := range []struct {
		zone, week, start, end string
		hours                  float64
	}{
		{"UTC", "2026-W49", "2026-11-30T00:00:00Z", "2026-12-07T00:00:00Z", 168},
		// Europe/Berlin leaves summer time on 2026-10-25: that week has 169 hours.
		{"Europe/Berlin", "2026-W43", "2026-10-19T00:00:00+02:00", "2026-10-26T00:00:00+01:00", 169},
		// America/New_York springs forward on 2026-03-08: 167 hours.
		{"America/New_York", "2026-W10", "2026-03-02T00:00:00-05:00", "2026-03-09T00:00:00-04:00", 167},
		{"Pacific/Auckland", "2026-W01", "2025-12-29T00:00:00+13:00", "2026-01-05T00:00:00+13:00", 168},
		{"Pacific/Honolulu", "2026-W53", "2026-12-28T00:00:00-10:00", "2027-01-04T00:00:00-10:00", 168},
	} {
		w, err := ParseWeek(tt.week, zone(t, tt.zone))
		if err != nil {
			t.Fatal(err)
		}
		if got := w.Start().Format(time.RFC3339); got != tt.start {
			t.Errorf("%s %s start %s, want %s", tt.zone, tt.week, got, tt.start)
		}
		if got := w.End().Format(time.RFC3339); got != tt.end {
			t.Errorf("%s %s end %s, want %s", tt.zone, tt.week, got, tt.end)
		}
		if got := w.End().Sub(w.Start()).Hours(); got != tt.hours {
			t.Errorf("%s %s lasts %vh, want %vh", tt.zone, tt.week, got, tt.hours)
		}
	}
}

func TestTheWeekAUserLivesDependsOnTheirZone(t *testing.T) {
	// Monday 2026-12-07 05:00 UTC is Monday 18:00 in Auckland (UTC+13), week 50, but
	// still Sunday 19:00 in Honolulu (UTC-10), week 49.
	now := time.Date(2026, 12, 7, 5, 0, 0, 0, time.UTC)
	if got := WeekOf(now, zone(t, "Pacific/Auckland")).String(); got != "2026-W50" {
		t.Errorf("Auckland: %s, want 2026-W50", got)
	}
	if got := WeekOf(now, zone(t, "Pacific/Honolulu")).String(); got != "2026-W49" {
		t.Errorf("Honolulu: %s, want 2026-W49", got)
	}
	if got := LastFinished(now, zone(t, "Pacific/Honolulu")).String(); got != "2026-W48" {
		t.Errorf("Honolulu's last finished week: %s, want 2026-W48", got)
	}
}

func TestPrevAndNextCrossYearsAndWeek53(t *testing.T) {
	loc := zone(t, "Europe/Berlin")
	w, _ := ParseWeek("2026-W53", loc)
	if got := w.Next().String(); got != "2027-W01" {
		t.Errorf("after 2026-W53: %s", got)
	}
	w1, _ := ParseWeek("2027-W01", loc)
	if got := w1.Prev().String(); got != "2026-W53" {
		t.Errorf("before 2027-W01: %s", got)
	}
	if _, err := ParseWeek("2025-W53", loc); err == nil {
		t.Error("2025 has 52 ISO weeks; 2025-W53 was accepted")
	}
	for _, bad := range []string{"", "2026-49", "2026-W00", "2026-W1", "26-W49x", "2026-Wab"} {
		if _, err := ParseWeek(bad, loc); err == nil {
			t.Errorf("ParseWeek(%q) accepted", bad)
		}
	}
}

func TestReadyAtIsSixOnTheLocalMondayAfter(t *testing.T) {
	w, _ := ParseWeek("2026-W43", zone(t, "Europe/Berlin"))
	if got := w.ReadyAt().Format(time.RFC3339); got != "2026-10-26T06:00:00+01:00" {
		t.Errorf("ReadyAt %s", got)
	}
}

func TestDueDatesCountByCalendarDayAndTimesByInstant(t *testing.T) {
	w, _ := ParseWeek("2026-W49", zone(t, "Pacific/Honolulu"))
	for due, want := range map[string]bool{
		"2026-11-30": true, "2026-12-06": true, "2026-12-07": false, "2026-11-29": false,
		// Sunday 23:30 in Honolulu is Monday 09:30 UTC: still this week.
		"2026-12-07T09:30:00Z": true, "2026-12-07T10:00:00Z": false, "nonsense": false,
	} {
		if got := w.Due(due); got != want {
			t.Errorf("Due(%q) = %v, want %v", due, got, want)
		}
	}
}
