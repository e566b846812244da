package hint

import (
	"time"
)

// Limits are the numbers the gates apply.
type Limits struct {
	// TipGap is the minimum time between two hints of any kind; BreakGap between two
	// break invites.
	TipGap   time.Duration
	BreakGap time.Duration
	// TipsPerDay (tips and mood lines) and BreaksPerDay count in the user's local day.
	TipsPerDay   int
	BreaksPerDay int
	// BreakAfterActive is how long the user must have been active before a break invite.
	BreakAfterActive time.Duration
	// Backoff is the wait after the 1st, 2nd, 3rd ... consecutive dismissal; the last
	// applies to every later one.
	Backoff []time.Duration
	// NoRepeat is how long a line is not said again to the same user.
	NoRepeat time.Duration
	// TipTTL and BreakTTL are how long a hint stays valid for the app to show.
	TipTTL   time.Duration
	BreakTTL time.Duration
}

// DefaultLimits are issue 17's numbers: gaps of 30 min (tips) and 90 min (break
// invites), 3 tips and 2 break invites a day, break invites after 25 minutes of activity,
// the dismissal ladder 2 h, 1 d, 7 d, 28 d.
func DefaultLimits() Limits {
	const day = 24 * time.Hour
	return Limits{
		TipGap: 30 * time.Minute, BreakGap: 90 * time.Minute,
		TipsPerDay: 3, BreaksPerDay: 2,
		BreakAfterActive: 25 * time.Minute,
		Backoff:          []time.Duration{2 * time.Hour, day, 7 * day, 28 * day},
		NoRepeat:         3 * day,
		TipTTL:           5 * time.Minute, BreakTTL: 10 * time.Minute,
	}
}

// BackoffAfter is the wait after n consecutive dismissals (0 for none).
func (l Limits) BackoffAfter(n int) time.Duration {
	if n <= 0 || len(l.Backoff) == 0 {
		return 0
	}
	return l.Backoff[min(n, len(l.Backoff))-1]
}

// Context is what the app says about the moment.
type Context struct {
	Screen         string
	Mood           string
	TaskInProgress bool
	MinutesActive  int
	// LastTask is the task attempt the app reports as over since it last asked, if any.
	LastTask *TaskAttempt
}

// TaskAttempt is one attempt at a task, as the app reports it once it is over: when the
// user started it (the app's clock) and whether they left it unfinished.
type TaskAttempt struct {
	StartedAt time.Time
	Abandoned bool
}

// Input is everything one decision reads.
type Input struct {
	Now     time.Time
	Loc     *time.Location // the user's zone: their setting, else the device's
	Context Context
	State   State
	Arm     Arm
	Flag    bool
	// NoBreakInvites is the break_invites lever off: no break invite for anyone.
	NoBreakInvites bool
}

// Decision is the answer of POST /hints/next.
type Decision struct {
	Show   bool
	Reason Reason
	Hint   *Hint
	Cohort Arm
	// Caps are the limits the decision applied when the cohort's caps are tightened by
	// the guardrail, else nil.
	Caps *Caps
}

// Caps are a cohort's tightened limits, as POST /hints/next answers them.
type Caps struct {
	Tightened             bool   `json:"tightened"`
	TipsPerDay            int    `json:"tips_per_day"`
	BreakInvitesPerDay    int    `json:"break_invites_per_day"`
	TipGapMinutes         int    `json:"tip_gap_minutes"`
	BreakInviteGapMinutes int    `json:"break_invite_gap_minutes"`
	Why                   string `json:"why"`
}

// Tightened are l's limits for a cohort whose guardrail tripped: half the daily caps
// (at least one each) and twice the minimum gaps.
func (l Limits) Tightened() Limits {
	l.TipsPerDay = max(l.TipsPerDay/2, 1)
	l.BreaksPerDay = max(l.BreaksPerDay/2, 1)
	l.TipGap *= 2
	l.BreakGap *= 2
	return l
}

// CapsOf are l as tightened caps, with why.
func (l Limits) CapsOf(why string) *Caps {
	return &Caps{Tightened: true, TipsPerDay: l.TipsPerDay, BreakInvitesPerDay: l.BreaksPerDay,
		TipGapMinutes: int(l.TipGap / time.Minute), BreakInviteGapMinutes: int(l.BreakGap / time.Minute), Why: why}
}

// candidate is a kind still in the running, with how far it got through the gates.
type candidate struct {
	kind   Kind
	reason Reason // the gate it failed, "" while it passes
	copy   *Copy
}

// gateRank orders the per-kind gates, so the reason given is the furthest any kind got.
func gateRank(r Reason) int {
	switch r {
	case ReasonMinGap:
		return 1
	case ReasonDailyCap:
		return 2
	case ReasonCopyExhausted:
		return 3
	}
	return 0
}

