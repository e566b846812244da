package intent

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The intent types of the Command OS (DESIGN.md section 4).
const (
	CreateTask     = "create_task"
	CreateGoal     = "create_goal"
	CompleteTask   = "complete_task"
	RescheduleTask = "reschedule_task"
	DeleteTask     = "delete_task"
	DeleteGoal     = "delete_goal"
)

// Limits mirror the tasks API so an intent that validates here is never
// refused later by the write it turns into.
const (
	MaxTextRunes    = 500
	MaxProjectRunes = 100
	DefaultPriority = 4
)

// dueLayout always writes a numeric offset, so "Z" and "+00:00" fingerprint alike.
const dueLayout = "2006-01-02T15:04:05.999999999-07:00"

// Intent is one thing the user asked for. Which fields matter depends on Type.
type Intent struct {
	Type       string `json:"type"`
	Title      string `json:"title,omitempty"`
	Due        string `json:"due,omitempty"`
	Priority   int    `json:"priority,omitempty"`
	Project    string `json:"project,omitempty"`
	TargetDate string `json:"target_date,omitempty"`
	TaskRef    string `json:"task_ref,omitempty"`
	GoalRef    string `json:"goal_ref,omitempty"`
}

// FieldError says which field of an intent is wrong, so the API can name it.
type FieldError struct {
	Field   string
	Message string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

func fieldErr(field, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// Normalize returns the canonical form of i: trimmed, lower-case type,
// single spaces inside titles and references, project without '#', the
// default priority made explicit, and only the fields its type uses.
func (i Intent) Normalize() Intent {
	n := Intent{
		Type:       strings.ToLower(strings.TrimSpace(i.Type)),
		Title:      collapse(i.Title),
		Due:        normalizeDue(i.Due),
		Priority:   i.Priority,
		Project:    strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(i.Project), "#")),
		TargetDate: strings.TrimSpace(i.TargetDate),
		TaskRef:    collapse(i.TaskRef),
		GoalRef:    collapse(i.GoalRef),
	}
	switch n.Type {
	case CreateTask:
		if n.Priority == 0 {
			n.Priority = DefaultPriority
		}
		return Intent{Type: n.Type, Title: n.Title, Due: n.Due, Priority: n.Priority, Project: n.Project}
	case CreateGoal:
		return Intent{Type: n.Type, Title: n.Title, TargetDate: n.TargetDate}
	case CompleteTask, DeleteTask:
		return Intent{Type: n.Type, TaskRef: n.TaskRef}
	case RescheduleTask:
		return Intent{Type: n.Type, TaskRef: n.TaskRef, Due: n.Due}
	case DeleteGoal:
		return Intent{Type: n.Type, GoalRef: n.GoalRef}
	}
	// An unknown type keeps everything: Validate rejects it anyway, and
	// dropping fields would only hide what the client sent.
	return n
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// normalizeDue rewrites an RFC 3339 time in one spelling; the offset is kept
// because it is part of what the user sees ("09:00 in Berlin").
func normalizeDue(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > len(time.DateOnly) {
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return t.Format(dueLayout)
		}
	}
	return s
}

// Validate reports the first problem with the normalized intent as a
// *FieldError, or nil.
func (i Intent) Validate() error {
	n := i.Normalize()
	switch n.Type {
	case "":
		return fieldErr("type", "required")
	case CreateTask, CreateGoal, CompleteTask, RescheduleTask, DeleteTask, DeleteGoal:
	default:
		return fieldErr("type", "unknown type %q (want one of %s)", n.Type,
			strings.Join([]string{CreateTask, CreateGoal, CompleteTask, RescheduleTask, DeleteTask, DeleteGoal}, ", "))
	}
	switch n.Type {
	case CreateTask:
		if err := checkText("title", n.Title, MaxTextRunes, true); err != nil {
			return err
		}
		if n.Due != "" && !validDue(n.Due) {
			return fieldErr("due", "must be YYYY-MM-DD or RFC 3339 with offset, not %q", n.Due)
		}
		if n.Priority < 1 || n.Priority > 4 {
			return fieldErr("priority", "must be 1 (highest) to 4, not %d", n.Priority)
		}
		return checkText("project", n.Project, MaxProjectRunes, false)
	case CreateGoal:
		if err := checkText("title", n.Title, MaxTextRunes, true); err != nil {
			return err
		}
		if n.TargetDate != "" && !validDate(n.TargetDate) {
			return fieldErr("target_date", "must be YYYY-MM-DD, not %q", n.TargetDate)
		}
	case CompleteTask, DeleteTask:
		return checkText("task_ref", n.TaskRef, MaxTextRunes, true)
	case RescheduleTask:
		if n.Due == "" {
			return fieldErr("due", "required for %s", RescheduleTask)
		}
		if !validDue(n.Due) {
			return fieldErr("due", "must be YYYY-MM-DD or RFC 3339 with offset, not %q", n.Due)
		}
		return checkText("task_ref", n.TaskRef, MaxTextRunes, true)
	case DeleteGoal:
		return checkText("goal_ref", n.GoalRef, MaxTextRunes, true)
	}
	return nil
}

