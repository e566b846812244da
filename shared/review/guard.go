package review

import (
	"fmt"
	"regexp"
	"slices"
)

// A rephrase may only reword: every number, date and quoted title of the deterministic
// text must be in the rephrased text, and no number may be added. Dates are compared whole
// (2026-12-07, not 2026, 12 and 07), titles by their quoted form.
var (
	dateRE   = regexp.MustCompile(`\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}(?:Z|[+-]\d{2}:\d{2}))?`)
	numberRE = regexp.MustCompile(`\d+(?:\.\d+)?`)
	titleRE  = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
)

// tokens are the facts of a text: its dates, its numbers outside dates, its quoted titles.
func tokens(s string) (dates, numbers, titles []string) {
	dates = dateRE.FindAllString(s, -1)
	numbers = numberRE.FindAllString(dateRE.ReplaceAllString(s, " "), -1)
	titles = titleRE.FindAllString(s, -1)
	return
}

// Keeps reports why candidate is not a faithful rephrase of original (nil if it is): a
// date, number or title of the original missing, or a number or date the original does
// not have.
func Keeps(original, candidate string) error {
	od, on, ot := tokens(original)
	cd, cn, ct := tokens(candidate)
	for _, d := range od {
		if !slices.Contains(cd, d) {
			return fmt.Errorf("date %s is missing", d)
		}
	}
	for _, t := range ot {
		if !slices.Contains(ct, t) {
			return fmt.Errorf("title %s is missing", t)
		}
	}
	for _, n := range on {
		if !slices.Contains(cn, n) {
			return fmt.Errorf("number %s is missing", n)
		}
	}
	for _, n := range cn {
		if !slices.Contains(on, n) {
			return fmt.Errorf("number %s is not in the original", n)
		}
	}
	for _, d := range cd {
		if !slices.Contains(od, d) {
			return fmt.Errorf("date %s is not in the original", d)
		}
	}
	return nil
}
