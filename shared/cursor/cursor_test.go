package cursor

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/lucian-app/phase12/shared/apperr"
)

func TestRoundTrip(t *testing.T) {
	pos := map[string]string{"sk": "GOAL#01ABC", "phase": "u"}
	got, err := Decode(Encode("goals", "alice", pos), "goals", "alice")
	if err != nil || got["sk"] != pos["sk"] || got["phase"] != "u" || len(got) != 2 {
		t.Fatalf("Decode(Encode(%v)) = %v, %v", pos, got, err)
	}
	if got, err := Decode("", "goals", "alice"); got != nil || err != nil {
		t.Errorf("empty cursor = %v, %v; want the start of the list", got, err)
	}
}

func TestForeignAndForgedCursorsAre400(t *testing.T) {
	alices := Encode("goals", "alice", map[string]string{"sk": "GOAL#1"})
	raw, _ := base64.RawURLEncoding.DecodeString(alices)
	for name, c := range map[string]struct{ s, list, owner, want string }{
		"another user's":  {alices, "goals", "bob", "another user"},
		"another list's":  {alices, "tasks_today", "alice", "another list"},
		"not base64":      {"!!!", "goals", "alice", "not a cursor"},
		"not JSON":        {base64.RawURLEncoding.EncodeToString([]byte("{")), "goals", "alice", "not a cursor"},
		"another version": {base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(raw), `"v":1`, `"v":9`, 1))), "goals", "alice", "not a cursor"},
		"too long":        {strings.Repeat("A", MaxLength+1), "goals", "alice", "longer than"},
	} {
		_, err := Decode(c.s, c.list, c.owner)
		if apperr.CodeOf(err) != apperr.InvalidRequest || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "cursor") {
			t.Errorf("%s cursor: %v, want 400 invalid_request naming the cursor and %q", name, err, c.want)
		}
	}
}

func TestLimit(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int
		ok   bool
	}{{"", 100, true}, {"1", 1, true}, {"500", 500, true}, {"0", 0, false}, {"501", 0, false}, {"x", 0, false}, {"-3", 0, false}} {
		got, err := Limit(c.in, 100, 500)
		if (err == nil) != c.ok || (c.ok && got != c.want) {
			t.Errorf("Limit(%q) = %d, %v; want %d ok=%v", c.in, got, err, c.want, c.ok)
		}
	}
}
