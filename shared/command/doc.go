// Package command turns what a person types into a quick-add box into an
// intent, without a model and without a network call, in English or
// German (Options.Language); both read into the same intent model.
//
// The parser is deliberately deterministic (the same text, options, time
// zone and reference time always give the same intent, warnings and
// entities) because the preview a user confirms must be exactly what later
// executes, and because idempotency and confirmation tokens are bound to
// the intent's fingerprint. It never guesses silently: a word that looks
// like a date, time, priority, label or repeat but was not used comes back
// in the warnings, and every part that was used comes back as an entity
// with UTF-16 offsets, so the app can underline it.
//
// Choices a reader might not guess:
//
//   - Dates resolve forward from the reference time in the user's zone. A
//     weekday ("friday", "Freitag") always means the coming one, strictly
//     after today: "friday" typed on a Friday is next week's. "this
//     friday", "next friday" and "coming friday" all mean that same coming
//     Friday; giving "next" a second meaning would make the same words mean
//     different days to different people. "next week" is Monday of next
//     week, "this weekend" the coming Saturday (today on a Sunday), "next
//     weekend" the Saturday of next week, "end of month" its last day.
//   - A calendar date ("dec 1", "5 jan", "the 15th", "24.12.", "12/24")
//     may be today but never in the past: once it has gone by this year (or
//     month) it means the next one. An explicit year or ISO date is taken
//     as written, with a warning when it is in the past.
//   - Dots are day first ("24.12.", German style). Slashes follow the date
//     order (month first in US English, day first in German and other
//     English locales); when both readings are days ("03/04") the order
//     decides and a warning says so; when only one is ("12/24") it wins.
//     "24.12" without its final dot is a date only after a date preposition
//     ("on", "by", "due", "am", "bis", "zum"): alone it could be a price.
//   - A time alone means today while it is still ahead, otherwise tomorrow.
//     "in 2 hours" is elapsed time, so it crosses a DST change correctly;
//     "tomorrow 9am" keeps 09:00 on the wall clock. Times are built with
//     time.Date in the user's zone; a wall time that does not exist
//     (skipped by DST) is moved and reported.
//   - Dayparts are times only where they say so: after a day ("friday
//     evening", "morgen früh"), after "this", "in the", "at" or "am", as
//     German adverbs ("abends"), and "tonight". Morning is 09:00, noon
//     12:00, afternoon 15:00, evening, night and tonight 19:00. A clock time
//     replaces the daypart's default and takes its half of the day ("tonight
//     at 8" is 20:00, "um 8 Uhr abends" too). "morning run" keeps its word
//     in the title, with a warning.
//   - An hour without am/pm ("at 5", "um 5") is not guessed: it stays in
//     the title with a warning, unless a daypart settles it; 13 to 23 are
//     clear on their own.
//   - Repeats ("every monday", "every other friday", "jeden Monat am 15.",
//     "täglich") become an RFC 5545 RRULE (shared/recur's canonical form);
//     the due is the first occurrence on or after today (after now when a
//     time is given), which also fixes the series' phase. English "daily",
//     "weekly", "monthly" repeat only at the end of a title ("standup
//     daily"); first ("weekly report") they are words, with a warning.
//     "every" and "jeden" are repeats only before a unit or a day ("read
//     every chapter", "jeden Kunden anrufen" stay titles).
//   - Words keep their meaning as words unless they form a date: "march" or
//     "may" alone stay in the title, a bare number is never a time ("read
//     chapter 4"), "#123" is an issue number rather than a project, "@" must
//     start a word for a label ("bob@example.com" is not one), and "sun",
//     "sat", "wed" (or German "so", "do", "mo") count as weekdays only after
//     a preposition ("on", "by", "am", "bis", "to" in a move) or before a
//     time. Prepositions are taken only when they introduce something the
//     parser used.
//   - The first word decides the command, so a title that starts with one
//     ("new york trip", "finish line photos") needs "add" in front or
//     quotes. Text inside double quotes is taken literally: the escape
//     hatch for anything read as a command or a date. Verbs that also start
//     ordinary titles (push, set, change, rename, show, list) fall back to
//     a new task when they change nothing, with a warning when the text
//     looked like a change ("push code to github"); move, postpone, snooze,
//     defer and delay without a new date are an error instead.
//   - In "move X to <date>" the new value is what follows the last
//     separator ("to", "until", "by"; German "auf", "um", "nach") that is
//     followed by one, so "move trip to rome to friday" keeps "trip to rome"
//     as the reference. "rename X to Y" splits at the first "to" instead:
//     the reference is usually the shorter part. When every word after
//     "done" or "delete" is a date or tag ("done p1"), those words are the
//     reference.
//   - Anything that looked like a date, time, priority, project, label or
//     repeat but could not be used is reported as a warning rather than
//     silently dropped: impossible dates stay in the title, duplicates and
//     fields the intent type has no place for are removed.
package command
