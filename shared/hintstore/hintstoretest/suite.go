// Package hintstoretest is the behaviour HintTable's store must show on any DynamoDB: the
// unit tests run it on the embedded store, the contract tests on DynamoDB Local over the
// wire (which runs requests at the same time), so both prove the same things, the caps
// under parallel requests among them.
package hintstoretest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/barrier"
	"github.com/lucian-app/phase12/shared/clock"
	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/hint"
	"github.com/lucian-app/phase12/shared/hintguard"
	"github.com/lucian-app/phase12/shared/hintstore"
	"github.com/lucian-app/phase12/shared/httpapi/httpapitest"
	"github.com/lucian-app/phase12/shared/ids"
)

// Start is where the suite's manual clock starts: a Monday, 09:00 UTC.
var Start = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)

// Twins is how many requests race for one slot, RaceRounds how many times.
const (
	Twins      = 20
	RaceRounds = 20
)

// Run runs the suite on db, whose table must exist.
func Run(t *testing.T, db dynamo.API, table string) {
	ctx := context.Background()
	s := hintstore.New(db, table)
	run := fmt.Sprint(time.Now().UnixNano())
	user := func(name string) string { return name + "-" + run }
	cat, err := hint.DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	limits := hint.DefaultLimits()

	t.Run("a new user has the default settings and no state", func(t *testing.T) {
		st, err := s.Load(ctx, user("new"))
		if err != nil {
			t.Fatal(err)
		}
		if st.Seq != 0 || st.SettingsRev != 0 || st.Day != "" || len(st.Copies) != 0 || !reflect.DeepEqual(st.Settings, hint.DefaultSettings()) {
			t.Errorf("got %+v, want the zero state with default settings", st)
		}
	})

	t.Run("settings round-trip and every save counts", func(t *testing.T) {
		u := user("settings")
		want := hint.Settings{LucianEnabled: true, HintsEnabled: false, BreakInvitesEnabled: true,
			Quiet: &hint.QuietHours{Start: 22 * 60, End: 7*60 + 30}, Timezone: "Europe/Berlin"}
		if err := s.SaveSettings(ctx, u, want); err != nil {
			t.Fatal(err)
		}
		st, _ := s.Load(ctx, u)
		if !reflect.DeepEqual(st.Settings, want) || st.SettingsRev != 1 {
			t.Errorf("got %+v rev %d, want %+v rev 1", st.Settings, st.SettingsRev, want)
		}
		// No quiet hours and the device's zone remove what was there.
		want = hint.Settings{LucianEnabled: false}
		if err := s.SaveSettings(ctx, u, want); err != nil {
			t.Fatal(err)
		}
		st, _ = s.Load(ctx, u)
		if !reflect.DeepEqual(st.Settings, want) || st.SettingsRev != 2 {
			t.Errorf("got %+v rev %d, want %+v rev 2", st.Settings, st.SettingsRev, want)
		}
	})

	decide := func(t *testing.T, u string, now time.Time, c hint.Context) (hint.State, hint.Decision, *hint.Claim) {
		t.Helper()
		st, err := s.Load(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		d, claim := limits.Decide(hint.Input{Now: now, Loc: time.UTC, Context: c, State: st, Arm: hint.ArmBreakInvites, Flag: true},
			cat, ids.Sequence(u+"-h"))
		return st, d, claim
	}
	noQuiet := hint.Settings{LucianEnabled: true, HintsEnabled: true, BreakInvitesEnabled: true}
	active := hint.Context{Screen: "today", MinutesActive: 30}

	t.Run("a claim leaves the state its Apply says", func(t *testing.T) {
		u := user("apply")
		if err := s.SaveSettings(ctx, u, noQuiet); err != nil {
			t.Fatal(err)
		}
		now := Start
		for i := range 12 {
			before, d, claim := decide(t, u, now, active)
			if claim == nil {
				now = now.Add(31 * time.Minute)
				continue
			}
			if err := s.Claim(ctx, u, *claim); err != nil {
				t.Fatalf("claim %d (%s): %v", i, d.Hint.Kind, err)
			}
			got, err := s.Load(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			if want := claim.Apply(before); !sameState(got, want) {
				t.Fatalf("after claim %d:\n got %+v\nwant %+v", i, got, want)
			}
			now = now.Add(31 * time.Minute)
		}
	})

	t.Run("a claim is lost when the state it read has changed", func(t *testing.T) {
		u := user("stale")
		_ = s.SaveSettings(ctx, u, noQuiet)
		_, _, claim := decide(t, u, Start, active)
		if claim == nil {
			t.Fatal("no claim")
		}
		if err := s.Claim(ctx, u, *claim); err != nil {
			t.Fatal(err)
		}
		if err := s.Claim(ctx, u, *claim); !errors.Is(err, hint.ErrClaimLost) {
			t.Errorf("the same claim twice: %v, want ErrClaimLost", err)
		}
		_, _, claim = decide(t, u, Start.Add(2*time.Hour), active)
		if err := s.SaveSettings(ctx, u, noQuiet); err != nil {
			t.Fatal(err)
		}
		if err := s.Claim(ctx, u, *claim); !errors.Is(err, hint.ErrClaimLost) {
			t.Errorf("a claim across a settings change: %v, want ErrClaimLost", err)
		}
	})

	t.Run("the write restates the caps whatever the claim says", func(t *testing.T) {
		u := user("caps")
		_ = s.SaveSettings(ctx, u, noQuiet)
		_, _, first := decide(t, u, Start, active)
		if err := s.Claim(ctx, u, *first); err != nil {
			t.Fatal(err)
		}
		before, _ := s.Load(ctx, u)
		// Claims that pin the current state but break one rule each.
		_, _, ok := decide(t, u, Start.Add(31*time.Minute), hint.Context{Screen: "today"})
		if ok == nil {
			t.Fatal("no claim 31 minutes later")
		}
		for name, mutate := range map[string]func(c *hint.Claim){
			"the day's cap is reached":         func(c *hint.Claim) { c.Cap = before.Tips },
			"the last hint is after the edge":  func(c *hint.Claim) { c.GapEdge = before.LastShown.Add(-time.Millisecond) },
			"the copy is at its lifetime cap":  func(c *hint.Claim) { c.Hint.CopyID, c.CopyMax = first.Hint.CopyID, 1 },
			"a new day that is not later":      func(c *hint.Claim) { c.NewDay = true },
			"another day with the old counts":  func(c *hint.Claim) { c.Day = "2026-11-29" },
			"a break invite inside its gap":    func(c *hint.Claim) { c.Class, c.BreakGapEdge = hint.ClassBreak, before.LastBreak.Add(-time.Second) },
			"a pinned sequence that is behind": func(c *hint.Claim) { c.PrevSeq = 0 },
		} {
			c := *ok
			mutate(&c)
			if err := s.Claim(ctx, u, c); !errors.Is(err, hint.ErrClaimLost) {
				t.Errorf("%s: %v, want ErrClaimLost", name, err)
			}
		}
		if after, _ := s.Load(ctx, u); !sameState(after, before) {
			t.Errorf("a lost claim wrote:\n got %+v\nwant %+v", after, before)
		}
		if err := s.Claim(ctx, u, *ok); err != nil {
			t.Errorf("the unmutated claim: %v", err)
		}
	})

	t.Run("events are kept once and drive the dismissal ladder", func(t *testing.T) {
		u := user("events")
		_ = s.SaveSettings(ctx, u, noQuiet)
		_, d, claim := decide(t, u, Start, active)
		if err := s.Claim(ctx, u, *claim); err != nil {
			t.Fatal(err)
		}
		id := d.Hint.ID
		rec := func(ev hint.Event, eventID string) error {
			return s.Record(ctx, u, hint.Record{HintID: id, Slot: claim.Slot(), Event: ev, EventID: eventID, At: Start,
				Dismiss: ev == hint.EventDismissed, Reset: ev == hint.EventClicked, Now: Start.Add(time.Minute)})
		}
		if err := rec(hint.EventShown, "e1"); err != nil {
			t.Fatal(err)
		}
		if err := rec(hint.EventShown, "e1"); !errors.Is(err, hint.ErrDuplicate) {
			t.Errorf("the same event again: %v, want ErrDuplicate", err)
		}
		if err := rec(hint.EventShown, "e2"); !errors.Is(err, hint.ErrDuplicate) {
			t.Errorf("the same event with another id: %v, want ErrDuplicate", err)
		}
		if err := rec(hint.EventDismissed, "e3"); err != nil {
			t.Fatal(err)
		}
		st, _ := s.Load(ctx, u)
		if st.Dismissals != 1 || !st.LastDismissed.Equal(Start.Add(time.Minute)) || st.Ring[claim.Slot()].Events[hint.EventDismissed] != "e3" {
			t.Errorf("after a dismissal: %d dismissals at %v, events %v", st.Dismissals, st.LastDismissed, st.Ring[claim.Slot()].Events)
		}
		if err := rec(hint.EventClicked, "e4"); err != nil {
			t.Fatal(err)
		}
		if st, _ = s.Load(ctx, u); st.Dismissals != 0 {
			t.Errorf("a click left %d dismissals, want 0", st.Dismissals)
		}
		err := s.Record(ctx, u, hint.Record{HintID: "not-there", Slot: claim.Slot(), Event: hint.EventShown, EventID: "e5", At: Start, Now: Start})
		if !errors.Is(err, hint.ErrNoHint) {
			t.Errorf("an unknown hint: %v, want ErrNoHint", err)
		}
		err = s.Record(ctx, user("nobody"), hint.Record{HintID: id, Slot: claim.Slot(), Event: hint.EventShown, EventID: "e6", At: Start, Now: Start})
		if !errors.Is(err, hint.ErrNoHint) {
			t.Errorf("another user's hint: %v, want ErrNoHint", err)
		}
	})

	t.Run("counters add up per cohort over the shards", func(t *testing.T) {
		day := "2026-11-30"
		for shard := range hint.CounterShards {
			for range 2 {
				if err := s.Count(ctx, hint.Count{Day: day, Cohort: "control", Shard: shard, Names: []string{"decision_min_gap", "event_shown"}}); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := s.Count(ctx, hint.Count{Day: day, Cohort: "holdout", Shard: 3, Names: []string{"decision_holdout"}}); err != nil {
			t.Fatal(err)
		}
		got, err := s.Counters(ctx, day)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]map[string]int64{"control": {"decision_min_gap": 16, "event_shown": 16}, "holdout": {"decision_holdout": 1}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("counters %v, want %v", got, want)
		}
	})

	t.Run("a day is marked once, the first day kept", func(t *testing.T) {
		u := user("seen")
		first := hint.Seen{Day: "2026-11-30", FirstDay: "2026-11-30", FirstArm: hint.ArmControl, FirstOn: true}
		if err := s.Seen(ctx, u, first); err != nil {
			t.Fatal(err)
		}
		if err := s.Seen(ctx, u, first); !errors.Is(err, hint.ErrSeen) {
			t.Errorf("the same day again: %v, want ErrSeen", err)
		}
		// A later day keeps the first day, arm and setting, whatever the mark says.
		if err := s.Seen(ctx, u, hint.Seen{Day: "2026-12-07", FirstDay: "2026-12-07", FirstArm: hint.ArmHoldout}); err != nil {
			t.Fatal(err)
		}
		if err := s.Seen(ctx, u, hint.Seen{Day: "2026-12-01"}); !errors.Is(err, hint.ErrSeen) {
			t.Errorf("an earlier day after a later one: %v, want ErrSeen", err)
		}
		st, _ := s.Load(ctx, u)
		if st.SeenDay != "2026-12-07" || st.FirstDay != "2026-11-30" || st.FirstArm != hint.ArmControl || !st.FirstOn {
			t.Errorf("got seen %s first %s %s %v, want seen 2026-12-07, first 2026-11-30 control true", st.SeenDay, st.FirstDay, st.FirstArm, st.FirstOn)
		}
		// Twins of a first request: one marks the day.
		twin := user("seen-twins")
		var marked atomic.Int64
		fs := make([]func(), Twins)
		for i := range fs {
			fs[i] = func() {
				switch err := s.Seen(ctx, twin, first); {
				case err == nil:
					marked.Add(1)
				case !errors.Is(err, hint.ErrSeen):
					t.Error(err)
				}
			}
		}
		barrier.Together(fs...)
		if marked.Load() != 1 {
			t.Errorf("%d of %d parallel marks of one day were kept, want 1", marked.Load(), Twins)
		}
	})

	t.Run("a task attempt is kept once, the latest start wins", func(t *testing.T) {
		u := user("attempt")
		at := Start.Add(-time.Minute)
		if err := s.Attempt(ctx, u, at); err != nil {
			t.Fatal(err)
		}
		for _, again := range []time.Time{at, at.Add(-time.Second)} {
			if err := s.Attempt(ctx, u, again); !errors.Is(err, hint.ErrDuplicate) {
				t.Errorf("an attempt at %v after one at %v: %v, want ErrDuplicate", again, at, err)
			}
		}
		if err := s.Attempt(ctx, u, at.Add(time.Millisecond)); err != nil {
			t.Errorf("a later attempt: %v", err)
		}
		if st, _ := s.Load(ctx, u); !st.TaskAt.Equal(at.Add(time.Millisecond)) {
			t.Errorf("task_at %v, want %v", st.TaskAt, at.Add(time.Millisecond))
		}
	})

	t.Run("a day's verdicts are kept once beside its counters", func(t *testing.T) {
		day := "2026-12-03"
		if err := s.Count(ctx, hint.Count{Day: day, Cohort: "control", Shard: 1, Names: []string{hintguard.Shown}}); err != nil {
			t.Fatal(err)
		}
		d, err := s.Day(ctx, day)
		if err != nil || d.Verdicts != nil {
			t.Fatalf("before: verdicts %v, %v; want none", d.Verdicts, err)
		}
		vs := []hintguard.Verdict{{Cohort: "control", Tightened: true, Why: "x", From: "2026-11-26", To: "2026-12-02",
			Window: hintguard.Metrics{Shown: 300, Dismissed: 200}}}
		var kept atomic.Int64
		fs := make([]func(), Twins)
		for i := range fs {
			fs[i] = func() {
				mine := slices.Clone(vs)
				mine[0].Why = fmt.Sprint(i)
				switch err := s.SaveVerdicts(ctx, day, mine); {
				case err == nil:
					kept.Add(1)
				case !errors.Is(err, hintguard.ErrDecided):
					t.Error(err)
				}
			}
		}
		barrier.Together(fs...)
		if kept.Load() != 1 {
			t.Errorf("%d of %d parallel saves of one day's verdicts were kept, want 1", kept.Load(), Twins)
		}
		d, err = s.Day(ctx, day)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Verdicts) != 1 || !d.Verdicts[0].Tightened || d.Verdicts[0].Window.Dismissed != 200 ||
			!reflect.DeepEqual(d.Counters, map[string]hintguard.Counters{"control": {hintguard.Shown: 1}}) {
			t.Errorf("day %+v, want one tightened verdict and control's counter alone", d)
		}
	})

	RunParallel(t, db, table)
}

// tightened is a guardrail that tightens every cohort's caps.
type tightened struct{}

func (tightened) Verdict(_ context.Context, cohort string, _ time.Time) (hintguard.Verdict, error) {
	return hintguard.Verdict{Cohort: cohort, Tightened: true, Why: "tightened by the suite"}, nil
}

// sameState compares what a Store keeps (the ring by value).
func sameState(a, b hint.State) bool {
	ra, rb := a.Ring, b.Ring
	a.Ring, b.Ring = [hint.Slots]*hint.Shown{}, [hint.Slots]*hint.Shown{}
	if len(a.Copies) == 0 && len(b.Copies) == 0 {
		a.Copies, b.Copies = nil, nil
	}
	if !reflect.DeepEqual(a, b) {
		return false
	}
	for i := range ra {
		x, y := ra[i], rb[i]
		if (x == nil) != (y == nil) {
			return false
		}
		if x == nil {
			continue
		}
		if len(x.Events) == 0 && len(y.Events) == 0 {
			xc, yc := *x, *y
			xc.Events, yc.Events = nil, nil
			x, y = &xc, &yc
		}
		if !reflect.DeepEqual(x, y) {
			return false
		}
	}
	return true
}

// Fixture is the hint function's handler over a store, on a manual clock.
type Fixture struct {
	Clock   *clock.Manual
	Service *hint.Service
	Handler http.Handler
}

// NewFixture serves the companion routes over s, every user in the break-invite arm.
func NewFixture(t testing.TB, s hint.Store) *Fixture {
	t.Helper()
	cat, err := hint.DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	c := clock.NewManual(Start)
	exp := hint.DefaultExperiment()
	exp.BreakRollout = 1
	log := slog.New(slog.DiscardHandler)
	svc := &hint.Service{Store: s, Catalog: cat, Limits: hint.DefaultLimits(), Experiment: exp, Now: c.Now,
		NewID: ids.New(c.Now, nil), Log: log}
	if src, ok := s.(hintguard.Source); ok {
		// As the function is wired: the guardrail over the same table.
		svc.Guard = &hintguard.Keeper{Source: src, Rule: hintguard.DefaultRule()}
	}
	return &Fixture{Clock: c, Service: svc, Handler: hint.Handler(svc, log, c.Now)}
}

// Do sends one request as user and decodes the JSON answer into out (when not nil).
func (f *Fixture) Do(t testing.TB, user, method, path, body string, out any) int {
	t.Helper()
	rec := httptest.NewRecorder()
	f.Handler.ServeHTTP(rec, httpapitest.NewRequest(method, path, strings.NewReader(body), httpapitest.Claims(user)))
	if out != nil && rec.Code < 300 {
		if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
			t.Errorf("%s %s: %d %s: %v", method, path, rec.Code, rec.Body, err)
		}
	}
	if rec.Code >= 500 {
		t.Errorf("%s %s: %d %s", method, path, rec.Code, rec.Body)
	}
	return rec.Code
}

// NextBody is a POST /hints/next body at the clock's time.
func (f *Fixture) NextBody(minutesActive int, busy bool) string {
	return fmt.Sprintf(`{"context":{"screen":"today","task_in_progress":%t,"minutes_active":%d},"client_time":%q,"timezone":"UTC"}`,
		busy, minutesActive, f.Clock.Now().Format(time.RFC3339))
}

// NextWithTask is a POST /hints/next body at the clock's time that reports a task attempt
// started at start with outcome (completed or abandoned).
func (f *Fixture) NextWithTask(start time.Time, outcome string) string {
	return fmt.Sprintf(`{"context":{"screen":"today","task_in_progress":false,"minutes_active":0,"last_task":{"started_at":%q,"outcome":%q}},"client_time":%q,"timezone":"UTC"}`,
		start.Format(time.RFC3339Nano), outcome, f.Clock.Now().Format(time.RFC3339))
}

// Next is the answer of POST /hints/next as the suite reads it.
type Next struct {
	Show   bool        `json:"show"`
	Reason hint.Reason `json:"reason"`
	Hint   *hint.Hint  `json:"hint"`
}

// NextTogether sends n POST /hints/next for user at the same moment and returns the answers.
func (f *Fixture) NextTogether(t testing.TB, user string, n, minutesActive int) []Next {
	t.Helper()
	out := make([]Next, n)
	body := f.NextBody(minutesActive, false)
	fs := make([]func(), n)
	for i := range fs {
		fs[i] = func() {
			if code := f.Do(t, user, "POST", "/hints/next", body, &out[i]); code != 200 {
				t.Errorf("POST /hints/next: %d", code)
			}
		}
	}
	barrier.Together(fs...)
	return out
}

// RunParallel proves the caps under parallel requests: Twins POST /hints/next for one user
// behind a start barrier, round after round through two days, never show more than one
// hint a round nor more than the caps a day, and Twins dismissals of one hint move the
// ladder one rung.
func RunParallel(t *testing.T, db dynamo.API, table string) {
	s := hintstore.New(db, table)
	run := fmt.Sprint(time.Now().UnixNano())
	t.Run(fmt.Sprintf("%d parallel requests show one hint", Twins), func(t *testing.T) {
		lost := &Lost{Store: s}
		f := NewFixture(t, lost)
		// Rounds of fresh users. In the first half the twins race as they come; in the
		// second every twin reads before any writes (Lost.Hold), so all decide to show
		// and all but one lose the conditional write.
		for round := range RaceRounds {
			if round >= RaceRounds/2 {
				lost.Hold(Twins)
			}
			got := f.NextTogether(t, fmt.Sprintf("twins-%d-%s", round, run), Twins, 0)
			shown, reasons := 0, map[hint.Reason]int{}
			for _, n := range got {
				reasons[n.Reason]++
				if n.Show {
					shown++
				}
			}
			if shown != 1 || reasons[hint.ReasonMinGap] != Twins-1 {
				t.Fatalf("round %d: shown %d, reasons %v; want 1 shown and %d refused by the minimum gap", round, shown, reasons, Twins-1)
			}
		}
		won, refused := lost.Claims.Load()-lost.Refused.Load(), lost.Refused.Load()
		t.Logf("%d rounds: %d claims won, %d lost", RaceRounds, won, refused)
		if won != RaceRounds || refused < RaceRounds/2*(Twins-1) {
			t.Errorf("%d claims won, %d lost: want %d won and at least %d lost", won, refused, RaceRounds, RaceRounds/2*(Twins-1))
		}
	})
	t.Run("parallel rounds through two days never pass the caps", func(t *testing.T) {
		lost := &Lost{Store: s}
		f := NewFixture(t, lost)
		u := "rounds-" + run
		// No quiet hours, so the caps are what stops Lucian.
		if code := f.Do(t, u, "PUT", "/companion/settings",
			`{"lucian_enabled":true,"hints_enabled":true,"break_invites_enabled":true,"quiet_hours":null}`, nil); code != 200 {
			t.Fatalf("PUT settings: %d", code)
		}
		perDay := map[string]map[hint.Kind]int{}
		var last time.Time
		for round := range 2 * 24 * 4 { // every 15 minutes for two days
			now := Start.Add(time.Duration(round) * 15 * time.Minute)
			f.Clock.Set(now)
			shown := 0
			for _, n := range f.NextTogether(t, u, Twins, 30) {
				if !n.Show {
					continue
				}
				shown++
				day := now.Format(time.DateOnly)
				if perDay[day] == nil {
					perDay[day] = map[hint.Kind]int{}
				}
				perDay[day][n.Hint.Kind]++
				if !last.IsZero() && now.Sub(last) < 30*time.Minute {
					t.Errorf("a hint at %v, %v after the last", now, now.Sub(last))
				}
				last = now
			}
			if shown > 1 {
				t.Fatalf("round at %v showed %d hints", now, shown)
			}
		}
		t.Logf("%d claims written, %d lost", lost.Claims.Load(), lost.Refused.Load())
		for day, kinds := range perDay {
			tips := kinds[hint.Tip] + kinds[hint.Mood]
			if tips > 3 || kinds[hint.BreakInvite] > 2 {
				t.Errorf("%s: %v, want at most 3 tips and 2 break invites", day, kinds)
			}
		}
		// 2026-11-30 from 09:00 and all of 2026-12-01 and the morning of 2026-12-02: each
		// full day has room for every cap.
		if got := perDay["2026-12-01"]; got[hint.Tip] != 3 || got[hint.BreakInvite] != 2 {
			t.Errorf("2026-12-01: %v, want exactly the caps (3 tips, 2 break invites)", got)
		}
	})
	t.Run("parallel rounds through a day never pass tightened caps", func(t *testing.T) {
		lost := &Lost{Store: s}
		f := NewFixture(t, lost)
		f.Service.Guard = tightened{}
		u := "tight-" + run
		if code := f.Do(t, u, "PUT", "/companion/settings",
			`{"lucian_enabled":true,"hints_enabled":true,"break_invites_enabled":true,"quiet_hours":null}`, nil); code != 200 {
			t.Fatalf("PUT settings: %d", code)
		}
		day := Start.Add(15 * time.Hour) // 2026-12-01 00:00 UTC
		kinds := map[hint.Kind]int{}
		var last time.Time
		for round := range 24 * 4 { // every 15 minutes for the day
			now := day.Add(time.Duration(round) * 15 * time.Minute)
			f.Clock.Set(now)
			lost.Hold(Twins) // every twin reads before any writes: all decide alike, all but one lose

			shown := 0
			for _, n := range f.NextTogether(t, u, Twins, 30) {
				if !n.Show {
					continue
				}
				shown++
				kinds[n.Hint.Kind]++
				if !last.IsZero() && now.Sub(last) < 60*time.Minute {
					t.Errorf("a hint at %v, %v after the last; the tightened gap is 60 min", now, now.Sub(last))
				}
				last = now
			}
			if shown > 1 {
				t.Fatalf("round at %v showed %d hints", now, shown)
			}
		}
		t.Logf("%d claims written, %d lost", lost.Claims.Load(), lost.Refused.Load())
		// Two slots in the day (a break invite at 00:00, a tip at 01:00), each raced for by
		// every twin.
		if won := lost.Claims.Load() - lost.Refused.Load(); won != 2 || lost.Refused.Load() != 2*(Twins-1) {
			t.Errorf("%d claims won, %d lost: want 2 won and %d lost", won, lost.Refused.Load(), 2*(Twins-1))
		}
		if kinds[hint.Tip]+kinds[hint.Mood] != 1 || kinds[hint.BreakInvite] != 1 {
			t.Errorf("the day showed %v, want exactly the tightened caps (1 tip, 1 break invite)", kinds)
		}
	})
	t.Run(fmt.Sprintf("%d parallel dismissals of one hint count once", Twins), func(t *testing.T) {
		f := NewFixture(t, s)
		u := "dismiss-" + run
		var n Next
		f.Do(t, u, "POST", "/hints/next", f.NextBody(0, false), &n)
		if !n.Show {
			t.Fatalf("no hint: %+v", n)
		}
		dup := make([]bool, Twins)
		fs := make([]func(), Twins)
		for i := range fs {
			fs[i] = func() {
				var res hint.EventResult
				body := fmt.Sprintf(`{"event_id":"d%d","event":"dismissed","at":%q}`, i, f.Clock.Now().Format(time.RFC3339))
				if code := f.Do(t, u, "POST", "/hints/"+n.Hint.ID+"/events", body, &res); code != 200 {
					t.Errorf("dismissal %d: %d", i, code)
				}
				dup[i] = res.Duplicate
			}
		}
		barrier.Together(fs...)
		kept := 0
		for _, d := range dup {
			if !d {
				kept++
			}
		}
		st, err := s.Load(context.Background(), u)
		if err != nil {
			t.Fatal(err)
		}
		if kept != 1 || st.Dismissals != 1 {
			t.Errorf("%d dismissals kept, %d counted; want 1 and 1", kept, st.Dismissals)
		}
	})
}
