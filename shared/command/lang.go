package command

import (
	"fmt"
	"strings"
	"time"
)

// Language is the language a text is read in. Each has its own words;
// the two are never mixed, because a word of one is an everyday word of
// the other ("so", "do", "am").
type Language string

// The languages the parser reads.
const (
	English Language = "en"
	German  Language = "de"
)

// DateOrder decides a numeric date whose parts could be day or month
// ("03/04"): day-month-year, month-day-year or year-month-day.
type DateOrder string

// The date orders.
const (
	DMY DateOrder = "DMY"
	MDY DateOrder = "MDY"
	YMD DateOrder = "YMD"
)

// mdyRegions write month first in English; every other English region
// writes day first.
var mdyRegions = map[string]bool{"US": true, "CA": true, "PH": true, "FM": true, "MH": true, "PW": true}

// LocaleOf reads a locale tag ("en", "en-GB", "de_AT"; "" means English)
// into its language and the date order its region writes: month first in
// the United States (and plain "en"), day first elsewhere in English and
// in German.
func LocaleOf(tag string) (Language, DateOrder, error) {
	tag = strings.TrimSpace(tag)
	if tag == "" {
		return English, MDY, nil
	}
	lang, region, _ := strings.Cut(strings.ReplaceAll(tag, "_", "-"), "-")
	lang = strings.ToLower(lang)
	region = strings.ToUpper(region)
	if len(lang) < 2 || len(lang) > 3 || strings.ContainsFunc(lang, func(r rune) bool { return r < 'a' || r > 'z' }) ||
		len(region) > 8 || strings.ContainsFunc(region, func(r rune) bool { return !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') }) {
		return "", "", fmt.Errorf("%q is not a locale tag such as en, en-GB or de", tag)
	}
	switch lang {
	case "en":
		if region == "" || mdyRegions[region] {
			return English, MDY, nil
		}
		return English, DMY, nil
	case "de":
		return German, DMY, nil
	}
	return "", "", fmt.Errorf("language %q is not supported (en or de)", lang)
}

// DateOrderOf reads a date_order field ("DMY", "MDY", "YMD", any case).
func DateOrderOf(s string) (DateOrder, error) {
	switch o := DateOrder(strings.ToUpper(strings.TrimSpace(s))); o {
	case DMY, MDY, YMD:
		return o, nil
	}
	return "", fmt.Errorf("must be DMY, MDY or YMD, not %q", s)
}

// unit is a span of time a count can carry ("in 3 days", "every 2 weeks").
type unit int

const (
	noUnit unit = iota
	minuteUnit
	hourUnit
	dayUnit
	weekUnit
	monthUnit
	yearUnit
)

// vocab is one language's words. Phrases of several words are matched in
// code (dates.go, recurrence.go), from these tables where they can be.
type vocab struct {
	lang     Language
	months   map[string]time.Month
	weekdays map[string]time.Weekday
	// ambiguousWeekdays are also everyday words ("sun", "so"): weekdays
	// only after a marker or before a time.
	ambiguousWeekdays map[string]bool
	weekdayMarkers    map[string]bool
	// weekdayModifiers before a weekday mean the coming one ("next friday").
	weekdayModifiers map[string]bool
	numbers          map[string]int
	// relDays are days counted from today ("tomorrow": 1).
	relDays map[string]int
	// datePreps and timePreps are taken with the date or time they
	// introduce, so they do not dangle in a title.
	datePreps, timePreps map[string]bool
	units                map[string]unit
	// daypartsAfterDate follow a day ("friday evening", "morgen früh").
	daypartsAfterDate map[string]int
	// daypartAdverbs are times wherever they stand ("abends").
	daypartAdverbs map[string]int
	// daypartNouns are times after "this", "in the", "am", "every".
	daypartNouns map[string]int
	// strongTimes are times of day by name ("noon").
	strongTimes map[string]int
	// priorityWords introduce a number 1-4 ("priority 2").
	priorityWords map[string]bool
	// ordinals count in recurrences ("every other", "jeden zweiten").
	ordinals map[string]int
	// recurAdverbs repeat on their own ("täglich", "werktags").
	recurAdverbs map[string]rule
	// recurWeekdays repeat on one weekday ("montags").
	recurWeekdays map[string]time.Weekday
	// leftovers are date-, time- and repeat-like words that a title may
	// keep but that are reported, with a hint of what to write instead.
	leftovers map[string]string
}

var english = &vocab{
	lang: English,
	months: map[string]time.Month{
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
	},
	weekdays: map[string]time.Weekday{
		"sunday": time.Sunday, "sun": time.Sunday,
		"monday": time.Monday, "mon": time.Monday,
		"tuesday": time.Tuesday, "tue": time.Tuesday, "tues": time.Tuesday,
		"wednesday": time.Wednesday, "wed": time.Wednesday, "weds": time.Wednesday,
		"thursday": time.Thursday, "thu": time.Thursday, "thur": time.Thursday, "thurs": time.Thursday,
		"friday": time.Friday, "fri": time.Friday,
		"saturday": time.Saturday, "sat": time.Saturday,
	},
	ambiguousWeekdays: map[string]bool{"sun": true, "sat": true, "wed": true},
	weekdayMarkers:    map[string]bool{"on": true, "by": true, "due": true, "until": true, "till": true},
	weekdayModifiers:  map[string]bool{"this": true, "next": true, "coming": true},
	numbers: map[string]int{
		"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
		"seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
	},
	relDays:   map[string]int{"today": 0, "tomorrow": 1, "tmrw": 1, "tmr": 1},
	datePreps: map[string]bool{"on": true, "by": true, "due": true},
	timePreps: map[string]bool{"at": true, "@": true, "by": true, "due": true},
	units: map[string]unit{
		"minute": minuteUnit, "minutes": minuteUnit, "min": minuteUnit, "mins": minuteUnit,
		"hour": hourUnit, "hours": hourUnit, "hr": hourUnit, "hrs": hourUnit,
		"day": dayUnit, "days": dayUnit, "week": weekUnit, "weeks": weekUnit,
		"month": monthUnit, "months": monthUnit, "year": yearUnit, "years": yearUnit,
	},
	daypartsAfterDate: map[string]int{"morning": 9, "afternoon": 15, "evening": 19, "night": 19},
	daypartAdverbs:    map[string]int{},
	daypartNouns:      map[string]int{"morning": 9, "afternoon": 15, "evening": 19, "night": 19},
	strongTimes:       map[string]int{"noon": 12, "midday": 12, "midnight": 0},
	priorityWords:     map[string]bool{"priority": true},
	ordinals:          map[string]int{"other": 2, "second": 2, "third": 3, "fourth": 4},
	recurAdverbs:      map[string]rule{},
	recurWeekdays:     map[string]time.Weekday{},
	leftovers: map[string]string{
		"daily":       `to repeat, write "every day"`,
		"weekly":      `to repeat, write "every week"`,
		"biweekly":    `to repeat, write "every 2 weeks"`,
		"fortnightly": `to repeat, write "every 2 weeks"`,
		"monthly":     `to repeat, write "every month"`,
		"yearly":      `to repeat, write "every year"`,
		"annually":    `to repeat, write "every year"`,
		"morning":     `for a time, write "tomorrow morning", "this morning" or "at 9am"`,
		"afternoon":   `for a time, write "this afternoon" or "at 3pm"`,
		"evening":     `for a time, write "this evening" or "at 7pm"`,
		"weekend":     `for a date, write "this weekend" or "next weekend"`,
		"yesterday":   "a task cannot be due in the past",
	},
}

var german = &vocab{
	lang: German,
	months: map[string]time.Month{
		"januar": time.January, "jan": time.January, "jänner": time.January,
		"februar": time.February, "feb": time.February,
		"märz": time.March, "maerz": time.March, "mär": time.March, "mrz": time.March,
		"april": time.April, "apr": time.April,
		"mai":  time.May,
		"juni": time.June, "jun": time.June,
		"juli": time.July, "jul": time.July,
		"august": time.August, "aug": time.August,
		"september": time.September, "sep": time.September, "sept": time.September,
		"oktober": time.October, "okt": time.October,
		"november": time.November, "nov": time.November,
		"dezember": time.December, "dez": time.December,
	},
	weekdays: map[string]time.Weekday{
		"sonntag": time.Sunday, "so": time.Sunday,
		"montag": time.Monday, "mo": time.Monday,
		"dienstag": time.Tuesday, "di": time.Tuesday,
		"mittwoch": time.Wednesday, "mi": time.Wednesday,
		"donnerstag": time.Thursday, "do": time.Thursday,
		"freitag": time.Friday, "fr": time.Friday,
		"samstag": time.Saturday, "sonnabend": time.Saturday, "sa": time.Saturday,
	},
	ambiguousWeekdays: map[string]bool{"so": true, "mo": true, "di": true, "mi": true, "do": true, "fr": true, "sa": true},
	weekdayMarkers:    map[string]bool{"am": true, "bis": true, "ab": true, "zum": true, "auf": true},
	weekdayModifiers: map[string]bool{"nächsten": true, "nächster": true, "nächste": true, "naechsten": true,
		"naechster": true, "naechste": true, "kommenden": true, "kommender": true, "diesen": true, "dieser": true},
	numbers: map[string]int{
		"ein": 1, "eine": 1, "einer": 1, "einem": 1, "einen": 1, "eins": 1, "zwei": 2, "drei": 3, "vier": 4,
		"fünf": 5, "fuenf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12, "zwoelf": 12,
	},
	relDays:   map[string]int{"heute": 0, "morgen": 1, "übermorgen": 2, "uebermorgen": 2},
	datePreps: map[string]bool{"am": true, "bis": true, "zum": true, "fällig": true, "faellig": true},
	timePreps: map[string]bool{"um": true, "gegen": true, "bis": true, "ab": true, "am": true, "@": true},
	units: map[string]unit{
		"minute": minuteUnit, "minuten": minuteUnit, "min": minuteUnit,
		"stunde": hourUnit, "stunden": hourUnit, "std": hourUnit,
		"tag": dayUnit, "tage": dayUnit, "tagen": dayUnit,
		"woche": weekUnit, "wochen": weekUnit,
		"monat": monthUnit, "monate": monthUnit, "monaten": monthUnit,
		"jahr": yearUnit, "jahre": yearUnit, "jahren": yearUnit,
	},
	daypartsAfterDate: map[string]int{"morgen": 9, "früh": 9, "frueh": 9, "vormittag": 10, "mittag": 12,
		"nachmittag": 15, "abend": 19, "nacht": 19},
	daypartAdverbs: map[string]int{"morgens": 9, "vormittags": 10, "mittags": 12, "nachmittags": 15, "abends": 19, "nachts": 19},
	daypartNouns: map[string]int{"morgen": 9, "vormittag": 10, "mittag": 12, "nachmittag": 15, "abend": 19,
		"nacht": 19},
	strongTimes:   map[string]int{"mitternacht": 0},
	priorityWords: map[string]bool{"priorität": true, "prioritaet": true, "prio": true},
	ordinals:      map[string]int{"zweiten": 2, "zweite": 2, "zweites": 2, "dritten": 3, "dritte": 3, "drittes": 3, "vierten": 4, "vierte": 4},
	recurAdverbs: map[string]rule{"täglich": {freq: daily}, "taeglich": {freq: daily}, "wöchentlich": {freq: weekly},
		"woechentlich": {freq: weekly}, "monatlich": {freq: monthly}, "jährlich": {freq: yearly}, "jaehrlich": {freq: yearly},
		"werktags": {freq: weekly, days: workdays}},
	recurWeekdays: map[string]time.Weekday{"montags": time.Monday, "dienstags": time.Tuesday, "mittwochs": time.Wednesday,
		"donnerstags": time.Thursday, "freitags": time.Friday, "samstags": time.Saturday, "sonntags": time.Sunday},
	leftovers: map[string]string{
		"wochenende":    `for a date, write "am Wochenende" or "nächstes Wochenende"`,
		"gestern":       "a task cannot be due in the past",
		"vorgestern":    "a task cannot be due in the past",
		"tägliche":      `to repeat, write "täglich" or "jeden Tag"`,
		"täglichen":     `to repeat, write "täglich" or "jeden Tag"`,
		"wöchentliche":  `to repeat, write "wöchentlich" or "jede Woche"`,
		"wöchentlichen": `to repeat, write "wöchentlich" or "jede Woche"`,
		"monatliche":    `to repeat, write "monatlich" or "jeden Monat"`,
		"monatlichen":   `to repeat, write "monatlich" or "jeden Monat"`,
	},
}

func vocabOf(l Language) *vocab {
	if l == German {
		return german
	}
	return english
}
