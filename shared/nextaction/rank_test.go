package nextaction

import (
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/tasks"
)

func zone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// store adds completions the way the store does (ADD per counter of each era's item)
// and reads the era's item back as of a week, as GET /tasks/next does.
type store map[int]map[string]float64

func (s store) complete(t tasks.Task, at time.Time, loc *time.Location) {
	for _, it := range Completion(t, at, loc) {
		if s[it.Era] == nil {
			s[it.Era] = map[string]float64{}
		}
		for _, a := range it.Adds {
			s[it.Era][a.Attr] += a.N
		}
	}
}

func (s store) stats(now time.Time) Stats {
	w := Week(now)
	return DecodeStats(s[Era(w)], Era(w), w)
}

func str(s string) *string { return &s }

func task(id, title, project string, prio int, due string) tasks.Task {
	t := tasks.Task{ID: id, Title: title, Priority: prio, Version: 1,
		CreatedAt: time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC).Add(time.Duration(len(id)) * time.Minute)}
	if project != "" {
		t.Project = str(project)
	}
	if due != "" {
		t.Due = str(due)
	}
	return t
}

// history: every weekday of the 8 weeks before end, each (project, local clock) pair
// completed once, in loc.
func history(loc *time.Location, end time.Time, done map[string][]int) store {
	s := store{}
	start := end.AddDate(0, 0, -56)
	for d := start; d.Before(end); d = d.AddDate(0, 0, 1) {
		if wd := d.In(loc).Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		y, m, day := d.In(loc).Date()
		for project, hours := range done {
			for _, h := range hours {
				at := time.Date(y, m, day, h, 30, 0, 0, loc)
				s.complete(task("h", "a "+project+" thing", project, 4, ""), at, loc)
			}
		}
	}
	return s
}

func ids(list []Suggestion) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = s.Task.ID
	}
	return out
}

func reasons(s Suggestion) string {
	var out []string
	for _, r := range s.Reasons {
		out = append(out, r.Rule+": "+r.Text)
	}
	return strings.Join(out, " | ")
}

// The golden users. Mona finishes #work on weekday mornings and #home in the evening;
// Evan finishes #home in the evening and #work in the early afternoon. Their candidates
// tie on the rules (p4, due today), so the tie-breakers order them, and the order flips
// with the time of day.
func TestGoldenUsersFlipTheOrderByTimeOfDay(t *testing.T) {
	berlin := zone(t, "Europe/Berlin")
	tue := func(h, m int) time.Time { return time.Date(2026, 12, 1, h, m, 0, 0, berlin) }
	cands := []tasks.Task{
		task("work1", "Write the quarterly report", "work", 4, "2026-12-01"),
		task("home1", "Water the plants", "home", 4, "2026-12-01"),
	}
	mona := history(berlin, tue(0, 0), map[string][]int{"work": {8, 9, 10}, "home": {19}})
	evan := history(berlin, tue(0, 0), map[string][]int{"home": {18, 20, 21}, "work": {13}})
	for _, tc := range []struct {
		user  string
		st    store
		at    time.Time
		want  []string
		habit string
	}{
		{"mona", mona, tue(9, 15), []string{"work1", "home1"}, "You usually finish #work tasks on weekday mornings."},
		{"mona", mona, tue(19, 15), []string{"home1", "work1"}, "You usually finish #home tasks on weekday evenings."},
		{"evan", evan, tue(20, 0), []string{"home1", "work1"}, "You usually finish #home tasks on weekday evenings."},
		{"evan", evan, tue(13, 30), []string{"work1", "home1"}, "You usually finish #work tasks on weekday afternoons."},
	} {
		got := Rank(Input{Now: tc.at, Loc: berlin, Candidates: cands, Stats: tc.st.stats(tc.at), Limit: 3})
		if !slices.Equal(ids(got), tc.want) {
			t.Errorf("%s at %s: order %v, want %v", tc.user, tc.at.Format("15:04"), ids(got), tc.want)
			continue
		}
		if r := reasons(got[0]); !strings.Contains(r, "habit: "+tc.habit) {
			t.Errorf("%s at %s: first reasons %q, want the habit %q", tc.user, tc.at.Format("15:04"), r, tc.habit)
		}
		if r := reasons(got[0]); !strings.HasPrefix(r, "due_today: Due today.") {
			t.Errorf("%s: reasons %q, want the rule's reason first", tc.user, r)
		}
		if got[0].Score <= got[1].Score || got[0].Score-200 >= 0.5 || got[1].Score-200 <= -0.5 {
			t.Errorf("%s: scores %v, %v: want both 200 ± 0.5 (p4, due today), the first higher", tc.user, got[0].Score, got[1].Score)
		}
	}
}

