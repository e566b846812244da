package hint_test

import (
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/hint"
	"github.com/lucian-app/phase12/shared/hintstore/hintstoretest"
)

// TestRandomisedSequencesNeverPassAGate walks thousands of users through weeks that cross
// the spring and autumn DST changes of both hemispheres and every local midnight, one to
// three requests at the same moment, with random feedback and task attempts: no shown hint
// passes a cap, a gap, the back-off, quiet hours or a task in progress, tightened caps
// included (hintstoretest.Simulate checks each), and the counters hold every task attempt
// once, every new user once and every D7 return once.
func TestRandomisedSequencesNeverPassAGate(t *testing.T) {
	for _, sim := range []hintstoretest.Sim{
		// US (Mar 8), EU (Mar 29) and Australian (Apr 5) changes.
		{Users: 1500, Days: 40, Start: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Step: 10 * time.Minute, Active: 0.02, Seed: 1},
		// Australian (Oct 4), EU (Oct 25) and US (Nov 1) changes.
		{Users: 1500, Days: 40, Start: time.Date(2026, 9, 28, 0, 0, 0, 0, time.UTC), Step: 10 * time.Minute, Active: 0.02, Seed: 2},
		// The guardrail at work: control's caps tightened on every other UTC day, the break
		// invites' from the 10th day on, switching at UTC midnight in the middle of users'
		// local days, across the EU and US autumn changes.
		{Users: 1500, Days: 20, Start: time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC), Step: 10 * time.Minute, Active: 0.02, Seed: 3,
			Tighten: func(cohort, day string) bool {
				d, _ := time.Parse(time.DateOnly, day)
				return cohort == string(hint.ArmControl) && d.YearDay()%2 == 0 || cohort == string(hint.ArmBreakInvites) && d.Day() >= 30 || d.Month() == 11
			}},
	} {
		t.Run(sim.Start.Format("2006-01"), func(t *testing.T) {
			res := hintstoretest.Simulate(t, hintstoretest.NewMemory(), sim)
			t.Logf("%d decisions, %d shown (%d break invites), %d events, %d user-days at a cap; %d decisions under tightened caps (%d shown); %d task attempts, %d new users, %d back on day 7; reasons %v",
				res.Decisions, res.Shown, res.Breaks, res.Events, res.CapDays, res.Tightened, res.TightenedShown, res.Attempts, res.New, res.D7, res.Reasons)
			if res.Attempts == 0 || res.New == 0 || res.D7 == 0 || sim.Tighten != nil && res.TightenedShown == 0 {
				t.Errorf("the run is too thin for the guardrail: %d attempts, %d new, %d D7, %d shown under tightened caps",
					res.Attempts, res.New, res.D7, res.TightenedShown)
			}
			// A run that never reaches a gate proves nothing about it.
			for _, r := range hint.Reasons() {
				if res.Reasons[r] == 0 && r != hint.ReasonFlagOff && r != hint.ReasonBreakNotDue {
					t.Errorf("no decision had reason %s", r)
				}
			}
			if res.Breaks == 0 || res.CapDays == 0 {
				t.Errorf("%d break invites, %d user-days at a cap: the run is too thin", res.Breaks, res.CapDays)
			}
		})
	}
}
