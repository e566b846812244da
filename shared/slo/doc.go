// Package slo is the SLO catalogue: which flows the backend measures and what counts as good
// for each of them.
//
// Every consumer (ingest, burn-rate-check, the ops page, the weekly digest) reads the same
// embedded slo.yaml, so they cannot disagree about a target. The file carries a version that
// is bumped on every change, so an alert or a digest can say which version judged it.
//
// Parsing is strict: unknown keys, duplicate names and out-of-range numbers are errors that
// name the offending path (flows[1].objectives[0].target). A typo that silently dropped an
// objective would mean no page during an outage, which is worse than a failed deploy.
//
// Every flow has a source. A server flow is measured by the function that serves it, so no
// caller can forge or dilute its events; ingest refuses its name. A client flow is what the
// app saw, reported by any signed-in caller, judged only by its own (looser) objectives, and
// it may raise tickets but never pages (Flow.Pages): a page needs evidence no user can forge.
//
// Counting conventions, chosen so that one incident is charged once and pages once:
//
//   - Every event counts toward every objective of its flow (good/total), errors included.
//   - Availability: an event is good when it succeeded.
//   - Latency: an event is good when it finished within the threshold, whatever its outcome.
//     This is the SRE Workbook's "proportion of sufficiently fast requests"; a fast error is
//     the availability objective's business, so an outage of fast failures burns only the
//     availability budget instead of paging twice, while a slow error still counts as slow
//     because the user waited for it.
//
// Each objective names its runbook; when the file does not, it is
// docs/runbooks/<flow>-<objective>.md, so every page links somewhere predictable.
//
// Each objective also carries the minimum-traffic guard for burn-rate alerts: the number of
// events the long window of a rule must hold before that rule may fire (minEvents, default
// DefaultMinEvents). It is an absolute count rather than a per-hour rate on purpose: how much
// an error ratio can be trusted depends on how many events it is computed from, not on how
// fast they arrived, and a per-hour rate would demand over a thousand events for the 3-day
// window and so mute exactly the slow-burn tickets that low-traffic flows rely on.
package slo