// Decide applies the gates in order and returns the decision; when a hint may be shown,
// also the claim that takes its slot (its Hint.ID is newID's). The first failing gate
// names the reason. The gates up to the back-off concern the user; from the minimum gap
// on they apply per kind, break invites first (when the experiment, the settings and 25
// minutes of activity allow one), then a mood line for the app's mood, then a tip; when no
// kind passes, the reason is the furthest gate any kind reached.
func (l Limits) Decide(in Input, cat *Catalog, newID func() string) (Decision, *Claim) {
	st := in.State
	set := st.Settings
	no := func(r Reason) (Decision, *Claim) { return Decision{Reason: r, Cohort: in.Arm}, nil }
	switch {
	case !in.Flag:
		return no(ReasonFlagOff)
	case in.Arm == ArmHoldout:
		return no(ReasonHoldout)
	}
	breaksOn := in.Arm == ArmBreakInvites && set.BreakInvitesEnabled
	if breaksOn && in.NoBreakInvites {
		breaksOn = false
		if set.LucianEnabled && !set.HintsEnabled {
			// Break invites were all this user would get, and the lever took them.
			return no(ReasonFlagOff)
		}
	}
	if !set.LucianEnabled || !set.HintsEnabled && !breaksOn {
		return no(ReasonOptedOut)
	}
	local := in.Now.In(in.Loc)
	if set.Quiet != nil && set.Quiet.Contains(local) {
		return no(ReasonQuietHours)
	}
	if in.Context.TaskInProgress {
		return no(ReasonTaskInProgress)
	}
	if n := st.Dismissals; n > 0 && in.Now.Before(st.LastDismissed.Add(l.BackoffAfter(n))) {
		return no(ReasonDismissalBackoff)
	}

	var kinds []Kind
	if breaksOn && in.Context.MinutesActive >= int(l.BreakAfterActive/time.Minute) {
		kinds = append(kinds, BreakInvite)
	}
	if set.HintsEnabled {
		if in.Context.Mood != "" {
			kinds = append(kinds, Mood)
		}
		kinds = append(kinds, Tip)
	}
	if len(kinds) == 0 {
		return no(ReasonBreakNotDue)
	}

	// The day the show counts on: today in the user's zone, unless the stored day is
	// later (the user flew west over midnight), when the counts carry on.
	day, newDay := LocalDay(in.Now, in.Loc), false
	if st.Day >= day {
		day = st.Day
	} else {
		newDay = true
	}
	count := func(c Class) int {
		if newDay {
			return 0
		}
		if c == ClassBreak {
			return st.Breaks
		}
		return st.Tips
	}

	var best *candidate
	for _, k := range kinds {
		cd := &candidate{kind: k}
		class := ClassOf(k)
		switch {
		case !st.LastShown.IsZero() && in.Now.Sub(st.LastShown) < l.TipGap,
			class == ClassBreak && !st.LastBreak.IsZero() && in.Now.Sub(st.LastBreak) < l.BreakGap:
			cd.reason = ReasonMinGap
		case count(class) >= l.capOf(class):
			cd.reason = ReasonDailyCap
		default:
			cp, found := cat.pick(k, in.Context.Screen, in.Context.Mood, st.Copies, in.Now, l.NoRepeat)
			switch {
			case !found && k == Mood:
				continue // no line for this mood: the tips answer instead
			case cp == nil:
				cd.reason = ReasonCopyExhausted
			default:
				cd.copy = cp
			}
		}
		if cd.reason == "" {
			best = cd
			break
		}
		if best == nil || gateRank(cd.reason) > gateRank(best.reason) {
			best = cd
		}
	}
	if best == nil {
		// Only a mood kind without copy was in the running: no line fits.
		return no(ReasonCopyExhausted)
	}
	if best.reason != "" {
		return no(best.reason)
	}

	class := ClassOf(best.kind)
	ttl := l.TipTTL
	if class == ClassBreak {
		ttl = l.BreakTTL
	}
	id := newID()
	shownAt := in.Now.UTC().Truncate(time.Millisecond)
	hint := cat.render(best.copy, id, shownAt.Add(ttl).Truncate(time.Second))
	c := &Claim{
		PrevSeq: st.Seq, SettingsRev: st.SettingsRev,
		Day: day, NewDay: newDay, Class: class, Cap: l.capOf(class),
		GapEdge: shownAt.Add(-l.TipGap), CopyMax: best.copy.MaxShows,
		Hint: Shown{ID: id, Kind: best.kind, CopyID: best.copy.ID, Cohort: string(in.Arm), ShownAt: shownAt,
			Expires: hint.ExpiresAt},
		Tips: count(ClassTip), Breaks: count(ClassBreak), CopyCount: st.Copies[best.copy.ID].Count + 1,
	}
	if class == ClassBreak {
		c.BreakGapEdge = shownAt.Add(-l.BreakGap)
		c.Breaks++
	} else {
		c.Tips++
	}
	return Decision{Show: true, Reason: ReasonEligible, Hint: hint, Cohort: in.Arm}, c
}

func (l Limits) capOf(c Class) int {
	if c == ClassBreak {
		return l.BreaksPerDay
	}
	return l.TipsPerDay
}