// Without history, and in the holdout whatever the history, the answer is the rules'
// order with the today order breaking ties: no personal reason, whole-number scores.
func TestEmptyHistoryAndTheHoldoutServeTheRulesOrder(t *testing.T) {
	berlin := zone(t, "Europe/Berlin")
	now := time.Date(2026, 12, 1, 19, 15, 0, 0, berlin)
	cands := []tasks.Task{
		task("work1", "Write the quarterly report", "work", 4, "2026-12-01"),
		task("home1", "Water the plants", "home", 4, "2026-12-01"),
		task("p1", "Call the bank", "", 1, ""),
	}
	mona := history(berlin, now, map[string][]int{"work": {8, 9, 10}, "home": {19}})
	for name, in := range map[string]Input{
		"empty history": {Now: now, Loc: berlin, Candidates: cands, Limit: 3},
		"holdout":       {Now: now, Loc: berlin, Candidates: cands, Stats: mona.stats(now), Holdout: true, Limit: 3},
	} {
		got := Rank(in)
		// Both due today (200, tied: created together, so the today order goes by id),
		// then the undated p1 (100 + 30).
		if want := []string{"home1", "work1", "p1"}; !slices.Equal(ids(got), want) {
			t.Errorf("%s: %v, want %v", name, ids(got), want)
		}
		for _, s := range got {
			if s.Score != float64(int(s.Score)) {
				t.Errorf("%s: %s scored %v, want a whole number (rules only)", name, s.Task.ID, s.Score)
			}
			for _, r := range s.Reasons {
				if r.Rule == RuleHabit || r.Rule == RuleSize || r.Rule == RulePostponed {
					t.Errorf("%s: %s has personal reason %+v", name, s.Task.ID, r)
				}
			}
		}
		if r := reasons(got[2]); r != "priority: You marked it p1, and nothing due is waiting." {
			t.Errorf("%s: p1's reasons %q", name, r)
		}
	}
	// The same history outside the holdout puts work1 first at 09:15.
	morning := now.Add(-10 * time.Hour)
	if got := Rank(Input{Now: morning, Loc: berlin, Candidates: cands, Stats: mona.stats(morning), Limit: 3}); got[0].Task.ID != "work1" {
		t.Errorf("treatment at 09:15: %v, want work1 first", ids(got))
	}
	if got := Rank(Input{Now: morning, Loc: berlin, Candidates: cands, Stats: mona.stats(morning), Holdout: true, Limit: 3}); got[0].Task.ID != "home1" {
		t.Errorf("holdout at 09:15: %v, want home1 first (the rules order)", ids(got))
	}
}

