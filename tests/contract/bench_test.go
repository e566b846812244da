//go:build contract

package contract

import (
	"testing"

	"github.com/lucian-app/phase12/shared/appstore"
	"github.com/lucian-app/phase12/shared/execute"
	"github.com/lucian-app/phase12/shared/execute/executetest"
	"github.com/lucian-app/phase12/shared/undo/undotest"
)

// BenchmarkEngineCreateTask is the engine alone on DynamoDB Local over
// the wire (127.0.0.1), next to the same benchmark on the embedded store
// in shared/execute.
func BenchmarkEngineCreateTask(b *testing.B) {
	db, table := newDynamo(b)
	executetest.BenchmarkCreateTask(b, func() *execute.Engine {
		return undotest.New(b, appstore.New(db, table)).Engine
	})
}
