package opsstore_test

import (
	"testing"

	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/opsstore/opsstoretest"
)

func TestDigestsOnMinidyn(t *testing.T) {
	opsstoretest.RunDigests(t, dynamotest.New(t), dynamotest.OpsTable)
}
