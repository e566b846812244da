package hint

import (
	"strings"
	"testing"
	"time"
)

func TestTheShippedCatalogueIsValidAndCoversEveryKind(t *testing.T) {
	c := testCatalog(t)
	kinds := map[Kind]int{}
	for _, cp := range c.Copies {
		kinds[cp.Kind]++
		if cp.Kind == BreakInvite && (cp.DurationS < 45 || cp.DurationS > 60) {
			t.Errorf("%s: a %d s loop, want 45 to 60", cp.ID, cp.DurationS)
		}
	}
	// More tips for any one screen than a day's cap, so a normal day never runs dry.
	for _, screen := range []string{"today", "tasks", "goals", "review", "anything"} {
		n := 0
		for _, cp := range c.Copies {
			if cp.fits(Tip, screen, "") {
				n++
			}
		}
		if n <= DefaultLimits().TipsPerDay {
			t.Errorf("screen %s: %d tips, want more than the daily cap", screen, n)
		}
	}
	if kinds[Tip] == 0 || kinds[Mood] == 0 || kinds[BreakInvite] <= DefaultLimits().BreaksPerDay {
		t.Errorf("kinds %v", kinds)
	}
}

func TestABadCatalogueIsRefusedNamingEveryProblem(t *testing.T) {
	_, err := ParseCatalog([]byte(`{"copies":[
		{"id":"a","kind":"tip","text":"x","max_shows":1},
		{"id":"a","kind":"tip","text":"x","max_shows":1},
		{"id":"Bad Id","kind":"tip","text":"x","max_shows":1},
		{"id":"m","kind":"mood","text":"x","max_shows":1},
		{"id":"b","kind":"break_invite","loop":"l","duration_s":90,"text":"x","max_shows":1},
		{"id":"t","kind":"tip","duration_s":50,"text":"x","max_shows":1},
		{"id":"z","kind":"rant","text":"","max_shows":0}]}`))
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{"no version", "id used twice", "id must be 1 to 64 lower-case", "a mood line needs a mood",
		"a loop of 45 to 60 s", "only break invites have a loop", `unknown kind "rant"`, "text of 0 characters", "max_shows must be at least 1"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestPickPrefersTheLeastShownAndHonoursTheNoRepeatWindow(t *testing.T) {
	c := &Catalog{Version: "t", Copies: []Copy{
		{ID: "a", Kind: Tip, Text: "a", MaxShows: 3},
		{ID: "b", Kind: Tip, Text: "b", MaxShows: 3},
		{ID: "c", Kind: Tip, Text: "c", MaxShows: 1, Screens: []string{"goals"}},
	}}
	now := monday
	day := 24 * time.Hour
	tests := []struct {
		name   string
		screen string
		used   map[string]CopyUse
		want   string
	}{
		{"nothing shown: the first", "today", nil, "a"},
		{"the least shown", "today", map[string]CopyUse{"a": {1, now.Add(-10 * day)}}, "b"},
		{"equal counts: the longest ago", "today", map[string]CopyUse{"a": {1, now.Add(-5 * day)}, "b": {1, now.Add(-9 * day)}}, "b"},
		{"inside the no-repeat window: skipped", "today", map[string]CopyUse{"b": {0, now.Add(-2 * day)}, "a": {2, now.Add(-4 * day)}}, "a"},
		{"a screen's own line", "goals", map[string]CopyUse{"a": {1, now.Add(-5 * day)}, "b": {1, now.Add(-5 * day)}}, "c"},
		{"at the lifetime cap: skipped", "goals", map[string]CopyUse{"c": {1, now.Add(-50 * day)}, "a": {3, now.Add(-50 * day)}}, "b"},
		{"all used up", "today", map[string]CopyUse{"a": {3, now.Add(-50 * day)}, "b": {1, now.Add(-day)}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, found := c.pick(Tip, tt.screen, "", tt.used, now, 3*day)
			id := ""
			if got != nil {
				id = got.ID
			}
			if id != tt.want || !found {
				t.Errorf("pick = %q (found %v), want %q", id, found, tt.want)
			}
		})
	}
}
