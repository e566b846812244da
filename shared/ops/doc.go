// Package ops serves OpsFunction's routes for the ops group: the SLO snapshot (GET
// /ops/slo), the incident list (GET /ops/alerts) and acknowledgements (POST
// /ops/alerts/{id}/ack).
//
// The snapshot applies the same rules to the same windows as the burn-rate check (package
// alert), so what the page shows is what the check decides on; it only adds the latency
// quantiles from the stored sketches. Acknowledgements record who took an incident and how
// long that took (time_to_ack_seconds, the basis of MTTA), and an optional verdict
// (true_positive or false_positive) that makes alert noise measurable.
package ops
