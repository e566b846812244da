// Package burnrate decides when an SLO needs a human, with the multi-window, multi-burn-rate
// alerts of the Google SRE Workbook ("Alerting on SLOs", recommendation 6) for a 30-day
// error budget.
//
// A burn rate is how fast a flow spends its error budget relative to spending it exactly over
// the budgeting window: 1 means the budget runs out on the last day, 14.4 means 2% of a
// 30-day budget goes in an hour. Each rule pairs a long window, which makes the alert
// significant (it fires only once a meaningful share of the budget is gone), with a short
// window of a twelfth of its length, which makes it reset quickly once the problem is fixed
// instead of firing for the rest of the long window. Both must burn at the rule's factor.
// Pages cover fast burns that would exhaust the budget in days; tickets cover slow burns a
// person can look at during working hours.
//
// Ratios from a handful of events are noise (one failure in three requests is a 33% error
// ratio), so a minimum-traffic guard holds a rule back until its long window has enough
// events. A flow that stops reporting altogether is a separate no-data alert, not this one.
//
// The package is arithmetic only: callers sum their stored counts per window and pass the
// target, so the rules can be tested without a clock or a table.
package burnrate
