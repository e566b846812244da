package hint_test

import (
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/hint"
	"github.com/lucian-app/phase12/shared/hintstore/hintstoretest"
)

// TestRandomisedSequencesNeverPassAGate walks thousands of users through weeks that cross
// the spring and autumn DST changes of both hemispheres and every local midnight, one to
// three requests at the same moment, with random feedback: no shown hint passes a cap, a
// gap, the back-off, quiet hours or a task in progress (hintstoretest.Simulate checks each).
func TestRandomisedSequencesNeverPassAGate(t *testing.T) {
	for _, sim := range []hintstoretest.Sim{
		// US (Mar 8), EU (Mar 29) and Australian (Apr 5) changes.
		{Users: 1500, Days: 40, Start: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Step: 10 * time.Minute, Active: 0.02, Seed: 1},
		// Australian (Oct 4), EU (Oct 25) and US (Nov 1) changes.
		{Users: 1500, Days: 40, Start: time.Date(2026, 9, 28, 0, 0, 0, 0, time.UTC), Step: 10 * time.Minute, Active: 0.02, Seed: 2},
	} {
		t.Run(sim.Start.Format("2006-01"), func(t *testing.T) {
			res := hintstoretest.Simulate(t, hintstoretest.NewMemory(), sim)
			t.Logf("%d decisions, %d shown (%d break invites), %d events, %d user-days at a cap; reasons %v",
				res.Decisions, res.Shown, res.Breaks, res.Events, res.CapDays, res.Reasons)
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
