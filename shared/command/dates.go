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
	last := time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
	return civil{y, m, min(c.d, last)}
}

func (c civil) before(o civil) bool { return c.utc().Before(o.utc()) }

func validCivil(y int, m time.Month, d int) bool {
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return false
	}
	return toCivil(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)) == civil{y, m, d}
}

// Years accepted after a month and day or in an ISO date; wider ranges turn
// ordinary numbers ("jan 5 1000 words") into dates.
const minYear, maxYear = 1900, 2199

var months = map[string]time.Month{
	"january": time.January, "jan": time.January,
	"february": time.February, "feb": time.February,
	"march": time.March, "mar": time.March,
	"april": time.April, "apr": time.April,
	"may":  time.May,
	"june": time.June, "jun": time.June,
	"july": time.July, "jul": time.July,
	"august": time.August, "aug": time.August,
	"september": time.September, "sep": time.September, "sept": time.September,
	"october": time.October, "oct": time.October,
	"november": time.November, "nov": time.November,
	"december": time.December, "dec": time.December,
}

var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "sun": time.Sunday,
	"monday": time.Monday, "mon": time.Monday,
	"tuesday": time.Tuesday, "tue": time.Tuesday, "tues": time.Tuesday,
	"wednesday": time.Wednesday, "wed": time.Wednesday, "weds": time.Wednesday,
	"thursday": time.Thursday, "thu": time.Thursday, "thur": time.Thursday, "thurs": time.Thursday,
	"friday": time.Friday, "fri": time.Friday,
	"saturday": time.Saturday, "sat": time.Saturday,
}

// ambiguousWeekdays are also everyday words ("sit in the sun"), so they are
// weekdays only with something around them that says so.
var ambiguousWeekdays = map[string]bool{"sun": true, "sat": true, "wed": true}

var weekdayMarkers = map[string]bool{"on": true, "by": true, "due": true, "until": true, "till": true}

var numberWords = map[string]int{
	"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
	"seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}

// match is one date or time found at a token. invalid means the words had
// the shape of a date or time but name none ("feb 30", "25:00").
type match struct {
	n         int
	invalid   bool
	date      civil
	hour, min int
}

func (p *parser) matchDate(i, lo, hi int) match {
	k := p.key(i, hi)
	switch k {
	case "today", "tonight":
		return match{n: 1, date: p.today}
	case "tomorrow", "tmrw", "tmr":
		return match{n: 1, date: p.today.addDays(1)}
	}
	if m := p.matchIn(i, hi); m.n > 0 {
		return m
	}
	if m := p.matchWeekday(i, lo, hi); m.n > 0 {
		return m
	}
	if m := p.matchDayMonth(i, hi); m.n > 0 {
		return m
	}
	if m := p.matchMonthDay(i, hi); m.n > 0 {
		return m
	}
	if isISODate(k) {
		y, _ := strconv.Atoi(k[0:4])
		mo, _ := strconv.Atoi(k[5:7])
		d, _ := strconv.Atoi(k[8:10])
		if y < minYear || y > maxYear || !validCivil(y, time.Month(mo), d) {
			return match{n: 1, invalid: true}
		}
		return match{n: 1, date: civil{y, time.Month(mo), d}}
	}
	return p.matchOrdinal(i, lo, hi)
}

// matchIn reads "in 3 days", "in a week", "in 2 months".
func (p *parser) matchIn(i, hi int) match {
	if p.key(i, hi) != "in" {
		return match{}
	}
	unit := p.key(i+2, hi)
	var limit int
	switch unit {
	case "day", "days":
		limit = 3660
	case "week", "weeks":
		limit = 520
	case "month", "months":
		limit = 120
	default:
		return match{}
	}
	nk := p.key(i+1, hi)
	count, ok := numberWords[nk]
	if !ok {
		if !allDigits(nk) {
			return match{}
		}
		v, err := strconv.Atoi(nk)
		if err != nil || len(nk) > 6 || v > limit {
			return match{n: 3, invalid: true}
		}
		count = v
	}
	switch unit[0] {
	case 'd':
		return match{n: 3, date: p.today.addDays(count)}
	case 'w':
		return match{n: 3, date: p.today.addDays(7 * count)}
	}
	return match{n: 3, date: p.today.addMonths(count)}
}

func (p *parser) matchWeekday(i, lo, hi int) match {
	k := p.key(i, hi)
	n := 1
	switch k {
	case "this", "next", "coming":
		k = p.key(i+1, hi)
		n = 2
	}
	wd, ok := weekdays[k]
	if !ok {
		return match{}
	}
	if n == 1 && ambiguousWeekdays[k] && !p.weekdayContext(i, lo, hi) {
		return match{}
	}
	ahead := (int(wd) - int(p.today.utc().Weekday()) + 7) % 7
	if ahead == 0 {
		ahead = 7
	}
	return match{n: n, date: p.today.addDays(ahead)}
}

func (p *parser) weekdayContext(i, lo, hi int) bool {
	if i-1 >= 0 && !p.toks[i-1].literal {
		prev := p.toks[i-1].key
		if weekdayMarkers[prev] || (p.resched && prev == "to") {
			return true
		}
	}
	j := i + 1
	if p.key(j, hi) == "at" {
		j++
	}
	m := p.matchTime(j, hi)
	return m.n > 0 && !m.invalid
}

// matchDayMonth reads "5 jan", "5th of january", "the 5th of jan 2027".
func (p *parser) matchDayMonth(i, hi int) match {
	j := i
	if p.key(j, hi) == "the" {
		j++
	}
	d, _, ok := dayNumber(p.key(j, hi))
	if !ok {
		return match{}
	}
	j++
	if p.key(j, hi) == "of" {
		j++
	}
	mo, ok := months[p.key(j, hi)]
	if !ok {
		return match{}
	}
	return p.resolveMonthDay(mo, d, j+1-i, i, hi)
}

// matchMonthDay reads "jan 5", "december 3rd", "dec 1, 2027".
func (p *parser) matchMonthDay(i, hi int) match {
	mo, ok := months[p.key(i, hi)]
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
			return match{n: n + 1, date: civil{y, mo, d}}
		}
	}
	// Eight years always reach the next 29 February.
	for y := p.today.y; y <= p.today.y+8; y++ {
		if c := (civil{y, mo, d}); validCivil(y, mo, d) && !c.before(p.today) {
			return match{n: n, date: c}
		}
	}
	return match{n: n, invalid: true}
}

