// Package execute is the command OS's engine: it previews an intent,
// executes it exactly once per idempotency key, asks for a confirmation
// before anything risky, and keeps the caller's audit trail.
//
// Exactly once comes from one DynamoDB transaction per execution: the
// effect (the task or goal write), the execution record (which is both the
// idempotency record and the undo token) and the audit entry commit
// together or not at all. There is no in-progress state: a duplicate's
// transaction is cancelled by the record's condition and the cancellation
// carries the stored response (ALL_OLD), which is replayed.
//
// The audit entry is its own item rather than a role of the execution
// record: the trail must list newest first (a sort key by time) and must
// outlive the 24-hour idempotency window (a key reused after it replaces
// the record); folding both into one item would need a secondary index
// and would lose history. It costs one more item in the same single call.
package execute
