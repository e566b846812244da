package review

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden reviews in testdata/")

// generatedAt is the Monday the schedule builds week 49's reviews.
var generatedAt = time.Date(2026, 12, 7, 17, 0, 0, 0, time.UTC)

// seeded is one seeded user: a zone, a week and the facts of it and the week before.
type seeded struct {
	name, user, zone, week string
	build                  func(w Week) Facts
}

// at is day i (0 Monday; negative: last week) of w at hh:mm on the user's wall clock.
func at(w Week, i, hh, mm int) time.Time {
	d := w.monday().AddDate(0, 0, i)
	return time.Date(d.Year(), d.Month(), d.Day(), hh, mm, 0, 0, w.Loc)
}

func done(w Week, id, title string, due string, day, hh int) Completion {
	return Completion{TaskID: id, Title: title, Due: due, At: at(w, day, hh, 0)}
}

func open(id, title, due string, created time.Time) OpenTask {
	return OpenTask{ID: id, Title: title, Due: due, CreatedAt: created}
}

func cmd(w Week, day int, typ, outcome string) Command {
	return Command{At: at(w, day, 10, 0), Type: typ, Outcome: outcome}
}

func seededUsers() []seeded {
	return []seeded{
		{"new_user", "u-new", "UTC", "2026-W49", func(w Week) Facts {
			return Facts{Completions: []Completion{
				done(w, "t1", "Buy milk", w.Day(0), 0, 9), done(w, "t2", "Call the bank", w.Day(1), 2, 18),
				done(w, "t3", "Stretch", "", 4, 7)},
				Open:     []OpenTask{open("t4", "File taxes", w.Day(3), at(w, 0, 8, 0))},
				Commands: []Command{cmd(w, 0, "create_task", "executed"), cmd(w, 2, "complete_task", "executed")}}
		}},
		{"returning", "u-back", "Europe/Berlin", "2026-W49", func(w Week) Facts {
			return Facts{Completions: []Completion{done(w, "t1", "Reply to Anna", w.Day(1), 1, 11), done(w, "t2", "Water plants", "", 3, 8)},
				Open: []OpenTask{
					open("t3", "Renew passport", w.Day(-12), at(w, -20, 9, 0)),
					open("t4", "Book dentist", w.Day(-9), at(w, -18, 9, 0)),
					open("t5", "Sort photos", "", at(w, -30, 9, 0))},
				History: History{PriorReviews: 5, LastActiveWeek: "2026-W46"}}
		}},
		{"overloaded", "u-busy", "America/New_York", "2026-W49", func(w Week) Facts {
			f := Facts{Commands: []Command{cmd(w, 0, "create_task", "executed"), cmd(w, 1, "delete_task", "confirmation_required"),
				cmd(w, 1, "create_task", "undone"), cmd(w, -3, "create_task", "executed")}}
			for i, title := range []string{"Draft report", "Review PR 42", "Budget Q1"} {
				f.Completions = append(f.Completions, done(w, "d"+strconv.Itoa(i), title, w.Day(i), i, 16))
			}
			for i, title := range []string{"Prepare slides", "Email vendor", "Fix login bug", "Plan offsite", "Update roadmap", "Hire designer", "Quarterly taxes"} {
				f.Open = append(f.Open, open("o"+strconv.Itoa(i), title, w.Day(i%7), at(w, -2, 9, 0)))
			}
			f.Open = append(f.Open, open("s1", "Call landlord", w.Day(-6), at(w, -10, 9, 0)),
				open("s2", "Car inspection", "2026-11-20T15:00:00-05:00", at(w, -20, 9, 0)),
				open("n1", "Learn Rust", "", at(w, -40, 9, 0)), open("n2", "Clean garage", "", at(w, -14, 9, 0)))
			// Last week: 4 due, 4 on plan.
			for i := range 4 {
				f.Completions = append(f.Completions, done(w, "p"+strconv.Itoa(i), "Old task "+strconv.Itoa(i), w.Day(i-7), i-7, 10))
			}
			f.Goals = []Goal{{"g1", "Ship v2", w.Day(3)}, {"g2", "Run 10k", "2027-01-10"}, {"g3", "Read more", ""}}
			return f
		}},
		{"drifting", "u-drift", "Europe/London", "2026-W49", func(w Week) Facts {
			f := Facts{}
			// Last week: 5 due, 4 on plan (80%). This week: 5 due, 2 on plan (40%).
			for i := range 4 {
				f.Completions = append(f.Completions, done(w, "p"+strconv.Itoa(i), "Last week "+strconv.Itoa(i), w.Day(i-7), i-7, 12))
			}
			f.Completions = append(f.Completions, done(w, "p9", "Late one", w.Day(-3), 1, 12))
			f.Completions = append(f.Completions, done(w, "c1", "Gym", w.Day(1), 1, 19), done(w, "c2", "Groceries", w.Day(3), 3, 18),
				done(w, "c3", "Fix bike", "", 3, 20))
			f.Open = []OpenTask{open("o1", "Write blog post", w.Day(2), at(w, -1, 9, 0)), open("o2", "Plan trip", w.Day(4), at(w, 0, 9, 0)),
				open("o3", "Pay invoice", w.Day(5), at(w, 0, 9, 0))}
			return f
		}},
		{"steady", "u-steady", "Asia/Kolkata", "2026-W49", func(w Week) Facts {
			f := Facts{}
			for i := range 7 {
				f.Completions = append(f.Completions, done(w, "c"+strconv.Itoa(i), "Daily plan "+strconv.Itoa(i), w.Day(i), i, 8))
			}
			f.Completions = append(f.Completions, done(w, "x1", "Meditate", "", 5, 21))
			for i := range 7 {
				f.Completions = append(f.Completions, done(w, "p"+strconv.Itoa(i), "Last plan "+strconv.Itoa(i), w.Day(i-7), i-7, 8))
			}
			f.Open = []OpenTask{open("o1", "Read paper", w.Day(1), at(w, 0, 9, 0)), open("n1", "Learn Go generics", "", at(w, -9, 9, 0))}
			f.Goals = []Goal{{"g1", "Publish app", "2026-12-20"}}
			f.Commands = []Command{cmd(w, 2, "create_task", "executed"), cmd(w, 2, "query_tasks", "executed")}
			prev := Review{Week: "2026-W48", Cards: []Card{
				{ID: CardStreak, Value: 9, Parts: []Part{{Name: "current", Value: 9}, {Name: "best", Value: 12}}},
				{ID: CardCarry, Value: 2, Parts: []Part{{Name: "slipped", Value: 1}, {Name: "never_scheduled", Value: 1}}},
				{ID: CardGoals, Value: 0, Parts: []Part{{Name: "total", Value: 1}, {Name: "dated", Value: 1}, {Name: "due_within_4_weeks", Value: 1}}},
			}}
			f.History = History{PriorReviews: 8, LastActiveWeek: "2026-W48", Prev: &prev}
			return f
		}},
		{"empty_week", "u-empty", "UTC", "2026-W49", func(w Week) Facts {
			return Facts{Open: []OpenTask{open("n1", "Someday: learn piano", "", at(w, 1, 9, 0))},
				History: History{PriorReviews: 2, LastActiveWeek: "2026-W47"}}
		}},
		// Berlin leaves summer time on Sunday 2026-10-25: the week has 169 hours, and a
		// completion at 23:30 that Sunday (22:30 UTC, 168.5 hours after Monday 00:00) is Sunday's.
		{"dst_week", "u-dst", "Europe/Berlin", "2026-W43", func(w Week) Facts {
			f := Facts{Completions: []Completion{
				done(w, "c1", "Change clocks", w.Day(6), 6, 2), {TaskID: "c2", Title: "Sunday reset", Due: w.Day(6), At: at(w, 6, 23, 30)},
				done(w, "c3", "Laundry", w.Day(2), 2, 9), done(w, "p1", "Old chore", w.Day(-2), -2, 9)}}
			f.Open = []OpenTask{open("o1", "Tax return", w.Day(0), at(w, -3, 9, 0)), open("o2", "Fix shelf", w.Day(-3), at(w, -9, 9, 0))}
			return f
		}},
		// Auckland is UTC+13 in December: 00:30 on its Monday is Sunday 11:30 UTC.
		{"utc_plus_13", "u-akl", "Pacific/Auckland", "2026-W49", func(w Week) Facts {
			return Facts{Completions: []Completion{
				{TaskID: "c1", Title: "Early swim", Due: w.Day(0), At: at(w, 0, 0, 30)},
				done(w, "c2", "Team sync notes", w.Day(0), 0, 17), done(w, "c3", "Bake bread", "", 5, 10),
				done(w, "p1", "Last Sunday", w.Day(-1), -1, 20)},
				Open: []OpenTask{open("o1", "Fix fence", "2026-12-02T09:00:00+13:00", at(w, -3, 9, 0)),
					open("o2", "Mow lawn", w.Day(-2), at(w, -9, 9, 0))},
				History: History{PriorReviews: 1, LastActiveWeek: "2026-W48"}}
		}},
		// Honolulu is UTC-10: 23:00 on its Sunday is 09:00 UTC on Monday, still this week.
		{"utc_minus_10", "u-hnl", "Pacific/Honolulu", "2026-W49", func(w Week) Facts {
			return Facts{Completions: []Completion{
				{TaskID: "c1", Title: "Surf lesson", Due: w.Day(6), At: at(w, 6, 23, 0)},
				done(w, "c2", "Buy sunscreen", w.Day(2), 2, 12), done(w, "p1", "Pack", w.Day(-4), -4, 12)},
				Open:    []OpenTask{open("o1", "Renew lease", w.Day(-10), at(w, -14, 9, 0))},
				History: History{PriorReviews: 3, LastActiveWeek: "2026-W48"}}
		}},
	}
}

