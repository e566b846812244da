// Package command turns what a person types into a quick-add box into an
// intent, without a model and without a network call.
//
// The parser is deliberately deterministic (the same text, time zone and
// reference time always give the same intent) because the preview a user
// confirms must be exactly what later executes, and because idempotency and
// confirmation tokens are bound to the intent's fingerprint.
//
// Choices a reader might not guess:
//
//   - Dates resolve forward from the reference time in the user's zone. A
//     weekday ("friday", "fri") always means the coming one, strictly after
//     today: "friday" typed on a Friday is next week's. "this friday", "next
//     friday" and "coming friday" all mean that same coming Friday; giving
//     "next" a second meaning would make the same words mean different days
//     to different people.
//   - A calendar date ("dec 1", "5 jan", "the 15th") may be today but never
//     in the past: once it has gone by this year (or month) it means the next
//     one. An explicit year or ISO date is taken as written, with a warning
//     when it is in the past.
//   - A time alone means today while it is still ahead, otherwise tomorrow.
//     "midnight" is 00:00, the start of the day it is attached to. Times are
//     built with time.Date in the user's zone, so DST shifts the offset, not
//     the clock; a wall time that does not exist (skipped by DST) is moved
//     and reported.
//   - Words keep their meaning as words unless they form a date: "march" or
//     "may" alone stay in the title, a bare number is never a time ("read
//     chapter 4"), "#123" is an issue number rather than a project, and
//     "sun", "sat" and "wed" count as weekdays only after "on", "by", "due",
//     "until", "this", "next" or "coming" (or "to" in a move) or before a
//     time. Prepositions ("at", "on", "by", "due") are taken only when they
//     introduce something the parser used.
//   - The first word decides the command, as the contract lists them, so a
//     title that starts with one ("new york trip", "finish line photos")
//     needs "add" in front or quotes. Text inside double quotes is taken
//     literally: the escape hatch for anything read as a command or a date.
//   - In "move X to <date>" the date is what follows the last "to" that
//     is followed by one, so "move trip to rome to friday" keeps "trip to
//     rome" as the reference. When every word after "done" or "delete" is
//     a date or tag ("done p1"), those words are the reference.
//   - Anything that looked like a date, time, priority or project but could
//     not be used is reported as a warning rather than silently dropped:
//     impossible dates stay in the title, duplicates and fields the intent
//     type has no place for are removed.
package command
