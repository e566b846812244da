package hint

import (
	"errors"
	"time"
)

// Kind is what a hint is.
type Kind string

// The kinds of hint. Tips and mood lines share one budget (the tips' gap and cap); break
// invites have their own.
const (
	Tip         Kind = "tip"
	Mood        Kind = "mood"
	BreakInvite Kind = "break_invite"
)

// Class is the budget a kind draws on: caps and gaps count per class.
type Class string

// The two budgets.
const (
	ClassTip   Class = "tip"
	ClassBreak Class = "break"
)

// ClassOf is the budget of k.
func ClassOf(k Kind) Class {
	if k == BreakInvite {
		return ClassBreak
	}
	return ClassTip
}

// Reason says why a decision came out as it did: ReasonEligible when a hint is shown,
// else the first gate that failed. The codes are part of the API (README, "Companion").
type Reason string

// The reasons, in the order of the gates.
const (
	ReasonEligible Reason = "eligible"
	// ReasonFlagOff: hints are switched off for everyone (HINTS_ENABLED=false).
	ReasonFlagOff Reason = "flag_off"
	// ReasonHoldout: the user is in the experiment's holdout, which never sees hints.
	ReasonHoldout Reason = "holdout"
	// ReasonOptedOut: the user's settings leave no kind of hint on (Lucian off, or hints
	// off and no break invites for them).
	ReasonOptedOut Reason = "opted_out"
	// ReasonQuietHours: now falls in the user's quiet hours, in their time zone.
	ReasonQuietHours Reason = "quiet_hours"
	// ReasonTaskInProgress: the app says a task is in progress; Lucian never interrupts.
	ReasonTaskInProgress Reason = "task_in_progress"
	// ReasonDismissalBackoff: the user dismissed the last hints; Lucian waits 2 h, 1 d, 7 d,
	// then 28 d after the first, second, third and later consecutive dismissals.
	ReasonDismissalBackoff Reason = "dismissal_backoff"
	// ReasonBreakNotDue: only break invites are on for the user, and they have not been
	// active for 25 minutes yet.
	ReasonBreakNotDue Reason = "break_not_due"
	// ReasonMinGap: too soon after the last hint (30 min) or break invite (90 min).
	ReasonMinGap Reason = "min_gap"
	// ReasonDailyCap: the day's tips (3) or break invites (2) are used, in the user's day.
	ReasonDailyCap Reason = "daily_cap"
	// ReasonCopyExhausted: every line that fits was shown as often as it may be, or too
	// recently to repeat.
	ReasonCopyExhausted Reason = "copy_exhausted"
)

// Reasons lists every reason, eligible first then the gates in order.
func Reasons() []Reason {
	return []Reason{ReasonEligible, ReasonFlagOff, ReasonHoldout, ReasonOptedOut, ReasonQuietHours,
		ReasonTaskInProgress, ReasonDismissalBackoff, ReasonBreakNotDue, ReasonMinGap, ReasonDailyCap,
		ReasonCopyExhausted}
}

// Event is a piece of feedback about a shown hint.
type Event string

// The events POST /hints/{id}/events takes.
const (
	EventShown          Event = "shown"
	EventClicked        Event = "clicked"
	EventDismissed      Event = "dismissed"
	EventIgnored        Event = "ignored"
	EventBreakStarted   Event = "break_started"
	EventBreakCompleted Event = "break_completed"
	EventBreakAbandoned Event = "break_abandoned"
)

// Events lists every event.
func Events() []Event {
	return []Event{EventShown, EventClicked, EventDismissed, EventIgnored, EventBreakStarted,
		EventBreakCompleted, EventBreakAbandoned}
}

func (e Event) valid() bool {
	for _, v := range Events() {
		if e == v {
			return true
		}
	}
	return false
}

// breakOnly reports whether e only makes sense for a break invite.
func (e Event) breakOnly() bool {
	return e == EventBreakStarted || e == EventBreakCompleted || e == EventBreakAbandoned
}

// Settings are a user's companion settings.
type Settings struct {
	LucianEnabled       bool
	HintsEnabled        bool
	BreakInvitesEnabled bool
	// Quiet is nil when the user has no quiet hours.
	Quiet *QuietHours
	// Timezone is an IANA name, or "" to follow the device (the timezone of each
	// POST /hints/next).
	Timezone string
}

// DefaultSettings are a new user's: everything on, quiet from 21:00 to 08:00, the
// device's time zone. Break invites also need the experiment to include the user.
func DefaultSettings() Settings {
	return Settings{LucianEnabled: true, HintsEnabled: true, BreakInvitesEnabled: true,
		Quiet: &QuietHours{Start: 21 * 60, End: 8 * 60}}
}

// CopyUse is how often, and when last, one line of the catalogue was shown to a user.
type CopyUse struct {
	Count int
	Last  time.Time
}

// Shown is a hint as the user's state keeps it, for its feedback events.
type Shown struct {
	ID      string
	Kind    Kind
	CopyID  string
	Cohort  string
	ShownAt time.Time
	Expires time.Time
	// Events maps each event received for the hint to its event_id.
	Events map[Event]string
}

