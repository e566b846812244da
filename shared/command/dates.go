package command

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// civil is a calendar date with no zone. Date arithmetic happens on civil
// dates (in UTC, which has no DST) and only the final value becomes an
// instant in the user's zone, so "tomorrow" is never 23 or 25 hours away.
type civil struct {
	y int
	m time.Month
	d int
}

func (c civil) String() string { return fmt.Sprintf("%04d-%02d-%02d", c.y, int(c.m), c.d) }

func (c civil) utc() time.Time { return time.Date(c.y, c.m, c.d, 0, 0, 0, 0, time.UTC) }

func toCivil(t time.Time) civil {
	y, m, d := t.Date()
	return civil{y, m, d}
}

func (c civil) addDays(n int) civil { return toCivil(time.Date(c.y, c.m, c.d+n, 0, 0, 0, 0, time.UTC)) }

// addMonths keeps the day of month, clamped to the target month's length
// ("in 1 month" from 31 Jan is 28 Feb, not 3 Mar).
func (c civil) addMonths(n int) civil {
	total := int(c.m) - 1 + n
	y, m := c.y+total/12, time.Month(total%12+1)
	return civil{y, m, min(c.d, daysIn(y, m))}
}

func daysIn(y int, m time.Month) int { return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day() }

func (c civil) before(o civil) bool { return c.utc().Before(o.utc()) }

func (c civil) weekday() time.Weekday { return c.utc().Weekday() }

// monday is the Monday of c's ISO week.
func (c civil) monday() civil { return c.addDays(-((int(c.weekday()) + 6) % 7)) }

func validCivil(y int, m time.Month, d int) bool {
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return false
	}
	return d <= daysIn(y, m)
}

// Years accepted after a month and day or in an ISO date; wider ranges turn
// ordinary numbers ("jan 5 1000 words") into dates.
const minYear, maxYear = 1900, 2199

// match is one date or time found at a token. invalid means the words had
// the shape of a date or time but name none ("feb 30", "25:00").
type match struct {
	n       int
	invalid bool

	hasDate bool
	date    civil

	hasTime   bool
	hour, min int
	weak      bool // a daypart's default time
	plain     bool // a clock time without am/pm, before noon

	hasInstant bool
	instant    time.Time

	note string // a warning to give if the match is used
}

func dateMatch(n int, c civil) match { return match{n: n, hasDate: true, date: c} }

func (p *parser) matchDate(i, lo, hi int) match {
	k := p.key(i, hi)
	if k == "" {
		return match{}
	}
	if d, ok := p.v.relDays[k]; ok {
		return dateMatch(1, p.today.addDays(d))
	}
	if m := p.matchPhrase(i, hi); m.n > 0 {
		return m
	}
	if m := p.matchIn(i, hi); m.n > 0 {
		return m
	}
	if m := p.matchWeekday(i, hi); m.n > 0 {
		return m
	}
	if m := p.matchDayMonth(i, hi); m.n > 0 {
		return m
	}
	if p.v.lang == English {
		if m := p.matchMonthDay(i, hi); m.n > 0 {
			return m
		}
	}
	if isISODate(k) {
		y, _ := strconv.Atoi(k[0:4])
		mo, _ := strconv.Atoi(k[5:7])
		d, _ := strconv.Atoi(k[8:10])
		if y < minYear || y > maxYear || !validCivil(y, time.Month(mo), d) {
			return match{n: 1, invalid: true}
		}
		return dateMatch(1, civil{y, time.Month(mo), d})
	}
	if m := p.matchNumeric(i, hi); m.n > 0 {
		return m
	}
	return p.matchOrdinal(i, lo, hi)
}

// keysAre reports whether the free tokens from i spell words.
func (p *parser) keysAre(i, hi int, words ...string) bool {
	for j, w := range words {
		if p.key(i+j, hi) != w {
			return false
		}
	}
	return true
}

