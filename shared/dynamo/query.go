package dynamo

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// QueryAll runs in page by page, handing each item to each, until the
// last page or the first error. in.ExclusiveStartKey is advanced in place.
func QueryAll(ctx context.Context, db API, in *dynamodb.QueryInput, each func(map[string]types.AttributeValue) error) error {
	for {
		page, err := db.Query(ctx, in)
		if err != nil {
			return Wrap(err)
		}
		for _, item := range page.Items {
			if err := each(item); err != nil {
				return err
			}
		}
		if len(page.LastEvaluatedKey) == 0 {
			return nil
		}
		in.ExclusiveStartKey = page.LastEvaluatedKey
	}
}
