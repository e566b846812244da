// Package flowmetrics turns flow events reported by the app and the server into the counts
// the SLOs are judged on, and reads them back per time window.
//
// Two ways in, one per source of the catalogue (package slo). The server measures its own
// flows (Observer, around the functions' handlers); callers report the client flows, what
// the app saw, through ingest (POST /metrics/flows). Ingest refuses an event of a server
// flow, so the evidence a page rests on is the server's alone; a client flow has its own
// name and so its own buckets, and is judged only by its own objectives.
//
// One caller's weight is bounded: ingest counts each caller's accepted events per minute of
// the server's clock (Limiter, a conditional counter shared by every instance) and refuses a
// request that would take the caller over its limit L, whole (429), before it writes. Events
// may be up to MaxAge late but at most MaxAhead early, and a window is read at its end, so
// every event of one caller in a window of W was sent during the last W + MaxAhead: one
// caller weighs at most L per minute of that, (W/1m + 5) x L events, whatever the buckets
// (minute, hour or day) the window is read from. One request's writes are bounded too: its
// accepted events may fall into at most MaxMinuteBuckets minute buckets (else 400), so it
// writes at most that many buckets at each resolution, plus the limit's one counter.
//
// Ingest validates each event on its own, so one bad event does not
// cost the rest of the batch, and aggregates the accepted ones at write time: per flow and
// per UTC minute, hour and day, the number of events, the number good for each objective of
// the flow (slo.Objective.Good) and a latency sketch (package sketch). The Writer adds these
// deltas to stored counters atomically, so ingest never reads before it writes and two
// concurrent batches cannot lose each other's counts. Each delta names its caller (the JWT
// sub, of the ingest request or of the request the Observer measured), so that a writer can
// spread a busy bucket over several items, one caller's events in one of them (opsstore
// shards each bucket by caller: a flow's every event in a minute would otherwise update one
// item); a Reader gives each bucket back whole, its items summed.
//
// Reading a window (Read) touches a bounded number of buckets whatever the traffic: the
// minute buckets of the last hour, the hour buckets of the longest window, at most 30
// minute buckets at the far edge of each window longer than an hour, and the day buckets of
// the budgeting window. Windows up to an hour and longer windows are exact to the minute: a
// long window is its whole hours plus the edge hour's share, taken either as the edge
// minutes themselves or as the edge hour minus the minutes before the window, whichever
// needs fewer buckets. The budgeting window (30 days) is counted in whole UTC days, today
// included: budget remaining does not need minute precision.
//
// A window of W ending at now covers the minute buckets whose start lies in (now-W, now],
// the current, still filling minute included. Events are accepted up to MaxAge old and
// MaxAhead in the future (client clocks drift); a late event lands in its own minute, so a
// window read later can count more than the same window read earlier.
//
// Ingest is at-least-once: if a batch fails half-way (503), the buckets already written keep
// their counts and a client retry counts them again. Flow metrics tolerate that; a batch id
// for exactly-once would cost a read or a transaction on the hot path.
package flowmetrics
