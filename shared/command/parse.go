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

// Parse reads text typed by a user whose clock is ref in zone loc (nil
// means UTC). It returns the normalized intent, which always passes
// Validate, and warnings about anything it recognised but could not use.
// Warnings are never nil. Unreadable text gives a *ParseError.
func Parse(text string, loc *time.Location, ref time.Time) (intent.Intent, []string, error) {
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
	ref = ref.In(loc)
	y, m, d := ref.Date()
	p := &parser{toks: toks, loc: loc, now: ref, today: civil{y, m, d}, warnings: []string{}}
	in, err := p.parse()
	if err != nil {
		return intent.Intent{}, []string{}, err
	}
	in = in.Normalize()
	if err := in.Validate(); err != nil {
		return fail(err.Error())
	}
	return in, p.warnings, nil
}

func fail(msg string) (intent.Intent, []string, error) {
	return intent.Intent{}, []string{}, &ParseError{Message: msg}
}

// token is one whitespace-separated word. key is what the matchers compare
// (lower case, trailing punctuation dropped); raw is what goes back into a
// title, so the user's casing and punctuation survive.
type token struct {
	raw     string
	key     string
	literal bool // inside double quotes: never interpreted
	used    bool // consumed as a command word, date, time, priority or project
}

const trailingPunct = ",.;:!?"

func tokenize(text string) []token {
	fields := strings.Fields(text)
	toks := make([]token, 0, len(fields))
	// Past the last word ending in a quote no quote can close, which keeps
	// a text full of unmatched quotes linear.
	lastClose := -1
	for j, f := range fields {
		if strings.HasSuffix(f, `"`) {
			lastClose = j
		}
	}
	for i := 0; i < len(fields); i++ {
		f := fields[i]
		if strings.HasPrefix(f, `"`) {
			if j := closingQuote(fields, i, lastClose); j >= 0 {
				for k := i; k <= j; k++ {
					g := fields[k]
					if k == i {
						g = g[1:]
					}
					if k == j {
						g = strings.TrimSuffix(g, `"`)
					}
					if g != "" {
						toks = append(toks, token{raw: g, literal: true})
					}
				}
				i = j
				continue
			}
		}
		toks = append(toks, token{raw: f, key: strings.TrimRight(strings.ToLower(f), trailingPunct)})
	}
	return toks
}

func closingQuote(fields []string, i, lastClose int) int {
	if len(fields[i]) >= 2 && strings.HasSuffix(fields[i], `"`) {
		return i
	}
	for j := i + 1; j <= lastClose; j++ {
		if strings.HasSuffix(fields[j], `"`) {
			return j
		}
	}
	return -1
}

type parser struct {
	toks     []token
	loc      *time.Location
	now      time.Time // the reference time, in loc
	today    civil
	resched  bool // after "move ... to", where "to sat" is a weekday
	warnings []string
}

