// Package tasks provides the tasks and goals a user acts on: their rules
// (what a valid task is, what an edit may change), the today_load view,
// and the HTTP routes of TasksFunction. Storage is behind Repository so the
// rules are tested without DynamoDB and the command OS can reuse them.
package tasks
