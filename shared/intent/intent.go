package intent

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/lucian-app/phase12/shared/recur"
)

// The intent types of the Command OS (DESIGN.md section 4).
const (
	CreateTask     = "create_task"
	CreateGoal     = "create_goal"
	CompleteTask   = "complete_task"
	RescheduleTask = "reschedule_task"
	DeleteTask     = "delete_task"
	DeleteGoal     = "delete_goal"
	// Added in the second round (DESIGN §7).
	RenameTask  = "rename_task"
	SetPriority = "set_priority"
	MoveTask    = "move_task"
	QueryTasks  = "query_tasks"
)

// Types lists every intent type, in the order error messages name them.
var Types = []string{CreateTask, CreateGoal, CompleteTask, RescheduleTask, DeleteTask, DeleteGoal,
	RenameTask, SetPriority, MoveTask, QueryTasks}

// The ranges a query_tasks intent asks about, in the user's zone: due
// today, due tomorrow, overdue (due before now), or due from today to the
// end of Sunday.
const (
	RangeToday    = "today"
	RangeTomorrow = "tomorrow"
	RangeOverdue  = "overdue"
	RangeWeek     = "week"
)

// Ranges lists the query ranges.
var Ranges = []string{RangeToday, RangeTomorrow, RangeOverdue, RangeWeek}

// Limits mirror the tasks API so an intent that validates here is never
// refused later by the write it turns into.
const (
	MaxTextRunes    = 500
	MaxProjectRunes = 100
	DefaultPriority = 4
	MaxLabels       = 20
	MaxLabelRunes   = 60
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
	// The fields below came later; they are last and omitted when empty,
	// so the JSON (and the fingerprint) of an older intent is unchanged.
	Labels []string `json:"labels,omitempty"`
	// Recurrence is an RFC 5545 RRULE value; the due is its first occurrence.
	Recurrence string `json:"recurrence,omitempty"`
	// Range is what a query_tasks intent asks about (Ranges).
	Range string `json:"range,omitempty"`
	// Shift moves a reschedule_task's due by an ISO 8601 duration of one
	// unit ("P2D", "P1W", "P1M", "PT2H", "PT30M") instead of to a new due.
	Shift string `json:"shift,omitempty"`
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
	n, _ := i.normalize()
	return n
}

// Checked returns the normalized intent and the first problem with it (as
// Validate), reading its recurrence rule once.
func (i Intent) Checked() (Intent, error) {
	n, ruleErr := i.normalize()
	return n, check(n, ruleErr)
}

// normalize is Normalize, which also says why the recurrence is not a rule
// (nil when there is none or it is one).
func (i Intent) normalize() (Intent, error) {
	n := Intent{
		Type:       strings.ToLower(strings.TrimSpace(i.Type)),
		Title:      collapse(i.Title),
		Due:        normalizeDue(i.Due),
		Priority:   i.Priority,
		Project:    strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(i.Project), "#")),
		TargetDate: strings.TrimSpace(i.TargetDate),
		TaskRef:    collapse(i.TaskRef),
		GoalRef:    collapse(i.GoalRef),
		Labels:     NormalizeLabels(i.Labels),
		Recurrence: strings.ToUpper(strings.TrimSpace(i.Recurrence)),
		Range:      strings.ToLower(strings.TrimSpace(i.Range)),
		Shift:      strings.ToUpper(strings.TrimSpace(i.Shift)),
	}
	switch n.Type {
	case CreateTask:
		if n.Priority == 0 {
			n.Priority = DefaultPriority
		}
		var ruleErr error
		if n.Recurrence != "" {
			var r recur.Rule
			if r, ruleErr = recur.Parse(n.Recurrence); ruleErr == nil {
				n.Recurrence = r.String()
			}
		}
		return Intent{Type: n.Type, Title: n.Title, Due: n.Due, Priority: n.Priority, Project: n.Project,
			Labels: n.Labels, Recurrence: n.Recurrence}, ruleErr
	case CreateGoal:
		return Intent{Type: n.Type, Title: n.Title, TargetDate: n.TargetDate}, nil
	case CompleteTask, DeleteTask:
		return Intent{Type: n.Type, TaskRef: n.TaskRef}, nil
	case RescheduleTask:
		return Intent{Type: n.Type, TaskRef: n.TaskRef, Due: n.Due, Shift: n.Shift}, nil
	case DeleteGoal:
		return Intent{Type: n.Type, GoalRef: n.GoalRef}, nil
	case RenameTask:
		return Intent{Type: n.Type, Title: n.Title, TaskRef: n.TaskRef}, nil
	case SetPriority:
		return Intent{Type: n.Type, Priority: n.Priority, TaskRef: n.TaskRef}, nil
	case MoveTask:
		return Intent{Type: n.Type, Project: n.Project, TaskRef: n.TaskRef}, nil
	case QueryTasks:
		return Intent{Type: n.Type, Range: n.Range}, nil
	}
	// An unknown type keeps everything: Validate rejects it anyway, and
	// dropping fields would only hide what the client sent.
	return n, nil
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// NormalizeLabels trims each label and its leading '@', drops repeats
// (ignoring case; the first spelling stays) and sorts them, since labels
// are a set: ["Work", "home", "@work"] and ["home", "Work"] are one
// request. It returns nil for no labels. An empty label stays, for
// Validate to report.
func NormalizeLabels(labels []string) []string {
	if len(labels) == 0 {
		return nil
	}
	out := make([]string, 0, len(labels))
	seen := make(map[string]bool, len(labels))
	for _, l := range labels {
		l = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(l), "@"))
		if k := strings.ToLower(l); !seen[k] {
			seen[k] = true
			out = append(out, l)
		}
	}
	slices.SortFunc(out, func(a, b string) int {
		if c := strings.Compare(strings.ToLower(a), strings.ToLower(b)); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	return out
}

// CheckLabels reports the first label that cannot be stored: empty, too
// long, with a space or a control character, or one too many.
func CheckLabels(labels []string) error {
	if len(labels) > MaxLabels {
		return fieldErr("labels", "at most %d labels, not %d", MaxLabels, len(labels))
	}
	for _, l := range labels {
		switch {
		case l == "":
			return fieldErr("labels", "a label cannot be empty")
		case !utf8.ValidString(l):
			return fieldErr("labels", "must be valid UTF-8")
		case utf8.RuneCountInString(l) > MaxLabelRunes:
			return fieldErr("labels", "%q is over %d characters", l, MaxLabelRunes)
		case strings.ContainsFunc(l, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }):
			return fieldErr("labels", "%q: a label is one word, without spaces or control characters", l)
		}
	}
	return nil
}

