//go:build contract

package contract

import (
	"fmt"
	"testing"

	"github.com/lucian-app/phase12/shared/appstore"
	"github.com/lucian-app/phase12/shared/appstore/appstoretest"
	"github.com/lucian-app/phase12/shared/execute"
	"github.com/lucian-app/phase12/shared/execute/executetest"
	"github.com/lucian-app/phase12/shared/tasks"
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

// BenchmarkTodayLoad is today_load's first page on DynamoDB Local for one
// user with 1,000 / 10,000 / 100,000 tasks, next to the embedded store's
// in shared/appstore.
func BenchmarkTodayLoad(b *testing.B) {
	for _, n := range []int{1000, 10000, 100000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			db, table := newDynamo(b)
			appstoretest.BenchmarkTodayLoad(b, db, table, n, func(owner string, list []tasks.Task) {
				seedTasks(b, db, table, owner, list)
			})
		})
	}
}