// matchOrdinal reads "the 15th" (or "15th" after on/by/due): the next 15th
// of a month, today included.
func (p *parser) matchOrdinal(i, lo, hi int) match {
	n := 1
	k := p.key(i, hi)
	if k == "the" {
		k = p.key(i+1, hi)
		n = 2
	}
	d, ordinal, ok := dayNumber(k)
	if !ok || !ordinal {
		return match{}
	}
	if n == 1 && (i-1 < lo || !datePreps[p.key(i-1, hi)]) {
		return match{}
	}
	for k := 0; k <= 12; k++ {
		c := p.today.addMonths(k)
		if validCivil(c.y, c.m, d) && !(civil{c.y, c.m, d}).before(p.today) {
			return match{n: n, date: civil{c.y, c.m, d}}
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
// "midnight". A bare number is never a time: "read chapter 4".
func (p *parser) matchTime(i, hi int) match {
	k := p.key(i, hi)
	switch k {
	case "noon", "midday":
		return match{n: 1, hour: 12}
	case "midnight":
		return match{n: 1}
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
		return match{n: n, hour: h, min: mi}
	}
	if !colon {
		return match{}
	}
	if h > 23 || mi > 59 {
		return match{n: 1, invalid: true}
	}
	return match{n: 1, hour: h, min: mi}
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
	case ex.hasDate && ex.hasTime:
		t := p.at(ex.date, ex.hour, ex.min, ex.timeText)
		if t.Before(p.now) {
			p.warn("%q is in the past", ex.dateText+" "+ex.timeText)
		}
		return t.Format(dueLayout)
	case ex.hasDate:
		if ex.date.before(p.today) {
			p.warn("%q is in the past", ex.dateText)
		}
		return ex.date.String()
	case ex.hasTime:
		day := p.today
		if t := time.Date(day.y, day.m, day.d, ex.hour, ex.min, 0, 0, p.loc); !t.After(p.now) {
			day = day.addDays(1)
		}
		return p.at(day, ex.hour, ex.min, ex.timeText).Format(dueLayout)
	}
	return ""
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