func buildSeeded(t *testing.T, s seeded) Review {
	t.Helper()
	w, err := ParseWeek(s.week, zone(t, s.zone))
	if err != nil {
		t.Fatal(err)
	}
	f := s.build(w)
	f.User, f.Week = s.user, w
	return Build(f, Holdout{}, generatedAt)
}

// TestGoldenReviews compares the review of each seeded user with testdata/<name>.json
// (go test ./shared/review -run Golden -update rewrites them; read the diff).
func TestGoldenReviews(t *testing.T) {
	for _, s := range seededUsers() {
		t.Run(s.name, func(t *testing.T) {
			got, err := json.MarshalIndent(buildSeeded(t, s), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", s.name+".json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the review built now (run with -update and read the diff):\n%s", path, got)
			}
		})
	}
}

// The goldens cover every class; each class's figures are also pinned here by hand.
func TestSeededUsersLandInTheirClassWithHandCheckedFigures(t *testing.T) {
	want := map[string]struct {
		class                     string
		planned, onPlan, rate     int
		completed, carry, current int
	}{
		"new_user":     {ClassNewUser, 3, 2, 67, 3, 0, 0},
		"returning":    {ClassReturning, 1, 1, 100, 2, 3, 0},
		"overloaded":   {ClassOverloaded, 10, 3, 30, 3, 7, 0},
		"drifting":     {ClassDrifting, 5, 2, 40, 4, 1, 0},
		"steady":       {ClassSteady, 8, 7, 88, 8, 2, 16},
		"dst_week":     {ClassSteady, 4, 3, 75, 3, 2, 1},
		"utc_plus_13":  {ClassSteady, 3, 2, 67, 3, 2, 0},
		"utc_minus_10": {ClassSteady, 2, 2, 100, 2, 1, 1},
	}
	for _, s := range seededUsers() {
		r := buildSeeded(t, s)
		if s.name == "empty_week" {
			if r.Situation.Class != ClassEmpty || len(r.Cards) != 0 || len(r.Recommendations) != 1 {
				t.Errorf("empty week: class %s, %d cards, %d recommendations; want empty_week, none, one",
					r.Situation.Class, len(r.Cards), len(r.Recommendations))
			}
			continue
		}
		w := want[s.name]
		pc, _ := r.Card(CardPlanned)
		planned, _ := pc.Part("planned")
		onPlan, _ := pc.Part("completed_on_plan")
		total, _ := pc.Part("completed_total")
		cc, _ := r.Card(CardCarry)
		sc, _ := r.Card(CardStreak)
		got := [...]int{planned.Value, onPlan.Value, pc.Value, total.Value, cc.Value, sc.Value}
		exp := [...]int{w.planned, w.onPlan, w.rate, w.completed, w.carry, w.current}
		if r.Situation.Class != w.class || got != exp {
			t.Errorf("%s: class %s, planned/on plan/rate/completed/carry/streak %v; want %s, %v",
				s.name, r.Situation.Class, got, w.class, exp)
		}
	}
}