// Rules outrank every tie-breaker: overdue, then due soon, then due today, then
// undated; within a tier the higher priority; overdue, the older due date.
func TestRulesOutrankTieBreakers(t *testing.T) {
	berlin := zone(t, "Europe/Berlin")
	now := time.Date(2026, 12, 1, 9, 15, 0, 0, berlin)
	// A history that favours #home at every hour, strongly.
	st := history(berlin, now, map[string][]int{"home": {6, 8, 9, 10, 11, 13, 15, 19, 20, 23}})
	cands := []tasks.Task{
		task("undated", "Tidy up", "home", 4, ""),
		task("today", "Send the invoice", "home", 4, "2026-12-01"),
		task("soon", "Standup", "work", 4, "2026-12-01T10:00:00+01:00"),
		task("late", "Dinner booking", "work", 4, "2026-12-01T18:00:00+01:00"),
		task("over2", "Renew the passport", "work", 4, "2026-11-29"),
		task("over1p1", "Pay the rent", "work", 1, "2026-11-30"),
		task("overtoday", "Reply to Sam", "work", 4, "2026-12-01T08:00:00+01:00"),
	}
	got := Rank(Input{Now: now, Loc: berlin, Candidates: cands, Stats: st.stats(now), Limit: 10})
	want := []string{"over1p1", "over2", "overtoday", "soon", "today", "late", "undated"}
	if !slices.Equal(ids(got), want) {
		t.Fatalf("order %v, want %v", ids(got), want)
	}
	texts := map[string]string{
		"over1p1":   "overdue: P1, overdue since Monday 30 November.",
		"over2":     "overdue: Overdue since Sunday 29 November.",
		"overtoday": "overdue: Overdue since 08:00 today.",
		"soon":      "due_soon: Due at 10:00, in 45 minutes.",
		"late":      "due_today: Due today at 18:00.",
	}
	for _, s := range got {
		if want, ok := texts[s.Task.ID]; ok && !strings.HasPrefix(reasons(s), want) {
			t.Errorf("%s: reasons %q, want first %q", s.Task.ID, reasons(s), want)
		}
	}
	// 400 + 30 (p1) + 1 day; 400 + 2 days; 400 + 0.
	for id, whole := range map[string]int{"over1p1": 431, "over2": 402, "overtoday": 400, "soon": 300, "today": 200, "late": 200, "undated": 100} {
		i := slices.Index(ids(got), id)
		if s := got[i].Score; s <= float64(whole)-0.5 || s >= float64(whole)+0.5 {
			t.Errorf("%s scored %v, want %d ± 0.5", id, s, whole)
		}
	}
	// "today" (#home) beats "late" (#work) on the tie-breaker; with no history the today
	// order puts "today" (a date, 00:00) first as well, so check the tie-breaker itself.
	if a, b := got[4].Score, got[5].Score; a <= b {
		t.Errorf("today %v <= late %v: the #home habit should lift it", a, b)
	}
}

// Habits live on the wall clock: a history kept in Berlin's winter time still means
// mornings after the clocks go forward, and a user who moves to New York keeps being a
// morning #work person there; the request's zone decides what "now" is.
func TestDSTAndTimezoneChangesKeepTheWallClockHabit(t *testing.T) {
	berlin, ny := zone(t, "Europe/Berlin"), zone(t, "America/New_York")
	cands := []tasks.Task{
		task("work1", "Write the quarterly report", "work", 4, ""),
		task("home1", "Water the plants", "home", 4, ""),
	}
	// Eight winter weeks (CET) up to the night the clocks go forward, 28 March 2027.
	mona := history(berlin, time.Date(2027, 3, 28, 0, 0, 0, 0, berlin), map[string][]int{"work": {8, 9}, "home": {19, 20}})
	for _, tc := range []struct {
		name  string
		at    time.Time
		loc   *time.Location
		want  string
		habit string // "" : no habit reason
	}{
		{"Berlin summer time 09:30 (07:30 UTC, an hour earlier than the winter history)", time.Date(2027, 3, 29, 9, 30, 0, 0, berlin), berlin, "work1", "weekday mornings"},
		{"Berlin summer time 19:30", time.Date(2027, 3, 29, 19, 30, 0, 0, berlin), berlin, "home1", "weekday evenings"},
		{"New York 09:30 (15:30 in Berlin)", time.Date(2027, 3, 29, 9, 30, 0, 0, ny), ny, "work1", "weekday mornings"},
		// The same instant asked in Berlin's zone is an afternoon, when Mona finished
		// nothing: no habit speaks, and the today order (by id here) decides.
		{"the same instant asked in Berlin's zone", time.Date(2027, 3, 29, 9, 30, 0, 0, ny), berlin, "home1", ""},
	} {
		got := Rank(Input{Now: tc.at, Loc: tc.loc, Candidates: cands, Stats: mona.stats(tc.at), Limit: 2})
		r := reasons(got[0])
		if got[0].Task.ID != tc.want || (tc.habit == "") == strings.Contains(r, "habit:") || !strings.Contains(r, tc.habit) {
			t.Errorf("%s: %v, first reasons %q; want %s first, habit %q", tc.name, ids(got), r, tc.want, tc.habit)
		}
	}
	// The counter a summer 09:30 completion adds is the winter 09:30 one.
	w := Completion(cands[0], time.Date(2027, 1, 12, 9, 30, 0, 0, berlin), berlin)[0].Adds[0].Attr
	s := Completion(cands[0], time.Date(2027, 7, 13, 9, 30, 0, 0, berlin), berlin)[0].Adds[0].Attr
	if w != s || w != "h33" {
		t.Errorf("Tuesday 09:30 in winter %s, in summer %s, want both h33", w, s)
	}
}

