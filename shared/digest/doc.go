// Package digest is weekly-digest: every Monday it summarises the ISO week before for the
// ops lead's KPI review, per flow and objective: attainment against target, p50/p95/p99,
// the error budget left at the end of the week, pages and tickets fired, MTTA (median and
// worst, pages only), the false-positive rate from ack verdicts, no-data tickets, and a short
// "needs a decision" list (objectives missed, budgets under 25%, alert noise over 25%), so
// that the review ends in decisions rather than in reading metrics.
//
// The week is the one before the scheduled event's time, not before the clock: a rerun or a
// late run reports on the same week. A week that has not ended by the clock is refused, as
// sending it would use up the week's one digest on partial data.
//
// Once per week, whatever the reruns. The first run computes the digest and stores it with
// a conditional write on the week; every later run sends the stored digest, so the SNS text
// and the webhook message agree even if late events arrived in between, and the ops page
// shows the numbers that were sent. Each channel (the SNS topic, the optional
// Slack-compatible webhook) is marked sent on the stored digest only after it accepted, so a
// rerun after a partial failure sends only what is missing. A failing channel does not stop
// the other; the run returns every failure so the invocation fails, is retried, and lands in
// the dead-letter queue if it keeps failing. Two overlapping runs (EventBridge delivers at
// least once) cannot both send: a run takes a delivery lease on the week first, and a run
// that finds the lease taken fails, so Lambda retries it once the holder is done (or dead).
// A crash between a channel accepting and the mark being written is the one case that sends
// twice.
//
// The digest reads a bounded amount: one Query of day buckets per flow (the days of the
// budgeting window ending with the week) and the incidents triggered since the week began.
package digest
