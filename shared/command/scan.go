package command

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/lucian-app/phase12/shared/intent"
)

// fields are the intent fields a part can feed.
type fields uint8

const (
	fDate fields = 1 << iota
	fTime
	fPriority
	fProject
	fLabel
	fRepeat
)

// fieldsOfType are the parts an intent type has a place for.
func fieldsOfType(typ string) fields {
	switch typ {
	case intent.CreateTask:
		return fDate | fTime | fPriority | fProject | fLabel | fRepeat
	case intent.CreateGoal:
		return fDate
	case intent.RescheduleTask:
		return fDate | fTime
	case intent.SetPriority:
		return fPriority
	case intent.MoveTask:
		return fProject
	}
	return 0
}

// part is one used piece of the text, prepositions included, for an
// entity if its intent takes the field.
type part struct {
	field  fields
	kind   string
	lo, hi int
}

// extraction is what a scan found in a run of tokens. The first of each
// kind wins; a clock time replaces a daypart's default time.
type extraction struct {
	hasDate  bool
	date     civil
	dateText string

	hasTime   bool
	hour, min int
	timeText  string
	// weak: the time is a daypart's default ("evening": 19:00), which a
	// clock time replaces. plain: the clock time gave no am/pm and is
	// before noon, so a later "evening" makes it pm ("um 8 Uhr abends").
	weak, plain bool

	hasInstant  bool
	instant     time.Time
	instantText string

	rec     *rule
	recText string

	priority     int
	priorityText string
	project      string
	labels       []string

	// bare are hours that need am/pm or a daypart ("at 5").
	bare []bareHour

	parts []part
}

type bareHour struct {
	lo, hi, hour int
}

// scan claims dates, times, repeats, priorities, projects and labels in
// [lo, hi), left to right.
func (p *parser) scan(lo, hi int) extraction {
	var ex extraction
	for i := lo; i < hi; {
		if p.key(i, hi) == "" {
			i++
			continue
		}
		if n := p.scanPriority(i, hi, &ex); n > 0 {
			i += n
			continue
		}
		if n := p.scanProject(i, &ex); n > 0 {
			i += n
			continue
		}
		if n := p.scanLabel(i, &ex); n > 0 {
			i += n
			continue
		}
		if n := p.scanRepeat(i, lo, hi, &ex); n > 0 {
			i += n
			continue
		}
		if m := p.matchDate(i, lo, hi); m.n > 0 {
			p.take(&ex, m, i, lo)
			i += m.n
			if !m.invalid && m.hasDate {
				// A daypart right after a day: "friday evening", "morgen früh".
				if h, ok := p.v.daypartsAfterDate[p.key(i, hi)]; ok {
					p.take(&ex, match{n: 1, hasTime: true, hour: h, weak: true}, i, i)
					i++
				}
			}
			continue
		}
		if m := p.matchTime(i, lo, hi); m.n > 0 {
			p.take(&ex, m, i, lo)
			i += m.n
			continue
		}
		if n := p.scanBare(i, hi, &ex); n > 0 {
			i += n
			continue
		}
		i++
	}
	p.resolveBare(&ex)
	return ex
}

// take applies a date or time match at token i to ex. Invalid matches
// stay in the text and are reported.
func (p *parser) take(ex *extraction, m match, i, lo int) {
	text := p.span(i, i+m.n)
	if m.invalid {
		p.warn("could not place %q", text)
		return
	}
	switch {
	case m.hasInstant:
		from := p.claim(i, m.n, lo, p.v.timePreps)
		if ex.hasInstant || ex.hasDate || ex.hasTime && !ex.weak {
			p.warn("ignored extra time %q", text)
			return
		}
		ex.hasInstant, ex.instant, ex.instantText = true, m.instant, text
		ex.parts = append(ex.parts, part{fTime, intent.EntityDateTime, from, i + m.n})
	case m.hasDate:
		from := p.claim(i, m.n, lo, p.v.datePreps)
		if ex.hasDate || ex.hasInstant {
			p.warn("ignored extra date %q", text)
			return
		}
		if m.note != "" {
			p.warn("%s", m.note)
		}
		ex.hasDate, ex.date, ex.dateText = true, m.date, text
		kind := intent.EntityDate
		if m.hasTime {
			kind = intent.EntityDateTime
		}
		ex.parts = append(ex.parts, part{fDate, kind, from, i + m.n})
		if m.hasTime {
			p.addTime(ex, m, text, part{})
		}
	case m.hasTime:
		from := p.claim(i, m.n, lo, p.v.timePreps)
		p.addTime(ex, m, text, part{fTime, intent.EntityTime, from, i + m.n})
	}
}

