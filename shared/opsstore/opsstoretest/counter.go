package opsstoretest

import (
	"context"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/lucian-app/phase12/shared/dynamo"
)

// ItemCounter wraps an API and counts the items reads return (Query, GetItem,
// BatchGetItem): what a burn-rate check pays for, unlike the number of calls.
type ItemCounter struct {
	dynamo.API
	mu    sync.Mutex
	items int
}

// CountItems wraps db.
func CountItems(db dynamo.API) *ItemCounter { return &ItemCounter{API: db} }

func (c *ItemCounter) add(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.items += n
}

// Items is the number of items read since the last Reset.
func (c *ItemCounter) Items() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.items
}

// Reset zeroes the count.
func (c *ItemCounter) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.items = 0
}

func (c *ItemCounter) Query(ctx context.Context, in *dynamodb.QueryInput, o ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	out, err := c.API.Query(ctx, in, o...)
	if err == nil {
		c.add(len(out.Items))
	}
	return out, err
}

func (c *ItemCounter) GetItem(ctx context.Context, in *dynamodb.GetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	out, err := c.API.GetItem(ctx, in, o...)
	if err == nil && len(out.Item) > 0 {
		c.add(1)
	}
	return out, err
}

func (c *ItemCounter) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	out, err := c.API.BatchGetItem(ctx, in, o...)
	if err == nil {
		for _, items := range out.Responses {
			c.add(len(items))
		}
	}
	return out, err
}
