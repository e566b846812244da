package appstoretest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/appstore"
	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/tasks"
)

// Legacy is a DynamoDB the backfill can scan.
type Legacy interface {
	dynamo.API
	appstore.Scanner
}

// RunBackfill writes items in the layout before open copies and counts
// (a task item alone, no QUOTA item) into an empty table, then checks
// that the backfill carries them over, stops and resumes, and changes
// nothing when run again.
func RunBackfill(t *testing.T, db Legacy, table string) {
	ctx := context.Background()
	at := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	legacy := func(owner string, tk tasks.Task) {
		item, err := appstore.TaskItem(owner, tk)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: item}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 600 {
		legacy("ann", tasks.Task{ID: fmt.Sprintf("a%03d", i), Title: "old", Priority: 4, Completed: i%3 == 0,
			CreatedAt: at, UpdatedAt: at, Version: 1})
	}
	for i := range 10 {
		legacy("ben", tasks.Task{ID: fmt.Sprintf("b%03d", i), Title: "old", Priority: 4, CreatedAt: at, UpdatedAt: at, Version: 1})
	}
	s := appstore.New(db, table)
	for i := range 3 {
		g, _ := appstore.GoalItem("ann", tasks.Goal{ID: fmt.Sprint("g", i), Title: "goal", CreatedAt: at, UpdatedAt: at, Version: 1})
		if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: g}); err != nil {
			t.Fatal(err)
		}
	}
	if open, _ := s.OpenTasks(ctx, "ann"); len(open) != 0 {
		t.Fatalf("before the backfill ann has %d open copies, want 0", len(open))
	}

	// A run stopped after one page reports where to go on.
	first, err := s.Backfill(ctx, db, "", 1)
	if err != nil || first.Resume == "" || first.Scanned == 0 {
		t.Fatalf("one page: %+v %v, want a resume position", first, err)
	}
	rest, err := s.Backfill(ctx, db, first.Resume, 0)
	if err != nil || rest.Resume != "" {
		t.Fatalf("the rest: %+v %v, want the end of the table", rest, err)
	}
	if got := first.CopiesWritten + rest.CopiesWritten; got != 410 {
		t.Errorf("copies written: %d, want 410 (400 open of ann's 600, ben's 10)", got)
	}
	for owner, want := range map[string]int{"ann": 400, "ben": 10} {
		if open, err := s.OpenTasks(ctx, owner); err != nil || len(open) != want {
			t.Errorf("%s: %d open copies (%v), want %d", owner, len(open), err, want)
		}
	}
	loc := time.UTC
	if page, _, err := s.TodayTasks(ctx, "ben", tasks.TodayWindowAt(loc, at), tasks.Page{Limit: 100}); err != nil || len(page) != 10 {
		t.Errorf("ben's today after the backfill: %d tasks (%v), want 10", len(page), err)
	}

	// Counts: ann has 400 open tasks and 3 goals, so a quota of 401 leaves
	// room for one more task, and a goal quota of 3 none.
	s.MaxOpenTasks, s.MaxGoals = 401, 3
	if err := s.CreateTask(ctx, "ann", tasks.Task{ID: "a-new", Title: "new", Priority: 4, CreatedAt: at, UpdatedAt: at, Version: 1}); err != nil {
		t.Errorf("ann's 401st open task: %v, want room", err)
	}
	if err := s.CreateTask(ctx, "ann", tasks.Task{ID: "a-over", Title: "over", Priority: 4, CreatedAt: at, UpdatedAt: at, Version: 1}); apperr.CodeOf(err) != apperr.QuotaExceeded {
		t.Errorf("ann's 402nd: %v, want quota_exceeded (the backfill counted 400)", err)
	}
	if err := s.CreateGoal(ctx, "ann", tasks.Goal{ID: "g-over", Title: "g", CreatedAt: at, UpdatedAt: at, Version: 1}); apperr.CodeOf(err) != apperr.QuotaExceeded {
		t.Errorf("ann's 4th goal: %v, want quota_exceeded (the backfill counted 3)", err)
	}

	// Again from the start: nothing left to write, the counts stay.
	again, err := s.Backfill(ctx, db, "", 0)
	if err != nil || again.CopiesWritten != 0 || again.CopiesCurrent != 411 {
		t.Errorf("second run: %+v %v, want no copy written and 411 already current", again, err)
	}
	if err := s.CreateTask(ctx, "ann", tasks.Task{ID: "a-over", Title: "over", Priority: 4, CreatedAt: at, UpdatedAt: at, Version: 1}); apperr.CodeOf(err) != apperr.QuotaExceeded {
		t.Errorf("after the second run ann's 402nd: %v, want quota_exceeded still", err)
	}
}
