package recur

import "testing"

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("FREQ=WEEKLY;BYDAY=MO"); err != nil {
			b.Fatal(err)
		}
	}
}