// ShiftOf reads a shift: n units of "D", "W", "M" (months) or "Y", or
// with clock true, "H" or "M" (minutes). The bounds keep the result a
// date a calendar can show.
func ShiftOf(s string) (n int, unit byte, clock bool, err error) {
	rest, ok := strings.CutPrefix(s, "P")
	if !ok {
		return 0, 0, false, fmt.Errorf("must be an ISO 8601 duration such as P2D, P1W, P1M, PT2H, not %q", s)
	}
	rest, clock = strings.CutPrefix(rest, "T")
	if len(rest) < 2 || len(rest) > 7 {
		return 0, 0, false, fmt.Errorf("must be an ISO 8601 duration of one unit such as P2D, P1W, P1M, PT2H, not %q", s)
	}
	unit = rest[len(rest)-1]
	n, convErr := strconv.Atoi(rest[:len(rest)-1])
	if convErr != nil || n < 1 || rest[0] == '+' {
		return 0, 0, false, fmt.Errorf("must be an ISO 8601 duration of one positive unit such as P2D, not %q", s)
	}
	limits := map[byte]int{'D': 3660, 'W': 520, 'M': 120, 'Y': 10}
	if clock {
		limits = map[byte]int{'H': 24 * 366, 'M': 60 * 24 * 366}
	}
	limit, ok := limits[unit]
	switch {
	case !ok:
		return 0, 0, false, fmt.Errorf("must be an ISO 8601 duration in days, weeks, months or years (P...) or hours or minutes (PT...), not %q", s)
	case n > limit:
		return 0, 0, false, fmt.Errorf("%q is too far: at most %d", s, limit)
	}
	return n, unit, clock, nil
}

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
	_, err := i.Checked()
	return err
}

