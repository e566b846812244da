package hint

import (
	"fmt"
	"testing"

	"github.com/lucian-app/phase12/shared/bucketing"
)

func TestRampingBreakInvitesKeepsEveryTreatedUserTreated(t *testing.T) {
	exp := DefaultExperiment()
	exp.Holdout = 0.05
	treated := map[string]bool{}
	for _, rollout := range []float64{0, 0.1, 0.25, 0.5, 1} {
		exp.BreakRollout = rollout
		n := 0
		for i := range 10000 {
			u := fmt.Sprintf("user-%d", i)
			arm := exp.Arm(u)
			if treated[u] && arm != ArmBreakInvites {
				t.Fatalf("%s left the treatment when the rollout grew to %v", u, rollout)
			}
			if arm == ArmBreakInvites {
				treated[u] = true
				n++
			}
		}
		// The holdout is taken first, on its own seed: 95% of the rollout share.
		want := 0.95 * rollout * 10000
		if d := float64(n) - want; d > 200 || d < -200 {
			t.Errorf("rollout %v: %d treated, want about %.0f", rollout, n, want)
		}
	}
}

func TestArmsAreStableAndTheHoldoutIsItsOwn(t *testing.T) {
	exp := DefaultExperiment()
	if got := exp.Arm("anyone"); got != ArmControl {
		t.Errorf("default experiment: %s, want control (break invites off by default)", got)
	}
	exp.Holdout, exp.BreakRollout = 0.1, 1
	holdout := 0
	for i := range 10000 {
		u := fmt.Sprintf("user-%d", i)
		a := exp.Arm(u)
		if a != exp.Arm(u) {
			t.Fatalf("%s moved between two calls", u)
		}
		if a == ArmHoldout {
			holdout++
			if bucketing.Bucket(DefaultHoldoutSeed, u) >= 0.1 {
				t.Errorf("%s in the holdout with bucket %v", u, bucketing.Bucket(DefaultHoldoutSeed, u))
			}
		}
	}
	if holdout < 900 || holdout > 1100 {
		t.Errorf("%d of 10000 in a 10%% holdout", holdout)
	}
}