func checkText(field, s string, max int, required bool) error {
	if s == "" {
		if required {
			return fieldErr(field, "required")
		}
		return nil
	}
	if !utf8.ValidString(s) {
		return fieldErr(field, "must be valid UTF-8")
	}
	if n := utf8.RuneCountInString(s); n > max {
		return fieldErr(field, "over %d characters", max)
	}
	if strings.ContainsFunc(s, unicode.IsControl) {
		return fieldErr(field, "must not contain control characters")
	}
	return nil
}

func validDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

func validDue(s string) bool {
	if validDate(s) {
		return true
	}
	_, err := time.Parse(time.RFC3339, s)
	return err == nil
}

// Fingerprint identifies what the intent means: the hex SHA-256 of the JSON
// of its normalized form. Struct field order makes that JSON canonical.
func (i Intent) Fingerprint() string {
	b, err := json.Marshal(i.Normalize())
	if err != nil {
		// Marshalling a struct of strings and an int cannot fail; hash the
		// fallback anyway so the result stays a stable hex digest.
		b = []byte(fmt.Sprintf("%#v", i.Normalize()))
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func (i Intent) typ() string { return strings.ToLower(strings.TrimSpace(i.Type)) }

// Risky reports whether the intent destroys something and so needs an
// explicit confirmation before it runs.
func (i Intent) Risky() bool {
	t := i.typ()
	return t == DeleteTask || t == DeleteGoal
}

// Creates reports whether executing the intent makes a new item.
func (i Intent) Creates() bool {
	t := i.typ()
	return t == CreateTask || t == CreateGoal
}

// Undoable reports whether the intent can be undone by the undo window:
// only creations, because deleting what was just made restores the world
// exactly, which is not true of edits or deletes.
func (i Intent) Undoable() bool { return i.Creates() }

// Summary describes the normalized intent in plain words for a preview.
func (i Intent) Summary() string {
	n := i.Normalize()
	var b strings.Builder
	switch n.Type {
	case CreateTask:
		fmt.Fprintf(&b, "Create task %q", n.Title)
		if n.Due != "" {
			b.WriteString(" due " + describeDue(n.Due))
		}
		if n.Priority != DefaultPriority {
			fmt.Fprintf(&b, ", priority %d", n.Priority)
		}
		if n.Project != "" {
			b.WriteString(", in #" + n.Project)
		}
	case CreateGoal:
		fmt.Fprintf(&b, "Create goal %q", n.Title)
		if n.TargetDate != "" {
			b.WriteString(" by " + describeDate(n.TargetDate, "2 Jan 2006"))
		}
	case CompleteTask:
		fmt.Fprintf(&b, "Complete task matching %q", n.TaskRef)
	case RescheduleTask:
		fmt.Fprintf(&b, "Reschedule task matching %q to %s", n.TaskRef, describeDue(n.Due))
	case DeleteTask:
		fmt.Fprintf(&b, "Delete task matching %q", n.TaskRef)
	case DeleteGoal:
		fmt.Fprintf(&b, "Delete goal matching %q", n.GoalRef)
	default:
		fmt.Fprintf(&b, "Unknown intent %q", n.Type)
	}
	return b.String()
}

// describeDue shows a due time in its own offset, never the server's zone,
// so the words match what the user typed wherever the preview is computed.
func describeDue(s string) string {
	if len(s) > len(time.DateOnly) {
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return t.Format("Mon 2 Jan 2006 15:04 (-07:00)")
		}
		return s
	}
	return describeDate(s, "Mon 2 Jan 2006")
}

func describeDate(s, layout string) string {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t.Format(layout)
	}
	return s
}

// Target is an existing item an intent acts on, as it was when the
// intent's reference was resolved: what a preview shows and what a
// confirmation confirms.
type Target struct {
	Type    string `json:"type"` // "task" or "goal"
	ID      string `json:"id"`
	Title   string `json:"title"`
	Version int    `json:"version"`
}

// TargetsKey is the identity of a list of targets, versions included: a
// confirmation holds only for the very items it was given for.
func TargetsKey(ts []Target) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = fmt.Sprintf("%s:%s:%d", t.Type, t.ID, t.Version)
	}
	return strings.Join(parts, "|")
}

// Preview is what the user is shown before anything runs.
type Preview struct {
	Intent               Intent   `json:"intent"`
	Summary              string   `json:"summary"`
	Risk                 string   `json:"risk"`
	RequiresConfirmation bool     `json:"requires_confirmation"`
	Undoable             bool     `json:"undoable"`
	Warnings             []string `json:"warnings"`
	// Targets are the existing items the intent would act on, resolved
	// now (empty for a creation).
	Targets []Target `json:"targets"`
}

// Risk levels shown in a preview.
const (
	RiskSafe  = "safe"
	RiskRisky = "risky"
)

// NewPreview builds the preview of i acting on targets. undoEnabled
// reflects configuration: promising an undo that the server will refuse
// would be worse than none.
func NewPreview(i Intent, targets []Target, warnings []string, undoEnabled bool) Preview {
	n := i.Normalize()
	p := Preview{
		Intent:               n,
		Summary:              n.Summary(),
		Risk:                 RiskSafe,
		RequiresConfirmation: n.Risky(),
		Undoable:             undoEnabled && n.Undoable(),
		Warnings:             append([]string{}, warnings...),
		Targets:              append([]Target{}, targets...),
	}
	if n.Risky() {
		p.Risk = RiskRisky
	}
	return p
}
