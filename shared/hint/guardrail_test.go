package hint_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/hint"
	"github.com/lucian-app/phase12/shared/hintguard"
	"github.com/lucian-app/phase12/shared/hintstore/hintstoretest"
	"github.com/lucian-app/phase12/shared/httpapi/httpapitest"
)

// seedWeek gives cohort the 7 days before the fixture's first day: 40 hints shown a day,
// dismissed of them, and 10 task attempts a day during hints and 10 without, abandoned
// during hints of them and 1 without.
func seedWeek(t *testing.T, m *hintstoretest.Memory, cohort hint.Arm, dismissed, abandoned int) {
	t.Helper()
	for i := 1; i <= 7; i++ {
		day := hintstoretest.Start.AddDate(0, 0, -i).Format(time.DateOnly)
		add := func(name string, n int) {
			for range n {
				if err := m.Count(context.Background(), hint.Count{Day: day, Cohort: string(cohort), Names: []string{name}}); err != nil {
					t.Fatal(err)
				}
			}
		}
		add(hintguard.Shown, 40)
		add(hintguard.Dismissed, dismissed)
		add(hintguard.AttemptsHinted, 10)
		add(hintguard.AbandonedHinted, abandoned)
		add(hintguard.AttemptsPlain, 10)
		add(hintguard.AbandonedPlain, 1)
	}
}

func TestACohortWhoseGuardrailTripsGetsHalfTheCapsAndTwiceTheGapsAndIsToldSo(t *testing.T) {
	m := hintstoretest.NewMemory()
	// The fixture's cohort: 75% dismissed, 40% of attempts abandoned during hints against 10%.
	seedWeek(t, m, hint.ArmBreakInvites, 30, 4)
	f := hintstoretest.NewFixture(t, m)
	alice := httpapitest.Claims("alice")

	code, body := call(f, alice, "POST", "/hints/next", f.NextBody(0, false))
	wantCaps := `"caps":{"tightened":true,"tips_per_day":1,"break_invites_per_day":1,"tip_gap_minutes":60,"break_invite_gap_minutes":180,` +
		`"why":"caps tightened for cohort break_invites: dismiss rate 75% \u003e 40%, completion drop +30 pp \u003e +5 pp over 2026-11-23 to 2026-11-29"}`
	if code != 200 || !strings.Contains(body, `"show":true`) || !strings.Contains(body, wantCaps) {
		t.Fatalf("first: %d %s, want a hint with %s", code, body, wantCaps)
	}
	// 45 minutes later: the default gap (30 min) has passed, the tightened one (60) has not.
	f.Clock.Add(45 * time.Minute)
	if _, body = call(f, alice, "POST", "/hints/next", f.NextBody(0, false)); !strings.Contains(body, `"reason":"min_gap"`) || !strings.Contains(body, `"tightened":true`) {
		t.Errorf("45 min later: %s, want min_gap with the caps", body)
	}
	// An hour later: the tightened cap of one tip a day is used.
	f.Clock.Add(15 * time.Minute)
	if _, body = call(f, alice, "POST", "/hints/next", f.NextBody(0, false)); !strings.Contains(body, `"reason":"daily_cap"`) {
		t.Errorf("an hour later: %s, want daily_cap (one tip a day)", body)
	}
	// A break invite still has its own (tightened) budget of one.
	if _, body = call(f, alice, "POST", "/hints/next", f.NextBody(30, false)); !strings.Contains(body, `"kind":"break_invite"`) {
		t.Errorf("after 30 minutes of activity: %s, want a break invite", body)
	}
	f.Clock.Add(4 * time.Hour)
	if _, body = call(f, alice, "POST", "/hints/next", f.NextBody(30, false)); !strings.Contains(body, `"reason":"daily_cap"`) {
		t.Errorf("4 h later: %s, want daily_cap (one break invite a day)", body)
	}
}

