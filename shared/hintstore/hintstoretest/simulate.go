package hintstoretest

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/barrier"
	"github.com/lucian-app/phase12/shared/clock"
	"github.com/lucian-app/phase12/shared/hint"
	"github.com/lucian-app/phase12/shared/hintguard"
	"github.com/lucian-app/phase12/shared/ids"
)

// Sim is one randomised run: Users users, each with a zone (DST ones among them), quiet
// hours, switches and an arm, asking POST /hints/next at random moments of Days days from
// Start, one to three requests at the same moment, answering shown hints with random
// feedback.
type Sim struct {
	Users int
	Days  int
	Start time.Time
	// Step is the simulated time between two rounds; Active the share of users asking in
	// a round.
	Step   time.Duration
	Active float64
	Seed   uint64
	// Tighten, when set, is the guardrail's verdict: whether a cohort's caps are tightened
	// on a UTC day. The run then checks tightened hints against the tightened limits.
	Tighten func(cohort, day string) bool
}

// simGuard answers the Sim's Tighten as the guardrail's verdicts.
type simGuard struct{ tighten func(cohort, day string) bool }

func (g simGuard) Verdict(_ context.Context, cohort string, now time.Time) (hintguard.Verdict, error) {
	return hintguard.Verdict{Cohort: cohort, Tightened: g.tighten(cohort, now.UTC().Format(time.DateOnly)), Why: "simulated"}, nil
}

// Zones the simulation draws from: DST in both hemispheres, a 30-minute DST shift (Lord
// Howe), 45-minute and half-hour offsets, and none.
var Zones = []string{"UTC", "Europe/Berlin", "America/New_York", "America/Los_Angeles", "Australia/Sydney",
	"Australia/Lord_Howe", "Pacific/Chatham", "Asia/Kolkata", "America/St_Johns", "Asia/Kathmandu", "Pacific/Kiritimati"}

// SimResult is what a run saw.
type SimResult struct {
	Decisions, Shown, Breaks, Events int
	Reasons                          map[hint.Reason]int
	// CapDays counts user-days that reached a daily cap, so a run that never tests a
	// cap shows as one.
	CapDays int
	// Tightened counts decisions under tightened caps, TightenedShown the hints among them.
	Tightened, TightenedShown int
	// Attempts counts the task attempts the run reported (each once, whatever the twins),
	// New the users it saw, D7 those back on the 7th UTC day after their first: the
	// counters must say the same (checked when the store is a Memory).
	Attempts, New, D7 int
}

type simUser struct {
	id       string
	device   *time.Location // the zone the device sends
	zone     *time.Location // the zone the rules use (the setting, else the device's)
	settings hint.Settings
	arm      hint.Arm

	// The model the invariants check against.
	tips, breaks    map[string]int // per local day
	lastShown       time.Time
	lastBreak       time.Time
	dismissals      int
	lastDismissed   time.Time
	copies          map[string]int
	hints           []*hint.Hint
	shownBeforeStep int
	lastTask        time.Time
	firstDay        string
	backD7          bool
}

