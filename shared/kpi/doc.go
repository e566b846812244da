// Package kpi is the product and reliability KPIs and the weekly review ritual around
// them: the versioned catalogue (kpi.yaml: each KPI's definition, target, named owner and
// whether it gates the phase), the evaluation of a week's measures against it with a trend
// of the weeks before, the phase gate (every P0 KPI met two weeks running, or which is
// not), and the review's action log (a decision on a KPI, with an owner and a due date,
// open until someone closes it).
//
// It does no I/O: the measures come from product events (shared/productevents), the
// digest's flows and alerts (shared/digest) and the flake gate (shared/flake); actions are
// kept by shared/opsstore. It does not decide anything itself: it shows who owns what.
package kpi
