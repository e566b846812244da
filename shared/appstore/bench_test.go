package appstore_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/lucian-app/phase12/shared/appstore"
	"github.com/lucian-app/phase12/shared/appstore/appstoretest"
	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/tasks"
)

// BenchmarkTodayLoad is today_load's first page on the embedded store for
// one user with 1,000 / 10,000 / 100,000 tasks (50 due today or overdue,
// 30 undated); the same on DynamoDB Local is in tests/contract.
func BenchmarkTodayLoad(b *testing.B) {
	for _, n := range []int{1000, 10000, 100000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			db := dynamotest.New(b)
			appstoretest.BenchmarkTodayLoad(b, db, dynamotest.AppTable, n, func(owner string, list []tasks.Task) {
				for _, tk := range list {
					items, err := appstore.StoredItems(owner, tk)
					if err != nil {
						b.Fatal(err)
					}
					for _, it := range items {
						if _, err := db.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(dynamotest.AppTable), Item: it}); err != nil {
							b.Fatal(err)
						}
					}
				}
			})
		})
	}
}
