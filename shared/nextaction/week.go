package nextaction

import (
	"math"
	"time"
)

// Decay is what one week's counts are worth a week later: 0.9, a half-life of about
// 6.6 weeks, so a habit from last season fades within a few months.
const Decay = 0.9

// Epoch is the Monday (UTC) week 0 starts on.
var Epoch = time.Date(2024, time.January, 1, 0, 0, 0, 0, time.UTC)

// Week is t's week index since Epoch (weeks start Monday 00:00 UTC), the unit of decay.
func Week(t time.Time) int {
	return int(math.Floor(t.Sub(Epoch).Hours() / (7 * 24)))
}

// EraWeeks is how many weeks one statistics item serves. Weights grow by 1/Decay a
// week; restarting them every era keeps them below 10^27, well inside a DynamoDB number
// (38 digits, up to 10^125). In the last OverlapWeeks of an era a completion is also
// added to the next era's item, so the switch loses nothing a reader would weigh.
const (
	EraWeeks     = 520
	OverlapWeeks = 52
)

// Era is the statistics item week w is read from.
func Era(w int) int {
	if w < 0 {
		return 0
	}
	return w / EraWeeks
}

// weight is what a completion in week w adds to era's counters.
func weight(w, era int) float64 { return math.Pow(1/Decay, float64(w-era*EraWeeks)) }

// scale turns era's stored counters into counts decayed to week now.
func scale(now, era int) float64 { return math.Pow(Decay, float64(now-era*EraWeeks)) }

// Slots split the week into what people mean by "weekday mornings": weekday or weekend
// (by the local date) times four parts of the day.
const Slots = 8

// Parts of the day, by local hour: morning 05-12, afternoon 12-17, evening 17-22,
// night 22-05.
var partNames = [4]string{"mornings", "afternoons", "evenings", "nights"}

func partOf(hour int) int {
	switch {
	case hour >= 5 && hour < 12:
		return 0
	case hour >= 12 && hour < 17:
		return 1
	case hour >= 17 && hour < 22:
		return 2
	}
	return 3
}

// SlotOf is the slot of local, a time already in the user's zone (wall clock: 09:00 is a
// morning on either side of a DST change).
func SlotOf(local time.Time) int {
	s := partOf(local.Hour())
	if wd := local.Weekday(); wd == time.Saturday || wd == time.Sunday {
		s += 4
	}
	return s
}

// SlotName is the slot in words: "weekday mornings", "weekend evenings".
func SlotName(s int) string {
	days := "weekday"
	if s >= 4 {
		days = "weekend"
	}
	return days + " " + partNames[s%4]
}

// HourOfWeek is local's hour of the week, Monday 00:00-01:00 being 0 and Sunday
// 23:00-24:00 167, on the wall clock.
func HourOfWeek(local time.Time) int {
	return (int(local.Weekday())+6)%7*24 + local.Hour()
}

// slotOfHour is the slot an hour of the week belongs to.
func slotOfHour(h int) int {
	s := partOf(h % 24)
	if h/24 >= 5 {
		s += 4
	}
	return s
}