func TestACohortWithinItsGuardrailKeepsTheCapsAndAnswersNoCaps(t *testing.T) {
	m := hintstoretest.NewMemory()
	// Dismissed a lot (75%) but completion unharmed (10% against 10%): not tightened.
	seedWeek(t, m, hint.ArmBreakInvites, 30, 1)
	f := hintstoretest.NewFixture(t, m)
	alice := httpapitest.Claims("alice")
	for i, want := range []string{`"show":true`, `"show":true`, `"show":true`, `"reason":"daily_cap"`} {
		_, body := call(f, alice, "POST", "/hints/next", f.NextBody(0, false))
		if !strings.Contains(body, want) || strings.Contains(body, "caps") {
			t.Errorf("request %d: %s, want %s and no caps", i, body, want)
		}
		f.Clock.Add(30 * time.Minute)
	}
}

func TestTaskAttemptsAreCountedOnceDuringAHintOrWithout(t *testing.T) {
	m := hintstoretest.NewMemory()
	f := hintstoretest.NewFixture(t, m)
	start := f.Clock.Now() // 09:00: alice is shown a tip
	alice := httpapitest.Claims("alice")
	if _, body := call(f, alice, "POST", "/hints/next", f.NextBody(0, false)); !strings.Contains(body, `"show":true`) {
		t.Fatal(body)
	}
	counters := func() string {
		c := m.Counters(start.Format(time.DateOnly), string(hint.ArmBreakInvites))
		return fmt.Sprintf("hinted %d/%d plain %d/%d", c[hintguard.AbandonedHinted], c[hintguard.AttemptsHinted],
			c[hintguard.AbandonedPlain], c[hintguard.AttemptsPlain])
	}
	steps := []struct {
		name    string
		started time.Time
		outcome string
		skew    time.Duration // the device's clock ahead of the server's
		want    string
	}{
		{"started 2 minutes before the hint, left", start.Add(-2 * time.Minute), "abandoned", 0, "hinted 1/1 plain 0/0"},
		{"the same report again", start.Add(-2 * time.Minute), "abandoned", 0, "hinted 1/1 plain 0/0"},
		{"an older attempt reported late", start.Add(-3 * time.Minute), "abandoned", 0, "hinted 1/1 plain 0/0"},
		{"started at the hint, finished", start, "completed", 0, "hinted 1/2 plain 0/0"},
		// 10 minutes ahead: 09:11:00 on the device is 09:01:00 here, after the hint.
		{"started after the hint on a fast device, left", start.Add(11 * time.Minute), "abandoned", 10 * time.Minute, "hinted 1/2 plain 1/1"},
		// 09:11:59 on a device 14 minutes ahead is 08:57:59 here: 2 min 1 s before the hint.
		{"started just over 2 minutes before the hint on a fast device", start.Add(-2*time.Minute - time.Second).Add(14 * time.Minute), "completed", 14 * time.Minute, "hinted 1/2 plain 1/2"},
		{"an attempt long after, completed", start.Add(20 * time.Minute), "completed", 0, "hinted 1/2 plain 1/3"},
	}
	for i, s := range steps {
		f.Clock.Set(start.Add(30*time.Minute + time.Duration(i)*time.Second))
		body := fmt.Sprintf(`{"context":{"screen":"today","task_in_progress":false,"minutes_active":0,"last_task":{"started_at":%q,"outcome":%q}},"client_time":%q,"timezone":"UTC"}`,
			s.started.Format(time.RFC3339Nano), s.outcome, f.Clock.Now().Add(s.skew).Format(time.RFC3339Nano))
		if code, out := call(f, alice, "POST", "/hints/next", body); code != 200 {
			t.Fatalf("%s: %d %s", s.name, code, out)
		}
		if got := counters(); got != s.want {
			t.Errorf("%s: %s, want %s", s.name, got, s.want)
		}
	}
}

