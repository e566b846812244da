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
		{"zero value", Intent{}, Intent{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.in.Normalize()
			if got != tt.want {
				t.Errorf("Normalize() = %+v, want %+v", got, tt.want)
			}
			if again := got.Normalize(); again != got {
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
		{"type unknown", Intent{Type: "fly"}, "type", `unknown type "fly" (want one of create_task, create_goal, complete_task, reschedule_task, delete_task, delete_goal)`},
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
		{"reschedule needs due", Intent{Type: RescheduleTask, TaskRef: "x"}, "due", "required for reschedule_task"},
		{"reschedule bad due", Intent{Type: RescheduleTask, TaskRef: "x", Due: "friday"}, "due", `must be YYYY-MM-DD or RFC 3339 with offset, not "friday"`},
		{"reschedule needs task_ref", Intent{Type: RescheduleTask, Due: "2026-12-04"}, "task_ref", "required"},
		{"delete goal needs goal_ref", Intent{Type: DeleteGoal, TaskRef: "x"}, "goal_ref", "required"},
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
			Risk: "safe", Undoable: true, Warnings: []string{}, Targets: []Target{}}},
		{"create without undo", Intent{Type: CreateGoal, Title: "g"}, nil, []string{"w"}, false, Preview{
			Intent: Intent{Type: CreateGoal, Title: "g"}, Summary: `Create goal "g"`,
			Risk: "safe", Warnings: []string{"w"}, Targets: []Target{}}},
		{"delete is risky and names its target", Intent{Type: DeleteTask, TaskRef: "old"},
			[]Target{{Type: "task", ID: "t1", Title: "old draft", Version: 3}}, nil, true, Preview{
				Intent: Intent{Type: DeleteTask, TaskRef: "old"}, Summary: `Delete task matching "old"`,
				Risk: "risky", RequiresConfirmation: true, Warnings: []string{},
				Targets: []Target{{Type: "task", ID: "t1", Title: "old draft", Version: 3}}}},
		{"complete is safe and not undoable", Intent{Type: CompleteTask, TaskRef: "a"}, nil, []string{}, true, Preview{
			Intent: Intent{Type: CompleteTask, TaskRef: "a"}, Summary: `Complete task matching "a"`,
			Risk: "safe", Warnings: []string{}, Targets: []Target{}}},
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
	want := `{"intent":{"type":"delete_goal","goal_ref":"g"},"summary":"Delete goal matching \"g\"","risk":"risky","requires_confirmation":true,"undoable":false,"warnings":[],"targets":[{"type":"goal","id":"g1","title":"g","version":1}]}`
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
