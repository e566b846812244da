package flake

import (
	"fmt"
	"slices"
	"time"
)

// Target is the blocker flake rate the gate allows (blockers.yaml may say otherwise).
const Target = 0.02

// State is what is known of one (commit, blocker test): the attempts it failed and passed
// in. Within one attempt, a fail followed by a pass (a runner's retry) marks the attempt in
// RetriedPass.
type State struct {
	Fails       []int `json:"fails"`
	Passes      []int `json:"passes"`
	RetriedPass []int `json:"retried_pass"`
}

// Flaky: failed in an attempt, then passed in a later one or later in the same one.
func (s State) Flaky() bool {
	if len(s.RetriedPass) > 0 {
		return true
	}
	for _, f := range s.Fails {
		for _, p := range s.Passes {
			if p > f {
				return true
			}
		}
	}
	return false
}

// Ran: the test passed or failed at least once (skips are not runs).
func (s State) Ran() bool { return len(s.Fails)+len(s.Passes) > 0 }

// Add merges one attempt's outcomes of the test, in the order reported, and returns the
// new state. Adding the same attempt's outcomes again changes nothing, so a re-posted run
// is harmless.
func (s State) Add(attempt int, outcomes []Outcome) State {
	out := State{Fails: slices.Clone(s.Fails), Passes: slices.Clone(s.Passes), RetriedPass: slices.Clone(s.RetriedPass)}
	failed := false
	for _, o := range outcomes {
		switch o {
		case Fail:
			failed = true
			out.Fails = addInt(out.Fails, attempt)
		case Pass:
			out.Passes = addInt(out.Passes, attempt)
			if failed {
				out.RetriedPass = addInt(out.RetriedPass, attempt)
			}
		}
	}
	return out
}

func addInt(s []int, v int) []int {
	if slices.Contains(s, v) {
		return s
	}
	s = append(s, v)
	slices.Sort(s)
	return s
}

// Week is one ISO week's blocker counts.
type Week struct {
	Week  string   `json:"week"`
	Tests int64    `json:"tests"`
	Flaky int64    `json:"flaky"`
	Rate  *float64 `json:"rate"`
	Met   *bool    `json:"met"`
}

// Judge fills Rate and Met against target (null without tests).
func (w Week) Judge(target float64) Week {
	if w.Tests > 0 {
		r := float64(w.Flaky) / float64(w.Tests)
		m := r <= target
		w.Rate, w.Met = &r, &m
	}
	return w
}

// WeekOf is t's ISO week in UTC, e.g. "2026-W49".
func WeekOf(t time.Time) string {
	y, w := t.UTC().ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}
