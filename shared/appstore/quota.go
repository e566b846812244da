package appstore

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/lucian-app/phase12/shared/apperr"
)

// Per-user quotas (DESIGN §7 quota_exceeded): how many open tasks and
// goals one user may have. They bound every read that lists a user's
// open tasks or goals (resolving a task_ref or goal_ref by title).
const (
	DefaultMaxOpenTasks = 10000
	DefaultMaxGoals     = 1000
)

// The owner's counts live in one item, updated in the transaction of
// every write that opens or closes a task or creates or deletes a goal:
//
//	PK USER#<sub>  SK QUOTA   open_tasks, goals
const (
	quotaSK        = "QUOTA"
	quotaOpenTasks = "open_tasks"
	quotaGoals     = "goals"
)

func (s *Store) maxOpenTasks() int64 {
	if s.MaxOpenTasks > 0 {
		return int64(s.MaxOpenTasks)
	}
	return DefaultMaxOpenTasks
}

func (s *Store) maxGoals() int64 {
	if s.MaxGoals > 0 {
		return int64(s.MaxGoals)
	}
	return DefaultMaxGoals
}

// countUpdate adds delta to the owner's count attr; a positive delta is
// conditioned on staying within max.
func (s *Store) countUpdate(owner, attr string, delta, max int64) types.TransactWriteItem {
	// rev counts the changes, so a recount (backfill.go) can tell that a
	// write slipped in while it counted.
	u := &types.Update{TableName: aws.String(s.Table), Key: key(userPK(owner), quotaSK),
		UpdateExpression:          aws.String("ADD #n :d, rev :one"),
		ExpressionAttributeNames:  map[string]string{"#n": attr},
		ExpressionAttributeValues: map[string]types.AttributeValue{":d": num(delta), ":one": num(1)}}
	if delta > 0 {
		u.ConditionExpression = aws.String("attribute_not_exists(#n) OR #n <= :room")
		u.ExpressionAttributeValues[":room"] = num(max - delta)
	}
	return types.TransactWriteItem{Update: u}
}

// quotaError is the 409 for a write past a quota, naming it.
func quotaError(what string, max int64) error {
	return apperr.New(apperr.QuotaExceeded, "quota: at most %d %s per user; complete or delete some first", max, what)
}
