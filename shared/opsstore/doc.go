// Package opsstore is OpsTable: the only code that knows how flow metrics and alerts are laid
// out in it. The domain packages (flowmetrics, alert) declare what they need; Store
// implements it over the narrow DynamoDB interface.
//
// Items (PK, SK):
//
//	FLOW#<flow>   M#2006-01-02T15:04   a minute bucket of the flow
//	FLOW#<flow>   H#2006-01-02T15      an hour bucket
//	FLOW#<flow>   D#2006-01-02         a day bucket
//	ALERTSTATE    <flow>#<objective>#<severity>   the current incident of an alert key
//	ALERT         <alert id>           an incident record (ids sort by creation time)
//	DIGEST        2026-W48             the weekly digest of an ISO week
//	FLOWLIMIT#<sub>  M#2006-01-02T15:04   flow events a caller reported in a minute
//
// A bucket holds number attributes only: total, g_<objective> (events good for the
// objective) and l_<sketch key> (latency sketch counts, package sketch). Ingest adds to them
// with UpdateItem ADD, which creates a missing item and missing attributes as zero, so a
// batch never reads before it writes and concurrent batches add up. The sketch counts are
// top-level attributes rather than a map because ADD cannot reach into a map (and a SET on
// a path inside a map that does not exist yet fails). Bucket keys sort chronologically, so
// a window is one Query with BETWEEN on SK.
//
// Buckets expire through TTL (expires_at): minutes after 4 days (the longest window is 3
// days, and events may come a day late), hours after 35 days, days after 400 days (the
// budgeting window and a year of digests). TTL is garbage collection only: readers ask for
// the time range they want.
//
// An alert state carries a copy of its incident plus clear_since and version; it is written
// whole, conditionally on the version. The incident record is created in the same
// transaction as the state that opens it, and later transactions update only its lifecycle
// fields (state, notified_at, resolved_at, resolve_notified_at), so an acknowledgement
// written by the ops routes is never overwritten by the checker. Records expire after 400
// days.
//
// The incident lists (GET /ops/alerts) page by id, newest first: a cursor is the id of the
// last incident of its page. Every incident and the resolved ones are a backwards Query of
// the records from the cursor; the firing ones are named by the alert states (at most one
// per key), so only the page's records are read. See ListPage for the bounds.
//
// A caller's per-minute counter (n) grows by one conditional UpdateItem ADD per ingest
// request, refused when it would pass the limit, so the limit holds across every instance of
// the function. Its key names the minute, so an old counter is never read again; TTL
// (expires_at, an hour after its minute) only clears it away.
//
// A digest item holds the digest as one JSON attribute (body), written once with a
// condition on the week, and its delivery state: sns_sent_at and webhook_sent_at, each set
// once its channel accepted the digest, and a delivery lease (lease_owner, lease_until_ms,
// a number so a condition can compare it with the clock) that keeps overlapping runs from
// both sending. Week keys sort chronologically, so the latest digest is one Query. Digests
// expire 400 days after their week. The digest's incidents are read newest first from the
// ALERT records, stopping a little before the week: bounded by the incidents since, not by
// the history.
package opsstore
