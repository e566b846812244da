package tasks

import (
	"context"
	"time"

	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/degrade"
	"github.com/lucian-app/phase12/shared/ids"
)

// Repository keeps tasks and goals, every one keyed by its owner: a call
// for one owner can never see or change another's items. Misses are
// apperr.NotFound; a lost optimistic-concurrency race is apperr.Conflict.
type Repository interface {
	CreateTask(ctx context.Context, owner string, t Task) error
	GetTask(ctx context.Context, owner, id string) (Task, error)
	// ReplaceTask writes next if the stored task is still prev (its version).
	ReplaceTask(ctx context.Context, owner string, prev, next Task) error
	// EditTask is ReplaceTask for an edit whose meaning act tells: the store
	// keeps the next-action statistics in the same write.
	EditTask(ctx context.Context, owner string, prev, next Task, act Activity) error
	// TodayTasks returns one page of the today view of w, reading only the
	// tasks it returns and at most one page more, and the cursor of the
	// next page ("" after the last).
	TodayTasks(ctx context.Context, owner string, w TodayWindow, p Page) ([]Task, string, error)
	CreateGoal(ctx context.Context, owner string, g Goal) error
	// Goals returns one page of the owner's goals, oldest first.
	Goals(ctx context.Context, owner string, p Page) ([]Goal, string, error)
	// GetGoal returns the owner's goal id; another owner's, or none, is NotFound.
	GetGoal(ctx context.Context, owner, id string) (Goal, error)
}

// checkGoal answers 404 naming goal_id when id is not one of owner's goals (another
// user's goal does not exist for them). A goal deleted after this check leaves the task
// pointing at nothing, which reads as no goal.
func (s *Service) checkGoal(ctx context.Context, owner string, id *string) error {
	if id == nil {
		return nil
	}
	_, err := s.Repo.GetGoal(ctx, owner, *id)
	if apperr.Is(err, apperr.NotFound) {
		return apperr.New(apperr.NotFound, "goal_id: you have no goal %q", *id)
	}
	return err
}

// Service applies the rules of this package to a Repository.
type Service struct {
	Repo  Repository
	Now   func() time.Time
	NewID ids.Generator
	// LastGood, when set, keeps each today_load answer, so that while AppTable is
	// unavailable (a 503 dependency_unavailable: out of budget, breaker open) the same
	// request is answered from it, degraded, if it is at most degrade.MaxStale old.
	LastGood *degrade.LastGood
}

// CreateTask validates in and stores the new task.
func (s *Service) CreateTask(ctx context.Context, owner string, in NewTask) (Task, error) {
	t, err := BuildTask(in, s.NewID(), s.Now().UTC())
	if err != nil {
		return Task{}, err
	}
	if err := s.checkGoal(ctx, owner, t.GoalID); err != nil {
		return Task{}, err
	}
	return t, s.Repo.CreateTask(ctx, owner, t)
}

// Activity is what an edit means beyond the task's fields, for the
// next-action statistics the store updates in the same write.
type Activity struct {
	// Completes: the edit completes the task, also when a repeating task
	// moves to its next occurrence instead of closing.
	Completes bool
	// Zone is the user's zone; nil when the request named none.
	Zone *time.Location
}

// UpdateTask applies p to the owner's task id.
func (s *Service) UpdateTask(ctx context.Context, owner, id string, p Patch) (Task, error) {
	var act Activity
	if p.Timezone != nil {
		loc, err := LoadLocation(*p.Timezone)
		if err != nil {
			return Task{}, err
		}
		act.Zone = loc
	}
	cur, err := s.Repo.GetTask(ctx, owner, id)
	if err != nil {
		return Task{}, err
	}
	if p.Completed.Set && p.Completed.Value && !cur.Completed {
		act.Completes = true
		// Completing a repeating task moves it to its next occurrence (in
		// the due's own offset: PATCH carries no zone), as execute does.
		if due, ok := NextOccurrence(cur, nil, s.Now()); ok {
			p.Completed, p.Due = Nullable[bool]{}, Nullable[string]{Set: true, Value: due}
		}
	}
	next, err := p.Apply(cur, s.Now().UTC())
	if err != nil {
		return Task{}, err
	}
	if p.GoalID.Set && !p.GoalID.Null {
		if err := s.checkGoal(ctx, owner, next.GoalID); err != nil {
			return Task{}, err
		}
	}
	return next, s.Repo.EditTask(ctx, owner, cur, next, act)
}

// TodayLoad returns one page of the owner's today view in loc and the
// cursor of the next ("" after the last).
func (s *Service) TodayLoad(ctx context.Context, owner string, loc *time.Location, p Page) ([]Task, string, error) {
	return s.Repo.TodayTasks(ctx, owner, TodayWindowAt(loc, s.Now()), p)
}

// CreateGoal validates in and stores the new goal.
func (s *Service) CreateGoal(ctx context.Context, owner string, in NewGoal) (Goal, error) {
	g, err := BuildGoal(in, s.NewID(), s.Now().UTC())
	if err != nil {
		return Goal{}, err
	}
	return g, s.Repo.CreateGoal(ctx, owner, g)
}

// ListGoals returns one page of the owner's goals, oldest first, and the
// cursor of the next.
func (s *Service) ListGoals(ctx context.Context, owner string, p Page) ([]Goal, string, error) {
	return s.Repo.Goals(ctx, owner, p)
}