func TestTheDSTWeekCountsSundayNightOnSunday(t *testing.T) {
	for _, s := range seededUsers() {
		if s.name != "dst_week" {
			continue
		}
		r := buildSeeded(t, s)
		c, _ := r.Card(CardWeekday)
		sun, _ := c.Part("sunday")
		if sun.Value != 2 {
			t.Errorf("Sunday of the DST week: %d completions, want 2 (02:00 and 23:30 local)", sun.Value)
		}
		if got := r.To.Sub(r.From); got != 169*time.Hour {
			t.Errorf("window %v, want 169h", got)
		}
	}
}

var number = regexp.MustCompile(`\d+`)

// Every recommendation rests on cards of its review, cites their real numbers, says each
// cited number in its text, and carries an action the command OS accepts.
func TestRecommendationsCiteRealNumbersAndCarryValidActions(t *testing.T) {
	for _, s := range seededUsers() {
		r := buildSeeded(t, s)
		if len(r.Recommendations) == 0 {
			t.Errorf("%s: no recommendation", s.name)
		}
		full := r
		if r.Situation.Class == ClassEmpty {
			w, _ := ParseWeek(s.week, zone(t, s.zone))
			f := s.build(w)
			f.User, f.Week = s.user, w
			this, prev := statsOf(f, w), statsOf(f, w.Prev())
			cur, best := streakOf(f, this, prev)
			full.Cards = cards(f, this, prev, carryOf(f, w), goalsOf(f, w), cur, best)
		}
		for _, rec := range r.Recommendations {
			if strings.Contains(rec.Text, "%!") {
				t.Errorf("%s %s: a formatting slip in %q", s.name, rec.RuleID, rec.Text)
			}
			nums := number.FindAllString(rec.Text, -1)
			for _, c := range rec.Cites {
				card, ok := full.Card(c.Card)
				if !ok {
					t.Errorf("%s %s cites unknown card %s", s.name, rec.RuleID, c.Card)
					continue
				}
				want := card.Value
				switch {
				case c.Part == "previous":
					want = *card.Previous
				case c.Part != "":
					p, ok := card.Part(c.Part)
					if !ok {
						t.Errorf("%s %s cites unknown part %s.%s", s.name, rec.RuleID, c.Card, c.Part)
					}
					want = p.Value
				}
				if c.Value != want {
					t.Errorf("%s %s cites %s.%s = %d, the card says %d", s.name, rec.RuleID, c.Card, c.Part, c.Value, want)
				}
				if !slices.Contains(nums, strconv.Itoa(c.Value)) {
					t.Errorf("%s %s: cited %d is not in %q", s.name, rec.RuleID, c.Value, rec.Text)
				}
			}
			if _, err := rec.Action.Checked(); err != nil {
				t.Errorf("%s %s: action %+v is not a valid intent: %v", s.name, rec.RuleID, rec.Action, err)
			}
			if rec.Action.Risky() {
				t.Errorf("%s %s: a risky action %s", s.name, rec.RuleID, rec.Action.Type)
			}
		}
	}
}