// Simulate runs sim against the Service over store and checks, for every hint shown, that
// no cap, gap or back-off was passed, that no task was in progress, that it was outside
// the user's quiet hours, that holdout and opted-out users saw nothing, and that break
// invites came only to their arm after 25 minutes of activity.
func Simulate(t testing.TB, store hint.Store, sim Sim) SimResult {
	t.Helper()
	ctx := context.Background()
	cat, err := hint.DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	maxShows := map[string]int{}
	for _, c := range cat.Copies {
		maxShows[c.ID] = c.MaxShows
	}
	rng := rand.New(rand.NewPCG(sim.Seed, 17))
	c := clock.NewManual(sim.Start)
	exp := hint.Experiment{Enabled: true, Holdout: 0.1, HoldoutSeed: hint.DefaultHoldoutSeed, BreakRollout: 0.5, BreakSeed: hint.DefaultBreakSeed}
	limits := hint.DefaultLimits()
	svc := &hint.Service{Store: store, Catalog: cat, Limits: limits, Experiment: exp, Now: c.Now, NewID: ids.New(c.Now, nil),
		Log: slog.New(slog.DiscardHandler)}
	if sim.Tighten != nil {
		svc.Guard = simGuard{sim.Tighten}
	}

	run := fmt.Sprintf("sim%d-%d", sim.Seed, time.Now().UnixNano())
	users := make([]*simUser, sim.Users)
	for i := range users {
		dev, err := time.LoadLocation(Zones[rng.IntN(len(Zones))])
		if err != nil {
			t.Fatal(err)
		}
		u := &simUser{id: fmt.Sprintf("%s-u%d", run, i), device: dev, zone: dev,
			tips: map[string]int{}, breaks: map[string]int{}, copies: map[string]int{}}
		u.settings = hint.DefaultSettings()
		switch r := rng.IntN(10); {
		case r == 0:
			u.settings.LucianEnabled = false
		case r == 1:
			u.settings.HintsEnabled = false
		case r == 2:
			u.settings.BreakInvitesEnabled = false
		case r == 3:
			u.settings.Quiet = nil
		case r <= 5:
			// Quiet hours on the hour, on the half hour, and one not wrapping midnight.
			u.settings.Quiet = &hint.QuietHours{Start: rng.IntN(48) * 30, End: rng.IntN(48) * 30}
			if u.settings.Quiet.Start == u.settings.Quiet.End {
				u.settings.Quiet.End = (u.settings.Quiet.End + 90) % (24 * 60)
			}
		}
		if rng.IntN(5) == 0 {
			// A traveller: the setting pins the home zone, the device sends another.
			home, _ := time.LoadLocation(Zones[rng.IntN(len(Zones))])
			u.settings.Timezone, u.zone = home.String(), home
		}
		if err := store.SaveSettings(ctx, u.id, u.settings); err != nil {
			t.Fatal(err)
		}
		u.arm = exp.Arm(u.id)
		users[i] = u
	}

	res := SimResult{Reasons: map[hint.Reason]int{}}
	moods := []string{"", "", "happy", "tired", "stressed", "calm", "grumpy"}
	screens := []string{"today", "tasks", "goals", "focus", "review", "settings"}
	end := sim.Start.AddDate(0, 0, sim.Days)
	for now := sim.Start; now.Before(end); now = now.Add(sim.Step) {
		c.Set(now)
		type call struct {
			u   *simUser
			req hint.NextRequest
			d   hint.Decision
			err error
		}
		var calls []*call
		for _, u := range users {
			if rng.Float64() >= sim.Active {
				continue
			}
			ctxt := hint.Context{Screen: screens[rng.IntN(len(screens))], Mood: moods[rng.IntN(len(moods))],
				TaskInProgress: rng.IntN(4) == 0, MinutesActive: rng.IntN(90)}
			if rng.IntN(3) == 0 {
				// A task attempt that ended since the user last asked, started up to 10
				// minutes ago (after the last one reported), left one time in four.
				start := now.Add(-time.Duration(rng.IntN(600)) * time.Second)
				if start.After(u.lastTask) {
					ctxt.LastTask = &hint.TaskAttempt{StartedAt: start, Abandoned: rng.IntN(4) == 0}
					u.lastTask = start
					res.Attempts++
				}
			}
			day := now.UTC().Format(time.DateOnly)
			if u.firstDay == "" {
				u.firstDay = day
				res.New++
			}
			if f, _ := time.Parse(time.DateOnly, u.firstDay); !u.backD7 && f.AddDate(0, 0, 7).Format(time.DateOnly) == day {
				u.backD7 = true
				res.D7++
			}
			for range 1 + rng.IntN(3) {
				calls = append(calls, &call{u: u, req: hint.NextRequest{Context: ctxt, ClientTime: now, Device: u.device}})
			}
		}
		fs := make([]func(), len(calls))
		for i, cl := range calls {
			fs[i] = func() { cl.d, cl.err = svc.Next(ctx, cl.u.id, cl.req) }
		}
		barrier.Together(fs...)
		for _, cl := range calls {
			u := cl.u
			if cl.err != nil {
				t.Fatalf("%s at %v: %v", u.id, now, cl.err)
			}
			res.Decisions++
			res.Reasons[cl.d.Reason]++
			l := limits
			tight := sim.Tighten != nil && sim.Tighten(string(u.arm), now.UTC().Format(time.DateOnly))
			if tight {
				l = limits.Tightened()
				res.Tightened++
			}
			if tight != (cl.d.Caps != nil) {
				t.Errorf("%s at %v: caps %+v, want tightened %v", u.id, now, cl.d.Caps, tight)
			}
			if !cl.d.Show {
				continue
			}
			res.Shown++
			if tight {
				res.TightenedShown++
			}
			checkShown(t, u, cl.req.Context, cl.d, now, l, maxShows)
			if cl.d.Hint.Kind == hint.BreakInvite {
				res.Breaks++
			}
		}
		// Feedback for the hints shown this round, after it.
		for _, u := range users {
			for _, h := range u.hints[u.shownBeforeStep:] {
				ev := hint.Event("")
				switch r := rng.IntN(10); {
				case r < 3:
					ev = hint.EventDismissed
				case r < 5:
					ev = hint.EventClicked
				case r < 6:
					ev = hint.EventIgnored
				case r < 8 && h.Kind == hint.BreakInvite:
					ev = hint.EventBreakStarted
				}
				if ev == "" {
					continue
				}
				r, err := svc.Event(ctx, u.id, h.ID, hint.EventRequest{EventID: fmt.Sprintf("%s-%s", h.ID, ev), Event: ev, At: now})
				if err != nil || r.Duplicate {
					t.Fatalf("event %s for %s: %+v %v", ev, h.ID, r, err)
				}
				res.Events++
				switch ev {
				case hint.EventDismissed:
					u.dismissals++
					u.lastDismissed = now
				case hint.EventClicked:
					u.dismissals = 0
				}
			}
			u.shownBeforeStep = len(u.hints)
		}
	}
	if m, ok := store.(*Memory); ok {
		tot := m.Totals()
		got := fmt.Sprintf("attempts %d, new %d, d7 %d", tot[hintguard.AttemptsHinted]+tot[hintguard.AttemptsPlain],
			tot[hintguard.RetentionNew]+tot[hintguard.RetentionNewOff], tot[hintguard.RetentionD7]+tot[hintguard.RetentionD7Off])
		if want := fmt.Sprintf("attempts %d, new %d, d7 %d", res.Attempts, res.New, res.D7); got != want {
			t.Errorf("counters: %s, want %s", got, want)
		}
	}
	for _, u := range users {
		for day, n := range u.tips {
			if n == limits.TipsPerDay || u.breaks[day] == limits.BreaksPerDay || sim.Tighten != nil && (n == 1 || u.breaks[day] == 1) {
				res.CapDays++
			}
		}
	}
	return res
}

