package reviewstore_test

import (
	"testing"

	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/reviewstore/reviewstoretest"
)

func TestReviewStoreOnTheEmbeddedStore(t *testing.T) {
	reviewstoretest.Run(t, dynamotest.New(t), dynamotest.ReviewTable)
}
