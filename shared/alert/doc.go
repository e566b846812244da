// Package alert turns SLO burn rates into pages and tickets that reach a person exactly when
// they should: once when a problem starts, once when it ends, never while it goes on.
//
// Every minute the Checker reads each flow's windows (package flowmetrics), applies the
// multi-window, multi-burn-rate rules (package burnrate) per objective and keeps one alert
// state per (flow, objective, severity). The state is the current incident (an Alert with its
// own ID, which is what ops acknowledge) plus a version: every change is a conditional write
// on that version, so two overlapping runs (EventBridge delivers at least once) cannot both
// open an incident. The dedup key names the (flow, objective, severity) and stays the same
// across incidents, so a paging service groups a trigger with its resolve.
//
// Delivery is an outbox on the state: a trigger or resolve is marked notified only after the
// publisher (SNS) accepted it. A failed publish leaves the mark unset and the run returns an
// error (Lambda reports a failed invocation); the next run publishes the same stored message
// again before it evaluates anything, so an SNS outage delays a page but never loses or
// duplicates it. A crash between SNS accepting and the mark being written is the one case
// that publishes twice; the dedup key lets the receiver fold the copies.
//
// Only server flows page: a client flow (slo.Client, reported by any signed-in caller) is
// judged by the ticket rules alone (RulesFor), so no caller can page anyone, however many
// events they send; a server burn pages on the server's own measurement, which no caller can
// dilute.
//
// A firing alert resolves only after its condition has stayed clear for ResolveAfter, so a
// burn hovering at a threshold does not page on every other run. A metrics read that fails
// leaves its flow's alerts as they are: a broken read is not a recovery.
//
// A flow that stops reporting raises a no-data ticket (objective "no_data"): no event in the
// NoData.Silence window although the flow averaged at least NoData.MinPerHour events an hour
// over NoData.Baseline. The rate floor keeps flows that are quiet by nature from ticketing:
// at ten events an hour, an hour without any happens by chance about once in 2,000 hours.
// Once raised, the ticket stays until events arrive again, however long the silence lasts.
//
// Time comes from the injected clock only: the windows end at Now(), not at the time of the
// EventBridge event, so a retried or late invocation judges the present, not the minute it
// was scheduled for.
package alert