// Slots is how many shown hints the state keeps (a ring); feedback for an older hint is
// 404. Eight is more than a day's worth (3 tips and 2 break invites).
const Slots = 8

// State is everything the decision reads about one user, from one item.
type State struct {
	// Seq counts the hints ever shown; every show writes Seq+1, conditioned on Seq.
	Seq int64
	// Day is the local day (YYYY-MM-DD) the counts are of.
	Day    string
	Tips   int
	Breaks int
	// LastShown and LastBreak are zero when there was none.
	LastShown time.Time
	LastBreak time.Time
	// Dismissals counts consecutive dismissals (a click resets it); LastDismissed is the
	// time of the last.
	Dismissals    int
	LastDismissed time.Time
	Copies        map[string]CopyUse
	// Ring holds the last Slots hints; the claim of show Seq+1 writes slot Seq % Slots.
	Ring [Slots]*Shown

	Settings Settings
	// SeenDay is the last UTC day the user asked for a hint (D7 retention); FirstDay the
	// first, with their arm and Lucian setting then.
	SeenDay  string
	FirstDay string
	FirstArm Arm
	FirstOn  bool
	// TaskAt is the start (the app's clock) of the last task attempt counted.
	TaskAt time.Time
	// SettingsRev counts settings writes (0: never saved, Settings are the defaults).
	// A show is conditioned on it, so an opt-out wins over a decision in flight.
	SettingsRev int64
}

// Find returns the slot of the hint id in the ring.
func (s State) Find(id string) (int, *Shown) {
	for i, h := range s.Ring {
		if h != nil && h.ID == id {
			return i, h
		}
	}
	return -1, nil
}

// Claim is the write that takes a hint's slot: the Store applies it in one conditional
// write, which fails (ErrClaimLost) unless the state is still the one decided on and the
// caps still hold.
type Claim struct {
	// PrevSeq and SettingsRev pin the state read (0: the attribute must be absent).
	PrevSeq     int64
	SettingsRev int64
	// Day is the local day the show counts on; NewDay says the stored counts are of an
	// earlier day and restart.
	Day    string
	NewDay bool
	Class  Class
	// Cap is the class's daily cap: unless NewDay, the stored count must be below it.
	Cap int
	// GapEdge: the last hint must be at or before it; BreakGapEdge likewise the last break
	// invite (for a break invite only).
	GapEdge      time.Time
	BreakGapEdge time.Time
	// CopyMax: the copy's lifetime count must be below it.
	CopyMax int
	// Hint is the hint shown, kept in slot Slot().
	Hint Shown
	// The values written, computed from the state read (valid because of the pins).
	Tips, Breaks int
	CopyCount    int
}

// Slot is the ring slot the claim writes.
func (c Claim) Slot() int { return int(c.PrevSeq % Slots) }

// Apply is the state after the claim: what the Store must leave behind (its suite checks
// that Load after Claim equals Apply).
func (c Claim) Apply(s State) State {
	s.Seq = c.PrevSeq + 1
	s.Day, s.Tips, s.Breaks = c.Day, c.Tips, c.Breaks
	s.LastShown = c.Hint.ShownAt
	if c.Class == ClassBreak {
		s.LastBreak = c.Hint.ShownAt
	}
	copies := make(map[string]CopyUse, len(s.Copies)+1)
	for k, v := range s.Copies {
		copies[k] = v
	}
	copies[c.Hint.CopyID] = CopyUse{Count: c.CopyCount, Last: c.Hint.ShownAt}
	s.Copies = copies
	h := c.Hint
	s.Ring[c.Slot()] = &h
	return s
}

// Record is one feedback event to keep with its hint.
type Record struct {
	HintID  string
	Slot    int
	Event   Event
	EventID string
	At      time.Time
	// Dismiss adds one to the consecutive dismissals at Now; Reset sets them to zero.
	Dismiss bool
	Reset   bool
	Now     time.Time
}

// Count is one decision or event counted for the guardrails: Names each gain one, in the
// counters of Day (UTC) and Cohort, in one of a few shards so that no item is hot.
type Count struct {
	Day    string
	Cohort string
	Shard  int
	Names  []string
}

// Seen marks the user's activity on a UTC day, with their first day, arm and Lucian
// setting, kept only if none are kept yet.
type Seen struct {
	Day      string
	FirstDay string
	FirstArm Arm
	FirstOn  bool
}

// Errors a Store answers.
var (
	// ErrClaimLost: the claim's conditions failed; another request took the slot, or
	// the settings changed. Read again and decide again.
	ErrClaimLost = errors.New("hint: the slot was claimed by another request or the state changed")
	// ErrDuplicate: the hint already has this event.
	ErrDuplicate = errors.New("hint: event already recorded")
	// ErrSeen: the user's activity on the day is marked already.
	ErrSeen = errors.New("hint: the day is marked already")
	// ErrNoHint: the hint is not (or no longer) in the user's ring.
	ErrNoHint = errors.New("hint: no such hint")
)
