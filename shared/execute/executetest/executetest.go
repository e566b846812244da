// Package executetest is the behaviour the execute engine must show on
// any DynamoDB: the unit tests run it on minidyn, the contract tests on
// moto over the wire.
package executetest

import (
	"context"
	"sync"
	"testing"

	"github.com/lucian-app/phase12/shared/appstore"
	"github.com/lucian-app/phase12/shared/execute"
	"github.com/lucian-app/phase12/shared/intent"
)

// RunSameKeyConcurrently sends one key from 50 goroutines: one task, one
// answer repeated 50 times, 49 of them replays.
func RunSameKeyConcurrently(t *testing.T, e *execute.Engine, store *appstore.Store) {
	ctx := context.Background()
	const n = 50
	var wg sync.WaitGroup
	resps := make([]execute.Response, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resps[i], errs[i] = e.Execute(ctx, "carol", "same-key", execute.Request{Intent: &intent.Intent{Type: intent.CreateTask, Title: "Pay rent"}})
		}()
	}
	wg.Wait()
	replayed := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("request %d: %v", i, errs[i])
		}
		if string(resps[i].Body) != string(resps[0].Body) || resps[i].Status != 201 {
			t.Errorf("response %d differs: %d %s vs %s", i, resps[i].Status, resps[i].Body, resps[0].Body)
		}
		if resps[i].Replayed {
			replayed++
		}
	}
	if replayed != n-1 {
		t.Errorf("%d replayed, want %d", replayed, n-1)
	}
	list, err := store.ListTasks(ctx, "carol", false)
	if err != nil || len(list) != 1 {
		t.Errorf("tasks = %d (err %v), want exactly 1", len(list), err)
	}
	entries, _ := store.ListAudit(ctx, "carol", 200)
	outcomes := map[string]int{}
	for _, en := range entries {
		outcomes[en.Outcome]++
	}
	if outcomes[execute.OutcomeExecuted] != 1 || outcomes[execute.OutcomeReplayed] != n-1 {
		t.Errorf("audit outcomes = %v, want 1 executed and %d replayed", outcomes, n-1)
	}
}