func TestLastTaskIsValidated(t *testing.T) {
	f, _ := newFixture(t)
	alice := httpapitest.Claims("alice")
	with := func(lastTask string) string {
		return strings.Replace(goodNext, `"minutes_active":10}`, `"minutes_active":10,"last_task":`+lastTask+`}`, 1)
	}
	for _, tt := range []struct{ lastTask, want string }{
		{`{"outcome":"completed"}`, "context.last_task.started_at: required"},
		{`{"started_at":"yesterday","outcome":"completed"}`, "context.last_task.started_at: not an RFC 3339 time"},
		{`{"started_at":"2026-11-30T10:00:01+01:00","outcome":"completed"}`, "context.last_task.started_at: must be within the 24 hours before client_time"},
		{`{"started_at":"2026-11-29T09:59:59+01:00","outcome":"completed"}`, "context.last_task.started_at: must be within the 24 hours before client_time"},
		{`{"started_at":"2026-11-30T09:58:00+01:00"}`, "context.last_task.outcome: required, completed or abandoned"},
		{`{"started_at":"2026-11-30T09:58:00+01:00","outcome":"done"}`, "context.last_task.outcome: required, completed or abandoned"},
		{`"yes"`, "context.last_task: must be an object"},
	} {
		code, body := call(f, alice, "POST", "/hints/next", with(tt.lastTask))
		if code != 400 || !strings.Contains(body, tt.want) {
			t.Errorf("%s: %d %s, want 400 with %s", tt.lastTask, code, body, tt.want)
		}
	}
	if code, body := call(f, alice, "POST", "/hints/next", with(`{"started_at":"2026-11-30T09:58:00+01:00","outcome":"abandoned"}`)); code != 200 {
		t.Errorf("a good report: %d %s", code, body)
	}
}

func TestD7RetentionCountsANewUserOnTheirFirstDayAndTheirReturnOnTheSeventh(t *testing.T) {
	m := hintstoretest.NewMemory()
	f := hintstoretest.NewFixture(t, m)
	first := f.Clock.Now()
	day0 := first.Format(time.DateOnly)
	counters := func(day string) string {
		c := m.Counters(day, string(hint.ArmBreakInvites))
		return fmt.Sprintf("new %d d7 %d", c[hintguard.RetentionNew], c[hintguard.RetentionD7])
	}
	// Twins of every request: each day is marked once.
	for _, d := range []int{0, 0, 1, 6, 7, 7, 8, 14} {
		f.Clock.Set(first.AddDate(0, 0, d))
		f.NextTogether(t, "alice", 3, 0)
	}
	if got := counters(day0); got != "new 1 d7 1" {
		t.Errorf("alice's first day: %s, want new 1 d7 1", got)
	}
	for d := 1; d <= 14; d++ {
		if got := counters(first.AddDate(0, 0, d).Format(time.DateOnly)); got != "new 0 d7 0" {
			t.Errorf("day %d: %s, want nothing", d, got)
		}
	}
	// Bob, Lucian off from the start, never comes back on day 7.
	f.Clock.Set(first)
	f.Do(t, "bob", "PUT", "/companion/settings", `{"lucian_enabled":false,"hints_enabled":true,"break_invites_enabled":true,"quiet_hours":null}`, nil)
	// Carol saved her settings a day before her first request: new on her first request.
	f.Clock.Set(first.Add(-24 * time.Hour))
	f.Do(t, "carol", "PUT", "/companion/settings", `{"lucian_enabled":true,"hints_enabled":true,"break_invites_enabled":true,"quiet_hours":null}`, nil)
	f.Clock.Set(first)
	f.NextTogether(t, "bob", 1, 0)
	f.NextTogether(t, "carol", 1, 0)
	f.Clock.Set(first.AddDate(0, 0, 7))
	f.NextTogether(t, "bob", 1, 0)
	// Bob turns Lucian on after his first day: he still counts with the Lucian-off users.
	f.Do(t, "bob", "PUT", "/companion/settings", `{"lucian_enabled":true,"hints_enabled":true,"break_invites_enabled":true,"quiet_hours":null}`, nil)
	c := m.Counters(day0, string(hint.ArmBreakInvites))
	if c[hintguard.RetentionNewOff] != 1 || c[hintguard.RetentionD7Off] != 1 || c[hintguard.RetentionNew] != 2 || c[hintguard.RetentionD7] != 1 {
		t.Errorf("day 0 with bob and carol: %v, want 2 new with Lucian on (alice, carol) of whom alice came back, bob new and back with Lucian off", c)
	}
}