func (p *parser) warn(format string, args ...any) {
	p.warnings = append(p.warnings, fmt.Sprintf(format, args...))
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

func (p *parser) parse() (intent.Intent, error) {
	n := len(p.toks)
	first := p.key(0, n)
	switch first {
	case "add", "new", "create":
		switch p.key(1, n) {
		case "goal":
			return p.goal(2)
		case "task":
			return p.task(2)
		}
		return p.task(1)
	case "goal":
		return p.goal(1)
	case "done", "complete", "finish":
		lo := 1
		if p.key(1, n) == "task" {
			lo = 2
		}
		return p.ref(intent.CompleteTask, lo, n, fmt.Sprintf("%q needs a task, e.g. %q", first, first+" buy milk"))
	case "mark":
		if end, ok := p.markDone(); ok {
			return p.ref(intent.CompleteTask, 1, end, `"mark" needs a task, e.g. "mark buy milk done"`)
		}
	case "move", "reschedule":
		lo := 1
		if p.key(1, n) == "task" {
			lo = 2
		}
		return p.reschedule(lo, first)
	case "delete", "remove":
		switch p.key(1, n) {
		case "goal":
			return p.ref(intent.DeleteGoal, 2, n, fmt.Sprintf("%q needs a goal, e.g. %q", first+" goal", first+" goal run a marathon"))
		case "task":
			return p.ref(intent.DeleteTask, 2, n, fmt.Sprintf("%q needs a task, e.g. %q", first+" task", first+" task old draft"))
		}
		return p.ref(intent.DeleteTask, 1, n, fmt.Sprintf("%q needs a task, e.g. %q", first, first+" old draft"))
	}
	return p.task(0)
}

// markDone recognises "mark X done" and "mark X as done", returning where X ends.
func (p *parser) markDone() (int, bool) {
	n := len(p.toks)
	if n < 3 {
		return 0, false
	}
	switch p.key(n-1, n) {
	case "done", "complete", "completed", "finished":
	default:
		return 0, false
	}
	end := n - 1
	if p.key(end-1, n) == "as" {
		end--
	}
	p.use(end, n)
	return end, true
}

func (p *parser) task(lo int) (intent.Intent, error) {
	n := len(p.toks)
	ex := p.scan(lo, n)
	title := p.rest(lo, n)
	if title == "" {
		return intent.Intent{}, &ParseError{Message: `the task needs a title, e.g. "add buy milk tomorrow 9am"`}
	}
	return intent.Intent{
		Type:     intent.CreateTask,
		Title:    title,
		Due:      p.due(ex),
		Priority: ex.priority,
		Project:  ex.project,
	}, nil
}

func (p *parser) goal(lo int) (intent.Intent, error) {
	n := len(p.toks)
	ex := p.scan(lo, n)
	title := p.rest(lo, n)
	if title == "" {
		return intent.Intent{}, &ParseError{Message: `the goal needs a title, e.g. "new goal run a marathon by june 30"`}
	}
	in := intent.Intent{Type: intent.CreateGoal, Title: title}
	p.ignore(ex, intent.CreateGoal)
	if ex.hasDate {
		in.TargetDate = ex.date.String()
		if ex.date.before(p.today) {
			p.warn("%q is in the past", ex.dateText)
		}
	}
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

// reschedule reads "move X to <date>". The new date is what follows the
// last "to" that is followed by a date, so the task's own words ("move
// 3pm call to 4pm", "move trip to rome to friday") stay in the reference.
func (p *parser) reschedule(lo int, cmd string) (intent.Intent, error) {
	n := len(p.toks)
	p.resched = true
	needTask := fmt.Sprintf("%q needs a task and a new date, e.g. %q (to add a task, start with \"add\")", cmd, cmd+" dentist to friday 3pm")
	next := n // the "to" after k, whose tail already held no date
	for k := n - 1; k >= lo; k-- {
		if p.key(k, n) != "to" {
			continue
		}
		// No date or time spans a "to", so only the words up to the next
		// "to" can be new; probing just those keeps this linear.
		mark := len(p.warnings)
		probe := p.scan(k+1, next)
		p.warnings = p.warnings[:mark]
		p.unuse(k+1, next)
		if next = k; !probe.hasDate && !probe.hasTime {
			continue
		}
		ex := p.scan(k+1, n)
		p.toks[k].used = true
		r := p.rest(lo, k)
		if r == "" {
			return intent.Intent{}, &ParseError{Message: needTask}
		}
		p.leftovers(k+1, n)
		p.ignore(ex, intent.RescheduleTask)
		return intent.Intent{Type: intent.RescheduleTask, TaskRef: r, Due: p.due(ex)}, nil
	}
	mark := len(p.warnings)
	ex := p.scan(lo, n)
	if !ex.hasDate && !ex.hasTime {
		if len(p.warnings) > mark {
			return intent.Intent{}, &ParseError{Message: fmt.Sprintf("%q needs a new date: %s", cmd, strings.Join(p.warnings[mark:], "; "))}
		}
		return intent.Intent{}, &ParseError{Message: needTask}
	}
	r := p.rest(lo, n)
	if r == "" {
		return intent.Intent{}, &ParseError{Message: needTask}
	}
	p.ignore(ex, intent.RescheduleTask)
	return intent.Intent{Type: intent.RescheduleTask, TaskRef: r, Due: p.due(ex)}, nil
}

// leftovers reports words after "to" that were not part of the new date:
// they cannot join the reference (which ended at "to"), so they would
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

// ignore warns about parts the intent type has no field for.
func (p *parser) ignore(ex extraction, typ string) {
	var date, clock, prio, proj bool
	switch typ {
	case intent.CreateTask:
		date, clock, prio, proj = true, true, true, true
	case intent.CreateGoal:
		date = true
	case intent.RescheduleTask:
		date, clock = true, true
	}
	if ex.hasDate && !date {
		p.warn("ignored date %q: %s takes no date", ex.dateText, typ)
	}
	if ex.hasTime && !clock {
		p.warn("ignored time %q: %s takes no time", ex.timeText, typ)
	}
	if ex.priority != 0 && !prio {
		p.warn("ignored priority %s: %s takes no priority", ex.priorityText, typ)
	}
	if ex.project != "" && !proj {
		p.warn("ignored project #%s: %s takes no project", ex.project, typ)
	}
}

// extraction is what a scan found in a run of tokens.
type extraction struct {
	hasDate      bool
	date         civil
	dateText     string
	hasTime      bool
	hour, min    int
	timeText     string
	priority     int
	priorityText string
	project      string
}

var (
	datePreps = map[string]bool{"on": true, "by": true, "due": true}
	timePreps = map[string]bool{"at": true, "@": true, "by": true, "due": true}
)

// scan claims dates, times, priorities and projects in [lo, hi), left to
// right; the first of each kind wins.
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
		if m := p.matchDate(i, lo, hi); m.n > 0 {
			text := p.span(i, i+m.n)
			switch {
			case m.invalid:
				p.warn("could not place %q", text)
			case ex.hasDate:
				p.claim(i, m.n, lo, datePreps)
				p.warn("ignored extra date %q", text)
			default:
				p.claim(i, m.n, lo, datePreps)
				ex.hasDate, ex.date, ex.dateText = true, m.date, text
			}
			i += m.n
			continue
		}
		if m := p.matchTime(i, hi); m.n > 0 {
			text := p.span(i, i+m.n)
			switch {
			case m.invalid:
				p.warn("could not place %q", text)
			case ex.hasTime:
				p.claim(i, m.n, lo, timePreps)
				p.warn("ignored extra time %q", text)
			default:
				p.claim(i, m.n, lo, timePreps)
				ex.hasTime, ex.hour, ex.min, ex.timeText = true, m.hour, m.min, text
			}
			i += m.n
			continue
		}
		i++
	}
	return ex
}

