// Package undotest is the behaviour undo must show on any DynamoDB: the
// unit tests run it on the embedded store and the contract tests on AWS's
// DynamoDB Local, where an undo and an edit (or two undos) really overlap.
package undotest

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/appstore"
	"github.com/lucian-app/phase12/shared/barrier"
	"github.com/lucian-app/phase12/shared/clock"
	"github.com/lucian-app/phase12/shared/execute"
	"github.com/lucian-app/phase12/shared/ids"
	"github.com/lucian-app/phase12/shared/intent"
	"github.com/lucian-app/phase12/shared/tasks"
	"github.com/lucian-app/phase12/shared/undo"
)

// Fixture is an engine, an undo service and the tasks service on one store
// and one clock.
type Fixture struct {
	Clock  *clock.Manual
	Store  *appstore.Store
	Engine *execute.Engine
	Undo   *undo.Service
	Tasks  *tasks.Service
}

// New builds a Fixture on store.
func New(t testing.TB, store *appstore.Store) *Fixture {
	clk := clock.NewManual(time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC))
	newID := ids.New(clk.Now, nil)
	return &Fixture{Clock: clk, Store: store,
		Engine: &execute.Engine{Store: store, Now: clk.Now, NewID: newID, UndoEnabled: true, UndoWindow: undo.DefaultWindow},
		Undo:   &undo.Service{Store: store, Now: clk.Now, NewID: newID, Enabled: true},
		Tasks:  &tasks.Service{Repo: store, Now: clk.Now, NewID: newID}}
}

// CreateTask is a create_task request.
func CreateTask(title string) execute.Request {
	return execute.Request{Intent: &intent.Intent{Type: intent.CreateTask, Title: title}}
}

// CreateTask executes a create_task for alice and returns its undo token
// and the task's id.
func (f *Fixture) CreateTask(t testing.TB, key, title string) (token, id string) {
	t.Helper()
	return f.create(t, key, CreateTask(title), "task")
}

func (f *Fixture) create(t testing.TB, key string, req execute.Request, kind string) (token, id string) {
	t.Helper()
	r, err := f.Engine.Execute(context.Background(), "alice", key, req)
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Result map[string]struct {
			ID string `json:"id"`
		} `json:"result"`
		Undo struct {
			Token     string    `json:"token"`
			ExpiresAt time.Time `json:"expires_at"`
		} `json:"undo"`
	}
	if err := json.Unmarshal(r.Body, &body); err != nil || body.Undo.Token == "" {
		t.Fatalf("no undo token in %s (%v)", r.Body, err)
	}
	if want := f.Clock.Now().Add(undo.DefaultWindow); !body.Undo.ExpiresAt.Equal(want) {
		t.Errorf("undo expires_at = %v, want %v", body.Undo.ExpiresAt, want)
	}
	return body.Undo.Token, body.Result[kind].ID
}