// addTime merges a time into ex: the first clock time wins; a daypart
// gives way to a clock time and turns a plain morning hour into the
// evening one.
func (p *parser) addTime(ex *extraction, m match, text string, pt part) {
	keep := func() {
		if pt.hi > pt.lo {
			ex.parts = append(ex.parts, pt)
		}
	}
	switch {
	case ex.hasInstant:
		p.warn("ignored extra time %q", text)
	case !ex.hasTime:
		ex.hasTime, ex.hour, ex.min, ex.timeText, ex.weak, ex.plain = true, m.hour, m.min, text, m.weak, m.plain
		keep()
	case ex.weak && !m.weak:
		h := m.hour
		if m.plain && ex.hour >= 12 && h < 12 {
			h += 12
		}
		if (h >= 12) != (ex.hour >= 12) {
			p.warn("ignored extra time %q", ex.timeText)
		}
		ex.hour, ex.min, ex.timeText, ex.weak, ex.plain = h, m.min, text, false, false
		keep()
	case !ex.weak && m.weak:
		switch {
		case ex.plain && m.hour >= 12:
			ex.hour += 12
			ex.plain = false
			keep()
		case (m.hour >= 12) == (ex.hour >= 12):
			keep()
		default:
			p.warn("ignored extra time %q", text)
		}
	default:
		p.warn("ignored extra time %q", text)
	}
}

// claim marks a match used, with up to two free prepositions before it
// ("due on friday", "at 3pm", "bis zum 5."), so they do not dangle in the
// title. It returns where the claimed span starts.
func (p *parser) claim(i, n, lo int, preps map[string]bool) int {
	p.use(i, i+n)
	from := i
	for j := i - 1; j >= lo && j >= i-2; j-- {
		if !preps[p.key(j, len(p.toks))] {
			break
		}
		p.toks[j].used = true
		from = j
	}
	return from
}

func (p *parser) scanPriority(i, hi int, ex *extraction) int {
	k := p.key(i, hi)
	n, pr := 0, 0
	switch {
	case len(k) == 2 && (k[0] == 'p' || k[0] == '!') && isDigit(k[1]):
		n, pr = 1, int(k[1]-'0')
	case p.v.priorityWords[k]:
		if d := p.key(i+1, hi); len(d) == 1 && isDigit(d[0]) {
			n, pr = 2, int(d[0]-'0')
		}
	}
	if n == 0 {
		return 0
	}
	text := p.span(i, i+n)
	if pr < 1 || pr > 4 {
		p.warn("could not place %q", text)
		return n
	}
	p.use(i, i+n)
	if ex.priority != 0 {
		p.warn("ignored extra priority %s", text)
		return n
	}
	ex.priority, ex.priorityText = pr, text
	ex.parts = append(ex.parts, part{fPriority, intent.EntityPriority, i, i + n})
	return n
}

// projectName reads "#name"; "#123" is an issue number, not a project.
func projectName(raw string) (string, bool) {
	if !strings.HasPrefix(raw, "#") {
		return "", false
	}
	name := strings.TrimRight(raw[1:], trailingPunct)
	if !strings.ContainsFunc(name, unicode.IsLetter) || utf8.RuneCountInString(name) > intent.MaxProjectRunes {
		return "", false
	}
	return name, true
}

func (p *parser) scanProject(i int, ex *extraction) int {
	raw := p.toks[i].raw
	if !strings.HasPrefix(raw, "#") || !strings.ContainsFunc(raw, unicode.IsLetter) {
		return 0
	}
	name, ok := projectName(raw)
	if !ok {
		p.warn("could not place %q", p.span(i, i+1))
		return 1
	}
	p.use(i, i+1)
	if ex.project != "" {
		p.warn("ignored extra project #%s", name)
		return 1
	}
	ex.project = name
	ex.parts = append(ex.parts, part{fProject, intent.EntityProject, i, i + 1})
	return 1
}

