package review

import (
	"fmt"
	"slices"
)

// A rephrase may only reword: every number, date and quoted title of the deterministic
// text must be in the rephrased text, and no number may be added. Dates are compared whole
// (2026-12-07 or 2026-11-20T15:00:00-05:00, not 2026, 12 and 07), titles by their quoted
// form. A scanner, not package-level regexps: every function links this package through
// wiring, and compiled regexps would be paid at each one's INIT.
func tokens(s string) (dates, numbers, titles []string) {
	digit := func(i int) bool { return i < len(s) && s[i] >= '0' && s[i] <= '9' }
	digits := func(i, n int) bool {
		for k := range n {
			if !digit(i + k) {
				return false
			}
		}
		return true
	}
	at := func(i int, c byte) bool { return i < len(s) && s[i] == c }
	for i := 0; i < len(s); {
		switch {
		case s[i] == '"':
			j := i + 1
			for j < len(s) && s[j] != '"' {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(s) {
				i++
				continue
			}
			titles = append(titles, s[i:j+1])
			i = j + 1
		case digit(i) && (i == 0 || !digit(i-1)) && digits(i, 4) && at(i+4, '-') && digits(i+5, 2) && at(i+7, '-') && digits(i+8, 2) && !digit(i+10):
			j := i + 10
			// An RFC 3339 time: THH:MM:SS and Z or an offset.
			if at(j, 'T') && digits(j+1, 2) && at(j+3, ':') && digits(j+4, 2) && at(j+6, ':') && digits(j+7, 2) {
				k := j + 9
				switch {
				case at(k, 'Z'):
					j = k + 1
				case (at(k, '+') || at(k, '-')) && digits(k+1, 2) && at(k+3, ':') && digits(k+4, 2):
					j = k + 6
				}
			}
			dates = append(dates, s[i:j])
			i = j
		case digit(i):
			j := i
			for digit(j) {
				j++
			}
			if at(j, '.') && digit(j+1) {
				j++
				for digit(j) {
					j++
				}
			}
			numbers = append(numbers, s[i:j])
			i = j
		default:
			i++
		}
	}
	return dates, numbers, titles
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
