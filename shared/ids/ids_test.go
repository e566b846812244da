package ids

import (
	"bytes"
	"sort"
	"testing"
	"time"
)

func TestNewIsTimeOrderedAndUnique(t *testing.T) {
	at := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	gen := New(func() time.Time { return at }, nil)
	seen := map[string]bool{}
	var got []string
	for i := range 100 {
		at = at.Add(time.Duration(i) * time.Millisecond)
		id := gen()
		if len(id) != 26 {
			t.Fatalf("len(%q) = %d, want 26", id, len(id))
		}
		if seen[id] {
			t.Fatalf("duplicate id %q", id)
		}
		seen[id] = true
		got = append(got, id)
	}
	if !sort.StringsAreSorted(got) {
		t.Errorf("ids are not in creation order: %v", got[:5])
	}
}

func TestNewEncodesTimeAndRandomness(t *testing.T) {
	at := time.UnixMilli(0)
	gen := New(func() time.Time { return at }, bytes.NewReader(make([]byte, 10)))
	if got, want := gen(), "00000000000000000000000000"; got != want {
		t.Errorf("gen() = %q, want %q", got, want)
	}
	at = time.UnixMilli(1)
	gen = New(func() time.Time { return at }, bytes.NewReader(make([]byte, 10)))
	if got, want := gen(), "00000000010000000000000000"; got != want {
		t.Errorf("gen() = %q, want %q", got, want)
	}
}

func TestNewIsMonotonicWithinAMillisecond(t *testing.T) {
	at := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	gen := New(func() time.Time { return at }, nil)
	prev := gen()
	for range 1000 {
		id := gen()
		if id <= prev {
			t.Fatalf("%q after %q: not increasing", id, prev)
		}
		prev = id
	}
}

func TestSequence(t *testing.T) {
	gen := Sequence("t")
	for _, want := range []string{"t0001", "t0002", "t0003"} {
		if got := gen(); got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}