// A task postponed three or more times is demoted among its ties, except in the user's
// peak slot, where it is surfaced: the stated rule of tiebreak-1.
func TestPostponedTasksAreDemotedExceptInThePeakSlot(t *testing.T) {
	berlin := zone(t, "Europe/Berlin")
	morning := time.Date(2026, 12, 1, 9, 15, 0, 0, berlin)
	evening := time.Date(2026, 12, 1, 19, 15, 0, 0, berlin)
	st := history(berlin, morning, map[string][]int{"x": {8, 9, 10}, "y": {19}})
	dodged := task("dodged", "Do the tax return", "", 4, "")
	dodged.Postponed = 4
	other := task("otherxx", "Do the tax return", "", 4, "") // newer: after dodged in the today order
	cands := []tasks.Task{dodged, other}
	peak := Rank(Input{Now: morning, Loc: berlin, Candidates: cands, Stats: st.stats(morning), Limit: 2})
	if peak[0].Task.ID != "dodged" || !strings.Contains(reasons(peak[0]), "postponed: You have postponed this 4 times, and weekday mornings are when you finish the most") {
		t.Errorf("peak slot: %v, first reasons %q", ids(peak), reasons(peak[0]))
	}
	off := Rank(Input{Now: evening, Loc: berlin, Candidates: cands, Stats: st.stats(evening), Limit: 2})
	if off[0].Task.ID != "otherxx" || !strings.Contains(reasons(off[1]), "so tasks you are likelier to finish now come first") {
		t.Errorf("off peak: %v, dodged reasons %q", ids(off), reasons(off[1]))
	}
}

// Dismissed tasks are left out; the answer does not depend on the candidates' order;
// limit bounds it.
func TestDismissedDeterministicAndLimited(t *testing.T) {
	berlin := zone(t, "Europe/Berlin")
	now := time.Date(2026, 12, 1, 9, 15, 0, 0, berlin)
	st := history(berlin, now, map[string][]int{"work": {9}, "home": {19}})
	var cands []tasks.Task
	for i, p := range []string{"work", "home", "errands", "work", "home"} {
		c := task(strings.Repeat("t", i+1), "task "+p, p, 1+i%4, "")
		c.Labels = []string{p + "-label"}
		cands = append(cands, c)
	}
	want := ids(Rank(Input{Now: now, Loc: berlin, Candidates: cands, Stats: st.stats(now), Limit: 3}))
	r := rand.New(rand.NewSource(1))
	for range 20 {
		r.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
		if got := ids(Rank(Input{Now: now, Loc: berlin, Candidates: cands, Stats: st.stats(now), Limit: 3})); !slices.Equal(got, want) {
			t.Fatalf("shuffled candidates: %v, want %v", got, want)
		}
	}
	got := Rank(Input{Now: now, Loc: berlin, Candidates: cands, Stats: st.stats(now), Limit: 3, Dismissed: map[string]bool{want[0]: true}})
	if len(got) != 3 || slices.Contains(ids(got), want[0]) || got[0].Task.ID != want[1] {
		t.Errorf("with %s dismissed: %v, want 3 without it, %s first", want[0], ids(got), want[1])
	}
	if got := Rank(Input{Now: now, Loc: berlin, Candidates: cands, Limit: 0}); len(got) != 0 {
		t.Errorf("limit 0: %d suggestions", len(got))
	}
}

