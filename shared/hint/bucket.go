package hint

import "github.com/lucian-app/phase12/shared/bucketing"

// Arm is a user's place in the hint experiment.
type Arm string

// The arms; they are also the cohorts the counters are kept by.
const (
	// ArmHoldout never sees Lucian's hints: the baseline of the retention comparison.
	ArmHoldout Arm = "holdout"
	// ArmBreakInvites gets tips and break invites.
	ArmBreakInvites Arm = "break_invites"
	// ArmControl gets tips only.
	ArmControl Arm = "control"
)

// Experiment is the flag and the experiment's configuration.
type Experiment struct {
	// Enabled is the flag: false silences every hint (reason flag_off).
	Enabled bool
	// Holdout is the share of users (0 to 1) in the holdout, bucketed on HoldoutSeed.
	Holdout     float64
	HoldoutSeed string
	// BreakRollout is the share of users (0 to 1) who get break invites, bucketed on
	// BreakSeed: 0, the default, is off for everyone.
	BreakRollout float64
	BreakSeed    string
}

// Default seeds. Changing a seed reshuffles its experiment, so they are constants.
const (
	DefaultHoldoutSeed = "lucian-holdout-v1"
	DefaultBreakSeed   = "lucian-break-invites-v1"
)

// DefaultExperiment is on, with no holdout and break invites off.
func DefaultExperiment() Experiment {
	return Experiment{Enabled: true, HoldoutSeed: DefaultHoldoutSeed, BreakSeed: DefaultBreakSeed}
}

// Arm places user. The holdout and the rollout use different seeds, so ramping break
// invites never moves anyone into or out of the holdout. Ranges are half-open, [0, share),
// as GrowthBook's bucket ranges are.
func (e Experiment) Arm(user string) Arm {
	if e.Holdout > 0 && bucketing.Bucket(e.HoldoutSeed, user) < e.Holdout {
		return ArmHoldout
	}
	if e.BreakRollout > 0 && bucketing.Bucket(e.BreakSeed, user) < e.BreakRollout {
		return ArmBreakInvites
	}
	return ArmControl
}

// shard spreads one day's counters over a few items, by user.
func shard(user string) int { return int(bucketing.FNV32a(user) % CounterShards) }

// CounterShards is how many items one day and cohort's counters are spread over.
const CounterShards = 8
