package tasks

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/apperr"
)

var at = time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)

func TestBuildTask(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    string // JSON of the task's title/due/priority/project, or the error message
		wantErr bool
	}{
		{"defaults", `{"title":"  Buy milk "}`, `Buy milk|<nil>|4|<nil>`, false},
		{"everything", `{"title":"Buy milk","due":"2026-11-29","priority":1,"project":"#groceries"}`, `Buy milk|2026-11-29|1|groceries`, false},
		{"datetime due", `{"title":"Call","due":"2026-11-29T09:00:00+01:00"}`, `Call|2026-11-29T09:00:00+01:00|4|<nil>`, false},
		{"empty project is none", `{"title":"x","project":" "}`, `x|<nil>|4|<nil>`, false},
		{"missing title", `{}`, "title: required", true},
		{"blank title", `{"title":"   "}`, "title: required", true},
		{"long title", `{"title":"` + strings.Repeat("é", MaxTitleRunes+1) + `"}`, "title: longer than 500 characters", true},
		{"priority 0", `{"title":"x","priority":0}`, "priority: must be 1 (highest) to 4, not 0", true},
		{"priority 5", `{"title":"x","priority":5}`, "priority: must be 1 (highest) to 4, not 5", true},
		{"due without offset", `{"title":"x","due":"2026-11-29T09:00:00"}`, `due: must be a date YYYY-MM-DD or a time in RFC 3339 with offset`, true},
		{"due nonsense", `{"title":"x","due":"tomorrow"}`, `due: must be a date`, true},
		{"impossible date", `{"title":"x","due":"2026-02-30"}`, `due: must be a date`, true},
		{"long project", `{"title":"x","project":"` + strings.Repeat("p", MaxProjectRunes+1) + `"}`, "project: longer than 100", true},
		{"labels kept as a set", `{"title":"x","labels":["@work"," home","Work"]}`, `x|<nil>|4|<nil>|home,work|<nil>`, false},
		{"recurrence canonical", `{"title":"x","due":"2026-12-07","recurrence":"freq=weekly;byday=mo;interval=1"}`, `x|2026-12-07|4|<nil>||FREQ=WEEKLY;BYDAY=MO`, false},
		{"blank recurrence is none", `{"title":"x","recurrence":" "}`, `x|<nil>|4|<nil>`, false},
		{"empty label", `{"title":"x","labels":["@"]}`, "labels: a label cannot be empty", true},
		{"label with a space", `{"title":"x","labels":["a b"]}`, `labels: "a b": a label is one word`, true},
		{"too many labels", `{"title":"x","labels":["a","b","c","d","e","f","g","h","i","j","k","l","m","n","o","p","q","r","s","t","u"]}`, "labels: at most 20 labels, not 21", true},
		{"recurrence refused", `{"title":"x","due":"2026-12-07","recurrence":"FREQ=HOURLY"}`, "recurrence: FREQ=HOURLY is not supported", true},
		{"recurrence needs a due", `{"title":"x","recurrence":"FREQ=DAILY"}`, "due: required with recurrence", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var in NewTask
			if err := json.Unmarshal([]byte(tt.in), &in); err != nil {
				t.Fatal(err)
			}
			got, err := BuildTask(in, "id1", at)
			if tt.wantErr {
				if apperr.CodeOf(err) != apperr.InvalidRequest || !strings.Contains(err.(*apperr.Error).Message, tt.want) {
					t.Errorf("err = %v, want invalid_request containing %q", err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s := summary(got); s != tt.want {
				t.Errorf("task = %s, want %s", s, tt.want)
			}
			if got.Version != 1 || !got.CreatedAt.Equal(at) || got.ID != "id1" || got.Completed {
				t.Errorf("new task = %+v", got)
			}
		})
	}
}

func summary(t Task) string {
	s := func(p *string) string {
		if p == nil {
			return "<nil>"
		}
		return *p
	}
	parts := []string{t.Title, s(t.Due), string(rune('0' + t.Priority)), s(t.Project)}
	if t.Labels != nil || t.Recurrence != nil {
		parts = append(parts, strings.Join(t.Labels, ","), s(t.Recurrence))
	}
	return strings.Join(parts, "|")
}

func TestTaskJSONAlwaysHasLabelsAndRecurrence(t *testing.T) {
	rule := "FREQ=DAILY"
	for _, c := range []struct {
		task Task
		want string
	}{
		{Task{ID: "a", Title: "x", Priority: 4, CreatedAt: at, UpdatedAt: at, Version: 1},
			`{"id":"a","title":"x","due":null,"priority":4,"project":null,"completed":false,"created_at":"2026-11-28T09:00:00Z","updated_at":"2026-11-28T09:00:00Z","version":1,"labels":[],"recurrence":null}`},
		{Task{ID: "a", Title: "x", Priority: 4, CreatedAt: at, UpdatedAt: at, Version: 1, Labels: []string{"home"}, Recurrence: &rule},
			`{"id":"a","title":"x","due":null,"priority":4,"project":null,"completed":false,"created_at":"2026-11-28T09:00:00Z","updated_at":"2026-11-28T09:00:00Z","version":1,"labels":["home"],"recurrence":"FREQ=DAILY"}`},
	} {
		b, err := json.Marshal(c.task)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != c.want {
			t.Errorf("JSON\n got %s\nwant %s", b, c.want)
		}
		// A pointer and a value inside another struct marshal alike.
		b2, _ := json.Marshal(map[string]any{"task": &c.task})
		if string(b2) != `{"task":`+c.want+`}` {
			t.Errorf("JSON through a pointer\n got %s", b2)
		}
	}
}

func TestPatchApply(t *testing.T) {
	due := "2026-11-29"
	base := Task{ID: "t", Title: "Old", Due: &due, Priority: 2, CreatedAt: at, UpdatedAt: at, Version: 3}
	later := at.Add(time.Minute)
	tests := []struct {
		name     string
		patch    string
		want     string
		wantCode apperr.Code
	}{
		{"title", `{"title":"New"}`, "New|2026-11-29|2|<nil>", ""},
		{"clear due with null", `{"due":null}`, "Old|<nil>|2|<nil>", ""},
		{"reset priority with null", `{"priority":null}`, "Old|2026-11-29|4|<nil>", ""},
		{"complete with the right version", `{"completed":true,"version":3}`, "Old|2026-11-29|2|<nil>", ""},
		{"stale version", `{"completed":true,"version":2}`, "", apperr.Conflict},
		{"nothing to change", `{"version":3}`, "", apperr.InvalidRequest},
		{"null title", `{"title":null}`, "", apperr.InvalidRequest},
		{"bad due", `{"due":"soon"}`, "", apperr.InvalidRequest},
		{"bad priority", `{"priority":9}`, "", apperr.InvalidRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p Patch
			if err := json.Unmarshal([]byte(tt.patch), &p); err != nil {
				t.Fatal(err)
			}
			got, err := p.Apply(base, later)
			if tt.wantCode != "" {
				if code := apperr.CodeOf(err); code != tt.wantCode {
					t.Errorf("code = %q (err %v), want %q", code, err, tt.wantCode)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s := summary(got); s != tt.want {
				t.Errorf("task = %s, want %s", s, tt.want)
			}
			if got.Version != 4 || !got.UpdatedAt.Equal(later) || !got.CreatedAt.Equal(at) {
				t.Errorf("version %d updated %v created %v: an edit bumps the version and the update time only", got.Version, got.UpdatedAt, got.CreatedAt)
			}
		})
	}
	if base.Version != 3 || *base.Due != due {
		t.Errorf("Apply changed its input: %+v", base)
	}
}
