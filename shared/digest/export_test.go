package digest

// Decisions exposes the "needs a decision" rules to the tests of their thresholds.
var Decisions = decisions
