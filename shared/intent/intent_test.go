package intent

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name string
		in   Intent
		want Intent
	}{
		{"trims and lowercases type", Intent{Type: "  Create_Task ", Title: " buy   milk\t now "},
			Intent{Type: CreateTask, Title: "buy milk now", Priority: 4}},
		{"priority 0 becomes default", Intent{Type: CreateTask, Title: "x"},
			Intent{Type: CreateTask, Title: "x", Priority: 4}},
		{"priority kept", Intent{Type: CreateTask, Title: "x", Priority: 1},
			Intent{Type: CreateTask, Title: "x", Priority: 1}},
		{"project loses hash and spaces", Intent{Type: CreateTask, Title: "x", Project: " #groceries "},
			Intent{Type: CreateTask, Title: "x", Priority: 4, Project: "groceries"}},
		{"project loses every leading hash", Intent{Type: CreateTask, Title: "x", Project: "##home"},
			Intent{Type: CreateTask, Title: "x", Priority: 4, Project: "home"}},
		{"due Z becomes +00:00", Intent{Type: CreateTask, Title: "x", Due: "2026-11-29T09:00:00Z"},
			Intent{Type: CreateTask, Title: "x", Priority: 4, Due: "2026-11-29T09:00:00+00:00"}},
		{"due date trimmed", Intent{Type: CreateTask, Title: "x", Due: " 2026-11-29 "},
			Intent{Type: CreateTask, Title: "x", Priority: 4, Due: "2026-11-29"}},
		{"create_task drops foreign fields", Intent{Type: CreateTask, Title: "x", TaskRef: "y", GoalRef: "z", TargetDate: "2026-01-01"},
			Intent{Type: CreateTask, Title: "x", Priority: 4}},
		{"create_goal keeps title and target", Intent{Type: CreateGoal, Title: " run  a marathon ", TargetDate: " 2027-06-30 ", Priority: 1, Project: "p", Due: "2027-01-01"},
			Intent{Type: CreateGoal, Title: "run a marathon", TargetDate: "2027-06-30"}},
		{"complete_task keeps task_ref", Intent{Type: CompleteTask, TaskRef: " buy \n milk ", Title: "t", Priority: 2},
			Intent{Type: CompleteTask, TaskRef: "buy milk"}},
		{"reschedule keeps ref and due", Intent{Type: RescheduleTask, TaskRef: "dentist", Due: "2026-12-04T15:00:00+01:00", Priority: 3},
			Intent{Type: RescheduleTask, TaskRef: "dentist", Due: "2026-12-04T15:00:00+01:00"}},
		{"delete_task keeps task_ref", Intent{Type: "DELETE_TASK", TaskRef: "old  draft", GoalRef: "g"},
			Intent{Type: DeleteTask, TaskRef: "old draft"}},
		{"delete_goal keeps goal_ref", Intent{Type: DeleteGoal, GoalRef: " g ", TaskRef: "t"},
			Intent{Type: DeleteGoal, GoalRef: "g"}},
		{"unknown type keeps fields", Intent{Type: " Fly ", Title: " a  b ", Priority: 9},
			Intent{Type: "fly", Title: "a b", Priority: 9}},
		{"labels are a set: trimmed, without @, once, sorted", Intent{Type: CreateTask, Title: "x", Labels: []string{" Work", "@home", "work", "@@Errands "}},
			Intent{Type: CreateTask, Title: "x", Priority: 4, Labels: []string{"Errands", "home", "Work"}}},
		{"no labels is nil", Intent{Type: CreateTask, Title: "x", Labels: []string{}},
			Intent{Type: CreateTask, Title: "x", Priority: 4}},
		{"recurrence canonical", Intent{Type: CreateTask, Title: "x", Due: "2026-12-07", Recurrence: " rrule:freq=weekly;interval=1;byday=mo "},
			Intent{Type: CreateTask, Title: "x", Priority: 4, Due: "2026-12-07", Recurrence: "FREQ=WEEKLY;BYDAY=MO"}},
		{"a bad recurrence is kept for Validate", Intent{Type: CreateTask, Title: "x", Recurrence: " freq=hourly "},
			Intent{Type: CreateTask, Title: "x", Priority: 4, Recurrence: "FREQ=HOURLY"}},
		{"labels and recurrence belong to create_task only", Intent{Type: CompleteTask, TaskRef: "x", Labels: []string{"a"}, Recurrence: "FREQ=DAILY"},
			Intent{Type: CompleteTask, TaskRef: "x"}},
		{"reschedule keeps a shift", Intent{Type: RescheduleTask, TaskRef: "x", Shift: " p2d "},
			Intent{Type: RescheduleTask, TaskRef: "x", Shift: "P2D"}},
		{"rename keeps ref and title", Intent{Type: RenameTask, TaskRef: " foo ", Title: " bar  baz ", Priority: 2},
			Intent{Type: RenameTask, TaskRef: "foo", Title: "bar baz"}},
		{"set_priority keeps ref and priority, no default", Intent{Type: SetPriority, TaskRef: "x", Title: "t"},
			Intent{Type: SetPriority, TaskRef: "x"}},
		{"move_task keeps ref and project", Intent{Type: MoveTask, TaskRef: "x", Project: "#work", Due: "2026-01-01"},
			Intent{Type: MoveTask, TaskRef: "x", Project: "work"}},
		{"query_tasks keeps its range", Intent{Type: QueryTasks, Range: " Today ", TaskRef: "x"},
			Intent{Type: QueryTasks, Range: "today"}},
		{"zero value", Intent{}, Intent{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.in.Normalize()
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Normalize() = %+v, want %+v", got, tt.want)
			}
			if again := got.Normalize(); !reflect.DeepEqual(again, got) {
				t.Errorf("Normalize not idempotent: %+v then %+v", got, again)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	long := strings.Repeat("a", 501)
	tests := []struct {
		name      string
		in        Intent
		wantField string // "" means valid
		wantMsg   string
	}{
		{"valid task", Intent{Type: CreateTask, Title: "buy milk", Due: "2026-11-29T09:00:00+01:00", Priority: 1, Project: "groceries"}, "", ""},
		{"valid task date", Intent{Type: CreateTask, Title: "buy milk", Due: "2026-11-29"}, "", ""},
		{"valid task Z", Intent{Type: CreateTask, Title: "buy milk", Due: "2026-11-29T09:00:00Z"}, "", ""},
		{"valid title 500 runes", Intent{Type: CreateTask, Title: strings.Repeat("é", 500)}, "", ""},
		{"valid goal", Intent{Type: CreateGoal, Title: "run", TargetDate: "2027-06-30"}, "", ""},
		{"valid goal no target", Intent{Type: CreateGoal, Title: "run"}, "", ""},
		{"valid complete", Intent{Type: CompleteTask, TaskRef: "buy milk"}, "", ""},
		{"valid reschedule", Intent{Type: RescheduleTask, TaskRef: "dentist", Due: "2026-12-04"}, "", ""},
		{"valid delete task", Intent{Type: DeleteTask, TaskRef: "t_123"}, "", ""},
		{"valid delete goal", Intent{Type: DeleteGoal, GoalRef: "marathon"}, "", ""},
		{"foreign field ignored", Intent{Type: DeleteGoal, GoalRef: "g", Due: "garbage", Priority: 99}, "", ""},

		{"type missing", Intent{Title: "x"}, "type", "required"},
		{"type unknown", Intent{Type: "fly"}, "type", `unknown type "fly" (want one of create_task, create_goal, complete_task, reschedule_task, delete_task, delete_goal, rename_task, set_priority, move_task, query_tasks)`},
		{"title required", Intent{Type: CreateTask, Title: "   "}, "title", "required"},
		{"title too long", Intent{Type: CreateTask, Title: long}, "title", "over 500 characters"},
		{"title invalid utf8", Intent{Type: CreateTask, Title: "a\xffb"}, "title", "must be valid UTF-8"},
		{"title control char", Intent{Type: CreateTask, Title: "a\x00b"}, "title", "must not contain control characters"},
		{"goal title required", Intent{Type: CreateGoal}, "title", "required"},
		{"goal title too long", Intent{Type: CreateGoal, Title: long}, "title", "over 500 characters"},
		{"priority too high", Intent{Type: CreateTask, Title: "x", Priority: 5}, "priority", "must be 1 (highest) to 4, not 5"},
		{"priority negative", Intent{Type: CreateTask, Title: "x", Priority: -1}, "priority", "must be 1 (highest) to 4, not -1"},
		{"due garbage", Intent{Type: CreateTask, Title: "x", Due: "tomorrow"}, "due", `must be YYYY-MM-DD or RFC 3339 with offset, not "tomorrow"`},
		{"due without offset", Intent{Type: CreateTask, Title: "x", Due: "2026-11-29T09:00:00"}, "due", `must be YYYY-MM-DD or RFC 3339 with offset, not "2026-11-29T09:00:00"`},
		{"due impossible date", Intent{Type: CreateTask, Title: "x", Due: "2026-02-30"}, "due", `must be YYYY-MM-DD or RFC 3339 with offset, not "2026-02-30"`},
		{"project too long", Intent{Type: CreateTask, Title: "x", Project: strings.Repeat("p", 101)}, "project", "over 100 characters"},
		{"target_date bad", Intent{Type: CreateGoal, Title: "x", TargetDate: "2027-6-30"}, "target_date", `must be YYYY-MM-DD, not "2027-6-30"`},
		{"target_date datetime", Intent{Type: CreateGoal, Title: "x", TargetDate: "2027-06-30T00:00:00Z"}, "target_date", `must be YYYY-MM-DD, not "2027-06-30T00:00:00Z"`},
		{"complete needs task_ref", Intent{Type: CompleteTask}, "task_ref", "required"},
		{"delete needs task_ref", Intent{Type: DeleteTask, Title: "x"}, "task_ref", "required"},
		{"task_ref too long", Intent{Type: DeleteTask, TaskRef: long}, "task_ref", "over 500 characters"},
		{"reschedule needs due", Intent{Type: RescheduleTask, TaskRef: "x"}, "due", "required for reschedule_task (or shift)"},
		{"reschedule bad due", Intent{Type: RescheduleTask, TaskRef: "x", Due: "friday"}, "due", `must be YYYY-MM-DD or RFC 3339 with offset, not "friday"`},
		{"reschedule needs task_ref", Intent{Type: RescheduleTask, Due: "2026-12-04"}, "task_ref", "required"},
		{"delete goal needs goal_ref", Intent{Type: DeleteGoal, TaskRef: "x"}, "goal_ref", "required"},

		{"valid labels", Intent{Type: CreateTask, Title: "x", Labels: []string{"@work", "home"}}, "", ""},
		{"valid recurrence", Intent{Type: CreateTask, Title: "x", Due: "2026-12-07", Recurrence: "FREQ=WEEKLY;BYDAY=MO"}, "", ""},
		{"empty label", Intent{Type: CreateTask, Title: "x", Labels: []string{"@"}}, "labels", "a label cannot be empty"},
		{"label with a space", Intent{Type: CreateTask, Title: "x", Labels: []string{"two words"}}, "labels", `"two words": a label is one word, without spaces or control characters`},
		{"label too long", Intent{Type: CreateTask, Title: "x", Labels: []string{strings.Repeat("l", 61)}}, "labels", `"` + strings.Repeat("l", 61) + `" is over 60 characters`},
		{"too many labels", Intent{Type: CreateTask, Title: "x", Labels: strings.Fields("a b c d e f g h i j k l m n o p q r s t u")}, "labels", "at most 20 labels, not 21"},
		{"recurrence refused", Intent{Type: CreateTask, Title: "x", Due: "2026-12-07", Recurrence: "FREQ=HOURLY"}, "recurrence",
			"FREQ=HOURLY is not supported: a task repeats DAILY, WEEKLY, MONTHLY or YEARLY"},
		{"recurrence needs a due", Intent{Type: CreateTask, Title: "x", Recurrence: "FREQ=DAILY"}, "due", "required with recurrence: the due is the first occurrence"},
		{"valid shift", Intent{Type: RescheduleTask, TaskRef: "x", Shift: "P2D"}, "", ""},
		{"valid clock shift", Intent{Type: RescheduleTask, TaskRef: "x", Shift: "pt30m"}, "", ""},
		{"shift and due", Intent{Type: RescheduleTask, TaskRef: "x", Shift: "P2D", Due: "2026-12-04"}, "shift", "send due or shift, not both"},
		{"shift of two units", Intent{Type: RescheduleTask, TaskRef: "x", Shift: "P1DT2H"}, "shift", `must be an ISO 8601 duration of one positive unit such as P2D, not "P1DT2H"`},
		{"shift in seconds", Intent{Type: RescheduleTask, TaskRef: "x", Shift: "PT30S"}, "shift", `must be an ISO 8601 duration in days, weeks, months or years (P...) or hours or minutes (PT...), not "PT30S"`},
		{"shift zero", Intent{Type: RescheduleTask, TaskRef: "x", Shift: "P0D"}, "shift", `must be an ISO 8601 duration of one positive unit such as P2D, not "P0D"`},
		{"shift too far", Intent{Type: RescheduleTask, TaskRef: "x", Shift: "P11Y"}, "shift", `"P11Y" is too far: at most 10`},
		{"shift not a duration", Intent{Type: RescheduleTask, TaskRef: "x", Shift: "2 days"}, "shift", `must be an ISO 8601 duration such as P2D, P1W, P1M, PT2H, not "2 DAYS"`},
		{"valid rename", Intent{Type: RenameTask, TaskRef: "foo", Title: "bar"}, "", ""},
		{"rename needs a title", Intent{Type: RenameTask, TaskRef: "foo"}, "title", "required"},
		{"rename needs task_ref", Intent{Type: RenameTask, Title: "bar"}, "task_ref", "required"},
		{"valid set_priority", Intent{Type: SetPriority, TaskRef: "foo", Priority: 1}, "", ""},
		{"set_priority needs a priority", Intent{Type: SetPriority, TaskRef: "foo"}, "priority", "must be 1 (highest) to 4, not 0"},
		{"valid move", Intent{Type: MoveTask, TaskRef: "foo", Project: "#work"}, "", ""},
		{"move needs a project", Intent{Type: MoveTask, TaskRef: "foo", Project: "#"}, "project", "required"},
		{"valid query", Intent{Type: QueryTasks, Range: "overdue"}, "", ""},
		{"query needs a known range", Intent{Type: QueryTasks, Range: "someday"}, "range", `must be one of today, tomorrow, overdue, week, not "someday"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.in.Validate()
			if tt.wantField == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("Validate() = %v (%T), want *FieldError", err, err)
			}
			if fe.Field != tt.wantField || fe.Message != tt.wantMsg {
				t.Errorf("Validate() = {%q %q}, want {%q %q}", fe.Field, fe.Message, tt.wantField, tt.wantMsg)
			}
			if got, want := err.Error(), tt.wantField+": "+tt.wantMsg; got != want {
				t.Errorf("Error() = %q, want %q", got, want)
			}
		})
	}
}

func TestFingerprint(t *testing.T) {
	base := Intent{Type: CreateTask, Title: "buy milk", Due: "2026-11-29T09:00:00+01:00", Priority: 1, Project: "groceries"}
	same := []struct {
		name string
		a, b Intent
	}{
		{"identical", base, base},
		{"spelling of the same intent", base, Intent{Type: " CREATE_TASK", Title: "buy   milk ", Due: " 2026-11-29T09:00:00+01:00", Priority: 1, Project: "#groceries"}},
		{"priority 0 and 4", Intent{Type: CreateTask, Title: "x"}, Intent{Type: CreateTask, Title: "x", Priority: 4}},
		{"Z and +00:00", Intent{Type: CreateTask, Title: "x", Due: "2026-11-29T09:00:00Z"}, Intent{Type: CreateTask, Title: "x", Due: "2026-11-29T09:00:00+00:00"}},
		{"foreign fields", Intent{Type: DeleteTask, TaskRef: "old draft"}, Intent{Type: DeleteTask, TaskRef: "old draft", Title: "t", Priority: 2}},
		{"labels in any order and spelling", Intent{Type: CreateTask, Title: "x", Labels: []string{"b", "@a"}}, Intent{Type: CreateTask, Title: "x", Labels: []string{"@a", "b", "a"}}},
		{"a rule in two spellings", Intent{Type: CreateTask, Title: "x", Due: "2026-12-07", Recurrence: "FREQ=WEEKLY;BYDAY=MO"},
			Intent{Type: CreateTask, Title: "x", Due: "2026-12-07", Recurrence: "byday=MO;freq=weekly;interval=1"}},
	}
	for _, tt := range same {
		t.Run("same/"+tt.name, func(t *testing.T) {
			if fa, fb := tt.a.Fingerprint(), tt.b.Fingerprint(); fa != fb {
				t.Errorf("fingerprints differ: %s vs %s", fa, fb)
			}
		})
	}
	differ := []struct {
		name string
		a, b Intent
	}{
		{"title", base, Intent{Type: CreateTask, Title: "buy milk!", Due: base.Due, Priority: 1, Project: "groceries"}},
		{"title case", base, Intent{Type: CreateTask, Title: "Buy milk", Due: base.Due, Priority: 1, Project: "groceries"}},
		{"priority", base, Intent{Type: CreateTask, Title: "buy milk", Due: base.Due, Priority: 2, Project: "groceries"}},
		{"date vs datetime", Intent{Type: CreateTask, Title: "x", Due: "2026-11-29"}, Intent{Type: CreateTask, Title: "x", Due: "2026-11-29T00:00:00+00:00"}},
		{"offset", Intent{Type: CreateTask, Title: "x", Due: "2026-11-29T09:00:00+01:00"}, Intent{Type: CreateTask, Title: "x", Due: "2026-11-29T08:00:00+00:00"}},
		{"type", Intent{Type: CompleteTask, TaskRef: "x"}, Intent{Type: DeleteTask, TaskRef: "x"}},
		{"ref", Intent{Type: DeleteGoal, GoalRef: "a"}, Intent{Type: DeleteGoal, GoalRef: "b"}},
		{"labels", Intent{Type: CreateTask, Title: "x", Labels: []string{"a"}}, Intent{Type: CreateTask, Title: "x", Labels: []string{"b"}}},
		{"recurrence", Intent{Type: CreateTask, Title: "x", Due: "2026-12-07", Recurrence: "FREQ=DAILY"}, Intent{Type: CreateTask, Title: "x", Due: "2026-12-07"}},
		{"shift and due", Intent{Type: RescheduleTask, TaskRef: "x", Shift: "P1D"}, Intent{Type: RescheduleTask, TaskRef: "x", Due: "2026-12-07"}},
		{"range", Intent{Type: QueryTasks, Range: "today"}, Intent{Type: QueryTasks, Range: "tomorrow"}},
	}
	for _, tt := range differ {
		t.Run("differ/"+tt.name, func(t *testing.T) {
			if tt.a.Fingerprint() == tt.b.Fingerprint() {
				t.Errorf("fingerprints equal for %+v and %+v", tt.a, tt.b)
			}
		})
	}
	if got := base.Fingerprint(); len(got) != 64 || strings.Trim(got, "0123456789abcdef") != "" {
		t.Errorf("Fingerprint() = %q, want 64 lower-case hex digits", got)
	}
	// Records stored before the new fields existed must still match: an
	// intent without them hashes exactly as it did (values computed with
	// the code before labels, recurrence, range and shift).
	for in, want := range map[*Intent]string{
		&base:                                    "d811b553eee5f91fe0a9c099047ed806e23d526ba1ca15390c9294bf6009fa0f",
		{Type: DeleteTask, TaskRef: "old draft"}: "c77ec1e770b95bc2bd1b8158a097158b8ed1130e928d1a4814f4c06ffc06c07a",
	} {
		if got := in.Fingerprint(); got != want {
			t.Errorf("Fingerprint(%+v) = %s, want the pinned %s", *in, got, want)
		}
	}
}

func TestKinds(t *testing.T) {
	tests := []struct {
		typ                     string
		risky, undoable, create bool
	}{
		{CreateTask, false, true, true},
		{CreateGoal, false, true, true},
		{CompleteTask, false, false, false},
		{RescheduleTask, false, false, false},
		{DeleteTask, true, false, false},
		{DeleteGoal, true, false, false},
		{" Delete_Goal ", true, false, false},
		{RenameTask, false, false, false},
		{SetPriority, false, false, false},
		{MoveTask, false, false, false},
		{QueryTasks, false, false, false},
		{"fly", false, false, false},
	}
	for _, tt := range tests {
		i := Intent{Type: tt.typ}
		if got := i.Risky(); got != tt.risky {
			t.Errorf("%q Risky() = %v, want %v", tt.typ, got, tt.risky)
		}
		if got := i.Undoable(); got != tt.undoable {
			t.Errorf("%q Undoable() = %v, want %v", tt.typ, got, tt.undoable)
		}
		if got := i.Creates(); got != tt.create {
			t.Errorf("%q Creates() = %v, want %v", tt.typ, got, tt.create)
		}
	}
}

func TestSummary(t *testing.T) {
	tests := []struct {
		in   Intent
		want string
	}{
		{Intent{Type: CreateTask, Title: "buy milk", Due: "2026-11-29T09:00:00+01:00", Priority: 1, Project: "groceries"},
			`Create task "buy milk" due Sun 29 Nov 2026 09:00 (+01:00), priority 1, in #groceries`},
		{Intent{Type: CreateTask, Title: "buy milk"}, `Create task "buy milk"`},
		{Intent{Type: CreateTask, Title: "buy milk", Priority: 4}, `Create task "buy milk"`},
		{Intent{Type: CreateTask, Title: "pay rent", Due: "2026-12-01", Priority: 2}, `Create task "pay rent" due Tue 1 Dec 2026, priority 2`},
		{Intent{Type: CreateTask, Title: "call", Due: "2026-03-08T09:00:00-04:00"}, `Create task "call" due Sun 8 Mar 2026 09:00 (-04:00)`},
		{Intent{Type: CreateTask, Title: "call", Due: "2026-03-08T09:00:00Z"}, `Create task "call" due Sun 8 Mar 2026 09:00 (+00:00)`},
		{Intent{Type: CreateTask, Title: "x", Project: "work"}, `Create task "x", in #work`},
		{Intent{Type: CreateTask, Title: `say "hi"`}, `Create task "say \"hi\""`},
		{Intent{Type: CreateGoal, Title: "run a marathon", TargetDate: "2027-06-30"}, `Create goal "run a marathon" by 30 Jun 2027`},
		{Intent{Type: CreateGoal, Title: "read more"}, `Create goal "read more"`},
		{Intent{Type: CompleteTask, TaskRef: "buy milk"}, `Complete task matching "buy milk"`},
		{Intent{Type: RescheduleTask, TaskRef: "dentist", Due: "2026-12-04T15:00:00+01:00"}, `Reschedule task matching "dentist" to Fri 4 Dec 2026 15:00 (+01:00)`},
		{Intent{Type: RescheduleTask, TaskRef: "dentist", Due: "2026-12-04"}, `Reschedule task matching "dentist" to Fri 4 Dec 2026`},
		{Intent{Type: DeleteTask, TaskRef: "old draft"}, `Delete task matching "old draft"`},
		{Intent{Type: DeleteGoal, GoalRef: "marathon"}, `Delete goal matching "marathon"`},
		{Intent{Type: CreateTask, Title: "x", Due: "soon"}, `Create task "x" due soon`},
		{Intent{Type: "fly"}, `Unknown intent "fly"`},
		{Intent{Type: CreateTask, Title: "water plants", Due: "2026-12-07", Labels: []string{"home", "garden"}, Recurrence: "FREQ=WEEKLY;BYDAY=MO"},
			`Create task "water plants" due Mon 7 Dec 2026, @garden, @home, repeats every Monday`},
		{Intent{Type: CreateTask, Title: "x", Due: "2026-12-07", Recurrence: "FREQ=MONTHLY;BYDAY=-1FR"},
			`Create task "x" due Mon 7 Dec 2026, repeats FREQ=MONTHLY;BYDAY=-1FR`},
		{Intent{Type: RescheduleTask, TaskRef: "buy milk", Shift: "P2D"}, `Push task matching "buy milk" by 2 days`},
		{Intent{Type: RescheduleTask, TaskRef: "call", Shift: "PT1H"}, `Push task matching "call" by 1 hour`},
		{Intent{Type: RenameTask, TaskRef: "foo", Title: "bar"}, `Rename task matching "foo" to "bar"`},
		{Intent{Type: SetPriority, TaskRef: "buy milk", Priority: 1}, `Set priority of task matching "buy milk" to 1`},
		{Intent{Type: MoveTask, TaskRef: "buy milk", Project: "groceries"}, `Move task matching "buy milk" to #groceries`},
		{Intent{Type: QueryTasks, Range: "today"}, `List tasks due today`},
		{Intent{Type: QueryTasks, Range: "overdue"}, `List overdue tasks`},
		{Intent{Type: QueryTasks, Range: "week"}, `List tasks due this week`},
	}
	for _, tt := range tests {
		if got := tt.in.Summary(); got != tt.want {
			t.Errorf("Summary(%+v)\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
}

func TestNewPreview(t *testing.T) {
	tests := []struct {
		name     string
		in       Intent
		targets  []Target
		warnings []string
		undo     bool
		want     Preview
	}{
		{"create with undo", Intent{Type: CreateTask, Title: " x "}, nil, nil, true, Preview{
			Intent: Intent{Type: CreateTask, Title: "x", Priority: 4}, Summary: `Create task "x"`,
			Risk: "safe", Undoable: true, Warnings: []string{}, Targets: []Target{}, Entities: []Entity{}}},
		{"create without undo", Intent{Type: CreateGoal, Title: "g"}, nil, []string{"w"}, false, Preview{
			Intent: Intent{Type: CreateGoal, Title: "g"}, Summary: `Create goal "g"`,
			Risk: "safe", Warnings: []string{"w"}, Targets: []Target{}, Entities: []Entity{}}},
		{"delete is risky and names its target", Intent{Type: DeleteTask, TaskRef: "old"},
			[]Target{{Type: "task", ID: "t1", Title: "old draft", Version: 3}}, nil, true, Preview{
				Intent: Intent{Type: DeleteTask, TaskRef: "old"}, Summary: `Delete task matching "old"`,
				Risk: "risky", RequiresConfirmation: true, Warnings: []string{},
				Targets: []Target{{Type: "task", ID: "t1", Title: "old draft", Version: 3}}, Entities: []Entity{}}},
		{"complete is safe and not undoable", Intent{Type: CompleteTask, TaskRef: "a"}, nil, []string{}, true, Preview{
			Intent: Intent{Type: CompleteTask, TaskRef: "a"}, Summary: `Complete task matching "a"`,
			Risk: "safe", Warnings: []string{}, Targets: []Target{}, Entities: []Entity{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NewPreview(tt.in, tt.targets, tt.warnings, tt.undo)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("NewPreview() = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestPreviewJSON(t *testing.T) {
	b, err := json.Marshal(NewPreview(Intent{Type: DeleteGoal, GoalRef: "g"}, []Target{{Type: "goal", ID: "g1", Title: "g", Version: 1}}, nil, true))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"intent":{"type":"delete_goal","goal_ref":"g"},"summary":"Delete goal matching \"g\"","risk":"risky","requires_confirmation":true,"undoable":false,"warnings":[],"targets":[{"type":"goal","id":"g1","title":"g","version":1}],"entities":[]}`
	if string(b) != want {
		t.Errorf("JSON\n got %s\nwant %s", b, want)
	}
}

func TestPreviewCopiesWarnings(t *testing.T) {
	w := []string{"a"}
	p := NewPreview(Intent{Type: CreateTask, Title: "x"}, nil, w, true)
	w[0] = "changed"
	if p.Warnings[0] != "a" {
		t.Errorf("preview shares the caller's warnings slice")
	}
}

func TestTargetsKeyNamesItemsAndVersions(t *testing.T) {
	a := []Target{{Type: "task", ID: "t1", Title: "report", Version: 1}}
	for _, other := range [][]Target{
		{{Type: "task", ID: "t2", Title: "report", Version: 1}},
		{{Type: "task", ID: "t1", Title: "report", Version: 2}},
		{{Type: "goal", ID: "t1", Title: "report", Version: 1}},
		nil,
	} {
		if TargetsKey(a) == TargetsKey(other) {
			t.Errorf("TargetsKey(%v) = TargetsKey(%v) = %q, want them apart", a, other, TargetsKey(a))
		}
	}
	renamed := []Target{{Type: "task", ID: "t1", Title: "renamed", Version: 1}}
	if TargetsKey(a) != TargetsKey(renamed) {
		t.Errorf("the title is shown, not part of the identity (a rename bumps the version)")
	}
}
