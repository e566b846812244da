// Package recur reads, checks and steps the recurrence rules of repeating
// tasks: the value of an RFC 5545 RRULE ("FREQ=WEEKLY;BYDAY=MO"), with the
// task's due as its first occurrence (DTSTART).
//
// It accepts the part of RFC 5545 that a task needs and refuses the rest
// with a message naming the part, rather than storing a rule it would step
// wrongly:
//
//   - FREQ is DAILY, WEEKLY, MONTHLY or YEARLY: a task that repeats every
//     hour is a reminder, not a task.
//   - No COUNT: the series restarts from the task's due at every
//     completion, so a count could never be kept. UNTIL ends a series.
//   - No BYHOUR, BYMINUTE or BYSECOND: the time of day comes from the due.
//   - No DTSTART inside the rule: the due is the start.
//   - A rule must have an occurrence. The library (teambition/rrule-go)
//     searches an empty rule until the year 9999, about 0.1 s of CPU, so
//     Parse proves every accepted rule non-empty once and the steps never
//     meet one.
//
// Dates and times are stepped in the user's zone, so "every Monday 09:00"
// stays at 09:00 across a DST change; a due date without a time is stepped
// on the calendar alone.
package recur
