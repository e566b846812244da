// Package hintguard is the guardrail of Lucian's hints (issue 17, point 7): from the
// counters hint-cooldown keeps per UTC day and cohort it measures hints shown per user,
// the dismiss rate and the task-completion drop during hints, decides once per day and
// cohort whether that cohort's caps tighten, and reads D7 retention of Lucian-enabled
// users against the holdout.
//
// A task-completion attempt is what the app reports in POST /hints/next's optional
// context.last_task {started_at, outcome}, once the attempt is over: "during a hint" when
// a hint was shown to the user from started_at to two minutes after it (the server's
// clock: started_at is moved by the request's client_time skew), "not finished" when the
// outcome is abandoned. The drop is the abandon rate of attempts during a hint minus that
// of the others, in the same cohort and window.
//
// The rule is pure and deterministic: a day's verdict is a function of the counters of
// the Window complete UTC days before it, which no longer change. It does not talk to
// DynamoDB (shared/hintstore keeps the counters and the verdicts) and does not apply the
// tightened caps (shared/hint does).
package hintguard
