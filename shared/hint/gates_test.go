package hint

import (
	"fmt"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/ids"
)

var monday = time.Date(2026, 11, 30, 14, 0, 0, 0, time.UTC)

func testCatalog(t *testing.T) *Catalog {
	t.Helper()
	c, err := DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// baseInput passes every gate: a user in the break-invite arm, 30 minutes active, on a
// Monday afternoon in UTC, with the default settings.
func baseInput() Input {
	return Input{Now: monday, Loc: time.UTC, Arm: ArmBreakInvites, Flag: true,
		Context: Context{Screen: "today", MinutesActive: 30},
		State:   State{Settings: DefaultSettings(), Copies: map[string]CopyUse{}}}
}

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	l, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// exhaust marks every copy of kind k as shown its lifetime cap.
func exhaust(cat *Catalog, k Kind, used map[string]CopyUse) {
	for _, c := range cat.Copies {
		if c.Kind == k {
			used[c.ID] = CopyUse{Count: c.MaxShows, Last: monday.AddDate(0, -1, 0)}
		}
	}
}

func TestGatesApplyInOrderAndTheFirstFailureNamesTheReason(t *testing.T) {
	cat := testCatalog(t)
	l := DefaultLimits()
	day := "2026-11-30"
	tests := []struct {
		name     string
		edit     func(*Input)
		want     Reason
		wantKind Kind
	}{
		{"everything passes: a break invite first", func(*Input) {}, ReasonEligible, BreakInvite},
		{"the flag is off, whatever else fails", func(in *Input) {
			in.Flag, in.Arm, in.State.Settings.LucianEnabled, in.Context.TaskInProgress = false, ArmHoldout, false, true
		}, ReasonFlagOff, ""},
		{"the break_invites lever off: a tip instead of the invite", func(in *Input) { in.NoBreakInvites = true }, ReasonEligible, Tip},
		{"the break_invites lever off when invites were all the user takes", func(in *Input) {
			in.NoBreakInvites, in.State.Settings.HintsEnabled = true, false
		}, ReasonFlagOff, ""},
		{"the holdout, before any opt-out", func(in *Input) { in.Arm, in.State.Settings.LucianEnabled = ArmHoldout, false }, ReasonHoldout, ""},
		{"Lucian off, before quiet hours", func(in *Input) {
			in.State.Settings.LucianEnabled, in.Now = false, time.Date(2026, 11, 30, 23, 0, 0, 0, time.UTC)
		}, ReasonOptedOut, ""},
		{"hints off in the control arm: nothing left", func(in *Input) { in.State.Settings.HintsEnabled, in.Arm = false, ArmControl }, ReasonOptedOut, ""},
		{"hints off and break invites off", func(in *Input) {
			in.State.Settings.HintsEnabled, in.State.Settings.BreakInvitesEnabled = false, false
		}, ReasonOptedOut, ""},
		{"quiet hours, before busy", func(in *Input) {
			in.Now, in.Context.TaskInProgress = time.Date(2026, 11, 30, 21, 0, 0, 0, time.UTC), true
		}, ReasonQuietHours, ""},
		{"quiet hours end at 08:00", func(in *Input) { in.Now = time.Date(2026, 11, 30, 7, 59, 0, 0, time.UTC) }, ReasonQuietHours, ""},
		{"08:00 is no longer quiet", func(in *Input) { in.Now = time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC) }, ReasonEligible, BreakInvite},
		{"no quiet hours at all", func(in *Input) {
			in.State.Settings.Quiet, in.Now = nil, time.Date(2026, 11, 30, 3, 0, 0, 0, time.UTC)
		}, ReasonEligible, BreakInvite},
		{"a task in progress, before the back-off", func(in *Input) {
			in.Context.TaskInProgress = true
			in.State.Dismissals, in.State.LastDismissed = 1, monday.Add(-time.Minute)
		}, ReasonTaskInProgress, ""},
		{"the back-off, before the gap", func(in *Input) {
			in.State.Dismissals, in.State.LastDismissed = 1, monday.Add(-2*time.Hour+time.Second)
			in.State.LastShown = monday.Add(-time.Minute)
		}, ReasonDismissalBackoff, ""},
		{"the back-off is over after 2 h", func(in *Input) {
			in.State.Dismissals, in.State.LastDismissed = 1, monday.Add(-2*time.Hour)
		}, ReasonEligible, BreakInvite},
		{"only break invites on, 24 minutes active", func(in *Input) {
			in.State.Settings.HintsEnabled, in.Context.MinutesActive = false, 24
		}, ReasonBreakNotDue, ""},
		{"only break invites on, 25 minutes active", func(in *Input) {
			in.State.Settings.HintsEnabled, in.Context.MinutesActive = false, 25
		}, ReasonEligible, BreakInvite},
		{"24 minutes active: a tip instead", func(in *Input) { in.Context.MinutesActive = 24 }, ReasonEligible, Tip},
		{"break invites opted out: a tip", func(in *Input) { in.State.Settings.BreakInvitesEnabled = false }, ReasonEligible, Tip},
		{"the control arm: a tip", func(in *Input) { in.Arm = ArmControl }, ReasonEligible, Tip},
		{"29 minutes after a hint", func(in *Input) { in.State.LastShown = monday.Add(-29 * time.Minute) }, ReasonMinGap, ""},
		{"30 minutes after a hint: the break gap still holds, a tip", func(in *Input) {
			in.State.LastShown, in.State.LastBreak = monday.Add(-30*time.Minute), monday.Add(-30*time.Minute)
		}, ReasonEligible, Tip},
		{"90 minutes after a break invite", func(in *Input) {
			in.State.LastShown, in.State.LastBreak = monday.Add(-90*time.Minute), monday.Add(-90*time.Minute)
		}, ReasonEligible, BreakInvite},
		{"the gap before the cap", func(in *Input) {
			in.State.Day, in.State.Tips, in.State.Breaks, in.State.LastShown = day, 3, 2, monday.Add(-time.Minute)
		}, ReasonMinGap, ""},
		{"both daily caps used", func(in *Input) { in.State.Day, in.State.Tips, in.State.Breaks = day, 3, 2 }, ReasonDailyCap, ""},
		{"break invites used: a tip", func(in *Input) { in.State.Day, in.State.Breaks = day, 2 }, ReasonEligible, Tip},
		{"yesterday's caps do not count", func(in *Input) { in.State.Day, in.State.Tips, in.State.Breaks = "2026-11-29", 3, 2 }, ReasonEligible, BreakInvite},
		{"the cap before the copy", func(in *Input) {
			in.State.Day, in.State.Tips, in.Arm = day, 3, ArmControl
			exhaust(cat, Tip, in.State.Copies)
		}, ReasonDailyCap, ""},
		{"every tip said its lifetime's worth", func(in *Input) { in.Arm = ArmControl; exhaust(cat, Tip, in.State.Copies) }, ReasonCopyExhausted, ""},
		{"every break invite used up: a tip", func(in *Input) { exhaust(cat, BreakInvite, in.State.Copies) }, ReasonEligible, Tip},
		{"a mood with lines: a mood line", func(in *Input) { in.Arm, in.Context.Mood = ArmControl, "tired" }, ReasonEligible, Mood},
		{"a mood without lines: a tip", func(in *Input) { in.Arm, in.Context.Mood = ArmControl, "grumpy" }, ReasonEligible, Tip},
		{"mood lines used up: a tip", func(in *Input) {
			in.Arm, in.Context.Mood = ArmControl, "tired"
			exhaust(cat, Mood, in.State.Copies)
		}, ReasonEligible, Tip},
		{"tips at the cap: no mood line either", func(in *Input) {
			in.Arm, in.Context.Mood, in.State.Day, in.State.Tips = ArmControl, "tired", day, 3
		}, ReasonDailyCap, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := baseInput()
			tt.edit(&in)
			d, claim := l.Decide(in, cat, ids.Sequence("H"))
			if d.Reason != tt.want || d.Show != (tt.want == ReasonEligible) || (claim != nil) != d.Show {
				t.Fatalf("got show=%v reason %s (claim %v), want reason %s", d.Show, d.Reason, claim != nil, tt.want)
			}
			if d.Show && d.Hint.Kind != tt.wantKind {
				t.Errorf("kind %s, want %s", d.Hint.Kind, tt.wantKind)
			}
		})
	}
}

