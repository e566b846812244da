// Package productevents is what the app tells the server about a person's progress:
// POST /events/product with {events:[{event_id, name, at, task_id?}]}, at most MaxEvents
// a request, names from one catalogue (Catalog), each event stored once per (user,
// event_id) however often the app sends it again.
//
// It is the input of the product KPIs (shared/kpi: onboarding completion, first-value
// completion) and of the next-action rules (issue 18), which read a user's own events back
// through Reader.ListUserEvents: a bounded, per-user time-range read, newest first. The
// per-week, per-name counters the weekly digest reads come from the same write
// (Counter.WeekCounts).
//
// Names marked Once count a user the first time only (the "users" counter of the week
// the first one fell in): that is what a completion rate divides. first_value is one of
// them and is set by the server alone, when a user completes a task for the first time
// (Service.FirstValue): a client sending it is refused, so the KPI cannot be inflated
// by a client.
//
// It does not talk to DynamoDB (shared/eventstore does), and it computes no KPI.
package productevents
