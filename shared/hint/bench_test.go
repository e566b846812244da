package hint

import (
	"testing"
	"time"
)

// BenchmarkDecide is one decision (every gate, the copy choice, the claim) for a user with a
// week of history, in a DST zone.
func BenchmarkDecide(b *testing.B) {
	cat, err := DefaultCatalog()
	if err != nil {
		b.Fatal(err)
	}
	l := DefaultLimits()
	loc, _ := time.LoadLocation("Europe/Berlin")
	in := baseInput()
	in.Loc = loc
	in.State.Settings.Quiet = nil
	for i, c := range cat.Copies {
		in.State.Copies[c.ID] = CopyUse{Count: i % 2, Last: monday.Add(-time.Duration(i+4) * 24 * time.Hour)}
	}
	in.State.Day, in.State.Tips, in.State.LastShown = "2026-11-30", 1, monday.Add(-3*time.Hour)
	id := func() string { return "01KB9Q8Z0000000000000HINT1" }
	b.ReportAllocs()
	for b.Loop() {
		if d, _ := l.Decide(in, cat, id); !d.Show {
			b.Fatal(d.Reason)
		}
	}
}