// check validates n, already normalized; ruleErr is why its recurrence
// did not parse.
func check(n Intent, ruleErr error) error {
	if n.Type == "" {
		return fieldErr("type", "required")
	}
	if !slices.Contains(Types, n.Type) {
		return fieldErr("type", "unknown type %q (want one of %s)", n.Type, strings.Join(Types, ", "))
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
		if err := checkText("project", n.Project, MaxProjectRunes, false); err != nil {
			return err
		}
		if err := CheckLabels(n.Labels); err != nil {
			return err
		}
		if n.Recurrence != "" {
			if ruleErr != nil {
				return fieldErr("recurrence", "%s", ruleErr.Error())
			}
			if n.Due == "" {
				return fieldErr("due", "required with recurrence: the due is the first occurrence")
			}
		}
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
		switch {
		case n.Due != "" && n.Shift != "":
			return fieldErr("shift", "send due or shift, not both")
		case n.Shift != "":
			if _, _, _, err := ShiftOf(n.Shift); err != nil {
				return fieldErr("shift", "%s", err.Error())
			}
		case n.Due == "":
			return fieldErr("due", "required for %s (or shift)", RescheduleTask)
		case !validDue(n.Due):
			return fieldErr("due", "must be YYYY-MM-DD or RFC 3339 with offset, not %q", n.Due)
		}
		return checkText("task_ref", n.TaskRef, MaxTextRunes, true)
	case DeleteGoal:
		return checkText("goal_ref", n.GoalRef, MaxTextRunes, true)
	case RenameTask:
		if err := checkText("task_ref", n.TaskRef, MaxTextRunes, true); err != nil {
			return err
		}
		return checkText("title", n.Title, MaxTextRunes, true)
	case SetPriority:
		if err := checkText("task_ref", n.TaskRef, MaxTextRunes, true); err != nil {
			return err
		}
		if n.Priority < 1 || n.Priority > 4 {
			return fieldErr("priority", "must be 1 (highest) to 4, not %d", n.Priority)
		}
	case MoveTask:
		if err := checkText("task_ref", n.TaskRef, MaxTextRunes, true); err != nil {
			return err
		}
		return checkText("project", n.Project, MaxProjectRunes, true)
	case QueryTasks:
		if !slices.Contains(Ranges, n.Range) {
			return fieldErr("range", "must be one of %s, not %q", strings.Join(Ranges, ", "), n.Range)
		}
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
		// Marshalling a struct of strings, ints and a list cannot fail; hash the
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

// ReadOnly reports whether executing the intent only reads: it writes no
// effect and no execution record, only its audit entry.
func (i Intent) ReadOnly() bool { return i.typ() == QueryTasks }

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
		for _, l := range n.Labels {
			b.WriteString(", @" + l)
		}
		if n.Recurrence != "" {
			b.WriteString(", " + describeRule(n.Recurrence))
		}
	case CreateGoal:
		fmt.Fprintf(&b, "Create goal %q", n.Title)
		if n.TargetDate != "" {
			b.WriteString(" by " + describeDate(n.TargetDate, "2 Jan 2006"))
		}
	case CompleteTask:
		fmt.Fprintf(&b, "Complete task matching %q", n.TaskRef)
	case RescheduleTask:
		if n.Shift != "" {
			fmt.Fprintf(&b, "Push task matching %q by %s", n.TaskRef, describeShift(n.Shift))
		} else {
			fmt.Fprintf(&b, "Reschedule task matching %q to %s", n.TaskRef, describeDue(n.Due))
		}
	case DeleteTask:
		fmt.Fprintf(&b, "Delete task matching %q", n.TaskRef)
	case DeleteGoal:
		fmt.Fprintf(&b, "Delete goal matching %q", n.GoalRef)
	case RenameTask:
		fmt.Fprintf(&b, "Rename task matching %q to %q", n.TaskRef, n.Title)
	case SetPriority:
		fmt.Fprintf(&b, "Set priority of task matching %q to %d", n.TaskRef, n.Priority)
	case MoveTask:
		fmt.Fprintf(&b, "Move task matching %q to #%s", n.TaskRef, n.Project)
	case QueryTasks:
		switch n.Range {
		case RangeOverdue:
			b.WriteString("List overdue tasks")
		case RangeWeek:
			b.WriteString("List tasks due this week")
		default:
			fmt.Fprintf(&b, "List tasks due %s", n.Range)
		}
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

func describeRule(s string) string {
	if r, err := recur.Parse(s); err == nil {
		return "repeats " + strings.TrimPrefix(r.Describe(), "repeating ")
	}
	return "repeats " + s
}

func describeShift(s string) string {
	n, unit, clock, err := ShiftOf(s)
	if err != nil {
		return s
	}
	name := map[byte]string{'D': "day", 'W': "week", 'M': "month", 'Y': "year"}[unit]
	if clock {
		name = map[byte]string{'H': "hour", 'M': "minute"}[unit]
	}
	if n != 1 {
		name += "s"
	}
	return strconv.Itoa(n) + " " + name
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

// Entity is a part of the typed text the parser understood and used, for
// the app to underline: Kind is one of the Entity* kinds; Start and End
// are UTF-16 offsets into the text (what JavaScript strings index), End
// exclusive; Text is that part as typed.
type Entity struct {
	Kind  string `json:"kind"`
	Text  string `json:"text"`
	Start int    `json:"start"`
	End   int    `json:"end"`
}

// Entity kinds.
const (
	EntityCommand    = "command"    // the words that chose the intent type ("add", "move", "lösche")
	EntityDate       = "date"       // a day ("tomorrow", "next week", "15.12.")
	EntityTime       = "time"       // a time of day ("9am", "um 9 Uhr", "evening")
	EntityDateTime   = "datetime"   // both at once ("in 2 hours", "tonight")
	EntityRecurrence = "recurrence" // "every monday", "jeden Tag"
	EntityPriority   = "priority"   // "p1"
	EntityProject    = "project"    // "#work"
	EntityLabel      = "label"      // "@home"
	EntityShift      = "shift"      // "by 2 days"
	EntityRange      = "range"      // what a query asks about ("today", "overdue")
)

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
	// Entities are the parts of the text the parser used (empty for a
	// structured intent).
	Entities []Entity `json:"entities"`
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
		Entities:             []Entity{},
	}
	if n.Risky() {
		p.Risk = RiskRisky
	}
	return p
}
