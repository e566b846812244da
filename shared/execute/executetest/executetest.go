// Package executetest is the behaviour the execute engine must show on
// any DynamoDB: the unit tests run it on the embedded store, the contract
// tests on AWS's DynamoDB Local over the wire, where twins really overlap
// and transactions cancel each other with TransactionConflict.
package executetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/appstore"
	"github.com/lucian-app/phase12/shared/barrier"
	"github.com/lucian-app/phase12/shared/execute"
	"github.com/lucian-app/phase12/shared/intent"
	"github.com/lucian-app/phase12/shared/tasks"
)

// Twins is how many requests share one Idempotency-Key in a round.
const Twins = 50

// twinCase is one intent type sent by twins: seed prepares the owner's
// data, check verifies that exactly one effect happened.
type twinCase struct {
	name   string
	status int
	req    func(title string) execute.Request
	seed   func(t *testing.T, store *appstore.Store, owner, title string)
	check  func(t *testing.T, store *appstore.Store, owner, title string)
}

// RunTwins sends every intent type from Twins goroutines sharing one
// Idempotency-Key, released together by a start barrier, for rounds
// rounds. Every twin must answer with the same status and byte-identical
// body, all but one as replays, with exactly one effect and an audit
// trail of 1 executed + Twins-1 replayed: never a 404, 409 or 5xx.
func RunTwins(t *testing.T, e *execute.Engine, store *appstore.Store, rounds int) {
	for _, c := range twinCases() {
		t.Run(c.name, func(t *testing.T) {
			for round := range rounds {
				owner := fmt.Sprintf("twins-%s-%d", c.name, round)
				title := fmt.Sprintf("%s round %d", c.name, round)
				c.seed(t, store, owner, title)
				req := c.req(title)
				if req.Intent.Risky() {
					req.ConfirmationToken = confirm(t, e, owner, req)
				}
				resps, errs := sendTwins(e, owner, "twin-key", req)
				replayed := 0
				for i := range Twins {
					if errs[i] != nil {
						t.Fatalf("round %d twin %d: %v (code %s), want %d", round, i, errs[i], apperr.CodeOf(errs[i]), c.status)
					}
					if resps[i].Status != c.status || string(resps[i].Body) != string(resps[0].Body) {
						t.Fatalf("round %d twin %d: %d %s, want %d and the body of twin 0: %s",
							round, i, resps[i].Status, resps[i].Body, c.status, resps[0].Body)
					}
					if resps[i].Replayed {
						replayed++
					}
				}
				if replayed != Twins-1 {
					t.Errorf("round %d: %d replayed, want %d", round, replayed, Twins-1)
				}
				c.check(t, store, owner, title)
				checkAudit(t, store, owner, round, req.Intent.Risky())
			}
		})
	}
}

