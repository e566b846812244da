package command

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/lucian-app/phase12/shared/intent"
)

// MaxRunes bounds the text a quick-add box can send; anything longer is a
// paste, not a command, and would only make a title that fails validation.
const MaxRunes = 1000

// ParseError says why text could not be read as a command. Its message is
// written for the person who typed the text.
type ParseError struct {
	Message string
}

func (e *ParseError) Error() string { return e.Message }

// Options are what a text is read with besides itself.
type Options struct {
	// Loc is the user's zone (nil means UTC) and Ref their clock.
	Loc *time.Location
	Ref time.Time
	// Language is the text's language; "" means English.
	Language Language
	// DateOrder decides "03/04"; "" means the language's default (month
	// first in English, day first in German). See LocaleOf.
	DateOrder DateOrder
}

// Result is a text read as an intent.
type Result struct {
	// Intent is normalized and always passes Validate.
	Intent intent.Intent
	// Warnings name everything that looked like a date, time, priority,
	// project, label or repeat but was not used. Never nil.
	Warnings []string
	// Entities are the parts that were used, with UTF-16 offsets. Never nil.
	Entities []intent.Entity
}

// Parse reads English text typed by a user whose clock is ref in zone loc
// (nil means UTC), with month-first numeric dates. It returns the
// normalized intent and warnings about anything it recognised but could
// not use. Warnings are never nil. Unreadable text gives a *ParseError.
func Parse(text string, loc *time.Location, ref time.Time) (intent.Intent, []string, error) {
	r, err := Read(text, Options{Loc: loc, Ref: ref})
	return r.Intent, r.Warnings, err
}

// Read reads text with o. Unreadable text gives a *ParseError (and an
// empty Result whose slices are not nil).
func Read(text string, o Options) (Result, error) {
	loc := o.Loc
	if loc == nil {
		loc = time.UTC
	}
	if !utf8.ValidString(text) {
		return fail("text is not valid UTF-8")
	}
	if utf8.RuneCountInString(text) > MaxRunes {
		return fail(fmt.Sprintf("text is over %d characters", MaxRunes))
	}
	toks := tokenize(text)
	if len(toks) == 0 {
		return fail("text is empty")
	}
	v := vocabOf(o.Language)
	order := o.DateOrder
	if order == "" {
		order = MDY
		if v.lang == German {
			order = DMY
		}
	}
	ref := o.Ref.In(loc)
	y, m, d := ref.Date()
	p := &parser{toks: toks, v: v, order: order, loc: loc, now: ref, today: civil{y, m, d}, warnings: []string{}}
	in, err := p.parse()
	if err != nil {
		return fail(err.Error())
	}
	in, err = in.Checked()
	if err != nil {
		return fail(err.Error())
	}
	return Result{Intent: in, Warnings: p.warnings, Entities: p.entities(text)}, nil
}

func fail(msg string) (Result, error) {
	return Result{Warnings: []string{}, Entities: []intent.Entity{}}, &ParseError{Message: msg}
}

// token is one whitespace-separated word. key is what the matchers compare
// (lower case, trailing punctuation dropped, typographic apostrophes made
// plain); raw is what goes back into a title, so the user's casing and
// punctuation survive. start and end are raw's byte offsets in the text.
type token struct {
	raw        string
	key        string
	start, end int
	literal    bool // inside double quotes: never interpreted
	used       bool // consumed as a command word, date, time, priority, project, label or repeat
}

const trailingPunct = ",.;:!?"

type field struct {
	s     string
	start int
}

