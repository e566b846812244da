//go:build contract

// Package contract runs the stores over the real wire protocol, with the
// real AWS SDK: DynamoDB against AWS's DynamoDB Local (which runs requests
// at the same time, so races are real), SNS and SQS against moto_server.
// What minidyn might get wrong about DynamoDB, SNS or SQS shows up here.
package contract

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/tests/harness"
)

var (
	backends *harness.Backends
	tableSeq atomic.Int64
)

func TestMain(m *testing.M) { os.Exit(harness.RunWithBackends(m, &backends, "contract tests")) }

// newDynamo returns an SDK client for DynamoDB Local with a fresh table of the
// shared schema, and the table's name.
func newDynamo(t testing.TB, opts ...func(*dynamodb.Options)) (*dynamodb.Client, string) {
	t.Helper()
	ctx := context.Background()
	cfg, err := backends.DynamoConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	db := dynamodb.NewFromConfig(cfg, opts...)
	name := fmt.Sprintf("t%d-%d-%s", os.Getpid(), tableSeq.Add(1), sanitize(t.Name()))
	if err := dynamo.EnsureTable(ctx, db, name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = db.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(name)}) })
	return db, name
}

func sanitize(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			b[i] = '-'
		}
	}
	if len(b) > 200 {
		b = b[:200]
	}
	return string(b)
}
