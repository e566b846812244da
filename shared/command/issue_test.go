package command

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/intent"
)

// issueRef is the reference of issue 15: Tuesday 1 December 2026, 10:00 in Berlin.
func issueRef(t testing.TB) (*time.Location, time.Time) {
	loc := mustLoad(t, "Europe/Berlin")
	return loc, time.Date(2026, 12, 1, 10, 0, 0, 0, loc)
}

// TestIssue15Examples are the phrases of issue 15, each compared as the
// intent's JSON so the cases read the same before and after the parser
// learned them.
func TestIssue15Examples(t *testing.T) {
	cases := []struct {
		text string
		want string // the intent as JSON
	}{
		{"submit report the day after tomorrow", `{"type":"create_task","title":"submit report","due":"2026-12-03","priority":4}`},
		{"water plants every monday", `{"type":"create_task","title":"water plants","due":"2026-12-07","priority":4,"recurrence":"FREQ=WEEKLY;BYDAY=MO"}`},
		{"dentist 15.12. 14:00", `{"type":"create_task","title":"dentist","due":"2026-12-15T14:00:00+01:00","priority":4}`},
		{"review PR in 2 hours", `{"type":"create_task","title":"review PR","due":"2026-12-01T12:00:00+01:00","priority":4}`},
		{"plan trip next week", `{"type":"create_task","title":"plan trip","due":"2026-12-07","priority":4}`},
		{"pay rent end of month", `{"type":"create_task","title":"pay rent","due":"2026-12-31","priority":4}`},
		{"read book this weekend", `{"type":"create_task","title":"read book","due":"2026-12-05","priority":4}`},
		{"set priority of buy milk to p1", `{"type":"set_priority","task_ref":"buy milk","priority":1}`},
		{"rename task foo to bar", `{"type":"rename_task","task_ref":"foo","title":"bar"}`},
		{"snooze buy milk until monday", `{"type":"reschedule_task","task_ref":"buy milk","due":"2026-12-07"}`},
		{"what's due today", `{"type":"query_tasks","range":"today"}`},
		{"standup tomorrow 9:30am @work", `{"type":"create_task","title":"standup","due":"2026-12-02T09:30:00+01:00","priority":4,"labels":["work"]}`},
	}
	loc, ref := issueRef(t)
	for _, c := range cases {
		t.Run(c.text, func(t *testing.T) {
			in, warnings, err := Parse(c.text, loc, ref)
			if err != nil {
				t.Fatalf("Parse(%q) error %v, want %s", c.text, err, c.want)
			}
			b, _ := json.Marshal(in)
			var got, want map[string]any
			_ = json.Unmarshal(b, &got)
			if err := json.Unmarshal([]byte(c.want), &want); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Parse(%q)\n got %s (warnings %q)\nwant %s", c.text, b, warnings, c.want)
			}
		})
	}
}

// TestEntities pins the parts a preview underlines (issue 15, point 6):
// kinds, the text as typed, and UTF-16 offsets, which count an emoji or
// 𝔘 as two and ü as one.
func TestEntities(t *testing.T) {
	ent := func(kind, text string, start, end int) intent.Entity {
		return intent.Entity{Kind: kind, Text: text, Start: start, End: end}
	}
	type e = []intent.Entity
	cases := []struct {
		lang Language
		text string
		want []intent.Entity
	}{
		{English, "add buy milk tomorrow 9am p1 #groceries", e{ent("command", "add", 0, 3), ent("date", "tomorrow", 13, 21),
			ent("time", "9am", 22, 25), ent("priority", "p1", 26, 28), ent("project", "#groceries", 29, 39)}},
		{English, "🙂 call mom tomorrow 9am", e{ent("date", "tomorrow", 12, 20), ent("time", "9am", 21, 24)}},
		{English, "x 𝔘 at 3pm", e{ent("time", "at 3pm", 5, 11)}},
		{English, "report due on friday, p2", e{ent("date", "due on friday", 7, 20), ent("priority", "p2", 22, 24)}},
		{English, "move dentist to friday 3pm", e{ent("command", "move", 0, 4), ent("command", "to", 13, 15),
			ent("date", "friday", 16, 22), ent("time", "3pm", 23, 26)}},
		{English, "what's due today", e{ent("command", "what's", 0, 6), ent("range", "today", 11, 16)}},
		{English, "review PR in 2 hours @work", e{ent("datetime", "in 2 hours", 10, 20), ent("label", "@work", 21, 26)}},
		{English, "water plants every other friday", e{ent("recurrence", "every other friday", 13, 31)}},
		{English, "push buy milk by 2 days", e{ent("command", "push", 0, 4), ent("shift", "by 2 days", 14, 23)}},
		{English, "call mom tonight at 8", e{ent("datetime", "tonight", 9, 16), ent("time", "at 8", 17, 21)}},
		// A part that was ignored is not underlined; nor is the reference.
		{English, "done buy milk tomorrow", e{ent("command", "done", 0, 4)}},
		{English, "buy milk", e{}},
		{German, "Müll jeden Montag", e{ent("recurrence", "jeden Montag", 5, 17)}},
		{German, "verschiebe Zahnarzt auf Freitag", e{ent("command", "verschiebe", 0, 10), ent("command", "auf", 20, 23),
			ent("date", "Freitag", 24, 31)}},
	}
	loc, ref := issueRef(t)
	for _, c := range cases {
		r, err := Read(c.text, Options{Loc: loc, Ref: ref, Language: c.lang})
		if err != nil {
			t.Fatalf("Read(%q): %v", c.text, err)
		}
		if !reflect.DeepEqual(r.Entities, c.want) {
			t.Errorf("Read(%q) entities\n got %+v\nwant %+v", c.text, r.Entities, c.want)
		}
		checkEntities(t, c.text, r.Entities)
	}
}

