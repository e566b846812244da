package execute

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

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
	// detail goes into the audit entry (AuditEntry.Detail).
	detail string
}

// plan decides what in does for owner at now; loc is the user's zone (nil
// when a structured intent came without one), in which a query reads its
// range and a recurring completion or a shift steps dates.
func (e *Engine) plan(ctx context.Context, owner string, in intent.Intent, now time.Time, loc *time.Location) (plan, error) {
	at := now
	now = now.UTC()
	switch in.Type {
	case intent.CreateTask:
		nt := tasks.NewTask{Title: in.Title, Priority: &in.Priority, Labels: in.Labels}
		if in.Due != "" {
			nt.Due = &in.Due
		}
		if in.Project != "" {
			nt.Project = &in.Project
		}
		if in.Recurrence != "" {
			nt.Recurrence = &in.Recurrence
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
	case intent.CompleteTask, intent.RescheduleTask, intent.RenameTask, intent.SetPriority, intent.MoveTask:
		t, err := e.resolveTask(ctx, owner, in.TaskRef)
		if err != nil {
			return plan{}, err
		}
		var p tasks.Patch
		detail := ""
		switch in.Type {
		case intent.CompleteTask:
			p.Completed = tasks.Nullable[bool]{Set: true, Value: true}
			if next, ok := tasks.NextOccurrence(t, loc, at); ok {
				// A repeating task moves to its next occurrence instead of closing.
				p = tasks.Patch{Due: tasks.Nullable[string]{Set: true, Value: next}}
				detail = "recurring: moved to its next occurrence " + next
			} else if t.Recurrence != nil {
				detail = "recurring: the series has ended; completed"
			}
		case intent.RescheduleTask:
			due := in.Due
			if in.Shift != "" {
				if due, err = shiftDue(t.Due, in.Shift, loc, at); err != nil {
					return plan{}, err
				}
			}
			p.Due = tasks.Nullable[string]{Set: true, Value: due}
		case intent.RenameTask:
			p.Title = tasks.Nullable[string]{Set: true, Value: in.Title}
		case intent.SetPriority:
			p.Priority = tasks.Nullable[int]{Set: true, Value: in.Priority}
		case intent.MoveTask:
			// tasks.Patch has no project (PATCH /tasks does not move tasks),
			// so the move is applied here with the same checks and bump.
			project := strings.TrimPrefix(strings.TrimSpace(in.Project), "#")
			if project == "" || utf8.RuneCountInString(project) > tasks.MaxProjectRunes {
				return plan{}, apperr.Field("intent.project", "required, at most %d characters", tasks.MaxProjectRunes)
			}
			next := t
			next.Project, next.UpdatedAt, next.Version = &project, now, t.Version+1
			return plan{kind: "task", effect: Effect{ReplaceTask: &next, Prev: &t, Activity: tasks.Activity{Zone: loc}},
				result: map[string]any{"task": next}, targets: []intent.Target{taskTarget(t)}}, nil
		}
		next, err := p.Apply(t, now)
		if err != nil {
			return plan{}, err
		}
		act := tasks.Activity{Completes: in.Type == intent.CompleteTask && !t.Completed, Zone: loc}
		return plan{kind: "task", effect: Effect{ReplaceTask: &next, Prev: &t, Activity: act},
			result: map[string]any{"task": next}, targets: []intent.Target{taskTarget(t)}, detail: detail}, nil
	case intent.QueryTasks:
		if loc == nil {
			return plan{}, apperr.Field("timezone", "required for %s, an IANA name such as Europe/Berlin", in.Type)
		}
		open, err := e.Store.OpenTasks(ctx, owner)
		if err != nil {
			return plan{}, err
		}
		found := make([]tasks.Task, 0, len(open))
		for _, t := range open {
			if inRange(t, in.Range, loc, at) {
				found = append(found, t)
			}
		}
		slices.SortFunc(found, tasks.TodayOrder(loc))
		more := max(0, len(found)-MaxQueryTasks)
		found = found[:len(found)-more]
		return plan{kind: "task", result: map[string]any{"range": in.Range, "tasks": found, "more": more}}, nil
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

// dueLayout writes a due time with a numeric offset, as the parser does.
const dueLayout = "2006-01-02T15:04:05-07:00"

// shiftDue moves a due by an intent shift ("P2D", "PT2H"): a date by days,
// weeks, months (clamped to the month's end) or years; a time the same on
// its wall clock in loc (nil: its own offset), DST-correct, or by hours
// and minutes as elapsed time. A task without a due, or a date shifted by
// hours, is shifted from now: snoozing it for two hours means two hours
// from now.
func shiftDue(due *string, shift string, loc *time.Location, now time.Time) (string, error) {
	n, unit, clock, err := intent.ShiftOf(shift)
	if err != nil {
		return "", apperr.Field("intent.shift", "%s", err.Error())
	}
	if due != nil {
		if d, err := time.Parse(time.DateOnly, *due); err == nil && !clock {
			return addCalendar(d, n, unit, time.UTC).Format(time.DateOnly), nil
		}
		if t, err := time.Parse(time.RFC3339, *due); err == nil {
			zone := loc
			if zone == nil {
				_, offset := t.Zone()
				zone = time.FixedZone("", offset)
			}
			t = t.In(zone)
			if clock {
				return t.Add(clockShift(n, unit)).Format(dueLayout), nil
			}
			return addCalendar(t, n, unit, zone).Format(dueLayout), nil
		}
	}
	if loc == nil {
		loc = time.UTC
	}
	if clock {
		return now.In(loc).Truncate(time.Minute).Add(clockShift(n, unit)).Format(dueLayout), nil
	}
	y, m, d := now.In(loc).Date()
	return addCalendar(time.Date(y, m, d, 0, 0, 0, 0, time.UTC), n, unit, time.UTC).Format(time.DateOnly), nil
}

func clockShift(n int, unit byte) time.Duration {
	if unit == 'H' {
		return time.Duration(n) * time.Hour
	}
	return time.Duration(n) * time.Minute
}

// addCalendar adds n days, weeks, months or years to t's wall clock in
// loc; a month or year that lacks t's day ends on its last day (31
// January plus one month is 28 February, not 3 March).
func addCalendar(t time.Time, n int, unit byte, loc *time.Location) time.Time {
	y, m, d := t.Date()
	h, mi, sec := t.Clock()
	switch unit {
	case 'D':
		return time.Date(y, m, d+n, h, mi, sec, 0, loc)
	case 'W':
		return time.Date(y, m, d+7*n, h, mi, sec, 0, loc)
	case 'Y':
		n *= 12
	}
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(d, last), h, mi, sec, 0, loc)
}

// inRange reports whether open task t is due in the query range at now in
// loc: today, tomorrow, overdue (before now; a date before today) or this
// week (today to the end of Sunday). Undated tasks are in none.
func inRange(t tasks.Task, rng string, loc *time.Location, now time.Time) bool {
	if t.Due == nil {
		return false
	}
	local := now.In(loc)
	y, m, d := local.Date()
	toSunday := (7 - int(local.Weekday())) % 7
	if date, err := time.Parse(time.DateOnly, *t.Due); err == nil {
		// Both are midnights in UTC, so the difference is whole days.
		days := int(date.Sub(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)).Hours()) / 24
		switch rng {
		case intent.RangeToday:
			return days == 0
		case intent.RangeTomorrow:
			return days == 1
		case intent.RangeOverdue:
			return days < 0
		case intent.RangeWeek:
			return days >= 0 && days <= toSunday
		}
		return false
	}
	due, err := time.Parse(time.RFC3339, *t.Due)
	if err != nil {
		return false
	}
	from := func(offset int) time.Time { return time.Date(y, m, d+offset, 0, 0, 0, 0, loc) }
	between := func(a, b time.Time) bool { return !due.Before(a) && due.Before(b) }
	switch rng {
	case intent.RangeToday:
		return between(from(0), from(1))
	case intent.RangeTomorrow:
		return between(from(1), from(2))
	case intent.RangeOverdue:
		return due.Before(now)
	case intent.RangeWeek:
		return between(from(0), from(toSunday+1))
	}
	return false
}
