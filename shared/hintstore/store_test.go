package hintstore_test

import (
	"testing"

	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/hintstore/hintstoretest"
)

func TestHintStoreOnTheEmbeddedStore(t *testing.T) {
	hintstoretest.Run(t, dynamotest.New(t), dynamotest.HintTable)
}
