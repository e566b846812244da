package appstore_test

import (
	"testing"

	"github.com/lucian-app/phase12/shared/appstore/appstoretest"
	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
)

func TestBackfillCarriesTheOldLayoutOver(t *testing.T) {
	appstoretest.RunBackfill(t, dynamotest.New(t), dynamotest.AppTable)
}