func fieldsOf(text string) []field {
	var out []field
	start := -1
	for i, r := range text {
		if unicode.IsSpace(r) {
			if start >= 0 {
				out = append(out, field{text[start:i], start})
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		out = append(out, field{text[start:], start})
	}
	return out
}

func keyOf(raw string) string {
	k := strings.TrimRight(strings.ToLower(raw), trailingPunct)
	return strings.ReplaceAll(k, "’", "'")
}

func tokenize(text string) []token {
	fields := fieldsOf(text)
	toks := make([]token, 0, len(fields))
	// Past the last word ending in a quote no quote can close, which keeps
	// a text full of unmatched quotes linear.
	lastClose := -1
	for j, f := range fields {
		if strings.HasSuffix(f.s, `"`) {
			lastClose = j
		}
	}
	for i := 0; i < len(fields); i++ {
		f := fields[i]
		if strings.HasPrefix(f.s, `"`) {
			if j := closingQuote(fields, i, lastClose); j >= 0 {
				for k := i; k <= j; k++ {
					g, start := fields[k].s, fields[k].start
					if k == i {
						g, start = g[1:], start+1
					}
					if k == j {
						g = strings.TrimSuffix(g, `"`)
					}
					if g != "" {
						toks = append(toks, token{raw: g, start: start, end: start + len(g), literal: true})
					}
				}
				i = j
				continue
			}
		}
		toks = append(toks, token{raw: f.s, key: keyOf(f.s), start: f.start, end: f.start + len(f.s)})
	}
	return toks
}

func closingQuote(fields []field, i, lastClose int) int {
	if len(fields[i].s) >= 2 && strings.HasSuffix(fields[i].s, `"`) {
		return i
	}
	for j := i + 1; j <= lastClose; j++ {
		if strings.HasSuffix(fields[j].s, `"`) {
			return j
		}
	}
	return -1
}

type parser struct {
	toks     []token
	v        *vocab
	order    DateOrder
	loc      *time.Location
	now      time.Time // the reference time, in loc
	today    civil
	resched  bool // after a separator of a move, where "to sat" is a weekday
	warnings []string
	marks    []mark // the parts used, for entities
}

// mark is a used part of the text: tokens [lo, hi) of one entity kind.
type mark struct {
	kind   string
	lo, hi int
}

func (p *parser) warn(format string, args ...any) {
	p.warnings = append(p.warnings, fmt.Sprintf(format, args...))
}

// cmd marks tokens [lo, hi) as command words.
func (p *parser) cmd(lo, hi int) {
	if hi > lo {
		p.use(lo, hi)
		p.marks = append(p.marks, mark{intent.EntityCommand, lo, hi})
	}
}

// key returns the key of token j if j is inside [0, hi) and the token is
// still free to interpret, else "" (which no matcher accepts).
func (p *parser) key(j, hi int) string {
	if j < 0 || j >= hi || j >= len(p.toks) || p.toks[j].used || p.toks[j].literal {
		return ""
	}
	return p.toks[j].key
}

func (p *parser) use(lo, hi int) {
	for j := lo; j < hi; j++ {
		p.toks[j].used = true
	}
}

func (p *parser) unuse(lo, hi int) {
	for j := lo; j < hi; j++ {
		p.toks[j].used = false
	}
}

// span is the text of tokens [lo, hi) as typed, minus trailing punctuation,
// for quoting back in warnings.
func (p *parser) span(lo, hi int) string {
	parts := make([]string, 0, hi-lo)
	for j := lo; j < hi; j++ {
		parts = append(parts, p.toks[j].raw)
	}
	return strings.TrimRight(strings.Join(parts, " "), trailingPunct)
}

// rest is what nobody claimed in [lo, hi): the title or the reference.
func (p *parser) rest(lo, hi int) string {
	parts := make([]string, 0, hi-lo)
	for j := lo; j < hi; j++ {
		if !p.toks[j].used {
			parts = append(parts, p.toks[j].raw)
		}
	}
	return strings.TrimRight(strings.Join(parts, " "), " ,;:")
}

// hasFree reports whether a free, non-literal token of [lo, hi) has one of keys.
func (p *parser) hasFree(lo, hi int, keys map[string]bool) bool {
	for j := lo; j < hi; j++ {
		if keys[p.key(j, hi)] {
			return true
		}
	}
	return false
}

func (p *parser) parse() (intent.Intent, error) {
	if p.v.lang == German {
		return p.parseGerman()
	}
	return p.parseEnglish()
}

// Separators between a reference and its new value, per target.
type separators struct {
	date, project, priority, shift, rename map[string]bool
}

var (
	enSeps = separators{
		date:     map[string]bool{"to": true, "until": true, "till": true},
		project:  map[string]bool{"to": true, "into": true, "in": true},
		priority: map[string]bool{"to": true},
		shift:    map[string]bool{"by": true, "for": true},
		rename:   map[string]bool{"to": true},
	}
	deSeps = separators{
		date:     map[string]bool{"auf": true, "bis": true},
		project:  map[string]bool{"nach": true, "in": true, "zu": true, "auf": true},
		priority: map[string]bool{"auf": true},
		shift:    map[string]bool{"um": true},
		rename:   map[string]bool{"in": true, "zu": true},
	}
)

func (p *parser) seps() separators {
	if p.v.lang == German {
		return deSeps
	}
	return enSeps
}

func (p *parser) parseEnglish() (intent.Intent, error) {
	n := len(p.toks)
	first := p.key(0, n)
	switch first {
	case "add", "new", "create":
		switch p.key(1, n) {
		case "goal":
			p.cmd(0, 2)
			return p.goal(2)
		case "task":
			p.cmd(0, 2)
			return p.task(2)
		}
		p.cmd(0, 1)
		return p.task(1)
	case "goal":
		p.cmd(0, 1)
		return p.goal(1)
	case "done", "complete", "finish":
		lo := p.afterNoun(1, "task")
		return p.ref(intent.CompleteTask, lo, n, fmt.Sprintf("%q needs a task, e.g. %q", first, first+" buy milk"))
	case "mark":
		if end, ok := p.markDone(map[string]bool{"done": true, "complete": true, "completed": true, "finished": true}, "as"); ok {
			return p.ref(intent.CompleteTask, 1, end, `"mark" needs a task, e.g. "mark buy milk done"`)
		}
	case "move", "reschedule":
		lo := p.afterNoun(1, "task")
		return p.retargetOrFail(lo, first, tDate|tProject|tShift, fmt.Sprintf(
			"%q needs a task and a new date, e.g. %q (to add a task, start with \"add\")", first, first+" dentist to friday 3pm"))
	case "postpone", "snooze", "defer", "delay":
		lo := p.afterNoun(1, "task")
		return p.retargetOrFail(lo, first, tDate|tShift, fmt.Sprintf(
			"%q needs a task and a new date, e.g. %q (to add a task, start with \"add\")", first, first+" dentist until monday"))
	case "push":
		// "push the release" is a title as often as a command.
		lo := p.afterNoun(1, "task")
		return p.retargetOrTask(lo, first, tDate|tShift, fmt.Sprintf(
			"read as a new task: %q moves a task as in %q", first, first+" dentist to friday"))
	case "delete", "remove":
		switch p.key(1, n) {
		case "goal":
			p.cmd(0, 2)
			return p.ref(intent.DeleteGoal, 2, n, fmt.Sprintf("%q needs a goal, e.g. %q", first+" goal", first+" goal run a marathon"))
		case "task":
			p.cmd(0, 2)
			return p.ref(intent.DeleteTask, 2, n, fmt.Sprintf("%q needs a task, e.g. %q", first+" task", first+" task old draft"))
		}
		p.cmd(0, 1)
		return p.ref(intent.DeleteTask, 1, n, fmt.Sprintf("%q needs a task, e.g. %q", first, first+" old draft"))
	case "rename":
		lo := p.afterNoun(1, "task")
		return p.rename(lo, first, `"rename" needs a task and a new title, e.g. "rename task foo to bar"`)
	case "set", "change":
		return p.set(first, map[string]bool{"of": true, "for": true, "on": true})
	case "what", "what's", "whats":
		in, _, err := p.query(0, true)
		return in, err
	case "show", "list":
		if in, ok, err := p.query(0, false); ok || err != nil {
			return in, err
		}
	}
	return p.task(0)
}

func (p *parser) parseGerman() (intent.Intent, error) {
	n := len(p.toks)
	first := p.key(0, n)
	switch first {
	case "neu", "neue", "neues", "neuer", "erstelle", "erstellen", "anlegen":
		switch p.key(1, n) {
		case "ziel":
			p.cmd(0, 2)
			return p.goal(2)
		case "aufgabe":
			p.cmd(0, 2)
			return p.task(2)
		}
		p.cmd(0, 1)
		return p.task(1)
	case "ziel":
		p.cmd(0, 1)
		return p.goal(1)
	case "erledigt", "erledige", "fertig", "abhaken", "hake":
		lo := p.afterNoun(1, "aufgabe")
		return p.ref(intent.CompleteTask, lo, n, fmt.Sprintf("%q needs a task, e.g. %q", first, first+" Milch kaufen"))
	case "markiere":
		if end, ok := p.markDone(map[string]bool{"erledigt": true, "fertig": true}, "als"); ok {
			return p.ref(intent.CompleteTask, 1, end, `"markiere" needs a task, e.g. "markiere Milch kaufen als erledigt"`)
		}
	case "verschiebe", "verschieben", "verlege", "verlegen", "schiebe":
		lo := p.afterNoun(1, "aufgabe")
		return p.retargetOrFail(lo, first, tDate|tProject|tShift, fmt.Sprintf(
			"%q needs a task and a new date, e.g. %q (to add a task, start with \"neu\")", first, first+" Zahnarzt auf Freitag 15 Uhr"))
	case "lösche", "löschen", "loesche", "loeschen", "entferne", "entfernen":
		switch p.key(1, n) {
		case "ziel":
			p.cmd(0, 2)
			return p.ref(intent.DeleteGoal, 2, n, fmt.Sprintf("%q needs a goal, e.g. %q", first+" ziel", first+" Ziel Marathon laufen"))
		case "aufgabe":
			p.cmd(0, 2)
			return p.ref(intent.DeleteTask, 2, n, fmt.Sprintf("%q needs a task, e.g. %q", first+" aufgabe", first+" Aufgabe alter Entwurf"))
		}
		p.cmd(0, 1)
		return p.ref(intent.DeleteTask, 1, n, fmt.Sprintf("%q needs a task, e.g. %q", first, first+" alter Entwurf"))
	case "benenne", "umbenennen":
		lo := p.afterNoun(1, "aufgabe")
		return p.rename(lo, first, `"benenne" needs a task and a new title, e.g. "benenne Einkauf um in Wocheneinkauf"`)
	case "setze", "ändere", "aendere", "stelle":
		return p.set(first, map[string]bool{"von": true, "für": true, "fuer": true})
	case "priorität", "prioritaet", "prio":
		if k := p.key(1, n); k == "von" || k == "für" || k == "fuer" {
			return p.set("", map[string]bool{"von": true, "für": true, "fuer": true})
		}
	case "was", "welche":
		in, _, err := p.query(0, true)
		return in, err
	case "zeige", "zeig", "liste":
		if in, ok, err := p.query(0, false); ok || err != nil {
			return in, err
		}
	}
	return p.task(0)
}

// afterNoun marks the command word and an optional noun after it ("done
// task x", "lösche Aufgabe x") and returns where the rest starts.
func (p *parser) afterNoun(lo int, noun string) int {
	p.cmd(0, lo)
	if p.key(lo, len(p.toks)) == noun {
		p.cmd(lo, lo+1)
		return lo + 1
	}
	return lo
}

// markDone recognises "mark X done" and "mark X as done", returning where X ends.
func (p *parser) markDone(done map[string]bool, as string) (int, bool) {
	n := len(p.toks)
	if n < 3 || !done[p.key(n-1, n)] {
		return 0, false
	}
	end := n - 1
	if p.key(end-1, n) == as {
		end--
	}
	p.cmd(0, 1)
	p.cmd(end, n)
	return end, true
}

func (p *parser) task(lo int) (intent.Intent, error) {
	n := len(p.toks)
	ex := p.scan(lo, n)
	p.adverbRepeat(lo, n, &ex)
	title := p.rest(lo, n)
	if title == "" {
		if p.v.lang == German {
			return intent.Intent{}, &ParseError{Message: `the task needs a title, e.g. "Milch kaufen morgen um 9 Uhr"`}
		}
		return intent.Intent{}, &ParseError{Message: `the task needs a title, e.g. "add buy milk tomorrow 9am"`}
	}
	p.titleLeftovers(lo, n)
	in := intent.Intent{Type: intent.CreateTask, Title: title, Priority: ex.priority, Project: ex.project, Labels: ex.labels}
	if ex.rec != nil {
		in.Due, in.Recurrence = p.repeatingDue(ex)
	} else {
		in.Due = p.due(ex)
	}
	p.markParts(ex, intent.CreateTask)
	return in, nil
}

func (p *parser) goal(lo int) (intent.Intent, error) {
	n := len(p.toks)
	ex := p.scan(lo, n)
	title := p.rest(lo, n)
	if title == "" {
		if p.v.lang == German {
			return intent.Intent{}, &ParseError{Message: `the goal needs a title, e.g. "neues Ziel Marathon laufen bis 30. Juni"`}
		}
		return intent.Intent{}, &ParseError{Message: `the goal needs a title, e.g. "new goal run a marathon by june 30"`}
	}
	p.titleLeftovers(lo, n)
	in := intent.Intent{Type: intent.CreateGoal, Title: title}
	p.ignore(ex, intent.CreateGoal)
	if ex.hasDate {
		in.TargetDate = ex.date.String()
		if ex.date.before(p.today) {
			p.warn("%q is in the past", ex.dateText)
		}
	}
	p.markParts(ex, intent.CreateGoal)
	return in, nil
}

// ref builds an intent that names an existing item by the words in [lo, hi).
func (p *parser) ref(typ string, lo, hi int, errMsg string) (intent.Intent, error) {
	mark := len(p.warnings)
	ex := p.scan(lo, hi)
	r := p.rest(lo, hi)
	if r == "" {
		// Every word looked like a date or a tag ("done p1", "delete
		// tomorrow"): the user is far more likely naming a task that way
		// than asking to complete nothing.
		p.warnings = p.warnings[:mark]
		p.unuse(lo, hi)
		ex = extraction{}
		r = p.rest(lo, hi)
	}
	if r == "" {
		return intent.Intent{}, &ParseError{Message: errMsg}
	}
	p.ignore(ex, typ)
	in := intent.Intent{Type: typ, TaskRef: r}
	if typ == intent.DeleteGoal {
		in = intent.Intent{Type: typ, GoalRef: r}
	}
	return in, nil
}

// targets are what a move-like command may set.
type targets uint8

const (
	tDate targets = 1 << iota
	tProject
	tPriority
	tShift
	tBareDigit // a priority may be written as a digit alone ("set priority of x to 1")
)

// retargetOrFail reads a move; text without a new value is an error.
func (p *parser) retargetOrFail(lo int, cmd string, allow targets, needMsg string) (intent.Intent, error) {
	in, ok, err := p.retarget(lo, allow, needMsg)
	if err != nil || ok {
		return in, err
	}
	return intent.Intent{}, &ParseError{Message: p.noTargetMessage(lo, cmd, needMsg)}
}

// noTargetMessage explains a move that found no new value, quoting the
// date-like words that could not be used.
func (p *parser) noTargetMessage(lo int, cmd, needMsg string) string {
	mark := len(p.warnings)
	p.scan(lo, len(p.toks))
	p.unuse(lo, len(p.toks))
	if len(p.warnings) > mark {
		msg := fmt.Sprintf("%q needs a new date: %s", cmd, strings.Join(p.warnings[mark:], "; "))
		p.warnings = p.warnings[:mark]
		return msg
	}
	return needMsg
}

// retargetOrTask reads a move, or, for a verb that also starts ordinary
// titles ("push the release"), a new task, with a warning when the text
// looked like a move.
func (p *parser) retargetOrTask(lo int, cmd string, allow targets, why string) (intent.Intent, error) {
	in, ok, err := p.retarget(lo, allow, fmt.Sprintf("%q needs a task, e.g. %q", cmd, cmd+" dentist to friday"))
	if err != nil || ok {
		return in, err
	}
	p.resched = false
	s := p.seps()
	looked := p.hasFree(lo, len(p.toks), s.date) || p.hasFree(lo, len(p.toks), s.shift)
	p.unuse(0, lo)
	p.marks = p.marks[:0]
	if looked {
		p.warn("%s", why)
	}
	return p.task(0)
}

// retarget reads "<ref> <separator> <new value>": a new date or time, a
// project, a priority or a shift, as allow permits. The value is what
// follows the last separator that is followed by one, so the task's own
// words ("move 3pm call to 4pm", "move trip to rome to friday") stay in
// the reference. Without a separator, a date, priority or project
// anywhere is the new value ("reschedule standup friday 9:15"). ok is
// false when nothing was found; the tokens are then as they were.
func (p *parser) retarget(lo int, allow targets, needMsg string) (intent.Intent, bool, error) {
	n := len(p.toks)
	s := p.seps()
	p.resched = true
	defer func() { p.resched = false }()
	next := n // the separator after k, whose tail already held no date
	for k := n - 1; k >= lo; k-- {
		kk := p.key(k, n)
		isDate, isProject, isPriority, isShift := s.date[kk], s.project[kk], s.priority[kk], s.shift[kk]
		if !isDate && !isProject && !isPriority && !isShift {
			continue
		}
		ref := func() (string, error) {
			r := p.rest(lo, k)
			if r == "" {
				return "", &ParseError{Message: needMsg}
			}
			return r, nil
		}
		if allow&tPriority != 0 && isPriority {
			if pr, m, err := p.tailPriority(k+1, n, allow&tBareDigit != 0); err != nil {
				return intent.Intent{}, false, err
			} else if m > 0 {
				p.cmd(k, k+1)
				r, err := ref()
				if err != nil {
					return intent.Intent{}, false, err
				}
				p.use(k+1, n)
				p.marks = append(p.marks, mark{intent.EntityPriority, k + 1, n})
				return intent.Intent{Type: intent.SetPriority, TaskRef: r, Priority: pr}, true, nil
			}
		}
		if allow&tProject != 0 && isProject {
			if name, ok := p.tailProject(k+1, n); ok {
				p.cmd(k, k+1)
				r, err := ref()
				if err != nil {
					return intent.Intent{}, false, err
				}
				p.use(k+1, n)
				p.marks = append(p.marks, mark{intent.EntityProject, k + 1, n})
				return intent.Intent{Type: intent.MoveTask, TaskRef: r, Project: name}, true, nil
			}
		}
		if allow&tShift != 0 && isShift {
			if shift, ok := p.tailShift(k+1, n); ok {
				p.use(k, n)
				p.marks = append(p.marks, mark{intent.EntityShift, k, n})
				r, err := ref()
				if err != nil {
					return intent.Intent{}, false, err
				}
				return intent.Intent{Type: intent.RescheduleTask, TaskRef: r, Shift: shift}, true, nil
			}
		}
		if allow&tDate != 0 && isDate {
			// No date or time spans a separator, so only the words up to
			// the next one can be new; probing just those keeps this linear.
			mark := len(p.warnings)
			probe := p.scan(k+1, next)
			p.warnings = p.warnings[:mark]
			p.unuse(k+1, next)
			if probe.hasDate || probe.hasTime || probe.hasInstant {
				ex := p.scan(k+1, n)
				p.cmd(k, k+1)
				r, err := ref()
				if err != nil {
					return intent.Intent{}, false, err
				}
				p.leftovers(k+1, n)
				p.ignore(ex, intent.RescheduleTask)
				p.markParts(ex, intent.RescheduleTask)
				return intent.Intent{Type: intent.RescheduleTask, TaskRef: r, Due: p.due(ex)}, true, nil
			}
		}
		next = k
	}
	// No separator: a new value anywhere.
	mark := len(p.warnings)
	ex := p.scan(lo, n)
	r := p.rest(lo, n)
	switch {
	case allow&tDate != 0 && (ex.hasDate || ex.hasTime || ex.hasInstant) && r != "":
		p.ignore(ex, intent.RescheduleTask)
		p.markParts(ex, intent.RescheduleTask)
		return intent.Intent{Type: intent.RescheduleTask, TaskRef: r, Due: p.due(ex)}, true, nil
	case allow&tPriority != 0 && ex.priority != 0 && r != "":
		p.ignore(ex, intent.SetPriority)
		p.markParts(ex, intent.SetPriority)
		return intent.Intent{Type: intent.SetPriority, TaskRef: r, Priority: ex.priority}, true, nil
	case allow&tProject != 0 && ex.project != "" && r != "":
		p.ignore(ex, intent.MoveTask)
		p.markParts(ex, intent.MoveTask)
		return intent.Intent{Type: intent.MoveTask, TaskRef: r, Project: ex.project}, true, nil
	}
	p.warnings = p.warnings[:mark]
	p.unuse(lo, n)
	return intent.Intent{}, false, nil
}

// tailPriority reads tokens [lo, hi) as exactly one priority: "p1", "!1",
// "priority 1" or, with digit, "1". m is the tokens read (0: not a
// priority); a priority outside 1-4 is an error.
func (p *parser) tailPriority(lo, hi int, digit bool) (int, int, error) {
	k := p.key(lo, hi)
	var d string
	switch {
	case hi-lo == 1 && len(k) == 2 && (k[0] == 'p' || k[0] == '!') && isDigit(k[1]):
		d = k[1:]
	case hi-lo == 2 && p.v.priorityWords[k] && len(p.key(lo+1, hi)) == 1 && isDigit(p.key(lo+1, hi)[0]):
		d = p.key(lo+1, hi)
	case hi-lo == 1 && digit && len(k) == 1 && isDigit(k[0]):
		d = k
	default:
		return 0, 0, nil
	}
	pr := int(d[0] - '0')
	if pr < 1 || pr > 4 {
		return 0, 0, &ParseError{Message: fmt.Sprintf("a priority is p1 (highest) to p4, not %q", p.span(lo, hi))}
	}
	return pr, hi - lo, nil
}

// tailProject reads tokens [lo, hi) as exactly one project.
func (p *parser) tailProject(lo, hi int) (string, bool) {
	if hi-lo != 1 || p.toks[lo].used || p.toks[lo].literal {
		return "", false
	}
	name, ok := projectName(p.toks[lo].raw)
	return name, ok
}

// tailShift reads tokens [lo, hi) as exactly one duration ("2 days", "a
// week", "3 Tage") and returns it as an intent shift ("P2D").
func (p *parser) tailShift(lo, hi int) (string, bool) {
	count, u, m := p.count(lo, hi)
	if m == 0 || lo+m != hi {
		return "", false
	}
	var s string
	switch u {
	case minuteUnit:
		s = fmt.Sprintf("PT%dM", count)
	case hourUnit:
		s = fmt.Sprintf("PT%dH", count)
	case dayUnit:
		s = fmt.Sprintf("P%dD", count)
	case weekUnit:
		s = fmt.Sprintf("P%dW", count)
	case monthUnit:
		s = fmt.Sprintf("P%dM", count)
	case yearUnit:
		s = fmt.Sprintf("P%dY", count)
	}
	if _, _, _, err := intent.ShiftOf(s); err != nil {
		p.warn("could not place %q: %s", p.span(lo, hi), err.Error())
		return "", false
	}
	return s, true
}

// leftovers reports words after a separator that were not part of the new
// date: they cannot join the reference (which ended there), so they would
// otherwise vanish.
func (p *parser) leftovers(lo, hi int) {
	for j := lo; j < hi; {
		if p.toks[j].used {
			j++
			continue
		}
		k := j
		for k < hi && !p.toks[k].used {
			k++
		}
		p.warn("could not place %q", p.span(j, k))
		j = k
	}
}

// rename reads "rename X to Y": the reference ends at the first separator
// (quotes keep a "to" inside it literal); the new title is the rest, less
// anything dated or tagged, which a rename has no place for.
func (p *parser) rename(lo int, cmd, needMsg string) (intent.Intent, error) {
	n := len(p.toks)
	s := p.seps()
	k := -1
	for j := lo; j < n; j++ {
		if s.rename[p.key(j, n)] {
			k = j
			break
		}
	}
	if k < 0 {
		p.unuse(0, lo)
		p.marks = p.marks[:0]
		p.warn("read as a new task: %q renames a task as in %q", cmd, map[Language]string{
			English: "rename task foo to bar", German: "benenne Einkauf um in Wocheneinkauf"}[p.v.lang])
		return p.task(0)
	}
	p.cmd(k, k+1)
	// German separable verbs put "um" around the separator or last.
	if p.v.lang == German {
		if p.key(k-1, n) == "um" && k-1 > lo {
			p.cmd(k-1, k)
		}
		if p.key(n-1, n) == "um" && n-1 > k+1 {
			p.cmd(n-1, n)
		}
	}
	r := p.rest(lo, k)
	ex := p.scan(k+1, n)
	title := p.rest(k+1, n)
	if r == "" || title == "" {
		return intent.Intent{}, &ParseError{Message: needMsg}
	}
	p.ignore(ex, intent.RenameTask)
	p.titleLeftovers(k+1, n)
	return intent.Intent{Type: intent.RenameTask, TaskRef: r, Title: title}, nil
}

// set reads "set priority of X to p1", "set X to p1", "set X to friday",
// "set X to #project" (and the German "setze ... auf ..."). Text that sets
// nothing is a new task ("set up the printer"), with a warning if it
// looked like a change.
func (p *parser) set(cmd string, of map[string]bool) (intent.Intent, error) {
	n := len(p.toks)
	lo := 0
	if cmd != "" {
		lo = 1
	}
	if p.v.priorityWords[p.key(lo, n)] {
		hi := lo + 1
		if of[p.key(hi, n)] {
			hi++
		}
		p.cmd(0, hi)
		need := `"set priority" needs a task and a priority, e.g. "set priority of buy milk to p1"`
		if p.v.lang == German {
			need = `"setze Priorität" needs a task and a priority, e.g. "setze Priorität von Milch kaufen auf p1"`
		}
		in, ok, err := p.retarget(hi, tPriority|tBareDigit, need)
		if err != nil || ok {
			return in, err
		}
		return intent.Intent{}, &ParseError{Message: need}
	}
	p.cmd(0, lo)
	example := map[Language]string{English: "set buy milk to p1", German: "setze Milch kaufen auf p1"}[p.v.lang]
	in, ok, err := p.retarget(lo, tPriority|tProject|tDate, fmt.Sprintf("%q needs a task, e.g. %q", cmd, example))
	if err != nil || ok {
		return in, err
	}
	looked := p.hasFree(lo, n, p.seps().priority)
	p.unuse(0, lo)
	p.marks = p.marks[:0]
	if looked {
		p.warn("read as a new task: %q changes a task as in %q", cmd, example)
	}
	return p.task(0)
}

// query reads a question about the user's tasks: "what's due today",
// "show overdue tasks", "was ist heute fällig". must says the first word
// only asks questions; otherwise a text that is not a question (ok false)
// is left to be a task ("show dog to vet").
func (p *parser) query(lo int, must bool) (intent.Intent, bool, error) {
	n := len(p.toks)
	fillers, ranges := enQueryFillers, enQueryRanges
	example := `a question needs a range: today, tomorrow, overdue or this week, e.g. "what's due today"`
	if p.v.lang == German {
		fillers, ranges = deQueryFillers, deQueryRanges
		example = `a question needs a range: heute, morgen, überfällig or diese Woche, e.g. "was ist heute fällig"`
	}
	rng, at := "", -1
	var unknown []int
	for j := lo + 1; j < n; j++ {
		k := p.key(j, n)
		switch {
		case p.toks[j].literal || k == "":
			unknown = append(unknown, j)
		case ranges[k] != "" && rng == "":
			rng, at = ranges[k], j
		case ranges[k] != "":
			p.warn("ignored extra range %q", p.span(j, j+1))
		case fillers[k]:
		default:
			unknown = append(unknown, j)
		}
	}
	if !must && (rng == "" || len(unknown) > 0 || !fillers[p.key(lo+1, n)] && lo+1 != at) {
		p.warnings = p.warnings[:0]
		return intent.Intent{}, false, nil
	}
	if rng == "" {
		return intent.Intent{}, false, &ParseError{Message: example}
	}
	for _, j := range unknown {
		p.warn("could not place %q", p.span(j, j+1))
	}
	p.cmd(lo, lo+1)
	p.use(at, at+1)
	p.marks = append(p.marks, mark{intent.EntityRange, at, at + 1})
	return intent.Intent{Type: intent.QueryTasks, Range: rng}, true, nil
}

var (
	enQueryFillers = setOf("is", "are", "due", "me", "my", "all", "tasks", "task", "todos", "todo", "to-dos", "on", "for",
		"do", "i", "have", "the", "up", "there", "anything", "got", "left", "open", "this", "what", "what's", "whats", "s", "list")
	enQueryRanges = map[string]string{"today": intent.RangeToday, "today's": intent.RangeToday, "tonight": intent.RangeToday,
		"tomorrow": intent.RangeTomorrow, "tomorrow's": intent.RangeTomorrow, "overdue": intent.RangeOverdue, "late": intent.RangeOverdue,
		"week": intent.RangeWeek, "week's": intent.RangeWeek}
	deQueryFillers = setOf("ist", "sind", "fällig", "faellig", "steht", "stehen", "an", "mir", "meine", "alle", "aufgaben", "aufgabe",
		"für", "fuer", "die", "was", "habe", "ich", "noch", "offen", "offene", "diese", "dieser", "heutigen", "mal")
	deQueryRanges = map[string]string{"heute": intent.RangeToday, "morgen": intent.RangeTomorrow,
		"überfällig": intent.RangeOverdue, "überfällige": intent.RangeOverdue, "überfälligen": intent.RangeOverdue,
		"ueberfaellig": intent.RangeOverdue, "ueberfaellige": intent.RangeOverdue, "woche": intent.RangeWeek}
)

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// ignore warns about parts the intent type has no field for.
func (p *parser) ignore(ex extraction, typ string) {
	f := fieldsOfType(typ)
	if ex.hasDate && f&fDate == 0 {
		p.warn("ignored date %q: %s takes no date", ex.dateText, typ)
	}
	if ex.hasTime && f&fTime == 0 {
		p.warn("ignored time %q: %s takes no time", ex.timeText, typ)
	}
	if ex.hasInstant && f&fTime == 0 {
		p.warn("ignored time %q: %s takes no time", ex.instantText, typ)
	}
	if ex.priority != 0 && f&fPriority == 0 {
		p.warn("ignored priority %s: %s takes no priority", ex.priorityText, typ)
	}
	if ex.project != "" && f&fProject == 0 {
		p.warn("ignored project #%s: %s takes no project", ex.project, typ)
	}
	if len(ex.labels) > 0 && f&fLabel == 0 {
		for _, l := range ex.labels {
			p.warn("ignored label @%s: %s takes no label", l, typ)
		}
	}
	if ex.rec != nil && f&fRepeat == 0 {
		p.warn("ignored repeat %q: %s takes no repeat", ex.recText, typ)
	}
}

// titleLeftovers reports the date-, time- and repeat-like words a title
// kept ("weekly report", "morning run"), with what to write instead.
func (p *parser) titleLeftovers(lo, hi int) {
	for j := lo; j < hi; j++ {
		if hint, ok := p.v.leftovers[p.key(j, hi)]; ok {
			p.warn("kept %q in the title; %s", p.span(j, j+1), hint)
		}
	}
}

// entities turns the marks into entities with UTF-16 offsets, in text order.
func (p *parser) entities(text string) []intent.Entity {
	out := make([]intent.Entity, 0, len(p.marks))
	for _, m := range p.marks {
		if m.hi <= m.lo {
			continue
		}
		start, end := p.toks[m.lo].start, p.toks[m.hi-1].end
		end -= len(p.toks[m.hi-1].raw) - len(strings.TrimRight(p.toks[m.hi-1].raw, trailingPunct))
		if end <= start {
			continue
		}
		out = append(out, intent.Entity{Kind: m.kind, Text: text[start:end], Start: utf16Len(text[:start]), End: utf16Len(text[:end])})
	}
	sortEntities(out)
	return out
}

func sortEntities(es []intent.Entity) {
	for i := 1; i < len(es); i++ {
		for j := i; j > 0 && es[j].Start < es[j-1].Start; j-- {
			es[j], es[j-1] = es[j-1], es[j]
		}
	}
}

// utf16Len is how many UTF-16 code units s takes: what a JavaScript
// string's indexes count.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }
