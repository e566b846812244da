// Package ops serves OpsFunction's routes for the ops group: the SLO snapshot (GET
// /ops/slo), the incident lists (GET /ops/alerts, a page at a time), acknowledgements (POST
// /ops/alerts/{id}/ack), the weekly digests (GET /ops/digests/latest and
// /ops/digests/{week}) and the ops page (GET /ops).
//
// The snapshot applies the same rules to the same windows as the burn-rate check (package
// alert), so what the page shows is what the check decides on; it only adds the latency
// quantiles from the stored sketches. Acknowledgements record who took an incident and how
// long that took (time_to_ack_seconds, the basis of MTTA), and an optional verdict
// (true_positive or false_positive) that makes alert noise measurable.
//
// The ops page is for on-call during an incident: server-rendered HTML (plain Go escaping
// every value, see render.go), no scripts and nothing loaded from elsewhere, so
// it works without JavaScript and under a Content-Security-Policy that allows nothing but
// itself. It shows the SLO table (target, attainment, p95, budget left, the burn rate of
// every window), a sparkline per flow of the 1-hour burn rate over the last 24 hours against
// the page threshold (from the hour buckets: one bounded Query per flow), the firing alerts
// with acknowledge buttons (plain form posts; a false positive is one click) and the latest
// weekly digest. The ack route takes form posts as well as JSON, and answers a form post
// with a 303 back to the page. A form is taken only from the page's own origin
// (Sec-Fetch-Site: same-origin, or a matching Origin), and the page's "acknowledged" notice
// reads the alert back rather than trusting the ?acked= in its URL.
package ops
