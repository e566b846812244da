package tasks

import (
	"encoding/json"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/recur"
)

// Limits on user text, generous for a quick-add box but bounded so one
// item can never approach DynamoDB's 400 KB item limit.
const (
	MaxTitleRunes   = 500
	MaxProjectRunes = 100
	DefaultPriority = 4
	MaxLabels       = 20
	MaxLabelRunes   = 60
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
	// Labels are shown as [] when there are none (nil here).
	Labels []string `json:"labels"`
	// Recurrence is an RFC 5545 RRULE value (recur); the due is the next
	// occurrence, and completing the task moves it to the one after.
	Recurrence *string `json:"recurrence"`
	// GoalID is the user's goal the task serves; absent when none (left out
	// rather than null, so tasks without a goal read as they always did). The
	// next action scores a task up when its goal's target date is near.
	GoalID *string `json:"goal_id,omitempty"`
	// Postponed counts the times the task's due was moved later while it was
	// open (nextaction.Postponed), kept by the store in the write that moves
	// it; the next-action tie-breakers read it. Not part of the task's JSON.
	Postponed int `json:"-"`
}

// MarshalJSON writes labels as a list even when there are none, so
// clients never meet null where DESIGN §7 promises a list.
func (t Task) MarshalJSON() ([]byte, error) {
	type plain Task
	p := plain(t)
	if p.Labels == nil {
		p.Labels = []string{}
	}
	return json.Marshal(p)
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
	Title      string   `json:"title"`
	Due        *string  `json:"due"`
	Priority   *int     `json:"priority"`
	Project    *string  `json:"project"`
	Labels     []string `json:"labels"`
	Recurrence *string  `json:"recurrence"`
	// GoalID, optional, must be one of the user's goals (Service checks).
	GoalID *string `json:"goal_id"`
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
	labels, err := CleanLabels(in.Labels)
	if err != nil {
		return Task{}, err
	}
	t.Labels = labels
	if in.GoalID != nil {
		id, err := CleanGoalID(*in.GoalID)
		if err != nil {
			return Task{}, err
		}
		t.GoalID = &id
	}
	if in.Recurrence != nil && strings.TrimSpace(*in.Recurrence) != "" {
		r, err := recur.Parse(*in.Recurrence)
		if err != nil {
			return Task{}, apperr.Field("recurrence", "%s", err.Error())
		}
		if t.Due == nil {
			return Task{}, apperr.Field("due", "required with recurrence: the due is the first occurrence")
		}
		rule := r.String()
		t.Recurrence = &rule
	}
	return t, nil
}

// CleanLabels returns labels as a task keeps them: each trimmed and
// without its leading '@', once (ignoring case; the first spelling
// stays), sorted; nil for none. A label is one word of at most
// MaxLabelRunes, and a task has at most MaxLabels. The intent package
// mirrors these rules so an intent that validates is never refused here.
func CleanLabels(labels []string) ([]string, error) {
	if len(labels) == 0 {
		return nil, nil
	}
	out := make([]string, 0, len(labels))
	seen := make(map[string]bool, len(labels))
	for _, l := range labels {
		l = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(l), "@"))
		switch {
		case l == "":
			return nil, apperr.Field("labels", "a label cannot be empty")
		case !utf8.ValidString(l):
			return nil, apperr.Field("labels", "must be valid UTF-8")
		case utf8.RuneCountInString(l) > MaxLabelRunes:
			return nil, apperr.Field("labels", "%q is over %d characters", l, MaxLabelRunes)
		case strings.ContainsFunc(l, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }):
			return nil, apperr.Field("labels", "%q: a label is one word, without spaces or control characters", l)
		}
		if k := strings.ToLower(l); !seen[k] {
			seen[k] = true
			out = append(out, l)
		}
	}
	if len(out) > MaxLabels {
		return nil, apperr.Field("labels", "at most %d labels, not %d", MaxLabels, len(out))
	}
	slices.SortFunc(out, func(a, b string) int {
		if c := strings.Compare(strings.ToLower(a), strings.ToLower(b)); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	return out, nil
}

// MaxGoalIDRunes bounds a goal id a client sends (ids are 26-character ULIDs).
const MaxGoalIDRunes = 128

// CleanGoalID validates a goal id's shape (that the goal exists and is the user's is
// the service's check): trimmed, 1 to MaxGoalIDRunes printable characters, no spaces.
func CleanGoalID(id string) (string, error) {
	id = strings.TrimSpace(id)
	switch {
	case id == "":
		return "", apperr.Field("goal_id", "cannot be empty: send null for no goal")
	case !utf8.ValidString(id) || utf8.RuneCountInString(id) > MaxGoalIDRunes:
		return "", apperr.Field("goal_id", "must be a goal's id, at most %d characters", MaxGoalIDRunes)
	case strings.ContainsFunc(id, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsPrint(r) }):
		return "", apperr.Field("goal_id", "%q is not a goal id: no spaces or control characters", id)
	}
	return id, nil
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

// NextOccurrence is where completing t moves it when t repeats: the
// series' occurrence on the first day after today and after its due, in
// loc (nil: the due's own offset). ok is false for a task that does not
// repeat, has no due, or whose series has ended (it then closes).
func NextOccurrence(t Task, loc *time.Location, now time.Time) (string, bool) {
	if t.Recurrence == nil || t.Due == nil {
		return "", false
	}
	r, err := recur.Parse(*t.Recurrence)
	if err != nil {
		return "", false // a rule that no longer parses closes as a plain task
	}
	next, ok, err := r.NextDue(*t.Due, loc, now)
	return next, ok && err == nil
}