func TestTheHoldoutGetsCardsWithoutRecommendationsAndIsStable(t *testing.T) {
	s := seededUsers()[4]
	w, _ := ParseWeek(s.week, zone(t, s.zone))
	f := s.build(w)
	f.Week = w
	h := DefaultHoldout()
	held := 0
	for i := range 2000 {
		f.User = "user-" + strconv.Itoa(i)
		r := Build(f, h, generatedAt)
		if r.Holdout != h.In(f.User) {
			t.Fatalf("%s: holdout %v, bucket says %v", f.User, r.Holdout, h.In(f.User))
		}
		if r.Holdout {
			held++
			if len(r.Recommendations) != 0 || len(r.Cards) == 0 {
				t.Errorf("%s held out with %d recommendations and %d cards", f.User, len(r.Recommendations), len(r.Cards))
			}
		} else if len(r.Recommendations) == 0 {
			t.Errorf("%s treated without recommendations", f.User)
		}
	}
	if held < 60 || held > 140 {
		t.Errorf("%d of 2000 held out, want about 100 (5%%)", held)
	}
}

func TestTheSameFactsBuildTheSameReview(t *testing.T) {
	s := seededUsers()[2]
	a, b := buildSeeded(t, s), buildSeeded(t, s)
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if !bytes.Equal(ja, jb) {
		t.Error("two builds of one week differ")
	}
}
