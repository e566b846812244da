package command

import (
	"strconv"
	"strings"
	"time"

	"github.com/lucian-app/phase12/shared/intent"
)

// freq is how often a rule repeats.
type freq int

const (
	daily freq = iota + 1
	weekly
	monthly
	yearly
)

// unitFreq is the frequency "every <unit>" means, in either language.
var unitFreq = map[unit]freq{dayUnit: daily, weekUnit: weekly, monthUnit: monthly, yearUnit: yearly}

// rule is a repeat the parser read; String writes it as the RFC 5545
// RRULE value in the canonical form of shared/recur.
type rule struct {
	freq     freq
	interval int        // 0 and 1 both mean every one
	days     uint8      // weekdays, bit 1<<time.Weekday
	monthDay int        // 0: none; -1: the last day of the month
	month    time.Month // 0: none
}

const (
	workdays    uint8 = 1<<time.Monday | 1<<time.Tuesday | 1<<time.Wednesday | 1<<time.Thursday | 1<<time.Friday
	weekendDays uint8 = 1<<time.Saturday | 1<<time.Sunday
)

var freqNames = [...]string{daily: "DAILY", weekly: "WEEKLY", monthly: "MONTHLY", yearly: "YEARLY"}

// dayCodes in RFC 5545 order, Monday first (as shared/recur sorts them).
var dayCodes = []struct {
	wd   time.Weekday
	code string
}{{time.Monday, "MO"}, {time.Tuesday, "TU"}, {time.Wednesday, "WE"}, {time.Thursday, "TH"},
	{time.Friday, "FR"}, {time.Saturday, "SA"}, {time.Sunday, "SU"}}

func (r rule) String() string {
	var b strings.Builder
	b.WriteString("FREQ=" + freqNames[r.freq])
	if r.interval > 1 {
		b.WriteString(";INTERVAL=" + strconv.Itoa(r.interval))
	}
	if r.month != 0 {
		b.WriteString(";BYMONTH=" + strconv.Itoa(int(r.month)))
	}
	if r.monthDay != 0 {
		b.WriteString(";BYMONTHDAY=" + strconv.Itoa(r.monthDay))
	}
	if r.days != 0 {
		b.WriteString(";BYDAY=")
		first := true
		for _, d := range dayCodes {
			if r.days&(1<<d.wd) != 0 {
				if !first {
					b.WriteByte(',')
				}
				b.WriteString(d.code)
				first = false
			}
		}
	}
	return b.String()
}

// repeatMatch is a repeat found at a token: its rule, and the daypart's
// hour it carries ("every morning": 9), 0 if none.
type repeatMatch struct {
	n       int
	invalid bool
	rule    rule
	hour    int
}

// MaxRepeatInterval bounds "every N units".
const maxRepeatInterval = 999

func (p *parser) scanRepeat(i, lo, hi int, ex *extraction) int {
	var m repeatMatch
	if p.v.lang == German {
		m = p.matchRepeatDE(i, hi)
	} else {
		m = p.matchRepeatEN(i, hi)
	}
	if m.n == 0 {
		return 0
	}
	text := p.span(i, i+m.n)
	if m.invalid {
		p.warn("could not place %q", text)
		return m.n
	}
	p.use(i, i+m.n)
	if ex.rec != nil {
		p.warn("ignored extra repeat %q", text)
		return m.n
	}
	r := m.rule
	ex.rec, ex.recText = &r, text
	ex.parts = append(ex.parts, part{fRepeat, intent.EntityRecurrence, i, i + m.n})
	if m.hour != 0 {
		p.addTime(ex, match{hasTime: true, hour: m.hour, weak: true}, text, part{})
	}
	return m.n
}

// number reads a count: digits or a number word ("two", "zwei"), never
// "a" or "ein", which are articles before a unit only in "in a week".
func (p *parser) number(k string) (int, bool) {
	if v, ok := p.v.numbers[k]; ok && k != "a" && k != "an" && !strings.HasPrefix(k, "ein") {
		return v, true
	}
	if allDigits(k) && len(k) <= 4 {
		v, _ := strconv.Atoi(k)
		return v, true
	}
	return 0, false
}

// weekdayAt reads a weekday at j for a repeat, where even the ambiguous
// abbreviations are days ("every sat"), and plurals count ("mondays").
func (p *parser) weekdayAt(j, hi int) (time.Weekday, bool) {
	k := p.key(j, hi)
	if wd, ok := p.v.weekdays[k]; ok {
		return wd, true
	}
	if p.v.lang == English && len(k) > 4 && strings.HasSuffix(k, "s") {
		if wd, ok := p.v.weekdays[k[:len(k)-1]]; ok {
			return wd, true
		}
	}
	if wd, ok := p.v.recurWeekdays[k]; ok {
		return wd, true
	}
	return 0, false
}

