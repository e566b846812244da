package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/lucian-app/phase12/shared/apperr"
)

type strictInner struct {
	Type    string `json:"type"`
	Title   string `json:"title,omitempty"`
	GoalRef string `json:"goal_ref,omitempty"`
}

type strictEmbedded struct {
	Source string `json:"source"`
}

// strictBody has every shape the key check must see through: a pointer to a struct, a
// slice and a map of structs, free-form maps, raw and untyped values, a type with its own
// UnmarshalJSON, an embedded struct, untagged, ignored and "-"-named fields.
type strictBody struct {
	strictEmbedded
	Intent *strictInner           `json:"intent"`
	Items  []strictInner          `json:"items"`
	ByName map[string]strictInner `json:"by_name"`
	Labels map[string]string      `json:"labels"`
	Raw    json.RawMessage        `json:"raw"`
	Any    any                    `json:"any"`
	At     *time.Time             `json:"at"`
	Secret string                 `json:"-"`
	//lint:ignore SA5008 a key named "-" is part of what the test covers, and "-," is how encoding/json names one
	Dash   string `json:"-,"`
	GoName string
	Kind   string `json:"kind"`
	Status string `json:"status"`
}

func TestUnmarshalRefusesDuplicateKeysAndKeysThatDifferOnlyInCase(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string // the whole message; empty: accepted
	}{
		{"exact keys are accepted", `{"intent":{"type":"create_task","title":"x"},"items":[{"type":"a"}],"source":"app","GoName":"g"}`, ""},
		{"the issue's body: a second intent spelled Intent", `{"intent":{"type":"create_task","title":"x"},"Intent":{"type":"delete_goal","goal_ref":"y"}}`,
			`body: key "Intent" differs only in case from "intent"`},
		{"a case variant alone", `{"INTENT":{"type":"delete_goal"}}`, `body: key "INTENT" differs only in case from "intent"`},
		{"a duplicate key", `{"intent":{"type":"create_task"},"intent":{"type":"delete_goal"}}`, `body: duplicate key "intent"`},
		{"a duplicate spelled with an escape", `{"intent":{"type":"create_task"},"\u0069ntent":{"type":"delete_goal"}}`, `body: duplicate key "intent"`},
		{"a case variant spelled with an escape", `{"\u0049ntent":{"type":"delete_goal"}}`, `body: key "Intent" differs only in case from "intent"`},
		{"a duplicate inside a nested object", `{"intent":{"type":"create_task","type":"delete_goal"}}`, `body: duplicate key "intent.type"`},
		{"a case variant inside a nested object", `{"intent":{"Type":"delete_goal"}}`, `body: key "intent.Type" differs only in case from "intent.type"`},
		{"a case variant of an omitempty field", `{"intent":{"type":"x","Goal_Ref":"y"}}`, `body: key "intent.Goal_Ref" differs only in case from "intent.goal_ref"`},
		{"a duplicate in an array of objects", `{"items":[{"type":"a"},{"type":"b","type":"c"}]}`, `body: duplicate key "items[1].type"`},
		{"a case variant in an array of objects", `{"items":[{"type":"a"},{"TYPE":"b"}]}`, `body: key "items[1].TYPE" differs only in case from "items[1].type"`},
		{"map keys are free-form", `{"by_name":{"A":{"type":"x"},"a":{"type":"y"}},"labels":{"K":"1","k":"2"}}`, ""},
		{"a duplicate map key", `{"labels":{"k":"1","k":"2"}}`, `body: duplicate key "labels.k"`},
		{"a case variant in a map's struct value", `{"by_name":{"x":{"Type":"t"}}}`, `body: key "by_name.x.Type" differs only in case from "by_name.x.type"`},
		{"raw values: free-form keys", `{"raw":{"K":1,"k":2}}`, ""},
		{"raw values: a duplicate", `{"raw":{"k":1,"k":2}}`, `body: duplicate key "raw.k"`},
		{"untyped values: a duplicate deep in arrays", `{"any":[[{"x":{"y":1,"y":2}}]]}`, `body: duplicate key "any[0][0].x.y"`},
		{"unknown keys are ignored, in any case", `{"colour":"red","COLOUR":"blue","intent":{"colour":1}}`, ""},
		{"unknown keys may not repeat", `{"colour":"red","colour":"blue"}`, `body: duplicate key "colour"`},
		{"a duplicate under an unknown key", `{"extra":{"a":[{"b":1,"b":2}]}}`, `body: duplicate key "extra.a[0].b"`},
		{"an embedded struct's field", `{"Source":"app"}`, `body: key "Source" differs only in case from "source"`},
		{"an untagged field is its Go name", `{"goname":"g"}`, `body: key "goname" differs only in case from "GoName"`},
		{`a json:"-" field is no field`, `{"Secret":"s","secret":"t"}`, ""},
		{`a json:"-," field is named "-"`, `{"-":"d"}`, ""},
		{"a type with its own UnmarshalJSON", `{"at":"2026-11-28T09:00:00Z"}`, ""},
		{"the Kelvin sign folds to k", `{"\u212aind":"x"}`, `body: key "` + "\u212a" + `ind" differs only in case from "kind"`},
		{"the long s folds to s", `{"\u017ftatus":"x"}`, `body: key "` + "\u017f" + `tatus" differs only in case from "status"`},
		{"a dotless i folds to nothing: an unknown key", `{"ınteNt":{"type":"delete_goal"}}`, ""},
		{"a dotted capital I folds to nothing: an unknown key", `{"İntent":{"type":"delete_goal"}}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got strictBody
			err := Unmarshal([]byte(tt.body), &got)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Unmarshal(%s) = %v, want it accepted", tt.body, err)
				}
				return
			}
			if code := apperr.CodeOf(err); code != apperr.InvalidRequest {
				t.Fatalf("Unmarshal(%s) = %v (code %q), want invalid_request %q", tt.body, err, code, tt.want)
			}
			if msg := err.(*apperr.Error).Message; msg != tt.want {
				t.Errorf("Unmarshal(%s) message = %q, want %q", tt.body, msg, tt.want)
			}
		})
	}
}

func TestUnmarshalKeepsItsMessagesForOtherFaults(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"invalid JSON before a duplicate", `{"intent": }, "intent": 1}`, "body: invalid JSON at byte"},
		{"a wrong type", `{"intent":{"type":5}}`, "intent.type: must be a string, not number"},
		{"trailing data", `{"kind":"a"} {"kind":"a","kind":"b"}`, "body: unexpected data after the JSON object"},
		{"truncated", `{"kind":"a"`, "body:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Unmarshal([]byte(tt.body), &strictBody{})
			if apperr.CodeOf(err) != apperr.InvalidRequest || !strings.HasPrefix(err.(*apperr.Error).Message, tt.want) {
				t.Errorf("Unmarshal(%s) = %v, want invalid_request starting %q", tt.body, err, tt.want)
			}
		})
	}
}

// FuzzStrictKeysAgreeWithEncodingJSON takes encoding/json as the oracle of case folding:
// a key it maps to a field whose name is spelled otherwise must be refused, and a key it
// maps to no field must be accepted (and ignored), whatever Unicode the key holds.
func FuzzStrictKeysAgreeWithEncodingJSON(f *testing.F) {
	for _, k := range []string{"kind", "KIND", "\u212aind", "\u017ftatus", "STATUS", "status", "ınteNt", "İntent",
		"Intent", "task_ref", "TASK_REF", "tas\u212a_ref", "Goal_ref", "-", "GoName", "goname", "x"} {
		f.Add(k)
	}
	type target struct {
		Kind    *int `json:"kind"`
		Status  *int `json:"status"`
		Intent  *int `json:"intent"`
		TaskRef *int `json:"task_ref"`
		GoalRef *int `json:"goal_ref"`
		//lint:ignore SA5008 a key named "-", as above
		Dash   *int `json:"-,"`
		GoName *int
	}
	names := []string{"kind", "status", "intent", "task_ref", "goal_ref", "-", "GoName"}
	f.Fuzz(func(t *testing.T, key string) {
		k, err := json.Marshal(key)
		if err != nil || !json.Valid(k) {
			return
		}
		body := []byte(`{` + string(k) + `:1}`)
		var oracle target
		if err := json.Unmarshal(body, &oracle); err != nil {
			return // invalid UTF-8 and the like: not a question of keys
		}
		set := []*int{oracle.Kind, oracle.Status, oracle.Intent, oracle.TaskRef, oracle.GoalRef, oracle.Dash, oracle.GoName}
		mapped := ""
		for i, p := range set {
			if p != nil {
				mapped = names[i]
			}
		}
		err = Unmarshal(body, &target{})
		switch {
		case mapped == "" || mapped == key:
			if err != nil {
				t.Errorf("key %q (encoding/json maps it to %q): %v, want it accepted", key, mapped, err)
			}
		default:
			want := fmt.Sprintf("body: key %q differs only in case from %q", key, mapped)
			if err == nil || err.(*apperr.Error).Message != want {
				t.Errorf("key %q (encoding/json maps it to %q): %v, want %q", key, mapped, err, want)
			}
		}
	})
}

// FuzzUnmarshal feeds whole bodies: no panic, and nothing encoding/json refuses is
// accepted (the key walk never lets a body through that the decode would not).
func FuzzUnmarshal(f *testing.F) {
	for _, b := range []string{
		`{"intent":{"type":"create_task"},"Intent":{"type":"delete_goal"}}`,
		`{"items":[{"type":"a"},{"type":"b","type":"c"}]}`,
		`{"any":[[{"x":{"y":1,"y":2}}]]}`,
		`{"\u0069ntent":{},"intent":{}}`,
		`{"raw":{"K":1,"k":2},"labels":{"a":"1"}}`,
		`{"at":"2026-11-28T09:00:00Z","kind":1e400}`,
		`{"a":` + strings.Repeat("[", 200) + strings.Repeat("]", 200) + `}`,
		`{"kind":"a"} x`,
	} {
		f.Add([]byte(b))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		err := Unmarshal(body, &strictBody{})
		if err == nil && json.Unmarshal(body, &strictBody{}) != nil {
			t.Errorf("Unmarshal(%q) accepted a body encoding/json refuses", body)
		}
		if err != nil && apperr.CodeOf(err) != apperr.InvalidRequest && apperr.CodeOf(err) != apperr.PayloadTooLarge {
			t.Errorf("Unmarshal(%q) = %v, want invalid_request", body, err)
		}
	})
}

// TestFoldNameFoldsEveryRuneAsEqualFoldDoes pins the folding the key check shares with
// encoding/json over every rune, against bytes.EqualFold (which encoding/json documents as
// its rule): only the Kelvin sign and the long s fold to an ASCII letter besides the letters
// themselves, and nothing else is mistaken for one.
func TestFoldNameFoldsEveryRuneAsEqualFoldDoes(t *testing.T) {
	var nonASCII []string
	var letters [26]string
	for i := range letters {
		letters[i] = foldName(string(rune('a' + i)))
	}
	buf := make([]byte, 0, utf8.UTFMax)
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		buf = utf8.AppendRune(buf[:0], r)
		folded := foldName(string(buf))
		for i, letter := range letters {
			got := folded == letter
			if want := bytes.EqualFold(buf, []byte{byte('a' + i)}); got != want {
				t.Fatalf("foldName(%q) == foldName(%q) is %v, bytes.EqualFold says %v", buf, string(rune('a'+i)), got, want)
			}
			if got && r >= utf8.RuneSelf {
				nonASCII = append(nonASCII, string(buf))
			}
		}
	}
	if got, want := strings.Join(nonASCII, " "), "\u017f \u212a"; got != want {
		t.Errorf("non-ASCII runes folding to a letter: %q, want %q", got, want)
	}
}

// BenchmarkUnmarshal measures the key walk's cost on a typical body (compare
// BenchmarkUnmarshalEncodingJSON, the decode alone).
func BenchmarkUnmarshal(b *testing.B) {
	body := []byte(`{"intent":{"type":"create_task","title":"buy milk","goal_ref":"g"},"items":[{"type":"a"},{"type":"b"}],"labels":{"a":"1"},"at":"2026-11-28T09:00:00Z"}`)
	for b.Loop() {
		if err := Unmarshal(body, &strictBody{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUnmarshalEncodingJSON(b *testing.B) {
	body := []byte(`{"intent":{"type":"create_task","title":"buy milk","goal_ref":"g"},"items":[{"type":"a"},{"type":"b"}],"labels":{"a":"1"},"at":"2026-11-28T09:00:00Z"}`)
	for b.Loop() {
		if err := json.Unmarshal(body, &strictBody{}); err != nil {
			b.Fatal(err)
		}
	}
}
