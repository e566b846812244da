package cursor

import (
	"encoding/json"
	"errors"
	"net/url"
	"testing"

	"github.com/lucian-app/phase12/shared/apperr"
)

func TestPageOfReadsLimitAndCursor(t *testing.T) {
	for _, tt := range []struct {
		name, query string
		want        Page
		wantErr     string
	}{
		{"no parameters are the first page of the default size", "", Page{Limit: 100}, ""},
		{"a limit and a cursor are carried", "limit=7&cursor=abc", Page{Limit: 7, Cursor: "abc"}, ""},
		{"the largest limit is allowed", "limit=500", Page{Limit: 500}, ""},
		{"a limit past the largest is refused naming limit", "limit=501", Page{}, "limit: an integer from 1 to 500"},
		{"a limit of 0 is refused naming limit", "limit=0&cursor=abc", Page{}, "limit: an integer from 1 to 500"},
		{"a limit that is not an integer is refused naming limit", "limit=ten", Page{}, "limit: an integer from 1 to 500"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			q, err := url.ParseQuery(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			got, err := PageOf(q, 100, 500)
			if tt.wantErr != "" {
				var e *apperr.Error
				if !errors.As(err, &e) || e.Code != apperr.InvalidRequest || e.Message != tt.wantErr {
					t.Errorf("PageOf(%q) error = %v, want invalid_request %q", tt.query, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("PageOf(%q) = %+v, %v; want %+v", tt.query, got, err, tt.want)
			}
		})
	}
}

func TestBodyListsItemsAndNextOnlyBeforeTheLastPage(t *testing.T) {
	for _, tt := range []struct {
		name  string
		items []string
		next  string
		want  string
	}{
		{"a page with more after it carries next", []string{"a", "b"}, "c1", `{"alerts":["a","b"],"next":"c1"}`},
		{"the last page has no next", []string{"a"}, "", `{"alerts":["a"]}`},
		{"an empty list is a list, not null", nil, "", `{"alerts":[]}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(Body("alerts", tt.items, tt.next))
			if err != nil || string(b) != tt.want {
				t.Errorf("Body() = %s, %v; want %s", b, err, tt.want)
			}
		})
	}
}