// checkShown checks one shown hint against the user's model, and adds it to the model.
func checkShown(t testing.TB, u *simUser, ctxt hint.Context, d hint.Decision, now time.Time, l hint.Limits, maxShows map[string]int) {
	t.Helper()
	h := d.Hint
	fail := func(format string, args ...any) {
		t.Helper()
		t.Errorf("%s (%s, zone %s, %+v) at %v (%s local): %s", u.id, u.arm, u.zone, u.settings, now, now.In(u.zone).Format("Mon 15:04"),
			fmt.Sprintf(format, args...))
	}
	local := now.In(u.zone)
	day := local.Format(time.DateOnly)
	switch {
	case u.arm == hint.ArmHoldout:
		fail("a hint for the holdout")
	case !u.settings.LucianEnabled:
		fail("a hint with Lucian off")
	case ctxt.TaskInProgress:
		fail("a hint while a task is in progress")
	}
	if q := u.settings.Quiet; q != nil {
		// The wall clock as text against the window as text: not the code under test's sum.
		hm, start, end := local.Format("15:04"), hint.FormatClock(q.Start), hint.FormatClock(q.End)
		if start < end && hm >= start && hm < end || start > end && (hm >= start || hm < end) {
			fail("a hint inside quiet hours %s-%s", start, end)
		}
	}
	if !u.lastShown.IsZero() && now.Sub(u.lastShown) < l.TipGap {
		fail("a hint %v after the last", now.Sub(u.lastShown))
	}
	if u.dismissals > 0 && now.Before(u.lastDismissed.Add(l.BackoffAfter(u.dismissals))) {
		fail("a hint %v after the %d-th dismissal", now.Sub(u.lastDismissed), u.dismissals)
	}
	if h.Kind == hint.BreakInvite {
		switch {
		case u.arm != hint.ArmBreakInvites || !u.settings.BreakInvitesEnabled:
			fail("a break invite outside its arm or opted out")
		case ctxt.MinutesActive < 25:
			fail("a break invite after %d minutes of activity", ctxt.MinutesActive)
		case !u.lastBreak.IsZero() && now.Sub(u.lastBreak) < l.BreakGap:
			fail("a break invite %v after the last", now.Sub(u.lastBreak))
		case h.DurationS < 45 || h.DurationS > 60:
			fail("a micro-loop of %d s", h.DurationS)
		}
		u.breaks[day]++
		u.lastBreak = now
		if u.breaks[day] > l.BreaksPerDay {
			fail("%d break invites on %s", u.breaks[day], day)
		}
	} else {
		if !u.settings.HintsEnabled {
			fail("a tip with hints off")
		}
		u.tips[day]++
		if u.tips[day] > l.TipsPerDay {
			fail("%d tips on %s", u.tips[day], day)
		}
	}
	u.copies[h.CopyID]++
	if u.copies[h.CopyID] > maxShows[h.CopyID] {
		fail("copy %s shown %d times", h.CopyID, u.copies[h.CopyID])
	}
	u.lastShown = now
	u.hints = append(u.hints, h)
}