// matchPhrase reads the fixed phrases of a language: "the day after
// tomorrow", "next week", "this weekend", "end of month", "tonight",
// "this evening"; "nächste Woche", "am Wochenende", "Ende des Monats".
func (p *parser) matchPhrase(i, hi int) match {
	t := p.today
	nextWeek := t.monday().addDays(7)
	thisWeekend := t.monday().addDays(5)
	if t.weekday() == time.Sunday {
		thisWeekend = t // the weekend is today
	}
	endOfMonth := civil{t.y, t.m, daysIn(t.y, t.m)}
	firstOfNext := civil{t.y, t.m, 1}.addMonths(1)
	endOfNext := civil{firstOfNext.y, firstOfNext.m, daysIn(firstOfNext.y, firstOfNext.m)}
	type phrase struct {
		words []string
		m     match
	}
	var phrases []phrase
	k := p.key(i, hi)
	if p.v.lang == German {
		switch k {
		case "nächste", "naechste", "nächster", "naechster", "kommende":
			phrases = []phrase{{[]string{k, "woche"}, dateMatch(2, nextWeek)}}
		case "dieses", "am", "kommendes", "nächstes", "naechstes", "übernächstes":
			phrases = []phrase{
				{[]string{"dieses", "wochenende"}, dateMatch(2, thisWeekend)},
				{[]string{"am", "wochenende"}, dateMatch(2, thisWeekend)},
				{[]string{"nächstes", "wochenende"}, dateMatch(2, nextWeek.addDays(5))},
				{[]string{"naechstes", "wochenende"}, dateMatch(2, nextWeek.addDays(5))},
				{[]string{"kommendes", "wochenende"}, dateMatch(2, nextWeek.addDays(5))},
				{[]string{"nächstes", "jahr"}, dateMatch(2, civil{t.y + 1, time.January, 1})},
				{[]string{"naechstes", "jahr"}, dateMatch(2, civil{t.y + 1, time.January, 1})},
			}
		case "nächsten", "naechsten", "kommenden":
			phrases = []phrase{{[]string{k, "monat"}, dateMatch(2, firstOfNext)}}
		case "ende":
			phrases = []phrase{
				{[]string{"ende", "des", "monats"}, dateMatch(3, endOfMonth)},
				{[]string{"ende", "dieses", "monats"}, dateMatch(3, endOfMonth)},
				{[]string{"ende", "nächsten", "monats"}, dateMatch(3, endOfNext)},
				{[]string{"ende", "naechsten", "monats"}, dateMatch(3, endOfNext)},
				{[]string{"ende", "des", "nächsten", "monats"}, dateMatch(4, endOfNext)},
				{[]string{"ende", "monat"}, dateMatch(2, endOfMonth)},
			}
		case "monatsende":
			phrases = []phrase{{[]string{k}, dateMatch(1, endOfMonth)}}
		}
	} else {
		switch k {
		case "the", "day":
			phrases = []phrase{
				{[]string{"the", "day", "after", "tomorrow"}, dateMatch(4, t.addDays(2))},
				{[]string{"day", "after", "tomorrow"}, dateMatch(3, t.addDays(2))},
			}
		case "next", "this", "coming":
			phrases = []phrase{
				{[]string{"next", "week"}, dateMatch(2, nextWeek)},
				{[]string{"next", "month"}, dateMatch(2, firstOfNext)},
				{[]string{"next", "year"}, dateMatch(2, civil{t.y + 1, time.January, 1})},
				{[]string{"this", "weekend"}, dateMatch(2, thisWeekend)},
				{[]string{"next", "weekend"}, dateMatch(2, nextWeek.addDays(5))},
				{[]string{"coming", "weekend"}, dateMatch(2, thisWeekend)},
			}
			if h, ok := p.v.daypartNouns[p.key(i+1, hi)]; ok && k == "this" {
				m := dateMatch(2, t)
				m.hasTime, m.hour, m.weak = true, h, true
				return m
			}
		case "over", "on", "at", "by":
			phrases = []phrase{{[]string{k, "the", "weekend"}, dateMatch(3, thisWeekend)}}
		case "end", "eom":
			phrases = []phrase{
				{[]string{"end", "of", "month"}, dateMatch(3, endOfMonth)},
				{[]string{"end", "of", "the", "month"}, dateMatch(4, endOfMonth)},
				{[]string{"end", "of", "this", "month"}, dateMatch(4, endOfMonth)},
				{[]string{"end", "of", "next", "month"}, dateMatch(4, endOfNext)},
				{[]string{"eom"}, dateMatch(1, endOfMonth)},
			}
		case "tonight":
			m := dateMatch(1, t)
			m.hasTime, m.hour, m.weak = true, 19, true
			return m
		}
	}
	best := match{}
	for _, ph := range phrases {
		if len(ph.words) > best.n && p.keysAre(i, hi, ph.words...) {
			best = ph.m
		}
	}
	return best
}

