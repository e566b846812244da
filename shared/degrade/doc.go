// Package degrade keeps a slow or failing dependency from taking a request down with it:
// deadline budgets per route (budget.go), circuit breakers per dependency (breaker.go), and
// the emergency levers an operator flips without a deploy (levers.go).
//
// It is pure: no AWS imports. The levers' runtime source (an SSM parameter) is adapted in
// shared/wiring; this package reads a Source, a file or an environment variable.
//
// It deliberately does not retry (the SDK's retryer does, inside the budget it is given),
// and it does not decide what a degraded answer is: the handler that owns the route does
// (shared/tasks answers today_load from its last good answer).
package degrade