func TestDismissalLadder(t *testing.T) {
	cat := testCatalog(t)
	l := DefaultLimits()
	const day = 24 * time.Hour
	for n, wait := range map[int]time.Duration{1: 2 * time.Hour, 2: day, 3: 7 * day, 4: 28 * day, 5: 28 * day, 9: 28 * day} {
		t.Run(fmt.Sprintf("%d dismissals wait %v", n, wait), func(t *testing.T) {
			if got := l.BackoffAfter(n); got != wait {
				t.Errorf("BackoffAfter(%d) = %v, want %v", n, got, wait)
			}
			in := baseInput()
			in.State.Settings.Quiet = nil
			in.State.Dismissals, in.State.LastDismissed = n, monday
			for _, tt := range []struct {
				at   time.Duration
				want Reason
			}{{wait - time.Millisecond, ReasonDismissalBackoff}, {wait, ReasonEligible}} {
				in.Now = monday.Add(tt.at)
				if d, _ := l.Decide(in, cat, ids.Sequence("H")); d.Reason != tt.want {
					t.Errorf("%v after the dismissal: %s, want %s", tt.at, d.Reason, tt.want)
				}
			}
		})
	}
	if l.BackoffAfter(0) != 0 {
		t.Errorf("no dismissals, yet a back-off")
	}
}