// dayList reads "monday", "monday and thursday", "mon, wed, fri",
// "montags und donnerstags" from j: the days and where the list ends.
func (p *parser) dayList(j, hi int) (uint8, int) {
	wd, ok := p.weekdayAt(j, hi)
	if !ok {
		return 0, j
	}
	days := uint8(1) << wd
	j++
	for {
		if wd, ok := p.weekdayAt(j, hi); ok {
			days |= 1 << wd
			j++
			continue
		}
		if k := p.key(j, hi); k == "and" || k == "&" || k == "und" {
			if wd, ok := p.weekdayAt(j+1, hi); ok {
				days |= 1 << wd
				j += 2
				continue
			}
		}
		return days, j
	}
}

// matchRepeatEN reads "every day", "every 3 days", "every weekday",
// "every monday and thursday", "every other friday", "every 2 weeks
// (on friday)", "every month (on the 15th)", "every 15th", "every year
// (on dec 24)", "every morning".
func (p *parser) matchRepeatEN(i, hi int) repeatMatch {
	if p.key(i, hi) != "every" {
		return repeatMatch{}
	}
	j := i + 1
	r := rule{interval: 1}
	counted := false
	if o, ok := p.v.ordinals[p.key(j, hi)]; ok {
		r.interval, counted = o, true
		j++
	} else if v, ok := p.number(p.key(j, hi)); ok {
		if _, unit := p.v.units[p.key(j+1, hi)]; unit {
			r.interval, counted = v, true
			j++
		}
	}
	k := p.key(j, hi)
	hour := 0
	switch f := unitFreq[p.v.units[k]]; {
	case f != 0:
		r.freq = f
	case k == "weekday" || k == "weekdays" || k == "workday" || k == "workdays":
		r.freq, r.days = weekly, workdays
	case k == "weekend" || k == "weekends":
		r.freq, r.days = weekly, weekendDays
	case p.v.daypartNouns[k] != 0:
		r.freq, hour = daily, p.v.daypartNouns[k]
	default:
		if days, end := p.dayList(j, hi); days != 0 {
			r.freq, r.days = weekly, days
			j = end - 1
			break
		}
		if d, ordinal, ok := dayNumber(k); ok && ordinal && !counted {
			if d < 1 || d > 31 {
				return repeatMatch{n: j + 1 - i, invalid: true}
			}
			r.freq, r.monthDay = monthly, d
			break
		}
		if counted {
			n := j - i
			if k != "" {
				n++
			}
			return repeatMatch{n: n, invalid: true}
		}
		return repeatMatch{}
	}
	j++
	if r.interval > maxRepeatInterval || r.interval < 1 {
		return repeatMatch{n: j - i, invalid: true}
	}
	if r.days == workdays && counted || r.days == weekendDays && counted {
		return repeatMatch{n: j - i, invalid: true}
	}
	j, ok := p.repeatTrailer(&r, j, hi)
	if !ok {
		return repeatMatch{n: j - i, invalid: true}
	}
	if r.freq == weekly && r.days != 0 && hour == 0 {
		if h, ok := p.v.daypartsAfterDate[p.key(j, hi)]; ok {
			hour = h
			j++
		}
	}
	return repeatMatch{n: j - i, rule: r, hour: hour}
}

// repeatTrailer reads what narrows a repeat: "on friday" (weekly), "on the
// 15th", "on the last day" (monthly), "on dec 24" (yearly); "am Montag",
// "am 15.", "am Monatsende", "am 24.12." in German. ok is false when the
// words name no such day.
func (p *parser) repeatTrailer(r *rule, j, hi int) (int, bool) {
	on := "on"
	if p.v.lang == German {
		on = "am"
	}
	if p.key(j, hi) != on {
		return j, true
	}
	switch {
	case r.freq == weekly && r.days == 0:
		if days, end := p.dayList(j+1, hi); days != 0 {
			r.days = days
			return end, true
		}
	case r.freq == monthly && r.monthDay == 0:
		k := j + 1
		if p.v.lang == English && p.key(k, hi) == "the" {
			k++
		}
		switch {
		case p.keysAre(k, hi, "last", "day"):
			r.monthDay = -1
			end := k + 2
			if p.keysAre(end, hi, "of", "the", "month") {
				end += 3
			}
			return end, true
		case p.keysAre(k, hi, "monatsende"), p.keysAre(k, hi, "ende", "des", "monats"):
			r.monthDay = -1
			if p.key(k, hi) == "ende" {
				return k + 3, true
			}
			return k + 1, true
		}
		if d, _, ok := dayNumber(p.key(k, hi)); ok {
			if d < 1 || d > 31 {
				return k + 1, false
			}
			r.monthDay = d
			return k + 1, true
		}
	case r.freq == yearly && r.month == 0:
		if mo, d, end, ok := p.monthAndDay(j+1, hi); ok {
			if !validMonthDay(int(mo), d) {
				return end, false
			}
			r.month, r.monthDay = mo, d
			return end, true
		}
	}
	return j, true // "on" belongs to something else
}

