package appstore_test

import (
	"testing"

	"github.com/lucian-app/phase12/shared/appstore/appstoretest"
	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
)

func TestStoreOnMinidyn(t *testing.T) {
	appstoretest.Run(t, dynamotest.New(t), dynamotest.AppTable)
}