// claim marks a match used, with up to two free prepositions before it
// ("due on friday", "at 3pm"), so they do not dangle in the title.
func (p *parser) claim(i, n, lo int, preps map[string]bool) {
	p.use(i, i+n)
	for j := i - 1; j >= lo && j >= i-2; j-- {
		if !preps[p.key(j, len(p.toks))] {
			break
		}
		p.toks[j].used = true
	}
}

func (p *parser) scanPriority(i, hi int, ex *extraction) int {
	k := p.key(i, hi)
	n, pr := 0, 0
	switch {
	case len(k) == 2 && (k[0] == 'p' || k[0] == '!') && isDigit(k[1]):
		n, pr = 1, int(k[1]-'0')
	case k == "priority":
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
	return n
}

func (p *parser) scanProject(i int, ex *extraction) int {
	raw := p.toks[i].raw
	if !strings.HasPrefix(raw, "#") {
		return 0
	}
	name := strings.TrimRight(raw[1:], trailingPunct)
	// "#123" is an issue number, not a project.
	if !strings.ContainsFunc(name, unicode.IsLetter) {
		return 0
	}
	if utf8.RuneCountInString(name) > intent.MaxProjectRunes {
		p.warn("could not place %q", p.span(i, i+1))
		return 1
	}
	p.use(i, i+1)
	if ex.project != "" {
		p.warn("ignored extra project #%s", name)
		return 1
	}
	ex.project = name
	return 1
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }
