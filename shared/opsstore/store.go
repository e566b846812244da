package opsstore

import (
	"github.com/lucian-app/phase12/shared/alert"
	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/flowmetrics"
)

// Store is OpsTable.
type Store struct {
	DB    dynamo.API
	Table string
	// Sleep waits between retries of unprocessed batch keys (nil: the
	// real wait); tests inject one that records.
	Sleep dynamo.Sleeper
	// Shards is how many items a flow-metric bucket's events are spread over, by caller
	// (at most MaxShards); 0 keeps every bucket in one item, as before sharding. Every
	// writer and reader of a table must use the same count (or readers a larger one): a
	// reader sees only the shards it counts. Deployed functions take it from
	// FLOW_BUCKET_SHARDS (shared/wiring). See the package comment.
	Shards int
}

var (
	_ flowmetrics.Writer  = (*Store)(nil)
	_ flowmetrics.Reader  = (*Store)(nil)
	_ flowmetrics.Limiter = (*Store)(nil)
	_ alert.Store         = (*Store)(nil)
	_ alert.Records       = (*Store)(nil)
)

// New returns the store over table.
func New(db dynamo.API, table string) *Store { return &Store{DB: db, Table: table} }
