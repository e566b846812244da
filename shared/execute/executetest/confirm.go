package executetest

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/appstore"
	"github.com/lucian-app/phase12/shared/execute"
	"github.com/lucian-app/phase12/shared/intent"
	"github.com/lucian-app/phase12/shared/tasks"
)

// RunConfirmationBinding checks that a confirmation confirms what the user
// was shown: the item (id, title, version) the 428 named. When the
// reference has come to mean another item, or the item changed, the token
// deletes nothing and a new 428 names the item as it is now.
func RunConfirmationBinding(t *testing.T, e *execute.Engine, store *appstore.Store) {
	ctx := context.Background()
	seed := func(t *testing.T, owner, id, title string) tasks.Task {
		t.Helper()
		task, err := tasks.BuildTask(tasks.NewTask{Title: title}, id, time.Date(2026, 11, 28, 8, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		if err := store.CreateTask(ctx, owner, task); err != nil {
			t.Fatal(err)
		}
		return task
	}
	del := func(ref, token string) execute.Request {
		return execute.Request{Intent: &intent.Intent{Type: intent.DeleteTask, TaskRef: ref}, ConfirmationToken: token}
	}

	t.Run("the reference now means another task: a new 428 names it, nothing is deleted", func(t *testing.T) {
		draft := seed(t, "bind-a", "t-draft", "weekly report draft")
		_, err := e.Execute(ctx, "bind-a", "del", del("report", ""))
		token, targets := asked(t, err)
		if want := []intent.Target{{Type: "task", ID: draft.ID, Title: draft.Title, Version: 1}}; !same(targets, want) {
			t.Fatalf("428 targets = %+v, want %+v", targets, want)
		}
		// A task titled exactly "report" now wins the reference.
		report := seed(t, "bind-a", "t-report", "report")
		_, err = e.Execute(ctx, "bind-a", "del", del("report", token))
		again, targets := asked(t, err)
		if want := []intent.Target{{Type: "task", ID: report.ID, Title: "report", Version: 1}}; !same(targets, want) {
			t.Errorf("second 428 targets = %+v, want the task the reference means now: %+v", targets, want)
		}
		if !strings.Contains(err.Error(), "you confirmed") {
			t.Errorf("second 428 says %q, want it to say what was confirmed and what the reference means now", err)
		}
		wantTasks(t, store, "bind-a", draft.ID, report.ID)

		// Confirming what was just shown deletes exactly that task.
		r, err := e.Execute(ctx, "bind-a", "del", del("report", again))
		if err != nil || r.Status != 200 || !strings.Contains(string(r.Body), `"id":"`+report.ID+`"`) {
			t.Fatalf("confirmed delete: %+v %v, want 200 deleting %s", r, err, report.ID)
		}
		wantTasks(t, store, "bind-a", draft.ID)
	})

	t.Run("the task changed since the 428: a new 428 with its version, nothing is deleted", func(t *testing.T) {
		dentist := seed(t, "bind-b", "t-dentist", "dentist")
		_, err := e.Execute(ctx, "bind-b", "del", del("dentist", ""))
		token, _ := asked(t, err)
		edited := dentist
		edited.Priority, edited.Version = 1, 2
		if err := store.ReplaceTask(ctx, "bind-b", dentist, edited); err != nil {
			t.Fatal(err)
		}
		_, err = e.Execute(ctx, "bind-b", "del", del("dentist", token))
		again, targets := asked(t, err)
		if want := []intent.Target{{Type: "task", ID: dentist.ID, Title: "dentist", Version: 2}}; !same(targets, want) {
			t.Errorf("428 after the edit: targets %+v, want %+v", targets, want)
		}
		wantTasks(t, store, "bind-b", dentist.ID)
		if r, err := e.Execute(ctx, "bind-b", "del", del("dentist", again)); err != nil || r.Status != 200 {
			t.Fatalf("confirmed delete of version 2: %+v %v", r, err)
		}
		wantTasks(t, store, "bind-b")
	})

	t.Run("a preview names the task the reference resolves to", func(t *testing.T) {
		chores := seed(t, "bind-c", "t-chores", "weekend chores")
		p, err := e.Preview(ctx, "bind-c", del("chores", ""))
		if want := []intent.Target{{Type: "task", ID: chores.ID, Title: chores.Title, Version: 1}}; err != nil || !same(p.Targets, want) {
			t.Errorf("preview targets = %+v (%v), want %+v", p.Targets, err, want)
		}
		p, err = e.Preview(ctx, "bind-c", del("nothing like it", ""))
		if err != nil || len(p.Targets) != 0 || len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], "no task matches") {
			t.Errorf("preview of an unresolved reference = %+v %v, want no targets and a warning", p, err)
		}
	})
}

// asked wants a 428 and returns its token and the targets it names.
func asked(t *testing.T, err error) (string, []intent.Target) {
	t.Helper()
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Code != apperr.ConfirmationRequired {
		t.Fatalf("err = %v, want confirmation_required", err)
	}
	// Read it as a client would: through JSON.
	b, _ := json.Marshal(ae.Extra["confirmation"])
	var c struct {
		Token   string          `json:"token"`
		Targets []intent.Target `json:"targets"`
	}
	if err := json.Unmarshal(b, &c); err != nil || c.Token == "" {
		t.Fatalf("428 confirmation %s (%v): want a token and targets", b, err)
	}
	return c.Token, c.Targets
}

func same(a, b []intent.Target) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// wantTasks checks owner has exactly the tasks ids.
func wantTasks(t *testing.T, store *appstore.Store, owner string, ids ...string) {
	t.Helper()
	list, err := store.ListTasks(context.Background(), owner, false)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, task := range list {
		got[task.ID] = true
	}
	if len(got) != len(ids) {
		t.Errorf("%s has tasks %v, want exactly %v", owner, got, ids)
		return
	}
	for _, id := range ids {
		if !got[id] {
			t.Errorf("%s has tasks %v, want exactly %v", owner, got, ids)
		}
	}
}