// count reads "3 days", "a week", "2h", "zwei Wochen", "einer Stunde":
// how many of which unit, and the tokens read (0: none).
func (p *parser) count(i, hi int) (int, unit, int) {
	k := p.key(i, hi)
	// Compact forms: "2h", "30min".
	for _, suf := range []struct {
		s string
		u unit
	}{{"min", minuteUnit}, {"h", hourUnit}} {
		if d, ok := strings.CutSuffix(k, suf.s); ok && allDigits(d) && len(d) <= 6 {
			v, _ := strconv.Atoi(d)
			return v, suf.u, 1
		}
	}
	u, ok := p.v.units[p.key(i+1, hi)]
	if !ok {
		return 0, noUnit, 0
	}
	if v, ok := p.v.numbers[k]; ok {
		return v, u, 2
	}
	if !allDigits(k) || len(k) > 6 {
		return 0, noUnit, 0
	}
	v, _ := strconv.Atoi(k)
	return v, u, 2
}

// unitLimits keep "in N units" on a calendar people use.
var unitLimits = map[unit]int{minuteUnit: 60 * 24 * 366, hourUnit: 24 * 366, dayUnit: 3660, weekUnit: 520, monthUnit: 120, yearUnit: 10}

// matchIn reads "in 3 days", "in a week", "in 2 hours" (a time), "in 3
// Tagen", "in einer Stunde".
func (p *parser) matchIn(i, hi int) match {
	if p.key(i, hi) != "in" {
		return match{}
	}
	v, u, n := p.count(i+1, hi)
	if n == 0 {
		return match{}
	}
	if v > unitLimits[u] {
		return match{n: n + 1, invalid: true}
	}
	switch u {
	case minuteUnit, hourUnit:
		d := time.Duration(v) * time.Minute
		if u == hourUnit {
			d = time.Duration(v) * time.Hour
		}
		return match{n: n + 1, hasInstant: true, instant: p.now.Truncate(time.Minute).Add(d)}
	case dayUnit:
		return dateMatch(n+1, p.today.addDays(v))
	case weekUnit:
		return dateMatch(n+1, p.today.addDays(7*v))
	case monthUnit:
		return dateMatch(n+1, p.today.addMonths(v))
	}
	return dateMatch(n+1, p.today.addMonths(12*v))
}

// comingWeekday is the next wd strictly after today.
func (p *parser) comingWeekday(wd time.Weekday) civil {
	ahead := (int(wd) - int(p.today.weekday()) + 7) % 7
	if ahead == 0 {
		ahead = 7
	}
	return p.today.addDays(ahead)
}

func (p *parser) matchWeekday(i, hi int) match {
	k := p.key(i, hi)
	n := 1
	if p.v.weekdayModifiers[k] {
		k = p.key(i+1, hi)
		n = 2
	}
	wd, ok := p.v.weekdays[k]
	if !ok {
		return match{}
	}
	if n == 1 && p.v.ambiguousWeekdays[k] && !p.weekdayContext(i, hi) {
		return match{}
	}
	return dateMatch(n, p.comingWeekday(wd))
}

