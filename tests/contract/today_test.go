//go:build contract

package contract

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/lucian-app/phase12/shared/appstore"
	"github.com/lucian-app/phase12/shared/appstore/appstoretest"
	"github.com/lucian-app/phase12/shared/tasks"
)

// seedTasks writes tasks for owner with BatchWriteItem, 25 items a
// request from 8 goroutines, in the layout the store keeps.
func seedTasks(t testing.TB, db *dynamodb.Client, table, owner string, list []tasks.Task) {
	t.Helper()
	ctx := context.Background()
	var items []map[string]types.AttributeValue
	for _, tk := range list {
		it, err := appstore.StoredItems(owner, tk)
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, it...)
	}
	batches := make(chan []map[string]types.AttributeValue)
	errs := make(chan error, 8)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for batch := range batches {
				req := make([]types.WriteRequest, len(batch))
				for i, it := range batch {
					req[i] = types.WriteRequest{PutRequest: &types.PutRequest{Item: it}}
				}
				pending := map[string][]types.WriteRequest{table: req}
				for len(pending) > 0 {
					out, err := db.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: pending})
					if err != nil {
						errs <- err
						return
					}
					pending = out.UnprocessedItems
				}
			}
		}()
	}
	for i := 0; i < len(items); i += 25 {
		batches <- items[i:min(i+25, len(items))]
	}
	close(batches)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		t.Fatal(err)
	}
}

// TestTodayLoadReadsTheAnswerPlusOnePageAt100000Tasks: one user with
// 100,000 tasks (appstoretest.HeavyUser: most completed or due later, 50
// due today or overdue and 30 undated); every page of today_load reads at most the tasks it returns
// plus one page, and the pages add up to the 80 tasks.
func TestTodayLoadReadsTheAnswerPlusOnePageAt100000Tasks(t *testing.T) {
	db, table := newDynamo(t)
	loc, _ := time.LoadLocation("Europe/Berlin")
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, loc)
	list := appstoretest.HeavyUser(100000, now)
	seedTasks(t, db, table, "heavy", list)

	counted := &appstoretest.ItemsRead{API: db}
	s := appstore.New(counted, table)
	want := tasks.Today(list, loc, now)
	for _, limit := range []int{100, 30} {
		got := appstoretest.PageToday(t, s, counted, "heavy", tasks.TodayWindowAt(loc, now), limit)
		if len(got) != len(want) || len(got) != 80 {
			t.Fatalf("limit %d: %d tasks, want the %d due today, overdue or undated", limit, len(got), len(want))
		}
		for i := range got {
			if got[i].ID != want[i].ID {
				t.Fatalf("limit %d: task %d is %s, want %s (today order)", limit, i, got[i].ID, want[i].ID)
			}
		}
	}
}
