// Package hint decides whether Lucian, the app's companion, may speak now, and what he
// says: the gates of POST /hints/next in their fixed order (flag and experiment, opt-out,
// quiet hours, busy, dismissal back-off, minimum gap, daily caps, lifetime cap per copy),
// the copy catalogue, the stable A/B bucketing, the feedback events that drive the
// back-off, and the companion settings.
//
// The rules are pure and clock-driven: Decide takes the user's state, the request and the
// time and returns a decision plus, when a hint may be shown, the Claim that takes its
// slot. The Claim is written by the Store in one conditional write that pins the state
// the decision read, so twenty concurrent requests never show more than the caps allow:
// all but one lose the write, read again and are refused by the gap or the cap.
//
// It keeps the guardrails' inputs: per UTC day and cohort, every decision and event, each
// task attempt the app reports (during a hint or not, once), and each user's first request
// of a day (D7 retention); and it applies a cohort's tightened caps on the days
// shared/hintguard, which decides them, says so. It does not talk to DynamoDB
// (shared/hintstore does).
package hint