func (p *parser) weekdayContext(i, hi int) bool {
	if i-1 >= 0 && !p.toks[i-1].literal {
		prev := p.toks[i-1].key
		if p.v.weekdayMarkers[prev] || (p.resched && (prev == "to" || prev == "auf")) {
			return true
		}
	}
	j := i + 1
	if k := p.key(j, hi); k == "at" || k == "um" {
		j++
	}
	m := p.matchTime(j, j, hi)
	return m.n > 0 && !m.invalid
}

// matchDayMonth reads "5 jan", "5th of january", "the 5th of jan 2027",
// "30. Juni", "5. Januar 2027".
func (p *parser) matchDayMonth(i, hi int) match {
	j := i
	if p.v.lang == English && p.key(j, hi) == "the" {
		j++
	}
	d, _, ok := dayNumber(p.key(j, hi))
	if !ok {
		return match{}
	}
	j++
	if p.v.lang == English && p.key(j, hi) == "of" {
		j++
	}
	mo, ok := p.v.months[p.key(j, hi)]
	if !ok {
		return match{}
	}
	return p.resolveMonthDay(mo, d, j+1-i, i, hi)
}

// matchMonthDay reads "jan 5", "december 3rd", "dec 1, 2027".
func (p *parser) matchMonthDay(i, hi int) match {
	mo, ok := p.v.months[p.key(i, hi)]
	if !ok {
		return match{}
	}
	d, _, ok := dayNumber(p.key(i+1, hi))
	if !ok {
		return match{}
	}
	return p.resolveMonthDay(mo, d, 2, i, hi)
}

// resolveMonthDay takes an optional year after the n tokens at i. Without
// one, the date is the next such day from today (today included).
func (p *parser) resolveMonthDay(mo time.Month, d, n, i, hi int) match {
	if yk := p.key(i+n, hi); len(yk) == 4 && allDigits(yk) {
		if y, _ := strconv.Atoi(yk); y >= minYear && y <= maxYear {
			if !validCivil(y, mo, d) {
				return match{n: n + 1, invalid: true}
			}
			return dateMatch(n+1, civil{y, mo, d})
		}
	}
	if c, ok := p.nextMonthDay(mo, d); ok {
		return dateMatch(n, c)
	}
	return match{n: n, invalid: true}
}

// nextMonthDay is the next mo/d from today, today included. Eight years
// always reach the next 29 February.
func (p *parser) nextMonthDay(mo time.Month, d int) (civil, bool) {
	for y := p.today.y; y <= p.today.y+8; y++ {
		if c := (civil{y, mo, d}); validCivil(y, mo, d) && !c.before(p.today) {
			return c, true
		}
	}
	return civil{}, false
}

