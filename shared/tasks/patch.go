package tasks

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/lucian-app/phase12/shared/apperr"
)

// Nullable tells an absent field from an explicit null, which PATCH needs:
// "due": null clears the due date, no "due" leaves it alone.
type Nullable[T any] struct {
	Set   bool
	Null  bool
	Value T
}

// UnmarshalJSON implements json.Unmarshaler.
func (n *Nullable[T]) UnmarshalJSON(b []byte) error {
	n.Set = true
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		n.Null = true
		return nil
	}
	return json.Unmarshal(b, &n.Value)
}

// Patch is what a client sends to edit a task. Version, when sent, must be
// the task's current version (optimistic concurrency); every edit bumps it.
type Patch struct {
	Title     Nullable[string] `json:"title"`
	Due       Nullable[string] `json:"due"`
	Priority  Nullable[int]    `json:"priority"`
	Completed Nullable[bool]   `json:"completed"`
	Version   Nullable[int]    `json:"version"`
	// GoalID links the task to one of the user's goals; null unlinks it.
	GoalID Nullable[string] `json:"goal_id"`
	// Timezone, optional, is the user's zone: it places a completion in the
	// hour of the user's week for the next-action statistics. It changes
	// nothing on the task.
	Timezone *string `json:"timezone"`
}

// Apply returns t edited by p, with its version bumped, or an error naming
// the field that cannot be applied.
func (p Patch) Apply(t Task, now time.Time) (Task, error) {
	if !p.Title.Set && !p.Due.Set && !p.Priority.Set && !p.Completed.Set && !p.GoalID.Set {
		return Task{}, apperr.New(apperr.InvalidRequest, "body: nothing to change: send title, due, priority, completed or goal_id")
	}
	if p.Version.Set && (p.Version.Null || p.Version.Value != t.Version) {
		return Task{}, &apperr.Error{Code: apperr.Conflict,
			Message: "version: the task changed since you read it", Extra: map[string]any{"task": t}}
	}
	if p.Title.Set {
		if p.Title.Null {
			return Task{}, apperr.Field("title", "cannot be null")
		}
		title, err := cleanTitle(p.Title.Value)
		if err != nil {
			return Task{}, err
		}
		t.Title = title
	}
	if p.GoalID.Set {
		if p.GoalID.Null {
			t.GoalID = nil
		} else {
			id, err := CleanGoalID(p.GoalID.Value)
			if err != nil {
				return Task{}, err
			}
			t.GoalID = &id
		}
	}
	if p.Due.Set {
		if p.Due.Null {
			t.Due = nil
		} else {
			due, err := CleanDue(p.Due.Value)
			if err != nil {
				return Task{}, err
			}
			t.Due = &due
		}
	}
	if p.Priority.Set {
		if p.Priority.Null {
			t.Priority = DefaultPriority
		} else if err := checkPriority(p.Priority.Value); err != nil {
			return Task{}, err
		} else {
			t.Priority = p.Priority.Value
		}
	}
	if p.Completed.Set {
		if p.Completed.Null {
			return Task{}, apperr.Field("completed", "cannot be null")
		}
		t.Completed = p.Completed.Value
	}
	t.UpdatedAt = now
	t.Version++
	return t, nil
}