// monthAndDay reads a day of the year without resolving it: "dec 24",
// "24 dec", "24th of december", "24. Dezember", "24.12.".
func (p *parser) monthAndDay(j, hi int) (time.Month, int, int, bool) {
	k := p.key(j, hi)
	if mo, ok := p.v.months[k]; ok && p.v.lang == English {
		if d, _, ok := dayNumber(p.key(j+1, hi)); ok {
			return mo, d, j + 2, true
		}
	}
	if d, _, ok := dayNumber(k); ok {
		m := j + 1
		if p.v.lang == English && p.key(m, hi) == "of" {
			m++
		}
		if mo, ok := p.v.months[p.key(m, hi)]; ok {
			return mo, d, m + 1, true
		}
	}
	if parts := strings.Split(k, "."); len(parts) == 2 && short(parts[0]) && short(parts[1]) {
		d, _ := strconv.Atoi(parts[0])
		mo, _ := strconv.Atoi(parts[1])
		if mo >= 1 && mo <= 12 {
			return time.Month(mo), d, j + 1, true
		}
	}
	return 0, 0, j, false
}

// matchRepeatDE reads "täglich", "werktags", "montags", "jeden Tag",
// "jeden zweiten Tag", "alle 3 Tage", "jeden Werktag", "jeden Montag
// (und Donnerstag)", "jeden zweiten Freitag", "jede Woche (am Montag)",
// "jeden Monat (am 15.)", "jeden 15.", "jedes Jahr (am 24.12.)", "jeden
// Morgen".
func (p *parser) matchRepeatDE(i, hi int) repeatMatch {
	k := p.key(i, hi)
	if r, ok := p.v.recurAdverbs[k]; ok {
		r.interval = 1
		return repeatMatch{n: 1, rule: r}
	}
	if _, ok := p.v.recurWeekdays[k]; ok {
		days, end := p.dayList(i, hi)
		return repeatMatch{n: end - i, rule: rule{freq: weekly, interval: 1, days: days}}
	}
	j := i + 1
	r := rule{interval: 1}
	counted := false
	switch k {
	case "alle":
		v, ok := p.number(p.key(j, hi))
		if !ok {
			return repeatMatch{} // "alle Unterlagen": all the papers
		}
		r.interval, counted = v, true
		j++
	case "jeden", "jede", "jedes", "jeder":
		nk := p.key(j, hi)
		if o, ok := p.v.ordinals[nk]; ok {
			r.interval, counted = o, true
			j++
		} else if d, _, ok := dayNumber(nk); ok && strings.HasSuffix(p.toks[j].raw, ".") {
			// "jeden 2. Tag" counts; "jeden 15." is a day of the month.
			if _, unit := p.v.units[p.key(j+1, hi)]; unit {
				r.interval, counted = d, true
				j++
			} else {
				if d < 1 || d > 31 {
					return repeatMatch{n: 2, invalid: true}
				}
				r.freq, r.monthDay = monthly, d
				return repeatMatch{n: 2, rule: r}
			}
		}
	default:
		return repeatMatch{}
	}
	uk := p.key(j, hi)
	hour := 0
	switch f := unitFreq[p.v.units[uk]]; {
	case f != 0:
		r.freq = f
	case uk == "werktag" || uk == "werktage" || uk == "arbeitstag" || uk == "arbeitstage":
		r.freq, r.days = weekly, workdays
	case uk == "wochenende":
		r.freq, r.days = weekly, weekendDays
	case p.v.daypartNouns[uk] != 0:
		r.freq, hour = daily, p.v.daypartNouns[uk]
	default:
		if days, end := p.dayList(j, hi); days != 0 {
			r.freq, r.days = weekly, days
			j = end - 1
			break
		}
		if counted {
			n := j - i
			if uk != "" {
				n++
			}
			return repeatMatch{n: n, invalid: true}
		}
		return repeatMatch{} // "jeden Kunden anrufen": every customer
	}
	j++
	if r.interval > maxRepeatInterval || r.interval < 1 || counted && (r.days == workdays || r.days == weekendDays) {
		return repeatMatch{n: j - i, invalid: true}
	}
	j, ok := p.repeatTrailer(&r, j, hi)
	if !ok {
		return repeatMatch{n: j - i, invalid: true}
	}
	if r.freq == weekly && r.days != 0 && hour == 0 {
		if h, ok := p.v.daypartsAfterDate[p.key(j, hi)]; ok && p.key(j, hi) != "morgen" {
			hour = h
			j++
		}
	}
	return repeatMatch{n: j - i, rule: r, hour: hour}
}

