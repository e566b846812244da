package httpapi

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lucian-app/phase12/shared/apperr"
)

type sample struct {
	Title    string `json:"title"`
	Priority *int   `json:"priority"`
	Done     bool   `json:"done"`
	Nested   struct {
		Count int `json:"count"`
	} `json:"nested"`
}

func TestDecodeJSON(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		wantCode apperr.Code
		wantMsg  string // substring of the message
	}{
		{"valid", `{"title":"x","priority":2}`, "", ""},
		{"unknown fields are ignored", `{"title":"x","colour":"red"}`, "", ""},
		{"empty body", ``, apperr.InvalidRequest, "body: a JSON object is required"},
		{"whitespace body", "  \n", apperr.InvalidRequest, "a JSON object is required"},
		{"not an object", `[1,2]`, apperr.InvalidRequest, "must be a JSON object"},
		{"invalid JSON", `{"title": }`, apperr.InvalidRequest, "invalid JSON at byte"},
		{"truncated JSON", `{"title": "x"`, apperr.InvalidRequest, "body:"},
		{"wrong type names the field", `{"title": 5}`, apperr.InvalidRequest, "title: must be a string, not number"},
		{"wrong type of an integer", `{"priority": "high"}`, apperr.InvalidRequest, "priority: must be an integer, not string"},
		{"fraction for an integer", `{"priority": 1.5}`, apperr.InvalidRequest, "priority: must be an integer"},
		{"nested field named with its path", `{"nested": {"count": "x"}}`, apperr.InvalidRequest, "nested.count: must be an integer"},
		{"bool", `{"done": "yes"}`, apperr.InvalidRequest, "done: must be a boolean"},
		{"trailing data", `{"title":"x"} {"title":"y"}`, apperr.InvalidRequest, "unexpected data after the JSON object"},
		{"invalid UTF-8", "{\"title\":\"\xff\"}", apperr.InvalidRequest, "not valid UTF-8"},
		{"over 64 KiB", `{"title":"` + strings.Repeat("a", MaxBodyBytes) + `"}`, apperr.PayloadTooLarge, "larger than 65536 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/x", strings.NewReader(tt.body))
			var got sample
			err := DecodeJSON(r, &got)
			if tt.wantCode == "" {
				if err != nil {
					t.Fatalf("err = %v, want none", err)
				}
				if got.Title != "x" {
					t.Errorf("title = %q, want x", got.Title)
				}
				return
			}
			if code := apperr.CodeOf(err); code != tt.wantCode {
				t.Fatalf("code = %q (err %v), want %q", code, err, tt.wantCode)
			}
			if msg := err.(*apperr.Error).Message; !strings.Contains(msg, tt.wantMsg) {
				t.Errorf("message = %q, want it to contain %q", msg, tt.wantMsg)
			}
		})
	}
}

func TestDecodeJSONRefusesLargeDeclaredLength(t *testing.T) {
	r := httptest.NewRequest("POST", "/x", strings.NewReader(`{}`))
	r.ContentLength = MaxBodyBytes + 1
	if code := apperr.CodeOf(DecodeJSON(r, &sample{})); code != apperr.PayloadTooLarge {
		t.Errorf("code = %q, want payload_too_large", code)
	}
}