// RunOutcomes checks each outcome of an undo; fresh gives a new store.
func RunOutcomes(t *testing.T, fresh func() *appstore.Store) {
	ctx := context.Background()
	code := func(err error) apperr.Code {
		if err == nil {
			return ""
		}
		return apperr.CodeOf(err)
	}
	t.Run("undo deletes the task and says so", func(t *testing.T) {
		f := New(t, fresh())
		token, id := f.CreateTask(t, "k1", "Buy milk")
		f.Clock.Add(29 * time.Second)
		res, err := f.Undo.Undo(ctx, "alice", token)
		if err != nil || res.Undone.Type != "task" || res.Undone.ID != id || res.AlreadyUndone {
			t.Fatalf("undo = %+v %v", res, err)
		}
		if _, err := f.Store.GetTask(ctx, "alice", id); code(err) != apperr.NotFound {
			t.Errorf("task after undo: %v, want gone", err)
		}
		if open, err := f.Store.OpenTasks(ctx, "alice"); err != nil || len(open) != 0 {
			t.Errorf("open tasks after undo: %+v %v, want none (the open copy goes with the task)", open, err)
		}
		again, err := f.Undo.Undo(ctx, "alice", token)
		if err != nil || !again.AlreadyUndone || again.Undone.ID != id {
			t.Errorf("second undo = %+v %v, want 200 already_undone", again, err)
		}
		entries, _ := f.Store.ListAudit(ctx, "alice", 10)
		if len(entries) != 2 || entries[0].Outcome != execute.OutcomeUndone || entries[1].Outcome != execute.OutcomeExecuted {
			t.Errorf("audit = %+v, want undone then executed", entries)
		}
	})
	t.Run("a goal too", func(t *testing.T) {
		f := New(t, fresh())
		token, id := f.create(t, "g1", execute.Request{Intent: &intent.Intent{Type: intent.CreateGoal, Title: "Run"}}, "goal")
		if res, err := f.Undo.Undo(ctx, "alice", token); err != nil || res.Undone.Type != "goal" || res.Undone.ID != id {
			t.Fatalf("undo goal = %+v %v", res, err)
		}
		if goals, _ := f.Store.ListGoals(ctx, "alice"); len(goals) != 0 {
			t.Errorf("goals after undo: %v", goals)
		}
	})
	t.Run("after the window: 410 and the task stays", func(t *testing.T) {
		f := New(t, fresh())
		token, id := f.CreateTask(t, "k1", "Buy milk")
		f.Clock.Add(undo.DefaultWindow)
		if _, err := f.Undo.Undo(ctx, "alice", token); code(err) != apperr.UndoExpired {
			t.Errorf("late undo: %v, want undo_expired", err)
		}
		if _, err := f.Store.GetTask(ctx, "alice", id); err != nil {
			t.Errorf("task after refused undo: %v", err)
		}
	})
	t.Run("edited or completed since: 409 and the task stays", func(t *testing.T) {
		f := New(t, fresh())
		for i, patch := range []tasks.Patch{
			{Title: tasks.Nullable[string]{Set: true, Value: "Buy oat milk"}},
			{Completed: tasks.Nullable[bool]{Set: true, Value: true}},
		} {
			token, id := f.CreateTask(t, fmt.Sprint("k", i), "Buy milk")
			if _, err := f.Tasks.UpdateTask(ctx, "alice", id, patch); err != nil {
				t.Fatal(err)
			}
			if _, err := f.Undo.Undo(ctx, "alice", token); code(err) != apperr.Conflict {
				t.Errorf("undo after edit %d: %v, want conflict", i, err)
			}
			if got, err := f.Store.GetTask(ctx, "alice", id); err != nil || got.Version != 2 {
				t.Errorf("task after refused undo: %+v %v", got, err)
			}
		}
	})
	t.Run("another user's token or an unknown one: 404", func(t *testing.T) {
		f := New(t, fresh())
		token, id := f.CreateTask(t, "k1", "Buy milk")
		if _, err := f.Undo.Undo(ctx, "mallory", token); code(err) != apperr.NotFound {
			t.Errorf("foreign undo: %v, want not_found", err)
		}
		tok, _ := undo.ParseToken(token)
		for _, forged := range []string{"nonsense", "a.b.c.d",
			undo.Token{IdempotencyKey: tok.IdempotencyKey, ExecutionID: "other", Kind: "task", ItemID: tok.ItemID}.String(),
			undo.Token{IdempotencyKey: tok.IdempotencyKey, ExecutionID: tok.ExecutionID, Kind: "task", ItemID: "other"}.String(),
			undo.Token{IdempotencyKey: "unused", ExecutionID: tok.ExecutionID, Kind: "task", ItemID: tok.ItemID}.String(),
		} {
			if _, err := f.Undo.Undo(ctx, "alice", forged); code(err) != apperr.NotFound {
				t.Errorf("undo %q: %v, want not_found", forged, err)
			}
		}
		if _, err := f.Store.GetTask(ctx, "alice", id); err != nil {
			t.Errorf("task after refused undos: %v", err)
		}
	})
}

// Rounds of each race; enough that both orderings occur on a backend that
// runs calls at once (asserted).
const raceRounds = 100

