package execute_test

import (
	"testing"

	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/execute"
	"github.com/lucian-app/phase12/shared/execute/executetest"
)

// BenchmarkEngineCreateTask is the engine alone (no HTTP) on the embedded
// store, for comparison with the same benchmark on DynamoDB Local in
// tests/contract.
func BenchmarkEngineCreateTask(b *testing.B) {
	executetest.BenchmarkCreateTask(b, func() *execute.Engine {
		e, _, _ := newEngine(b, dynamotest.New(b))
		return e
	})
}
