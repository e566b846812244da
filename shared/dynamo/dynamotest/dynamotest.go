// Package dynamotest gives tests a DynamoDB: the in-process minidyn for
// unit tests, with the project's tables created, and a call counter that
// works over any API (the SDK middleware counter lives beside it).
package dynamotest

import (
	"context"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/dynamo/embedded"
)

// Table names the unit tests use (the template's logical IDs, as locally).
const (
	AppTable  = "AppTable"
	OpsTable  = "OpsTable"
	HintTable = "HintTable"
	// ReviewTable is the weekly review's (shared/reviewstore).
	ReviewTable = "ReviewTable"
)

// New returns an in-process DynamoDB with AppTable, OpsTable, HintTable and ReviewTable.
func New(t testing.TB) *embedded.DB {
	t.Helper()
	db := embedded.New()
	for _, name := range []string{AppTable, OpsTable, HintTable, ReviewTable} {
		if err := dynamo.EnsureTable(context.Background(), db, name); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

// counts is a count of calls per operation, safe for concurrent use.
type counts struct {
	mu    sync.Mutex
	calls map[string]int
}

func (c *counts) add(op string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.calls == nil {
		c.calls = map[string]int{}
	}
	c.calls[op]++
}

// Calls returns the number of calls of op, or of all operations for "".
func (c *counts) Calls(op string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if op != "" {
		return c.calls[op]
	}
	n := 0
	for _, v := range c.calls {
		n += v
	}
	return n
}

// Reset zeroes the counts.
func (c *counts) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.calls)
}

// Counter wraps an API and counts calls per operation (for minidyn, which
// has no SDK middleware stack; see CallCounter for SDK clients).
type Counter struct {
	dynamo.API
	counts
}

// Count wraps db.
func Count(db dynamo.API) *Counter { return &Counter{API: db} }

func (c *Counter) GetItem(ctx context.Context, in *dynamodb.GetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	c.add("GetItem")
	return c.API.GetItem(ctx, in, o...)
}

func (c *Counter) PutItem(ctx context.Context, in *dynamodb.PutItemInput, o ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	c.add("PutItem")
	return c.API.PutItem(ctx, in, o...)
}

func (c *Counter) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, o ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	c.add("UpdateItem")
	return c.API.UpdateItem(ctx, in, o...)
}

func (c *Counter) DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, o ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error) {
	c.add("DeleteItem")
	return c.API.DeleteItem(ctx, in, o...)
}

func (c *Counter) Query(ctx context.Context, in *dynamodb.QueryInput, o ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	c.add("Query")
	return c.API.Query(ctx, in, o...)
}

func (c *Counter) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	c.add("BatchGetItem")
	return c.API.BatchGetItem(ctx, in, o...)
}

func (c *Counter) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, o ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	c.add("TransactWriteItems")
	return c.API.TransactWriteItems(ctx, in, o...)
}
