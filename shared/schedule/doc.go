// Package schedule computes when an EventBridge schedule expression fires
// next, so the local runner can run the template's Schedule events without
// EventBridge.
//
// It follows EventBridge's syntax rather than Unix cron's, because the
// expressions are copied verbatim from template.yaml: six fields with a
// year, day-of-week numbered 1-7 from SUN, and exactly one of day-of-month
// and day-of-week set to "?". What the runner cannot honour faithfully (L,
// W and #) is refused with an error instead of being approximated, and so
// is what EventBridge itself refuses (rate(1 minutes)), so a template that
// would fail to deploy fails locally first.
//
// rate() schedules are aligned to the Unix epoch rather than to when a rule
// was created (EventBridge's choice): it needs no state, gives the same
// answer on every run, and rate(5 minutes) fires at :00, :05, ...
package schedule
