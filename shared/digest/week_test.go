package digest

import (
	"strings"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/apperr"
)

func TestWeekBefore(t *testing.T) {
	tests := []struct {
		name      string
		at        time.Time
		want      string
		wantStart time.Time
	}{
		{"the scheduled Monday 08:00", time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC), "2026-W48", time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)},
		{"a late run on Sunday night covers the same week", time.Date(2026, 12, 6, 23, 59, 59, 0, time.UTC), "2026-W48", time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)},
		{"Monday midnight starts the next week", time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC), "2026-W49", time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)},
		{"an offset time counts in UTC", time.Date(2026, 11, 30, 0, 30, 0, 0, time.FixedZone("CET", 3600)), "2026-W47", time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)},
		{"across the new year", time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC), "2026-W53", time.Date(2026, 12, 28, 0, 0, 0, 0, time.UTC)},
		{"week 1 of a year that starts on Thursday", time.Date(2026, 1, 12, 8, 0, 0, 0, time.UTC), "2026-W02", time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)},
		{"week 1 starting in December", time.Date(2025, 1, 6, 8, 0, 0, 0, time.UTC), "2025-W01", time.Date(2024, 12, 30, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := WeekBefore(tt.at)
			if got := w.String(); got != tt.want {
				t.Errorf("WeekBefore(%v) = %s, want %s", tt.at, got, tt.want)
			}
			if got := w.Start(); !got.Equal(tt.wantStart) {
				t.Errorf("Start() = %v, want %v", got, tt.wantStart)
			}
			if got, want := w.End(), tt.wantStart.AddDate(0, 0, 7); !got.Equal(want) {
				t.Errorf("End() = %v, want %v", got, want)
			}
		})
	}
}

func TestParseWeek(t *testing.T) {
	tests := []struct {
		in      string
		want    Week
		wantErr string
	}{
		{in: "2026-W48", want: Week{2026, 48}},
		{in: "2026-W01", want: Week{2026, 1}},
		{in: "2026-W53", want: Week{2026, 53}}, // 2026 has 53 weeks (it starts on a Thursday)
		{in: "2027-W52", want: Week{2027, 52}},
		{in: "2027-W53", wantErr: "week: 2027 has no week 53"},
		{in: "2026-W00", wantErr: "week: 2026 has no week 0"},
		{in: "2026-W54", wantErr: "week: 2026 has no week 54"},
		{in: "2026-48", wantErr: `week: "2026-48" is not an ISO week such as 2026-W48`},
		{in: "2026-w48", wantErr: "not an ISO week"},
		{in: "2026-W4", wantErr: "not an ISO week"},
		{in: "", wantErr: "not an ISO week"},
		{in: "latest-W48", wantErr: "not an ISO week"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseWeek(tt.in)
			if tt.wantErr != "" {
				if err == nil || apperr.CodeOf(err) != apperr.InvalidRequest || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseWeek(%q) error = %v, want invalid_request containing %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseWeek(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
			if got.String() != tt.in {
				t.Errorf("String() = %q, want the input back", got.String())
			}
		})
	}
}

func TestWeekStringsSortChronologically(t *testing.T) {
	weeks := []string{"2025-W52", "2026-W01", "2026-W09", "2026-W10", "2026-W53", "2027-W01"}
	for i := 1; i < len(weeks); i++ {
		a, _ := ParseWeek(weeks[i-1])
		b, _ := ParseWeek(weeks[i])
		if !(weeks[i-1] < weeks[i]) || !a.Start().Before(b.Start()) {
			t.Errorf("%s and %s: strings and starts disagree on the order", weeks[i-1], weeks[i])
		}
	}
}
