package tasks

import (
	"strings"
	"testing"
	"time"
	_ "time/tzdata"
)

func ptr[T any](v T) *T { return &v }

func TestToday(t *testing.T) {
	created := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	mk := func(id string, due *string, prio int, done bool) Task {
		return Task{ID: id, Title: id, Due: due, Priority: prio, Completed: done, CreatedAt: created, Version: 1}
	}
	all := []Task{
		mk("undated-p4", nil, 4, false),
		mk("undated-p1", nil, 1, false),
		mk("today-date", ptr("2026-11-28"), 4, false),
		mk("overdue", ptr("2026-11-20"), 4, false),
		mk("tomorrow-date", ptr("2026-11-29"), 1, false),
		mk("done-today", ptr("2026-11-28"), 1, true),
		mk("tonight-berlin", ptr("2026-11-28T22:30:00+01:00"), 4, false),
		mk("early-morning-utc", ptr("2026-11-28T06:00:00Z"), 2, false),
		// 23:30 UTC on the 28th is already the 29th in Berlin and Tokyo.
		mk("late-utc", ptr("2026-11-28T23:30:00Z"), 4, false),
	}
	tests := []struct {
		zone string
		now  time.Time
		want string
	}{
		{"Europe/Berlin", time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC),
			// A date-only due is the start of its day, so it leads that day.
			"overdue today-date early-morning-utc tonight-berlin undated-p1 undated-p4"},
		{"UTC", time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC),
			"overdue today-date early-morning-utc tonight-berlin late-utc undated-p1 undated-p4"},
		// In Los Angeles it is still the 27th at 07:00 UTC: the tasks due on
		// the 28th are not due yet, but 06:00 UTC is the 27th's evening there.
		{"America/Los_Angeles", time.Date(2026, 11, 28, 7, 0, 0, 0, time.UTC),
			"overdue early-morning-utc undated-p1 undated-p4"},
		// At 16:00 UTC on the 28th it is already 01:00 on the 29th in Tokyo:
		// the task due on the 29th is due today there.
		{"Asia/Tokyo", time.Date(2026, 11, 28, 16, 0, 0, 0, time.UTC),
			"overdue today-date early-morning-utc tomorrow-date tonight-berlin late-utc undated-p1 undated-p4"},
	}
	for _, tt := range tests {
		t.Run(tt.zone, func(t *testing.T) {
			loc, err := LoadLocation(tt.zone)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, task := range Today(all, loc, tt.now) {
				ids = append(ids, task.ID)
			}
			if got := strings.Join(ids, " "); got != tt.want {
				t.Errorf("Today = %s\n            want %s", got, tt.want)
			}
		})
	}
}

func TestLoadLocationRefusesUnknownZones(t *testing.T) {
	for _, name := range []string{"", "Local", "Mars/Olympus", "../../etc/passwd", "Europe/Berlin\x00"} {
		if _, err := LoadLocation(name); err == nil || !strings.HasPrefix(err.Error(), "invalid_request: timezone:") {
			t.Errorf("LoadLocation(%q) err = %v, want a timezone field error", name, err)
		}
	}
}
