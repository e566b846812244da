// Package appstore keeps user data in AppTable, one DynamoDB table for
// every kind of user-owned item. It alone knows the item layout, so the
// command OS can write a task and its execution record in one transaction
// without a second copy of the layout:
//
//	PK USER#<sub>  SK TASK#<id>     a task
//	PK USER#<sub>  SK OPEN#...      a copy of an open task, in today order (open.go)
//	PK USER#<sub>  SK GOAL#<id>     a goal
//	PK USER#<sub>  SK QUOTA         the owner's open-task and goal counts (quota.go)
//	PK USER#<sub>  SK EXEC#/LOG#/CONFIRM#...  the command OS's items (executions.go)
//	PK USER#<sub>  SK DONE#<at>#<id>  a completion, for the weekly review (weekly.go)
//
// Every key starts with the owner, so no read or write for one user can
// reach another's items: a foreign id is simply not found.
package appstore