// RunRaces sends an edit against an undo, and an undo against an undo,
// concurrently, for raceRounds rounds each: exactly one wins every round,
// the loser is told (409, or 200 already_undone), item and audit agree,
// and across the rounds each side won at least once.
func RunRaces(t *testing.T, store *appstore.Store) {
	ctx := context.Background()
	f := New(t, store)
	var undone int
	t.Run("edit against undo", func(t *testing.T) {
		var edited int
		for round := range raceRounds {
			token, id := f.CreateTask(t, fmt.Sprint("race-", round), fmt.Sprint("Task ", round))
			var editErr, undoErr error
			barrier.Together(func() {
				_, editErr = f.Tasks.UpdateTask(ctx, "alice", id, tasks.Patch{Title: tasks.Nullable[string]{Set: true, Value: "edited"}})
			}, func() { _, undoErr = f.Undo.Undo(ctx, "alice", token) })
			got, getErr := f.Store.GetTask(ctx, "alice", id)
			switch {
			case undoErr == nil && (apperr.Is(editErr, apperr.NotFound) || apperr.Is(editErr, apperr.Conflict)):
				undone++
				if !apperr.Is(getErr, apperr.NotFound) {
					t.Errorf("round %d: undo won but the task is there: %+v", round, got)
				}
			case editErr == nil && apperr.Is(undoErr, apperr.Conflict):
				edited++
				if getErr != nil || got.Title != "edited" || got.Version != 2 {
					t.Errorf("round %d: edit won but the task is %+v (%v)", round, got, getErr)
				}
			default:
				t.Errorf("round %d: edit %v, undo %v: want exactly one to win", round, editErr, undoErr)
			}
		}
		t.Logf("undo won %d rounds, edit won %d", undone, edited)
		if undone == 0 || edited == 0 {
			t.Errorf("undo won %d rounds and the edit %d: want both orderings among %d overlapping rounds", undone, edited, raceRounds)
		}
		entries, _ := f.Store.ListAudit(ctx, "alice", 4*raceRounds)
		outcomes := map[string]int{}
		for _, e := range entries {
			outcomes[e.Outcome]++
		}
		if outcomes[execute.OutcomeUndone] != undone || outcomes[execute.OutcomeExecuted] != raceRounds {
			t.Errorf("audit outcomes %v, want %d undone and %d executed", outcomes, undone, raceRounds)
		}
	})
	t.Run("undo against undo", func(t *testing.T) {
		wins := [2]int{}
		for round := range raceRounds {
			token, id := f.CreateTask(t, fmt.Sprint("double-", round), fmt.Sprint("Twice ", round))
			res := make([]undo.Result, 2)
			errs := make([]error, 2)
			barrier.Together(func() { res[0], errs[0] = f.Undo.Undo(ctx, "alice", token) },
				func() { res[1], errs[1] = f.Undo.Undo(ctx, "alice", token) })
			if errs[0] != nil || errs[1] != nil || res[0].AlreadyUndone == res[1].AlreadyUndone {
				t.Errorf("round %d: %+v %v / %+v %v, want two 200s, one already_undone", round, res[0], errs[0], res[1], errs[1])
				continue
			}
			if res[0].AlreadyUndone {
				wins[1]++
			} else {
				wins[0]++
			}
			if _, err := f.Store.GetTask(ctx, "alice", id); !apperr.Is(err, apperr.NotFound) {
				t.Errorf("round %d: task after double undo: %v", round, err)
			}
		}
		t.Logf("the first undo won %d rounds, the second %d", wins[0], wins[1])
		// Only the winner's transaction wrote: one undone entry a round.
		entries, _ := f.Store.ListAudit(ctx, "alice", 10*raceRounds)
		n := 0
		for _, e := range entries {
			if e.Outcome == execute.OutcomeUndone {
				n++
			}
		}
		if n != undone+raceRounds {
			t.Errorf("%d undone audit entries, want %d (%d from the edit race and one a round)", n, undone+raceRounds, undone)
		}
		if wins[0] == 0 || wins[1] == 0 {
			t.Errorf("wins %v: want each of the two undos to win some of %d overlapping rounds", wins, raceRounds)
		}
	})
}

// CallCounter is a count of DynamoDB calls per operation: the SDK
// middleware counter, the transport counter or the embedded store's.
type CallCounter interface {
	Calls(op string) int
	Reset()
}

// RunOneCallPerOutcome checks that an undo is one TransactWriteItems
// whatever its outcome (undone, already undone, expired, changed since,
// another user's token), on every counter given: the cancellation reasons
// and the record's ALL_OLD image tell the outcomes apart without a read.
func RunOneCallPerOutcome(t *testing.T, f *Fixture, counters ...CallCounter) {
	ctx := context.Background()
	for _, c := range []struct {
		name  string
		owner string
		setup func(t *testing.T) string // returns the token
		want  apperr.Code
	}{
		{"undone", "alice", func(t *testing.T) string { tok, _ := f.CreateTask(t, "once-ok", "Undo me"); return tok }, ""},
		{"already undone", "alice", func(t *testing.T) string {
			tok, _ := f.CreateTask(t, "once-twice", "Undo me twice")
			if _, err := f.Undo.Undo(ctx, "alice", tok); err != nil {
				t.Fatal(err)
			}
			return tok
		}, ""},
		{"expired", "alice", func(t *testing.T) string {
			tok, _ := f.CreateTask(t, "once-late", "Too late")
			f.Clock.Add(undo.DefaultWindow)
			return tok
		}, apperr.UndoExpired},
		{"changed since", "alice", func(t *testing.T) string {
			tok, id := f.CreateTask(t, "once-edited", "Edited")
			if _, err := f.Tasks.UpdateTask(ctx, "alice", id, tasks.Patch{Title: tasks.Nullable[string]{Set: true, Value: "Edited!"}}); err != nil {
				t.Fatal(err)
			}
			return tok
		}, apperr.Conflict},
		{"another user's token", "mallory", func(t *testing.T) string { tok, _ := f.CreateTask(t, "once-foreign", "Not yours"); return tok }, apperr.NotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			tok := c.setup(t)
			for _, n := range counters {
				n.Reset()
			}
			_, err := f.Undo.Undo(ctx, c.owner, tok)
			if got := codeOf(err); got != c.want {
				t.Errorf("undo: %v, want code %q", err, c.want)
			}
			for i, n := range counters {
				if n.Calls("") != 1 || n.Calls("TransactWriteItems") != 1 {
					t.Errorf("counter %d: %d calls (%d TransactWriteItems), want exactly 1 TransactWriteItems", i, n.Calls(""), n.Calls("TransactWriteItems"))
				}
			}
		})
	}
}

func codeOf(err error) apperr.Code {
	if err == nil {
		return ""
	}
	return apperr.CodeOf(err)
}
