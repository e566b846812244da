package eventstore_test

import (
	"testing"

	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/eventstore/eventstoretest"
)

func TestEventStoreOnTheEmbeddedStore(t *testing.T) {
	eventstoretest.Run(t, dynamotest.New(t), dynamotest.AppTable, dynamotest.OpsTable)
}
