package tasks

import (
	"context"
	"time"

	"github.com/lucian-app/phase12/shared/ids"
)

// Repository keeps tasks and goals, every one keyed by its owner: a call
// for one owner can never see or change another's items. Misses are
// apperr.NotFound; a lost optimistic-concurrency race is apperr.Conflict.
type Repository interface {
	CreateTask(ctx context.Context, owner string, t Task) error
	GetTask(ctx context.Context, owner, id string) (Task, error)
	// ReplaceTask writes t if the stored task is still at prevVersion.
	ReplaceTask(ctx context.Context, owner string, t Task, prevVersion int) error
	// ListTasks returns the owner's tasks; openOnly leaves out completed ones.
	ListTasks(ctx context.Context, owner string, openOnly bool) ([]Task, error)
	CreateGoal(ctx context.Context, owner string, g Goal) error
	ListGoals(ctx context.Context, owner string) ([]Goal, error)
}

// Service applies the rules of this package to a Repository.
type Service struct {
	Repo  Repository
	Now   func() time.Time
	NewID ids.Generator
}

// CreateTask validates in and stores the new task.
func (s *Service) CreateTask(ctx context.Context, owner string, in NewTask) (Task, error) {
	t, err := BuildTask(in, s.NewID(), s.Now().UTC())
	if err != nil {
		return Task{}, err
	}
	return t, s.Repo.CreateTask(ctx, owner, t)
}

// UpdateTask applies p to the owner's task id.
func (s *Service) UpdateTask(ctx context.Context, owner, id string, p Patch) (Task, error) {
	cur, err := s.Repo.GetTask(ctx, owner, id)
	if err != nil {
		return Task{}, err
	}
	next, err := p.Apply(cur, s.Now().UTC())
	if err != nil {
		return Task{}, err
	}
	return next, s.Repo.ReplaceTask(ctx, owner, next, cur.Version)
}

// TodayLoad returns the owner's today view in loc.
func (s *Service) TodayLoad(ctx context.Context, owner string, loc *time.Location) ([]Task, error) {
	open, err := s.Repo.ListTasks(ctx, owner, true)
	if err != nil {
		return nil, err
	}
	return Today(open, loc, s.Now()), nil
}

// CreateGoal validates in and stores the new goal.
func (s *Service) CreateGoal(ctx context.Context, owner string, in NewGoal) (Goal, error) {
	g, err := BuildGoal(in, s.NewID(), s.Now().UTC())
	if err != nil {
		return Goal{}, err
	}
	return g, s.Repo.CreateGoal(ctx, owner, g)
}

// ListGoals returns the owner's goals, oldest first.
func (s *Service) ListGoals(ctx context.Context, owner string) ([]Goal, error) {
	return s.Repo.ListGoals(ctx, owner)
}