// matchNumeric reads numeric dates: day first with dots ("24.12.",
// "24.12.2026"), and with slashes in the date order ("12/24", "03/04",
// "24/12/2026", "2026/12/24"). When both readings of a slashed date are
// days, the date order decides and a warning says so.
func (p *parser) matchNumeric(i, hi int) match {
	k := p.key(i, hi)
	if k == "" || !isDigit(k[0]) {
		return match{}
	}
	if strings.Contains(k, ".") {
		parts := strings.Split(k, ".")
		year := ""
		switch {
		case len(parts) == 3 && (len(parts[2]) == 4 || len(parts[2]) == 2) && allDigits(parts[2]):
			year = parts[2]
		case len(parts) != 2:
			return match{}
		case strings.HasSuffix(strings.TrimRight(p.toks[i].raw, ",;:!?"), "."):
			// "24.12." ends with its own dot.
		case i > 0 && p.v.datePreps[p.key(i-1, hi)]:
			// "am 24.12": a date after its preposition.
		default:
			return match{} // "pay 24.12": a price as likely as a date
		}
		if !short(parts[0]) || !short(parts[1]) {
			return match{}
		}
		d, _ := strconv.Atoi(parts[0])
		mo, _ := strconv.Atoi(parts[1])
		return p.numericDate(d, mo, year)
	}
	parts := strings.Split(k, "/")
	if len(parts) < 2 || len(parts) > 3 {
		return match{}
	}
	for _, s := range parts {
		if !allDigits(s) {
			return match{}
		}
	}
	// a and b are the day and month in the order written; year is "" if none.
	var a, b, year string
	switch {
	case len(parts) == 3 && len(parts[0]) == 4 && short(parts[1]) && short(parts[2]):
		mo, _ := strconv.Atoi(parts[1])
		d, _ := strconv.Atoi(parts[2])
		return p.numericDate(d, mo, parts[0]) // year first is never ambiguous
	case len(parts) == 2 && short(parts[0]) && short(parts[1]):
		a, b = parts[0], parts[1]
	case len(parts) == 3 && p.order == YMD && len(parts[0]) == 2 && short(parts[1]) && short(parts[2]):
		year, a, b = parts[0], parts[1], parts[2]
	case len(parts) == 3 && short(parts[0]) && short(parts[1]) && (len(parts[2]) == 2 || len(parts[2]) == 4):
		a, b, year = parts[0], parts[1], parts[2]
	default:
		return match{}
	}
	x, _ := strconv.Atoi(a)
	y, _ := strconv.Atoi(b)
	// Month first in MDY and YMD, day first in DMY.
	d, mo := y, x
	if p.order == DMY {
		d, mo = x, y
	}
	first, other := validMonthDay(mo, d), validMonthDay(d, mo)
	switch {
	case first && other && d != mo:
		m := p.numericDate(d, mo, year)
		if !m.invalid {
			m.note = fmt.Sprintf("%q could be %s or %s; read as %s (date order %s)", p.span(i, i+1),
				dayName(d, mo), dayName(mo, d), dayName(d, mo), p.order)
		}
		return m
	case first:
		return p.numericDate(d, mo, year)
	case other:
		// Only the other reading is a day ("12/24" read day first).
		return p.numericDate(mo, d, year)
	}
	return match{n: 1, invalid: true}
}

func short(s string) bool { return len(s) >= 1 && len(s) <= 2 && allDigits(s) }

// validMonthDay: mo/d is a day in some year (29 February included).
func validMonthDay(mo, d int) bool {
	return mo >= 1 && mo <= 12 && d >= 1 && d <= daysIn(2028, time.Month(mo))
}

func dayName(d, mo int) string { return fmt.Sprintf("%d %s", d, time.Month(mo)) }

// numericDate resolves day d of month mo in year (two digits mean 20xx);
// without a year, the next such day from today, today included.
func (p *parser) numericDate(d, mo int, year string) match {
	if year != "" {
		y, _ := strconv.Atoi(year)
		if len(year) == 2 {
			y += 2000
		}
		if y < minYear || y > maxYear || !validCivil(y, time.Month(mo), d) {
			return match{n: 1, invalid: true}
		}
		return dateMatch(1, civil{y, time.Month(mo), d})
	}
	if !validMonthDay(mo, d) {
		return match{n: 1, invalid: true}
	}
	c, ok := p.nextMonthDay(time.Month(mo), d)
	if !ok {
		return match{n: 1, invalid: true}
	}
	return dateMatch(1, c)
}

// matchOrdinal reads "the 15th" (or "15th" after on/by/due), "am 15.":
// the next 15th of a month, today included.
func (p *parser) matchOrdinal(i, lo, hi int) match {
	n := 1
	k := p.key(i, hi)
	if p.v.lang == German {
		// "am 15.": a day number ending in its dot, after a preposition.
		if !strings.HasSuffix(p.toks[i].raw, ".") || i-1 < lo || !p.v.datePreps[p.key(i-1, hi)] {
			return match{}
		}
		d, ordinal, ok := dayNumber(k)
		if !ok || ordinal {
			return match{}
		}
		return p.nextDayOfMonth(d, 1)
	}
	if k == "the" {
		k = p.key(i+1, hi)
		n = 2
	}
	d, ordinal, ok := dayNumber(k)
	if !ok || !ordinal {
		return match{}
	}
	if n == 1 && (i-1 < lo || !p.v.datePreps[p.key(i-1, hi)]) {
		return match{}
	}
	return p.nextDayOfMonth(d, n)
}

