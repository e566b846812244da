package execute

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/intent"
	"github.com/lucian-app/phase12/shared/tasks"
)

// plan is what an intent will do, decided before the transaction.
type plan struct {
	kind    string // "task" or "goal"
	effect  Effect
	result  any
	created *Created
	summary string
	// targets are the existing items the intent acts on, as resolved: a
	// preview shows them, a confirmation is bound to them.
	targets []intent.Target
}

func (e *Engine) plan(ctx context.Context, owner string, in intent.Intent, now time.Time) (plan, error) {
	now = now.UTC()
	switch in.Type {
	case intent.CreateTask:
		nt := tasks.NewTask{Title: in.Title, Priority: &in.Priority}
		if in.Due != "" {
			nt.Due = &in.Due
		}
		if in.Project != "" {
			nt.Project = &in.Project
		}
		if in.Priority == 0 {
			nt.Priority = nil
		}
		t, err := tasks.BuildTask(nt, e.NewID(), now)
		if err != nil {
			return plan{}, err
		}
		eff := Effect{CreateTask: &t}
		return plan{kind: "task", effect: eff, result: map[string]any{"task": t},
			created: &Created{Kind: "task", ID: t.ID, Version: t.Version, Ref: e.Store.UndoRef(eff)}}, nil
	case intent.CreateGoal:
		ng := tasks.NewGoal{Title: in.Title}
		if in.TargetDate != "" {
			ng.TargetDate = &in.TargetDate
		}
		g, err := tasks.BuildGoal(ng, e.NewID(), now)
		if err != nil {
			return plan{}, err
		}
		return plan{kind: "goal", effect: Effect{CreateGoal: &g}, result: map[string]any{"goal": g},
			created: &Created{Kind: "goal", ID: g.ID, Version: g.Version}}, nil
	case intent.CompleteTask, intent.RescheduleTask:
		t, err := e.resolveTask(ctx, owner, in.TaskRef)
		if err != nil {
			return plan{}, err
		}
		var p tasks.Patch
		if in.Type == intent.CompleteTask {
			p.Completed = tasks.Nullable[bool]{Set: true, Value: true}
		} else {
			p.Due = tasks.Nullable[string]{Set: true, Value: in.Due}
		}
		next, err := p.Apply(t, now)
		if err != nil {
			return plan{}, err
		}
		return plan{kind: "task", effect: Effect{ReplaceTask: &next, Prev: &t},
			result: map[string]any{"task": next}, targets: []intent.Target{taskTarget(t)}}, nil
	case intent.DeleteTask:
		t, err := e.resolveTask(ctx, owner, in.TaskRef)
		if err != nil {
			return plan{}, err
		}
		return plan{kind: "task", effect: Effect{DeleteTask: &t},
			result:  map[string]any{"deleted": map[string]string{"type": "task", "id": t.ID}},
			summary: fmt.Sprintf("Delete task %q (%s)", t.Title, t.ID), targets: []intent.Target{taskTarget(t)}}, nil
	case intent.DeleteGoal:
		g, err := e.resolveGoal(ctx, owner, in.GoalRef)
		if err != nil {
			return plan{}, err
		}
		return plan{kind: "goal", effect: Effect{DeleteGoal: &g},
			result:  map[string]any{"deleted": map[string]string{"type": "goal", "id": g.ID}},
			summary: fmt.Sprintf("Delete goal %q (%s)", g.Title, g.ID),
			targets: []intent.Target{{Type: "goal", ID: g.ID, Title: g.Title, Version: g.Version}}}, nil
	}
	return plan{}, apperr.Field("intent.type", "unknown intent type %q", in.Type)
}

func taskTarget(t tasks.Task) intent.Target {
	return intent.Target{Type: "task", ID: t.ID, Title: t.Title, Version: t.Version}
}

// candidate is one item a reference could mean, as a 409 lists them.
type candidate struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// resolveTask finds the one task ref means: an id (any task), else the
// title of an open task that equals the phrase, else one that contains it
// (case-insensitive). Titles are matched among open tasks only, so the
// read is bounded by the open-task quota, whatever the user's history.
func (e *Engine) resolveTask(ctx context.Context, owner, ref string) (tasks.Task, error) {
	if t, err := e.Store.GetTask(ctx, owner, ref); err == nil {
		return t, nil
	} else if !apperr.Is(err, apperr.NotFound) {
		return tasks.Task{}, err
	}
	all, err := e.Store.OpenTasks(ctx, owner)
	if err != nil {
		return tasks.Task{}, err
	}
	i, err := pick("task", ref, len(all), func(i int) (string, string) { return all[i].ID, all[i].Title })
	if err != nil {
		return tasks.Task{}, err
	}
	return all[i], nil
}

func (e *Engine) resolveGoal(ctx context.Context, owner, ref string) (tasks.Goal, error) {
	all, err := e.Store.ListGoals(ctx, owner)
	if err != nil {
		return tasks.Goal{}, err
	}
	for _, g := range all {
		if g.ID == ref {
			return g, nil
		}
	}
	i, err := pick("goal", ref, len(all), func(i int) (string, string) { return all[i].ID, all[i].Title })
	if err != nil {
		return tasks.Goal{}, err
	}
	return all[i], nil
}

func pick(kind, ref string, n int, item func(int) (id, title string)) (int, error) {
	phrase := strings.ToLower(strings.Join(strings.Fields(ref), " "))
	var exact, partial []int
	for i := range n {
		_, title := item(i)
		t := strings.ToLower(strings.Join(strings.Fields(title), " "))
		switch {
		case t == phrase:
			exact = append(exact, i)
		case strings.Contains(t, phrase):
			partial = append(partial, i)
		}
	}
	matches := exact
	if len(matches) == 0 {
		matches = partial
	}
	switch len(matches) {
	case 0:
		return 0, apperr.New(apperr.NotFound, "no %s matches %q", kind, ref)
	case 1:
		return matches[0], nil
	}
	shown := matches[:min(len(matches), MaxCandidates)]
	cands := make([]candidate, 0, len(shown))
	for _, i := range shown {
		id, title := item(i)
		cands = append(cands, candidate{ID: id, Title: title})
	}
	return 0, &apperr.Error{Code: apperr.Conflict,
		Message: fmt.Sprintf("%d %ss match %q: name one by id", len(matches), kind, ref),
		Extra:   map[string]any{"candidates": cands, "more_candidates": len(matches) - len(shown)}}
}