func TestQuietHoursAndTheDayFollowTheLocalClockAcrossDST(t *testing.T) {
	cat := testCatalog(t)
	l := DefaultLimits()
	berlin, newYork, la := mustLoad(t, "Europe/Berlin"), mustLoad(t, "America/New_York"), mustLoad(t, "America/Los_Angeles")
	q := func(s, e string) *QuietHours {
		a, _ := ParseClock(s)
		b, _ := ParseClock(e)
		return &QuietHours{Start: a, End: b}
	}
	tests := []struct {
		name  string
		loc   *time.Location
		quiet *QuietHours
		state func(*State)
		now   time.Time
		want  Reason
	}{
		// Berlin springs forward on 2026-03-29 at 02:00 CET to 03:00 CEST.
		{"Berlin, spring-forward morning, 07:59 CEST is quiet", berlin, q("21:00", "08:00"), nil, time.Date(2026, 3, 29, 5, 59, 0, 0, time.UTC), ReasonQuietHours},
		{"Berlin, spring-forward morning, 08:00 CEST is not", berlin, q("21:00", "08:00"), nil, time.Date(2026, 3, 29, 6, 0, 0, 0, time.UTC), ReasonEligible},
		{"Berlin, the day before, 08:00 CET is not", berlin, q("21:00", "08:00"), nil, time.Date(2026, 3, 28, 7, 0, 0, 0, time.UTC), ReasonEligible},
		{"Berlin, a window over the skipped hour: 03:15 CEST", berlin, q("02:30", "03:30"), nil, time.Date(2026, 3, 29, 1, 15, 0, 0, time.UTC), ReasonQuietHours},
		// New York falls back on 2026-11-01 at 02:00 EDT to 01:00 EST: 01:15 happens twice.
		{"New York, 01:15 EDT is quiet", newYork, q("01:00", "01:30"), nil, time.Date(2026, 11, 1, 5, 15, 0, 0, time.UTC), ReasonQuietHours},
		{"New York, 01:15 EST, an hour later, is quiet again", newYork, q("01:00", "01:30"), nil, time.Date(2026, 11, 1, 6, 15, 0, 0, time.UTC), ReasonQuietHours},
		{"New York, 01:45 EST is not", newYork, q("01:00", "01:30"), nil, time.Date(2026, 11, 1, 6, 45, 0, 0, time.UTC), ReasonEligible},
		{"a window inside the day: 14:59 is quiet", time.UTC, q("13:00", "15:00"), nil, time.Date(2026, 11, 30, 14, 59, 0, 0, time.UTC), ReasonQuietHours},
		{"a window inside the day: 15:00 is not", time.UTC, q("13:00", "15:00"), nil, time.Date(2026, 11, 30, 15, 0, 0, 0, time.UTC), ReasonEligible},
		// Los Angeles: 2026-11-01 is 25 hours long; its caps end at local midnight.
		{"LA, 23:59 PST on the long day: still capped", la, nil, capped("2026-11-01"), time.Date(2026, 11, 2, 7, 59, 0, 0, time.UTC), ReasonDailyCap},
		{"LA, 00:00 PST the day after: a new day", la, nil, capped("2026-11-01"), time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC), ReasonEligible},
		{"Berlin, 23:59 CEST on the short day: still capped", berlin, nil, capped("2026-03-29"), time.Date(2026, 3, 29, 21, 59, 0, 0, time.UTC), ReasonDailyCap},
		{"Berlin, 00:00 CEST the day after: a new day", berlin, nil, capped("2026-03-29"), time.Date(2026, 3, 29, 22, 0, 0, 0, time.UTC), ReasonEligible},
		// Counted on Tokyo's Tuesday, now in LA, where it is still Monday: the counts carry on.
		{"flown west over midnight: the later day's counts hold", la, nil, capped("2026-12-01"), time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC), ReasonDailyCap},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := baseInput()
			in.Loc, in.Now, in.State.Settings.Quiet = tt.loc, tt.now, tt.quiet
			if tt.state != nil {
				tt.state(&in.State)
			}
			if d, _ := l.Decide(in, cat, ids.Sequence("H")); d.Reason != tt.want {
				t.Errorf("at %s: %s, want %s", tt.now.In(tt.loc).Format(time.RFC3339), d.Reason, tt.want)
			}
		})
	}
}