// TestIssue15German are the German phrases of issue 15 (point 5). Before
// v3 the parser read each as a new task with the whole text as its title
// and no warning.
func TestIssue15German(t *testing.T) {
	cases := []struct {
		text string
		want string
	}{
		{"Bericht heute", `{"type":"create_task","title":"Bericht","due":"2026-12-01","priority":4}`},
		{"Zahnarzt morgen um 9 Uhr", `{"type":"create_task","title":"Zahnarzt","due":"2026-12-02T09:00:00+01:00","priority":4}`},
		{"Bericht übermorgen", `{"type":"create_task","title":"Bericht","due":"2026-12-03","priority":4}`},
		{"Sport nächste Woche", `{"type":"create_task","title":"Sport","due":"2026-12-07","priority":4}`},
		{"Treffen Freitag 14:30", `{"type":"create_task","title":"Treffen","due":"2026-12-04T14:30:00+01:00","priority":4}`},
		{"Steuern in 3 Tagen", `{"type":"create_task","title":"Steuern","due":"2026-12-04","priority":4}`},
		{"Müll rausbringen jeden Montag", `{"type":"create_task","title":"Müll rausbringen","due":"2026-12-07","priority":4,"recurrence":"FREQ=WEEKLY;BYDAY=MO"}`},
		{"erledigt Milch kaufen", `{"type":"complete_task","task_ref":"Milch kaufen"}`},
		{"lösche Aufgabe alter Entwurf", `{"type":"delete_task","task_ref":"alter Entwurf"}`},
		{"verschiebe Zahnarzt auf Freitag", `{"type":"reschedule_task","task_ref":"Zahnarzt","due":"2026-12-04"}`},
		{"Milch kaufen morgen p1 #Einkauf", `{"type":"create_task","title":"Milch kaufen","due":"2026-12-02","priority":1,"project":"Einkauf"}`},
	}
	loc, ref := issueRef(t)
	for _, c := range cases {
		r, err := Read(c.text, Options{Loc: loc, Ref: ref, Language: German})
		if err != nil {
			t.Fatalf("Read(%q) error %v, want %s", c.text, err, c.want)
		}
		b, _ := json.Marshal(r.Intent)
		var got, want map[string]any
		_ = json.Unmarshal(b, &got)
		if err := json.Unmarshal([]byte(c.want), &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) || len(r.Warnings) != 0 {
			t.Errorf("Read(%q)\n got %s (warnings %q)\nwant %s", c.text, b, r.Warnings, c.want)
		}
	}
}

// TestIssue15NeverSilently: each phrase of the issue that once lost words
// without a warning now either uses them or says so (point 6).
func TestIssue15NeverSilently(t *testing.T) {
	cases := []struct{ text, warn string }{
		{"call mom at 5", `could not place "at 5": write "5am" or "5pm"`},
		{"weekly report", `kept "weekly" in the title; to repeat, write "every week"`},
		{"morning run", `kept "morning" in the title; for a time, write "tomorrow morning", "this morning" or "at 9am"`},
		{"check every other thing", `could not place "every other thing"`},
		{"dentist 03/04", `"03/04" could be 4 March or 3 April; read as 4 March (date order MDY)`},
		{"x in 11 years", `could not place "in 11 years"`},
	}
	loc, ref := issueRef(t)
	for _, c := range cases {
		r, err := Read(c.text, Options{Loc: loc, Ref: ref})
		if err != nil || !reflect.DeepEqual(r.Warnings, []string{c.warn}) {
			t.Errorf("Read(%q) warnings %q (err %v), want [%q]", c.text, r.Warnings, err, c.warn)
		}
	}
}
