package schedule

import (
	"strings"
	"testing"
	"time"
	// The zone database is built into the test binary, so the zone cases run on a machine
	// without /usr/share/zoneinfo too.
	_ "time/tzdata"
)

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestNext(t *testing.T) {
	tests := []struct {
		expr  string
		after string
		want  string // empty: never again
	}{
		// 2026-11-28 is a Saturday.
		{"rate(1 minute)", "2026-11-28T10:00:30Z", "2026-11-28T10:01:00Z"},
		{"rate(1 minute)", "2026-11-28T10:00:00Z", "2026-11-28T10:01:00Z"},
		{"rate(5 minutes)", "2026-11-28T10:03:00Z", "2026-11-28T10:05:00Z"},
		{"rate(1 hour)", "2026-11-28T10:59:59Z", "2026-11-28T11:00:00Z"},
		{"rate(2 days)", "2026-11-28T10:00:00Z", "2026-11-29T00:00:00Z"}, // 20786 days after the epoch is even
		{"cron(0 8 ? * MON *)", "2026-11-28T10:00:00Z", "2026-11-30T08:00:00Z"},
		{"cron(0 8 ? * MON *)", "2026-11-30T08:00:00Z", "2026-12-07T08:00:00Z"},
		{"cron(0 8 ? * MON *)", "2026-11-30T07:59:59Z", "2026-11-30T08:00:00Z"},
		{"cron(0 8 ? * 2 *)", "2026-11-28T10:00:00Z", "2026-11-30T08:00:00Z"},
		{"cron(* * * * ? *)", "2026-11-28T10:00:59Z", "2026-11-28T10:01:00Z"},
		{"cron(0/5 * * * ? *)", "2026-11-28T10:01:00Z", "2026-11-28T10:05:00Z"},
		{"cron(*/15 9-17 ? * MON-FRI *)", "2026-11-28T10:00:00Z", "2026-11-30T09:00:00Z"},
		{"cron(*/15 9-17 ? * MON-FRI *)", "2026-11-30T17:45:00Z", "2026-12-01T09:00:00Z"},
		{"cron(10,40 6 1 * ? *)", "2026-11-28T10:00:00Z", "2026-12-01T06:10:00Z"},
		{"cron(0 0 1 jan,jul ? *)", "2026-11-28T10:00:00Z", "2027-01-01T00:00:00Z"},
		{"cron(0 12 29 2 ? *)", "2026-03-01T00:00:00Z", "2028-02-29T12:00:00Z"},
		{"cron(0 12 31 * ? *)", "2026-11-28T10:00:00Z", "2026-12-31T12:00:00Z"},
		{"cron(0 0 1 1 ? 2026)", "2026-11-28T10:00:00Z", ""},
		{"cron(0 0 30 2 ? *)", "2026-11-28T10:00:00Z", ""},
		{"cron(0 0 ? * SAT,SUN 2026-2027)", "2026-11-28T10:00:00Z", "2026-11-29T00:00:00Z"},
		{"at(2026-12-01T09:30:00)", "2026-11-28T10:00:00Z", "2026-12-01T09:30:00Z"},
		{"at(2026-12-01T09:30:00)", "2026-12-01T09:30:00Z", ""},
	}
	for _, tt := range tests {
		t.Run(tt.expr+" after "+tt.after, func(t *testing.T) {
			s, err := Parse(tt.expr)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got := s.Next(utc(tt.after))
			var want time.Time
			if tt.want != "" {
				want = utc(tt.want)
			}
			if !got.Equal(want) {
				t.Errorf("Next = %v, want %v", got, want)
			}
		})
	}
}

func TestNextInLocation(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatalf("LoadLocation(Europe/Berlin) = %v, want the embedded time zone database", err)
	}
	tests := []struct {
		expr  string
		after string
		want  string
	}{
		// 08:00 in Berlin is 07:00 UTC in winter, 06:00 UTC in summer.
		{"cron(0 8 ? * MON *)", "2026-11-28T10:00:00Z", "2026-11-30T07:00:00Z"},
		{"cron(0 8 ? * MON *)", "2026-06-01T00:00:00Z", "2026-06-01T06:00:00Z"},
		// On 2026-03-29 02:00-03:00 does not exist in Berlin; the walk
		// goes on to the next day instead of spinning.
		{"cron(30 2 * * ? *)", "2026-03-28T12:00:00Z", "2026-03-30T00:30:00Z"},
		// On 2026-10-25 the hour 02:00-03:00 happens twice; the walk
		// moves forward through it.
		{"cron(0/30 2 * * ? *)", "2026-10-25T00:45:00Z", "2026-10-25T01:00:00Z"},
		{"at(2026-12-01T09:30:00)", "2026-11-28T10:00:00Z", "2026-12-01T08:30:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.expr+" after "+tt.after, func(t *testing.T) {
			s, err := ParseIn(tt.expr, berlin)
			if err != nil {
				t.Fatalf("ParseIn: %v", err)
			}
			if got, want := s.Next(utc(tt.after)), utc(tt.want); !got.Equal(want) {
				t.Errorf("Next = %v, want %v", got.UTC(), want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		expr string
		want string
	}{
		{"every minute", "want rate(...), cron(...) or at(...)"},
		{"rate(1 minutes)", "a value of 1 takes the singular (minute)"},
		{"rate(5 minute)", "a value above 1 takes the plural (minutes)"},
		{"rate(0 minutes)", "want a positive whole number"},
		{"rate(1 week)", "want minute(s), hour(s) or day(s)"},
		{"rate(1)", "want rate(value unit)"},
		{"cron(0 8 * * MON)", "want 6 fields"},
		{"cron(0 8 * * MON *)", "exactly one of day-of-month"},
		{"cron(0 8 ? * ? *)", "exactly one of day-of-month"},
		{"cron(0 8 L * ? *)", "L, W and # are not supported"},
		{"cron(0 8 ? * 2#1 *)", "L, W and # are not supported"},
		{"cron(0 8 15W * ? *)", "L, W and # are not supported"},
		{"cron(60 8 * * ? *)", "minutes \"60\": 60 is outside 0-59"},
		{"cron(0 8 ? * FUN *)", `day-of-week "FUN": "FUN": want 1-7 or SUN-SAT`},
		{"cron(0 8 ? * 0 *)", "0 is outside 1-7"},
		{"cron(0 17-9 * * ? *)", "runs backwards"},
		{"cron(0/0 8 * * ? *)", "want a positive whole number"},
		{"cron(0 8 * * ? 1969)", "1969 is outside 1970-2199"},
		{"at(tomorrow)", "want at(yyyy-mm-ddThh:mm:ss)"},
		{"sometimes(1)", `unknown kind "sometimes"`},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			_, err := Parse(tt.expr)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestNamesContainingLAndW(t *testing.T) {
	// JUL, WED and SAT contain L or W; they are names, not modifiers.
	for _, expr := range []string{"cron(0 0 1 JUL ? *)", "cron(0 0 ? * WED *)", "cron(0 0 ? * SAT *)"} {
		if _, err := Parse(expr); err != nil {
			t.Errorf("Parse(%s): %v", expr, err)
		}
	}
}

func TestString(t *testing.T) {
	s, err := Parse("cron(0 8 ? * MON *)")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.String(), "cron(0 8 ? * MON *)"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
}