// enAdverbRepeats repeat a task when they end its title ("standup
// daily", "pay rent monthly"); first ("weekly report") they are a word of
// the title, reported.
var enAdverbRepeats = map[string]rule{
	"daily": {freq: daily}, "weekly": {freq: weekly}, "biweekly": {freq: weekly, interval: 2},
	"fortnightly": {freq: weekly, interval: 2}, "monthly": {freq: monthly}, "yearly": {freq: yearly}, "annually": {freq: yearly},
}

// adverbRepeat takes an English repeat adverb that ends a title.
func (p *parser) adverbRepeat(lo, hi int, ex *extraction) {
	if p.v.lang != English || ex.rec != nil {
		return
	}
	first, last := -1, -1
	for j := lo; j < hi; j++ {
		if !p.toks[j].used {
			if first < 0 {
				first = j
			}
			last = j
		}
	}
	if last <= first || p.toks[last].literal {
		return
	}
	r, ok := enAdverbRepeats[p.toks[last].key]
	if !ok {
		return
	}
	p.use(last, last+1)
	ex.rec, ex.recText = &r, p.span(last, last+1)
	ex.parts = append(ex.parts, part{fRepeat, intent.EntityRecurrence, last, last + 1})
}

// repeatingDue is the first occurrence of ex's repeat, from today or the
// date given, as a due (a date, or a time with the time given), and the
// rule.
func (p *parser) repeatingDue(ex extraction) (string, string) {
	r := *ex.rec
	hasTime, h, mi := ex.hasTime, ex.hour, ex.min
	start := p.today
	switch {
	case ex.hasInstant:
		t := ex.instant.In(p.loc)
		start, hasTime, h, mi = toCivil(t), true, t.Hour(), t.Minute()
	case ex.hasDate && ex.date.before(p.today):
		p.warn("%q is in the past; the repeat starts today", ex.dateText)
	case ex.hasDate:
		start = ex.date
	}
	first := p.firstOccurrence(r, start, hasTime, h, mi)
	if hasTime {
		return p.at(first, h, mi, ex.timeText).Format(dueLayout), r.String()
	}
	return first.String(), r.String()
}

// firstOccurrence is the first day on or after start that the rule
// allows and, with a time, whose time is still ahead: the task's first
// due, and so the series' start (DTSTART). A rule without days repeats
// from start itself, so once start's time has passed its first due is
// one interval on.
func (p *parser) firstOccurrence(r rule, start civil, hasTime bool, h, mi int) civil {
	ok := func(c civil) bool { return !hasTime || c != p.today || p.ahead(c, h, mi) }
	interval := max(r.interval, 1)
	switch {
	case r.days != 0:
		for k := range 15 {
			if c := start.addDays(k); r.days&(1<<c.weekday()) != 0 && ok(c) {
				return c
			}
		}
	case r.month != 0:
		for y := start.y; y <= start.y+9; y++ {
			if c, valid := dayOf(y, r.month, r.monthDay); valid && !c.before(start) && ok(c) {
				return c
			}
		}
	case r.monthDay != 0:
		for k := range 25 {
			base := civil{start.y, start.m, 1}.addMonths(k)
			if c, valid := dayOf(base.y, base.m, r.monthDay); valid && !c.before(start) && ok(c) {
				return c
			}
		}
	default:
		if ok(start) {
			return start
		}
		switch r.freq {
		case daily:
			return start.addDays(interval)
		case weekly:
			return start.addDays(7 * interval)
		}
		months := interval
		if r.freq == yearly {
			months *= 12
		}
		// The series keeps start's day, skipping months without it.
		for k := 1; k <= 8*12; k++ {
			base := civil{start.y, start.m, 1}.addMonths(k * months)
			if validCivil(base.y, base.m, start.d) {
				return civil{base.y, base.m, start.d}
			}
		}
	}
	return start
}

// dayOf is day d (-1: the last) of month m in year y, if it exists.
func dayOf(y int, m time.Month, d int) (civil, bool) {
	if d == -1 {
		d = daysIn(y, m)
	}
	return civil{y, m, d}, validCivil(y, m, d)
}
