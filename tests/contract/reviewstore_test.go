//go:build contract

package contract

import (
	"testing"

	"github.com/lucian-app/phase12/shared/reviewstore/reviewstoretest"
)

// TestReviewStoreOnDynamoDBLocal runs the review store's suite over the wire, where
// DynamoDB Local runs the racing writers behind the start barrier at the same time.
func TestReviewStoreOnDynamoDBLocal(t *testing.T) {
	db, table := newDynamo(t)
	reviewstoretest.Run(t, db, table)
}
