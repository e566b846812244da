package cursor

import "net/url"

// Page asks for one page of a list: at most Limit items after Cursor (""
// for the first page).
type Page struct {
	Limit  int
	Cursor string
}

// PageOf reads a list route's `limit` (def when absent, else 1..max) and
// `cursor` query parameters (DESIGN §7). The cursor is only carried here:
// the store that continues the list decodes it against its list and owner.
func PageOf(q url.Values, def, max int) (Page, error) {
	n, err := Limit(q.Get("limit"), def, max)
	if err != nil {
		return Page{}, err
	}
	return Page{Limit: n, Cursor: q.Get("cursor")}, nil
}

// Body is one page of a list as a route answers it: the items under name
// (an empty list, never null) and `next` unless this is the last page.
func Body[T any](name string, items []T, next string) map[string]any {
	if items == nil {
		items = []T{}
	}
	body := map[string]any{name: items}
	if next != "" {
		body["next"] = next
	}
	return body
}
