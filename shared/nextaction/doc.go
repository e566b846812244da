// Package nextaction answers "what should I do now?": the rules that rank a user's
// today candidates (overdue, due soon, due today, priority), the personal tie-breakers
// learnt from the user's own completions (the projects and labels they finish at this
// time of the week, the size of task they finish then, tasks they keep postponing), the
// sentences that explain each suggestion, the stable holdout that is served the rules
// alone, and the arithmetic of the incremental statistics behind the tie-breakers.
//
// The statistics are counters that only ever grow by a decayed weight (Completion), so a
// store can add them to one item in the same transaction as the completion, with no read
// and no race between two completions: ADD commutes. Decay is by week: a completion in
// week w adds g^w (g = 1/Decay) and a reader divides by g^now, so last week's counts are
// worth Decay of this week's without rewriting anything. History is never scanned.
//
// It does no I/O: no AWS imports, no clock (times are arguments), no storage layout
// beyond the counters' names. It does not decide who may see a suggestion (quiet hours
// and dismissals are the caller's inputs).
package nextaction
