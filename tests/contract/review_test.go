//go:build contract

package contract

import (
	"testing"

	"github.com/lucian-app/phase12/shared/reviewapi/reviewapitest"
)

// TestConcurrentAdoptionOnDynamoDBLocal: racing adoptions of one recommendation, behind a
// start barrier, over the wire to DynamoDB Local (which runs them at the same time),
// execute the recommendation's action once.
func TestConcurrentAdoptionOnDynamoDBLocal(t *testing.T) {
	db, table := newDynamo(t)
	env := reviewapitest.New(db, table, table)
	reviewapitest.RunAdoptionRace(t, env, "adopter")
}