// rules-2's goal rule: a task whose goal's target date is from today to 14 days ahead
// scores 20 more (two priority steps, within its tier) with a reason naming the goal and
// its date; a goal further away, passed, undated or not found changes nothing, and the
// holdout gets the rule too (it is a rule, not a personal tie-breaker).
func TestAGoalsNearTargetDateScoresItsTasksUp(t *testing.T) {
	berlin := zone(t, "Europe/Berlin")
	now := time.Date(2026, 12, 1, 9, 15, 0, 0, berlin) // Tuesday 1 December
	withGoal := func(tk tasks.Task, goal string) tasks.Task { tk.GoalID = str(goal); return tk }
	goals := map[string]tasks.Goal{
		"g-near":   {ID: "g-near", Title: "Run a marathon", TargetDate: str("2026-12-12")},
		"g-today":  {ID: "g-today", Title: "Ship the app", TargetDate: str("2026-12-01")},
		"g-far":    {ID: "g-far", Title: "Learn Greek", TargetDate: str("2026-12-16")},
		"g-edge":   {ID: "g-edge", Title: "File taxes", TargetDate: str("2026-12-15")},
		"g-passed": {ID: "g-passed", Title: "Old goal", TargetDate: str("2026-11-30")},
		"g-nodate": {ID: "g-nodate", Title: "Someday"},
	}
	cands := []tasks.Task{
		task("plain-p2", "Call the bank", "", 2, "2026-12-01"),
		withGoal(task("near", "Run 10 km", "", 4, "2026-12-01"), "g-near"),
		withGoal(task("far", "Greek lesson", "", 4, "2026-12-01"), "g-far"),
		withGoal(task("edge", "Collect receipts", "", 4, "2026-12-01"), "g-edge"),
		withGoal(task("passed", "Old task", "", 4, "2026-12-01"), "g-passed"),
		withGoal(task("nodate", "Think", "", 4, "2026-12-01"), "g-nodate"),
		withGoal(task("missing", "Orphan", "", 4, "2026-12-01"), "g-deleted"),
		withGoal(task("undated-today", "Release notes", "", 4, ""), "g-today"),
	}
	for _, holdout := range []bool{false, true} {
		got := Rank(Input{Now: now, Loc: berlin, Candidates: cands, Goals: goals, Holdout: holdout, Limit: 10})
		scores := map[string]int{}
		for _, s := range got {
			scores[s.Task.ID] = int(s.Score + 0.5)
		}
		// due today 200; p2 +20; a near goal +20; undated 100 + 20.
		want := map[string]int{"plain-p2": 220, "near": 220, "edge": 220, "far": 200, "passed": 200, "nodate": 200, "missing": 200, "undated-today": 120}
		for id, w := range want {
			if scores[id] != w {
				t.Errorf("holdout %v: %s scored %d, want %d", holdout, id, scores[id], w)
			}
		}
		texts := map[string]string{}
		for _, s := range got {
			for _, r := range s.Reasons {
				if r.Rule == RuleGoalNear {
					texts[s.Task.ID] = r.Text
				}
			}
		}
		wantTexts := map[string]string{
			"near":          "It serves your goal 'Run a marathon', due on 12 Dec, in 11 days.",
			"edge":          "It serves your goal 'File taxes', due on 15 Dec, in 14 days.",
			"undated-today": "It serves your goal 'Ship the app', due today.",
		}
		if len(texts) != len(wantTexts) {
			t.Errorf("holdout %v: goal reasons %v, want %v", holdout, texts, wantTexts)
		}
		for id, w := range wantTexts {
			if texts[id] != w {
				t.Errorf("holdout %v: %s's goal reason %q, want %q", holdout, id, texts[id], w)
			}
		}
	}
	// Without the goals read (a service with no GoalReader) nothing moves.
	got := Rank(Input{Now: now, Loc: berlin, Candidates: cands, Limit: 10})
	if got[0].Task.ID != "plain-p2" || int(got[1].Score+0.5) != 200 {
		t.Errorf("without goals: %v, want plain-p2 alone at 220 and the rest at 200", ids(got))
	}
}

// GoalIDs reads each goal once, in the candidates' order, at most MaxGoalLookups.
func TestGoalIDsAreDistinctAndBounded(t *testing.T) {
	var cands []tasks.Task
	for i := range 250 {
		tk := task(fmt.Sprint("t", i), "x", "", 4, "")
		if i%2 == 0 {
			tk.GoalID = str(fmt.Sprint("g", i/4)) // two tasks a goal
		}
		cands = append(cands, tk)
	}
	got := GoalIDs(cands)
	if len(got) != 63 || got[0] != "g0" || got[62] != "g62" {
		t.Errorf("%d ids %v..., want g0 to g62 once each", len(got), got[:3])
	}
	cands = cands[:0]
	for i := range 300 {
		tk := task(fmt.Sprint("t", i), "x", "", 4, "")
		tk.GoalID = str(fmt.Sprint("g", i))
		cands = append(cands, tk)
	}
	if got := GoalIDs(cands); len(got) != MaxGoalLookups || got[99] != "g99" {
		t.Errorf("%d ids, want the first %d", len(got), MaxGoalLookups)
	}
}
