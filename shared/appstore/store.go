package appstore

import (
	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/tasks"
)

// Store is AppTable.
type Store struct {
	DB    dynamo.API
	Table string
}

var _ tasks.Repository = (*Store)(nil)

// New returns the store over table.
func New(db dynamo.API, table string) *Store { return &Store{DB: db, Table: table} }

func userPK(owner string) string { return "USER#" + owner }
