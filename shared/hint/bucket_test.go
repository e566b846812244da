package hint

import (
	"fmt"
	"testing"
)

// GrowthBook's published hash vectors (packages/sdk-js/test/cases.json, "hash", version 2).
func TestBucketReproducesGrowthBookV2Vectors(t *testing.T) {
	for _, tt := range []struct {
		seed, id string
		want     float64
	}{
		{"seed", "a", 0.0505},
		{"seed", "b", 0.2696},
		{"foo", "ab", 0.2575},
		{"foo", "def", 0.2019},
		{"89123klj", "8952klfjas09ujkasdf", 0.124},
		{"90850943850283058242805", "123", 0.7516},
		{"()**(%$##$%#$#", "___)((*\":&", 0.0128},
	} {
		if got := Bucket(tt.seed, tt.id); got != tt.want {
			t.Errorf("Bucket(%q, %q) = %v, want %v", tt.seed, tt.id, got, tt.want)
		}
	}
}

// The FNV-1a vectors of draft-eastlake-fnv, over ASCII, where UTF-16 units are bytes.
func TestFNV32aVectors(t *testing.T) {
	for in, want := range map[string]uint32{"": 0x811c9dc5, "a": 0xe40c292c, "foobar": 0xbf9cf968} {
		if got := fnv32a(in); got != want {
			t.Errorf("fnv32a(%q) = %#x, want %#x", in, got, want)
		}
	}
	// A character outside the BMP is two UTF-16 units, as JavaScript's charCodeAt sees it.
	want := uint32(0x811c9dc5)
	for _, u := range []uint32{0xD83D, 0xDE00} {
		want = (want ^ u) * 16777619
	}
	if got := fnv32a("\U0001F600"); got != want {
		t.Errorf("fnv32a(U+1F600) = %#x, want %#x (over its surrogate pair)", got, want)
	}
}

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
			if Bucket(DefaultHoldoutSeed, u) >= 0.1 {
				t.Errorf("%s in the holdout with bucket %v", u, Bucket(DefaultHoldoutSeed, u))
			}
		}
	}
	if holdout < 900 || holdout > 1100 {
		t.Errorf("%d of 10000 in a 10%% holdout", holdout)
	}
}