func (p *parser) nextDayOfMonth(d, n int) match {
	for k := 0; k <= 12; k++ {
		c := civil{p.today.y, p.today.m, 1}.addMonths(k)
		if validCivil(c.y, c.m, d) && !(civil{c.y, c.m, d}).before(p.today) {
			return dateMatch(n, civil{c.y, c.m, d})
		}
	}
	return match{n: n, invalid: true}
}

// dayNumber reads "5", "05", "5th", "21st". The range is checked by the
// caller, so "jan 45" is reported rather than silently left in the title.
func dayNumber(k string) (d int, ordinal, ok bool) {
	for _, suf := range []string{"st", "nd", "rd", "th"} {
		if s, found := strings.CutSuffix(k, suf); found {
			k, ordinal = s, true
			break
		}
	}
	if len(k) == 0 || len(k) > 2 || !allDigits(k) {
		return 0, false, false
	}
	d, _ = strconv.Atoi(k)
	return d, ordinal, true
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func isISODate(k string) bool {
	if len(k) != 10 || k[4] != '-' || k[7] != '-' {
		return false
	}
	return allDigits(k[0:4]) && allDigits(k[5:7]) && allDigits(k[8:10])
}

// matchTime reads "9am", "9 am", "3:30pm", "9 a.m.", "15:00", "noon",
// "midnight", "in the evening", "at night"; "9 Uhr", "14:30 Uhr",
// "14.30 Uhr", "abends", "am Abend". A bare number is never a time: "read
// chapter 4".
func (p *parser) matchTime(i, lo, hi int) match {
	k := p.key(i, hi)
	if k == "" {
		return match{}
	}
	if h, ok := p.v.strongTimes[k]; ok {
		return match{n: 1, hasTime: true, hour: h}
	}
	if h, ok := p.v.daypartAdverbs[k]; ok {
		return match{n: 1, hasTime: true, hour: h, weak: true}
	}
	if k == "in" && p.key(i+1, hi) == "the" {
		// "in the evening"
		if h, ok := p.v.daypartNouns[p.key(i+2, hi)]; ok && p.v.lang == English {
			return match{n: 3, hasTime: true, hour: h, weak: true}
		}
	}
	if h, ok := p.v.daypartNouns[k]; ok {
		// "at night", "am Abend": the preposition is claimed with it.
		if i-1 >= lo && p.v.timePreps[p.key(i-1, hi)] && p.key(i-1, hi) != "@" {
			return match{n: 1, hasTime: true, hour: h, weak: true}
		}
		return match{}
	}
	if p.v.lang == German {
		return p.matchGermanClock(i, hi)
	}
	h, mi, colon, suffix, ok := splitClock(k)
	if !ok {
		return match{}
	}
	n := 1
	if suffix == "" {
		if s := meridiem(p.key(i+1, hi)); s != "" {
			suffix, n = s, 2
		}
	}
	if suffix != "" {
		if h < 1 || h > 12 || mi > 59 {
			return match{n: n, invalid: true}
		}
		h %= 12
		if suffix == "pm" {
			h += 12
		}
		return match{n: n, hasTime: true, hour: h, min: mi}
	}
	if !colon {
		return match{}
	}
	if h > 23 || mi > 59 {
		return match{n: 1, invalid: true}
	}
	return match{n: 1, hasTime: true, hour: h, min: mi, plain: h < 12}
}

// matchGermanClock reads "14:30", "9 Uhr", "14:30 Uhr", "14.30 Uhr",
// "neun Uhr" on a 24-hour clock; an hour before noon is plain, so
// "abends" can still make it the evening one ("um 8 Uhr abends").
func (p *parser) matchGermanClock(i, hi int) match {
	k := p.key(i, hi)
	uhr := p.key(i+1, hi) == "uhr"
	n := 1
	if uhr {
		n = 2
	}
	if h, ok := p.v.numbers[k]; ok && uhr && !strings.HasPrefix(k, "ein") {
		return match{n: 2, hasTime: true, hour: h, plain: h < 12}
	}
	sep := ":"
	if uhr && strings.Contains(k, ".") {
		sep = "."
	}
	hs, ms, hasMin := strings.Cut(k, sep)
	if len(hs) == 0 || len(hs) > 2 || !allDigits(hs) || (hasMin && (len(ms) != 2 || !allDigits(ms))) {
		return match{}
	}
	if !hasMin && !uhr {
		return match{} // a bare number is not a time
	}
	h, _ := strconv.Atoi(hs)
	mi := 0
	if hasMin {
		mi, _ = strconv.Atoi(ms)
	}
	if h > 23 || mi > 59 {
		return match{n: n, invalid: true}
	}
	return match{n: n, hasTime: true, hour: h, min: mi, plain: h < 12}
}

func meridiem(k string) string {
	switch k {
	case "am", "a.m":
		return "am"
	case "pm", "p.m":
		return "pm"
	}
	return ""
}

// splitClock splits "3:30pm" into 3, 30, colon, "pm".
func splitClock(k string) (h, mi int, colon bool, suffix string, ok bool) {
	for _, s := range []string{"am", "pm", "a.m", "p.m"} {
		if rest, found := strings.CutSuffix(k, s); found {
			k, suffix = rest, meridiem(s)
			break
		}
	}
	hs, ms, colon := strings.Cut(k, ":")
	if len(hs) == 0 || len(hs) > 2 || !allDigits(hs) {
		return 0, 0, false, "", false
	}
	if colon && (len(ms) != 2 || !allDigits(ms)) {
		return 0, 0, false, "", false
	}
	h, _ = strconv.Atoi(hs)
	if colon {
		mi, _ = strconv.Atoi(ms)
	}
	return h, mi, colon, suffix, true
}

// dueLayout writes the zone's offset at that instant, numeric even for UTC.
const dueLayout = "2006-01-02T15:04:05-07:00"

// due turns what a scan found into a due value: a date "YYYY-MM-DD", or an
// RFC 3339 time when a time of day was given.
func (p *parser) due(ex extraction) string {
	switch {
	case ex.hasInstant:
		return ex.instant.In(p.loc).Format(dueLayout)
	case ex.hasDate && ex.hasTime:
		t := p.at(ex.date, ex.hour, ex.min, ex.timeText)
		if t.Before(p.now) {
			text := ex.dateText
			if ex.timeText != ex.dateText { // "tonight" is both
				text += " " + ex.timeText
			}
			p.warn("%q is in the past", text)
		}
		return t.Format(dueLayout)
	case ex.hasDate:
		if ex.date.before(p.today) {
			p.warn("%q is in the past", ex.dateText)
		}
		return ex.date.String()
	case ex.hasTime:
		day := p.today
		if !p.ahead(day, ex.hour, ex.min) {
			day = day.addDays(1)
		}
		return p.at(day, ex.hour, ex.min, ex.timeText).Format(dueLayout)
	}
	return ""
}

// ahead reports whether h:mi on day c is still to come.
func (p *parser) ahead(c civil, h, mi int) bool {
	return time.Date(c.y, c.m, c.d, h, mi, 0, 0, p.loc).After(p.now)
}

// at builds the instant in the user's zone. When DST skips the wall time
// (2:30 on a spring-forward night), the time moves forward by the length of
// the gap, as calendars do, since a reminder an hour late beats one an hour
// early that the user never asked for; the user is told which time was used.
func (p *parser) at(c civil, h, mi int, text string) time.Time {
	t := time.Date(c.y, c.m, c.d, h, mi, 0, 0, p.loc)
	want := time.Date(c.y, c.m, c.d, h, mi, 0, 0, time.UTC)
	got := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), 0, 0, time.UTC)
	if d := want.Sub(got); d != 0 {
		if d > 0 {
			// time.Date read the wall time with the offset after the gap;
			// reading it with the offset before lands d later.
			t = t.Add(d)
		}
		p.warn("%q does not exist on %s in %s (clock change); using %s", text, c, p.loc, t.Format("15:04"))
	}
	return t
}
