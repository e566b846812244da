//go:build contract

package contract

import (
	"testing"

	"github.com/lucian-app/phase12/shared/hintstore/hintstoretest"
)

// TestHintStoreOnDynamoDBLocal runs the hint store's suite over the wire, where DynamoDB
// Local runs requests at the same time: among it, twenty POST /hints/next behind a start
// barrier, round after round through two days, never show more than the caps allow.
func TestHintStoreOnDynamoDBLocal(t *testing.T) {
	db, table := newDynamo(t)
	hintstoretest.Run(t, db, table)
}
