package tasks

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lucian-app/phase12/shared/apperr"
)

// Limits on user text, generous for a quick-add box but bounded so one
// item can never approach DynamoDB's 400 KB item limit.
const (
	MaxTitleRunes   = 500
	MaxProjectRunes = 100
	DefaultPriority = 4
)

// Task is a user's task, as the API shows it.
type Task struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	Due       *string   `json:"due"`
	Priority  int       `json:"priority"`
	Project   *string   `json:"project"`
	Completed bool      `json:"completed"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Version   int       `json:"version"`
}

// Goal is a user's goal.
type Goal struct {
	ID         string    `json:"id"`
	Title      string    `json:"title"`
	TargetDate *string   `json:"target_date"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	Version    int       `json:"version"`
}

// NewTask is what a client sends to create a task.
type NewTask struct {
	Title    string  `json:"title"`
	Due      *string `json:"due"`
	Priority *int    `json:"priority"`
	Project  *string `json:"project"`
}

// NewGoal is what a client sends to create a goal.
type NewGoal struct {
	Title      string  `json:"title"`
	TargetDate *string `json:"target_date"`
}

// BuildTask validates in and returns the task it creates, at version 1.
func BuildTask(in NewTask, id string, now time.Time) (Task, error) {
	title, err := cleanTitle(in.Title)
	if err != nil {
		return Task{}, err
	}
	t := Task{ID: id, Title: title, Priority: DefaultPriority, CreatedAt: now, UpdatedAt: now, Version: 1}
	if in.Due != nil {
		due, err := CleanDue(*in.Due)
		if err != nil {
			return Task{}, err
		}
		t.Due = &due
	}
	if in.Priority != nil {
		if err := checkPriority(*in.Priority); err != nil {
			return Task{}, err
		}
		t.Priority = *in.Priority
	}
	if in.Project != nil {
		p := strings.TrimPrefix(strings.TrimSpace(*in.Project), "#")
		if utf8.RuneCountInString(p) > MaxProjectRunes {
			return Task{}, apperr.Field("project", "longer than %d characters", MaxProjectRunes)
		}
		if p != "" {
			t.Project = &p
		}
	}
	return t, nil
}

// BuildGoal validates in and returns the goal it creates, at version 1.
func BuildGoal(in NewGoal, id string, now time.Time) (Goal, error) {
	title, err := cleanTitle(in.Title)
	if err != nil {
		return Goal{}, err
	}
	g := Goal{ID: id, Title: title, CreatedAt: now, UpdatedAt: now, Version: 1}
	if in.TargetDate != nil {
		d := strings.TrimSpace(*in.TargetDate)
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			return Goal{}, apperr.Field("target_date", "must be a date YYYY-MM-DD, not %q", d)
		}
		g.TargetDate = &d
	}
	return g, nil
}

func cleanTitle(s string) (string, error) {
	title := strings.TrimSpace(s)
	if title == "" {
		return "", apperr.Field("title", "required")
	}
	if utf8.RuneCountInString(title) > MaxTitleRunes {
		return "", apperr.Field("title", "longer than %d characters", MaxTitleRunes)
	}
	return title, nil
}

func checkPriority(p int) error {
	if p < 1 || p > 4 {
		return apperr.Field("priority", "must be 1 (highest) to 4, not %d", p)
	}
	return nil
}

// CleanDue accepts a due date "YYYY-MM-DD" or a due time in RFC 3339 with
// an offset, and returns it trimmed.
func CleanDue(s string) (string, error) {
	s = strings.TrimSpace(s)
	if _, err := time.Parse(time.DateOnly, s); err == nil {
		return s, nil
	}
	if _, err := time.Parse(time.RFC3339, s); err == nil {
		return s, nil
	}
	return "", apperr.Field("due", "must be a date YYYY-MM-DD or a time in RFC 3339 with offset, not %q", s)
}
