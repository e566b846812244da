// Package flake is the release-blocker flake gate's rules: reading a CI run's results
// (`go test -json` or JUnit XML), the versioned list of blocker suites (blockers.yaml), and
// what a flake is: a blocker test that failed and then passed on the same commit, in a
// later attempt (a re-run of the job) or later in the same attempt (a test runner's
// retry). The weekly blocker flake rate is flaky (commit, test) pairs over every (commit,
// test) pair of a blocker suite first seen in that ISO week; the target is Target (2%).
//
// It keeps no state and does no I/O: the store (shared/opsstore) keeps each (commit,
// test)'s attempts and the week's counters, and decides transitions with State.
// It does not judge non-blocker suites (their results are counted and dropped), and it
// does not retry anything.
package flake
