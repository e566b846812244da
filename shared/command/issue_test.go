package command

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// issueRef is the reference of issue 15: Tuesday 1 December 2026, 10:00 in Berlin.
func issueRef(t testing.TB) (*time.Location, time.Time) {
	loc := mustLoad(t, "Europe/Berlin")
	return loc, time.Date(2026, 12, 1, 10, 0, 0, 0, loc)
}

// TestIssue15Examples are the phrases of issue 15, each compared as the
// intent's JSON so the cases read the same before and after the parser
// learned them.
func TestIssue15Examples(t *testing.T) {
	cases := []struct {
		text string
		want string // the intent as JSON
	}{
		{"submit report the day after tomorrow", `{"type":"create_task","title":"submit report","due":"2026-12-03","priority":4}`},
		{"water plants every monday", `{"type":"create_task","title":"water plants","due":"2026-12-07","priority":4,"recurrence":"FREQ=WEEKLY;BYDAY=MO"}`},
		{"dentist 15.12. 14:00", `{"type":"create_task","title":"dentist","due":"2026-12-15T14:00:00+01:00","priority":4}`},
		{"review PR in 2 hours", `{"type":"create_task","title":"review PR","due":"2026-12-01T12:00:00+01:00","priority":4}`},
		{"plan trip next week", `{"type":"create_task","title":"plan trip","due":"2026-12-07","priority":4}`},
		{"pay rent end of month", `{"type":"create_task","title":"pay rent","due":"2026-12-31","priority":4}`},
		{"read book this weekend", `{"type":"create_task","title":"read book","due":"2026-12-05","priority":4}`},
		{"set priority of buy milk to p1", `{"type":"set_priority","task_ref":"buy milk","priority":1}`},
		{"rename task foo to bar", `{"type":"rename_task","task_ref":"foo","title":"bar"}`},
		{"snooze buy milk until monday", `{"type":"reschedule_task","task_ref":"buy milk","due":"2026-12-07"}`},
		{"what's due today", `{"type":"query_tasks","range":"today"}`},
		{"standup tomorrow 9:30am @work", `{"type":"create_task","title":"standup","due":"2026-12-02T09:30:00+01:00","priority":4,"labels":["work"]}`},
	}
	loc, ref := issueRef(t)
	for _, c := range cases {
		t.Run(c.text, func(t *testing.T) {
			in, warnings, err := Parse(c.text, loc, ref)
			if err != nil {
				t.Fatalf("Parse(%q) error %v, want %s", c.text, err, c.want)
			}
			b, _ := json.Marshal(in)
			var got, want map[string]any
			_ = json.Unmarshal(b, &got)
			if err := json.Unmarshal([]byte(c.want), &want); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Parse(%q)\n got %s (warnings %q)\nwant %s", c.text, b, warnings, c.want)
			}
		})
	}
}