// scanLabel reads "@name": a label starts with a letter ("@3pm" and an
// e-mail address are not labels; "@" alone introduces a time).
func (p *parser) scanLabel(i int, ex *extraction) int {
	raw := p.toks[i].raw
	if !strings.HasPrefix(raw, "@") {
		return 0
	}
	name := strings.TrimRight(raw[1:], trailingPunct)
	if r, _ := utf8.DecodeRuneInString(name); !unicode.IsLetter(r) {
		// "@3pm" is a time, as "@ 3pm" is.
		if h, mi, colon, suffix, ok := splitClock(strings.ToLower(name)); ok && (colon || suffix != "") && p.v.lang == English {
			if suffix != "" && (h < 1 || h > 12) || h > 23 || mi > 59 {
				p.warn("could not place %q", p.span(i, i+1))
				return 1
			}
			if suffix != "" {
				h %= 12
				if suffix == "pm" {
					h += 12
				}
			}
			p.take(ex, match{n: 1, hasTime: true, hour: h, min: mi, plain: suffix == "" && h < 12}, i, i)
			return 1
		}
		return 0
	}
	if utf8.RuneCountInString(name) > intent.MaxLabelRunes || strings.ContainsRune(name, '@') {
		p.warn("could not place %q", p.span(i, i+1))
		return 1
	}
	p.use(i, i+1)
	if len(ex.labels) == intent.MaxLabels {
		p.warn("ignored extra label @%s: at most %d", name, intent.MaxLabels)
		return 1
	}
	ex.labels = append(ex.labels, name)
	ex.parts = append(ex.parts, part{fLabel, intent.EntityLabel, i, i + 1})
	return 1
}

// scanBare reads an hour without am/pm ("at 5", "5 o'clock", "um 5"),
// which a daypart can settle ("tonight at 8"); hours 13 to 23 and 0 are
// clear on their own.
func (p *parser) scanBare(i, hi int, ex *extraction) int {
	prep := "at"
	if p.v.lang == German {
		prep = "um"
	}
	k := p.key(i, hi)
	lo, at := i, i
	switch {
	case k == prep:
		at = i + 1
	case p.v.lang == English && p.key(i+1, hi) == "o'clock":
	default:
		return 0
	}
	h, ok := p.hourWord(p.key(at, hi))
	if !ok {
		return 0
	}
	end := at + 1
	if p.v.lang == English && p.key(end, hi) == "o'clock" {
		end++
	}
	// "at 5 jan" is a date, "um 9 Uhr" a clock time: not bare.
	if m := p.matchDate(at, at, hi); m.n > 0 {
		return 0
	}
	if m := p.matchTime(at, at, hi); m.n > 0 {
		return 0
	}
	if h == 0 || h >= 13 {
		if h > 23 {
			return 0
		}
		p.take(ex, match{n: end - at, hasTime: true, hour: h}, at, lo)
		return end - lo
	}
	ex.bare = append(ex.bare, bareHour{lo, end, h})
	return end - lo
}

// hourWord reads "5" or "five".
func (p *parser) hourWord(k string) (int, bool) {
	if n, ok := p.v.numbers[k]; ok && k != "a" && k != "an" && !strings.HasPrefix(k, "ein") {
		return n, true
	}
	if len(k) == 0 || len(k) > 2 || !allDigits(k) {
		return 0, false
	}
	h := int(k[0] - '0')
	if len(k) == 2 {
		h = h*10 + int(k[1]-'0')
	}
	return h, true
}

// resolveBare settles bare hours with a daypart ("tonight at 8" is
// 20:00) or reports them: an hour without am/pm is a guess.
func (p *parser) resolveBare(ex *extraction) {
	for _, b := range ex.bare {
		text := p.span(b.lo, b.hi)
		if ex.hasTime && ex.weak {
			h := b.hour % 12
			if ex.hour >= 12 {
				h += 12
			}
			p.use(b.lo, b.hi)
			ex.hour, ex.min, ex.timeText, ex.weak = h, 0, text, false
			ex.parts = append(ex.parts, part{fTime, intent.EntityTime, b.lo, b.hi})
			continue
		}
		if p.v.lang == German {
			p.warn("could not place %q: write \"um %d Uhr\" or \"um %d Uhr\"", text, b.hour%12, b.hour%12+12)
		} else {
			p.warn("could not place %q: write \"%dam\" or \"%dpm\"", text, b.hour, b.hour)
		}
	}
	ex.bare = nil
}

// markParts turns the parts typ takes into entities.
func (p *parser) markParts(ex extraction, typ string) {
	f := fieldsOfType(typ)
	for _, pt := range ex.parts {
		if pt.field&f != 0 {
			p.marks = append(p.marks, mark{pt.kind, pt.lo, pt.hi})
		}
	}
}