func twinCases() []twinCase {
	in := func(i intent.Intent) execute.Request { return execute.Request{Intent: &i} }
	nothing := func(*testing.T, *appstore.Store, string, string) {}
	// The seeded task is referred to by its title, so a twin that plans
	// after the winner committed resolves against the changed task.
	seedTask := func(t *testing.T, store *appstore.Store, owner, title string) {
		t.Helper()
		task, err := tasks.BuildTask(tasks.NewTask{Title: title}, "seed-"+owner, time.Date(2026, 11, 28, 8, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		if err := store.CreateTask(context.Background(), owner, task); err != nil {
			t.Fatal(err)
		}
	}
	seedRecurring := func(t *testing.T, store *appstore.Store, owner, title string) {
		t.Helper()
		due, rule := "2026-11-23", "FREQ=WEEKLY;BYDAY=MO"
		task, err := tasks.BuildTask(tasks.NewTask{Title: title, Due: &due, Recurrence: &rule}, "seed-"+owner, time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		if err := store.CreateTask(context.Background(), owner, task); err != nil {
			t.Fatal(err)
		}
	}
	oneTask := func(t *testing.T, store *appstore.Store, owner string) []tasks.Task {
		t.Helper()
		list, err := store.ListTasks(context.Background(), owner, false)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 {
			t.Fatalf("%s has %d tasks, want exactly 1: %+v", owner, len(list), list)
		}
		return list
	}
	return []twinCase{
		{name: intent.CreateTask, status: 201, seed: nothing,
			req: func(title string) execute.Request { return in(intent.Intent{Type: intent.CreateTask, Title: title}) },
			check: func(t *testing.T, store *appstore.Store, owner, _ string) {
				oneTask(t, store, owner)
			}},
		{name: intent.CreateGoal, status: 201, seed: nothing,
			req: func(title string) execute.Request { return in(intent.Intent{Type: intent.CreateGoal, Title: title}) },
			check: func(t *testing.T, store *appstore.Store, owner, _ string) {
				if goals, err := store.ListGoals(context.Background(), owner); err != nil || len(goals) != 1 {
					t.Fatalf("%s has %d goals (err %v), want exactly 1", owner, len(goals), err)
				}
			}},
		{name: intent.CompleteTask, status: 200, seed: seedTask,
			req: func(title string) execute.Request {
				return in(intent.Intent{Type: intent.CompleteTask, TaskRef: title})
			},
			check: func(t *testing.T, store *appstore.Store, owner, _ string) {
				if got := oneTask(t, store, owner)[0]; !got.Completed || got.Version != 2 {
					t.Fatalf("task = completed %v version %d, want completed once (version 2)", got.Completed, got.Version)
				}
			}},
		{name: intent.RescheduleTask, status: 200, seed: seedTask,
			req: func(title string) execute.Request {
				return in(intent.Intent{Type: intent.RescheduleTask, TaskRef: title, Due: "2026-12-04T15:00:00+01:00"})
			},
			check: func(t *testing.T, store *appstore.Store, owner, _ string) {
				if got := oneTask(t, store, owner)[0]; got.Due == nil || got.Version != 2 {
					t.Fatalf("task = due %v version %d, want rescheduled once (version 2)", got.Due, got.Version)
				}
			}},
		// rename_task and set_priority take reschedule_task's path (a patch
		// of a task that still resolves after the winner); move_task writes
		// its own change.
		{name: intent.MoveTask, status: 200, seed: seedTask,
			req: func(title string) execute.Request {
				return in(intent.Intent{Type: intent.MoveTask, TaskRef: title, Project: "elsewhere"})
			},
			check: func(t *testing.T, store *appstore.Store, owner, _ string) {
				if got := oneTask(t, store, owner)[0]; got.Project == nil || *got.Project != "elsewhere" || got.Version != 2 {
					t.Fatalf("task = project %v version %d, want moved once (version 2)", got.Project, got.Version)
				}
			}},
		// A repeating task stays open when completed, so a twin that plans
		// after the winner still resolves it: only the record stops it.
		{name: "complete_recurring_task", status: 200, seed: seedRecurring,
			req: func(title string) execute.Request {
				return in(intent.Intent{Type: intent.CompleteTask, TaskRef: title})
			},
			check: func(t *testing.T, store *appstore.Store, owner, _ string) {
				if got := oneTask(t, store, owner)[0]; got.Completed || got.Version != 2 || got.Due == nil || *got.Due == "2026-11-23" {
					t.Fatalf("task = completed %v due %v version %d, want moved on once (version 2)", got.Completed, got.Due, got.Version)
				}
			}},
		{name: intent.DeleteTask, status: 200, seed: seedTask,
			req: func(title string) execute.Request {
				return in(intent.Intent{Type: intent.DeleteTask, TaskRef: title})
			},
			check: func(t *testing.T, store *appstore.Store, owner, _ string) {
				if list, err := store.ListTasks(context.Background(), owner, false); err != nil || len(list) != 0 {
					t.Fatalf("%s has %d tasks (err %v) after the delete, want 0", owner, len(list), err)
				}
			}},
	}
}

// sendTwins runs Twins executions of req under key, all parked on one
// barrier before any starts, so they overlap.
func sendTwins(e *execute.Engine, owner, key string, req execute.Request) ([]execute.Response, []error) {
	resps, errs := make([]execute.Response, Twins), make([]error, Twins)
	barrier.Run(Twins, func(i int) {
		resps[i], errs[i] = e.Execute(context.Background(), owner, key, req)
	})
	return resps, errs
}

// confirm asks for the risky intent once under the twins' key (a 428 does
// not consume the key) and returns the confirmation token.
func confirm(t *testing.T, e *execute.Engine, owner string, req execute.Request) string {
	t.Helper()
	_, err := e.Execute(context.Background(), owner, "twin-key", req)
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Code != apperr.ConfirmationRequired {
		t.Fatalf("risky intent without a token: %v, want confirmation_required", err)
	}
	c, _ := ae.Extra["confirmation"].(map[string]any)
	token, _ := c["token"].(string)
	if token == "" {
		t.Fatalf("428 without a token: %+v", ae.Extra)
	}
	return token
}

// checkAudit wants 1 executed and Twins-1 replayed entries (and the one
// confirmation_required of a risky intent), nothing else.
func checkAudit(t *testing.T, store *appstore.Store, owner string, round int, risky bool) {
	t.Helper()
	entries, err := store.ListAudit(context.Background(), owner, 2*Twins)
	if err != nil {
		t.Fatal(err)
	}
	outcomes := map[string]int{}
	for _, en := range entries {
		outcomes[en.Outcome]++
	}
	want := map[string]int{execute.OutcomeExecuted: 1, execute.OutcomeReplayed: Twins - 1}
	if risky {
		want[execute.OutcomeConfirmationRequired] = 1
	}
	if fmt.Sprint(outcomes) != fmt.Sprint(want) {
		t.Errorf("round %d: audit outcomes %v, want %v", round, outcomes, want)
	}
}