func capped(day string) func(*State) {
	return func(s *State) { s.Day, s.Tips, s.Breaks = day, 3, 2 }
}

func TestTheClaimCarriesTheCapsAndTheHint(t *testing.T) {
	cat := testCatalog(t)
	l := DefaultLimits()
	in := baseInput()
	in.State.Seq, in.State.SettingsRev, in.State.Day, in.State.Tips, in.State.Breaks = 11, 4, "2026-11-30", 2, 1
	in.State.LastShown, in.State.LastBreak = monday.Add(-2*time.Hour), monday.Add(-2*time.Hour)
	d, c := l.Decide(in, cat, ids.Sequence("H"))
	if !d.Show || c == nil {
		t.Fatalf("no show: %+v", d)
	}
	h := d.Hint
	if h.ID != "H0001" || h.Kind != BreakInvite || h.Bubble.Anchor != "lucian" || h.Bubble.Style != "invite" ||
		h.DurationS < 45 || h.DurationS > 60 || h.Loop == "" || !h.ExpiresAt.Equal(monday.Add(10*time.Minute)) ||
		h.CatalogVersion != cat.Version || len(h.Bubble.Actions) != 2 || h.Bubble.Actions[0].Event != EventBreakStarted {
		t.Errorf("hint %+v", h)
	}
	want := Claim{PrevSeq: 11, SettingsRev: 4, Day: "2026-11-30", Class: ClassBreak, Cap: 2,
		GapEdge: monday.Add(-30 * time.Minute), BreakGapEdge: monday.Add(-90 * time.Minute), CopyMax: c.CopyMax,
		Tips: 2, Breaks: 2, CopyCount: 1,
		Hint: Shown{ID: "H0001", Kind: BreakInvite, CopyID: h.CopyID, Cohort: "break_invites", ShownAt: monday, Expires: h.ExpiresAt}}
	if fmt.Sprintf("%+v", *c) != fmt.Sprintf("%+v", want) {
		t.Errorf("claim\n got %+v\nwant %+v", *c, want)
	}
	if c.Slot() != 3 {
		t.Errorf("slot %d, want 11 %% 8 = 3", c.Slot())
	}
	after := c.Apply(in.State)
	if after.Seq != 12 || after.Breaks != 2 || !after.LastBreak.Equal(monday) || after.Ring[3].ID != "H0001" || after.Copies[h.CopyID].Count != 1 {
		t.Errorf("applied: %+v", after)
	}
	if in.State.Copies[h.CopyID].Count != 0 {
		t.Errorf("Apply changed the state it was given")
	}
}
