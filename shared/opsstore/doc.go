// Package opsstore is OpsTable: the only code that knows how flow metrics and alerts are laid
// out in it. The domain packages (flowmetrics, alert) declare what they need; Store
// implements it over the narrow DynamoDB interface.
//
// Items (PK, SK):
//
//	FLOW#<flow>   M#2006-01-02T15:04   a minute bucket of the flow (shard 0)
//	FLOW#<flow>   H#2006-01-02T15      an hour bucket (shard 0)
//	FLOW#<flow>   D#2006-01-02         a day bucket (shard 0)
//	FLOW#<flow>#M#<s>  M#2006-01-02T15:04   shard s (1 to Shards) of a minute bucket
//	FLOW#<flow>#H#<s>  H#2006-01-02T15      shard s of an hour bucket
//	FLOW#<flow>#D#<s>  D#2006-01-02         shard s of a day bucket
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
// a range of buckets is one Query per shard with BETWEEN on SK.
//
// Shards: every event of a flow adds to the same minute, hour and day bucket, and DynamoDB
// throttles one item past about 1,000 writes a second, so a bucket is written as Shards
// items (FLOW_BUCKET_SHARDS, 32 in the template) and read as their sum. A delta goes to
// shard 1 + hash(caller) mod Shards (Store.Shard): one caller's events stay in one item,
// and at 10,000 events a second from 10,000 callers an item takes about 10,000/32 = 310
// writes a second (the hot-key simulation measures the busiest second). The shard is in
// the partition key, not only the sort key: one partition key value is one item collection,
// stored in one partition, and a partition is limited to 1,000 write units a second just as
// an item is; with the shard in the sort key every shard of a bucket would share that
// partition's limit. A shard's partition key also names its resolution, so it holds one
// resolution's items and takes no more writes than one of them (the minute, hour and day
// buckets of an event take the same rate, so all three need the shards). Shard 0 is the key
// every bucket had before sharding: buckets written then stay there and are read as shard 0,
// with no migration; it takes only deltas without a caller (tools, tests) and everything
// when Shards is 0. A read of a bucket range is a Query of each of the Shards+1 partition
// keys, concurrently, summed by bucket start; a shard that received nothing that range
// costs its Query and returns no item. Sketches merge by adding counts, so the sum is the
// sketch of all the bucket's events and its quantiles are what one item would give. Writers
// and readers must agree on Shards: raising it is safe once every function has the new
// count (the template gives all of them the same parameter); lowering it hides the shards
// above the new count from every read until their buckets fall out of the windows (3 days
// for the burn-rate windows, 30 for the budget and the digest).
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
