package review

import (
	"reflect"
	"strings"
	"testing"
)

func TestTokensFindDatesWholeNumbersAndQuotedTitles(t *testing.T) {
	d, n, ti := tokens(`10 tasks were due and 3 completed (30%); move "Car inspection 2" (due 2026-11-20T15:00:00-05:00) to Wednesday 2026-12-09 in 2026-W49, 1.5 hours.`)
	if want := []string{"2026-11-20T15:00:00-05:00", "2026-12-09"}; !reflect.DeepEqual(d, want) {
		t.Errorf("dates %q, want %q", d, want)
	}
	if want := []string{"10", "3", "30", "2026", "49", "1.5"}; !reflect.DeepEqual(n, want) {
		t.Errorf("numbers %q, want %q (the title's 2 is inside the title)", n, want)
	}
	if want := []string{`"Car inspection 2"`}; !reflect.DeepEqual(ti, want) {
		t.Errorf("titles %q, want %q", ti, want)
	}
}

func TestKeepsAcceptsARewordingAndRefusesLostOrInventedFacts(t *testing.T) {
	orig := `10 tasks were due and 3 completed on plan (30%). Move "Car inspection" (due 2026-11-20) to Wednesday 2026-12-09.`
	for _, tt := range []struct {
		candidate, why string
	}{
		{`Of 10 tasks due, you finished 3 on plan (30%). How about moving "Car inspection" (due 2026-11-20) to Wednesday 2026-12-09?`, ""},
		{`Of 10 tasks due, you finished 3 on plan (30%). Move "Car inspection" (due 2026-11-20) to Wednesday 2026-12-10.`, "date 2026-12-09 is missing"},
		{`Of 10 tasks due, you finished 3 (30%). Move "Car check" (due 2026-11-20) to Wednesday 2026-12-09.`, `title "Car inspection" is missing`},
		{`Of 10 tasks due, you finished 3 on plan (30%), 2 fewer than usual. Move "Car inspection" (due 2026-11-20) to Wednesday 2026-12-09.`, "number 2 is not in the original"},
		{`Of 10 tasks due, you finished on plan (30%). Move "Car inspection" (due 2026-11-20) to Wednesday 2026-12-09.`, "number 3 is missing"},
	} {
		err := Keeps(orig, tt.candidate)
		switch {
		case tt.why == "" && err != nil:
			t.Errorf("a faithful rewording refused: %v", err)
		case tt.why != "" && (err == nil || !strings.Contains(err.Error(), tt.why)):
			t.Errorf("Keeps(%q) = %v, want %q", tt.candidate, err, tt.why)
		}
	}
}
