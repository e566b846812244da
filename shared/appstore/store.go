package appstore

import (
	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/tasks"
)

// Store is AppTable.
type Store struct {
	DB    dynamo.API
	Table string
	// MaxOpenTasks and MaxGoals are the per-user quotas (0: the defaults,
	// DefaultMaxOpenTasks and DefaultMaxGoals).
	MaxOpenTasks int
	MaxGoals     int
	// Sleep waits between retries of a cancelled transaction (nil: the
	// real wait); tests inject one that records.
	Sleep dynamo.Sleeper
}

var _ tasks.Repository = (*Store)(nil)

// New returns the store over table.
func New(db dynamo.API, table string) *Store { return &Store{DB: db, Table: table} }

func userPK(owner string) string { return "USER#" + owner }
