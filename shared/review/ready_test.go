package review

import (
	"slices"
	"testing"
	"time"
)

func TestReadyHoursAreMondaySixLocalOnTheUTCClockInEverySeason(t *testing.T) {
	from := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		zone string
		want []int
	}{
		{"UTC", []int{6}},
		// UTC-10 all year: Monday 06:00 is 16:00 UTC.
		{"Pacific/Honolulu", []int{16}},
		// UTC+13 in its summer (December), UTC+12 in winter: Sunday 17:00 or 18:00 UTC.
		{"Pacific/Auckland", []int{6*24 + 17, 6*24 + 18}},
		// UTC+14: Sunday 16:00 UTC.
		{"Pacific/Kiritimati", []int{6*24 + 16}},
		// CET 05:00 UTC, CEST 04:00 UTC.
		{"Europe/Berlin", []int{4, 5}},
		// EST 11:00 UTC, EDT 10:00 UTC.
		{"America/New_York", []int{10, 11}},
		// UTC+5:30: 00:30 UTC, in hour 0.
		{"Asia/Kolkata", []int{0}},
	} {
		loc, err := time.LoadLocation(tt.zone)
		if err != nil {
			t.Fatal(err)
		}
		if got := ReadyHours(loc, from); !slices.Equal(got, tt.want) {
			t.Errorf("ReadyHours(%s) = %v, want %v", tt.zone, got, tt.want)
		}
	}
}

func TestHourOfWeekCountsFromMondayMidnightUTC(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	for _, tt := range []struct {
		at   time.Time
		want int
	}{
		{time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), 0},
		{time.Date(2026, 11, 30, 6, 59, 0, 0, time.UTC), 6},
		{time.Date(2026, 12, 6, 23, 30, 0, 0, time.UTC), 167},
		// Monday 00:30 in Berlin is still Sunday 23:30 UTC.
		{time.Date(2026, 11, 30, 0, 30, 0, 0, berlin), 167},
	} {
		if got := HourOfWeek(tt.at); got != tt.want {
			t.Errorf("HourOfWeek(%v) = %d, want %d", tt.at, got, tt.want)
		}
	}
}
