//go:build contract

package contract

import (
	"testing"

	"github.com/lucian-app/phase12/shared/eventstore/eventstoretest"
)

// TestEventStoreOnDynamoDBLocal runs the product events' suite over the wire, where
// DynamoDB Local runs requests at the same time: twenty twins of one event behind a start
// barrier store and count it once. One table stands for AppTable and OpsTable (their keys
// do not meet).
func TestEventStoreOnDynamoDBLocal(t *testing.T) {
	db, table := newDynamo(t)
	eventstoretest.Run(t, db, table, table)
}
