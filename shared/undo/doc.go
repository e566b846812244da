// Package undo takes back a creation (create_task, create_goal) within the
// undo window, and only if the created item is unchanged since: an undo
// must never destroy an edit. The deletion, the mark on the execution
// record and the "undone" audit entry commit in one transaction, and the
// outcome (not found, already undone, expired, changed) is read from that
// transaction's cancellation reasons, so an undo costs one DynamoDB call.
//
// Expiry is always compared with the injected clock; DynamoDB TTL only
// collects garbage, eventually.
package undo
