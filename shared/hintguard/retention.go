package hintguard

import "time"

// Retention is D7 retention of one group of users: of New users first seen on the days
// read, D7 came back on the 7th UTC day after their first.
type Retention struct {
	New int64 `json:"new"`
	D7  int64 `json:"d7"`
}

// Rate is D7/New (nil without new users).
func (r Retention) Rate() *float64 { return ratio(r.D7, r.New) }

// Add adds o to r.
func (r *Retention) Add(o Retention) { r.New += o.New; r.D7 += o.D7 }

// RetentionOf reads a cohort's retention counters of Lucian-on users (on) or Lucian-off
// users.
func RetentionOf(c Counters, on bool) Retention {
	if on {
		return Retention{New: c[RetentionNew], D7: c[RetentionD7]}
	}
	return Retention{New: c[RetentionNewOff], D7: c[RetentionD7Off]}
}

// RetentionNames are the counters a user's activity on day adds to, given their first day
// (firstNew: day is their first, so they are new on it) and their Lucian setting at their
// first request: the names for day, and those for the first day (a D7 return).
func RetentionNames(day, first string, firstNew, on bool) (today, onFirst []string) {
	newName, d7 := RetentionNew, RetentionD7
	if !on {
		newName, d7 = RetentionNewOff, RetentionD7Off
	}
	if firstNew {
		today = []string{newName}
	}
	if f, err := time.Parse(time.DateOnly, first); err == nil && f.AddDate(0, 0, 7).Format(time.DateOnly) == day {
		onFirst = []string{d7}
	}
	return today, onFirst
}
