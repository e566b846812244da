package hintstoretest

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lucian-app/phase12/shared/hint"
	"github.com/lucian-app/phase12/shared/hintguard"
)

// Memory is an in-memory hint.Store with the conditions of hintstore.Store's writes, for
// simulations too large for an emulator. The suite proves hintstore.Store leaves what
// Claim.Apply says; Memory keeps exactly that.
type Memory struct {
	mu       sync.Mutex
	states   map[string]hint.State
	counts   map[string]map[string]int64
	verdicts map[string][]hintguard.Verdict
}

var (
	_ hint.Store       = (*Memory)(nil)
	_ hintguard.Source = (*Memory)(nil)
)

// NewMemory returns an empty store.
func NewMemory() *Memory {
	return &Memory{states: map[string]hint.State{}, counts: map[string]map[string]int64{}, verdicts: map[string][]hintguard.Verdict{}}
}

func (m *Memory) load(user string) hint.State {
	st, ok := m.states[user]
	if !ok {
		st = hint.State{Settings: hint.DefaultSettings(), Copies: map[string]hint.CopyUse{}}
	}
	return st
}

// Load returns the user's state. What it shares with the store is never written again:
// every write replaces the state, its copy counts and the ring entries it changes.
func (m *Memory) Load(_ context.Context, user string) (hint.State, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.load(user), nil
}

// Claim checks what hintstore.Store's condition checks, then applies the claim.
func (m *Memory) Claim(_ context.Context, user string, c hint.Claim) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	st := m.load(user)
	count := st.Tips
	if c.Class == hint.ClassBreak {
		count = st.Breaks
	}
	ok := st.Seq == c.PrevSeq && st.SettingsRev == c.SettingsRev &&
		(st.LastShown.IsZero() || !st.LastShown.After(c.GapEdge)) &&
		st.Copies[c.Hint.CopyID].Count < c.CopyMax &&
		(c.Class != hint.ClassBreak || st.LastBreak.IsZero() || !st.LastBreak.After(c.BreakGapEdge))
	if c.NewDay {
		ok = ok && (st.Day == "" || st.Day < c.Day)
	} else {
		ok = ok && st.Day == c.Day && count < c.Cap
	}
	if !ok {
		return hint.ErrClaimLost
	}
	m.states[user] = c.Apply(st)
	return nil
}

// Record keeps the event in its slot once and moves the dismissal count.
func (m *Memory) Record(_ context.Context, user string, r hint.Record) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	st := m.load(user)
	h := st.Ring[r.Slot]
	switch {
	case h == nil || h.ID != r.HintID:
		return hint.ErrNoHint
	case h.Events[r.Event] != "":
		return hint.ErrDuplicate
	}
	c := *h
	c.Events = map[hint.Event]string{r.Event: r.EventID}
	for k, v := range h.Events {
		c.Events[k] = v
	}
	st.Ring[r.Slot] = &c
	switch {
	case r.Dismiss:
		st.Dismissals++
		st.LastDismissed = r.Now
	case r.Reset:
		st.Dismissals = 0
	}
	m.states[user] = st
	return nil
}

// SaveSettings replaces the settings and counts the change.
func (m *Memory) SaveSettings(_ context.Context, user string, s hint.Settings) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	st := m.load(user)
	st.Settings = s
	st.SettingsRev++
	m.states[user] = st
	return nil
}

// Seen marks the day once, keeping the first day, arm and setting unless kept.
func (m *Memory) Seen(_ context.Context, user string, s hint.Seen) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	st := m.load(user)
	if st.SeenDay != "" && st.SeenDay >= s.Day {
		return hint.ErrSeen
	}
	st.SeenDay = s.Day
	if st.FirstDay == "" {
		st.FirstDay, st.FirstArm, st.FirstOn = s.FirstDay, s.FirstArm, s.FirstOn
	}
	m.states[user] = st
	return nil
}

// Attempt keeps the later start of a task attempt.
func (m *Memory) Attempt(_ context.Context, user string, startedAt time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	st := m.load(user)
	if !st.TaskAt.IsZero() && !st.TaskAt.Before(startedAt) {
		return hint.ErrDuplicate
	}
	st.TaskAt = startedAt.UTC().Truncate(time.Millisecond)
	m.states[user] = st
	return nil
}

// Count adds the names to the day and cohort's counters.
func (m *Memory) Count(_ context.Context, c hint.Count) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := c.Day + " " + c.Cohort
	if m.counts[k] == nil {
		m.counts[k] = map[string]int64{}
	}
	for _, n := range c.Names {
		m.counts[k][n]++
	}
	return nil
}

// Counters returns the day and cohort's counters.
func (m *Memory) Counters(day, cohort string) map[string]int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string]int64{}
	for k, v := range m.counts[day+" "+cohort] {
		out[k] = v
	}
	return out
}

// Totals sums every counter over every day and cohort.
func (m *Memory) Totals() map[string]int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string]int64{}
	for _, v := range m.counts {
		for n, x := range v {
			out[n] += x
		}
	}
	return out
}

// Day returns the day's counters of every cohort and its verdicts.
func (m *Memory) Day(_ context.Context, day string) (hintguard.Day, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := hintguard.Day{Counters: map[string]hintguard.Counters{}, Verdicts: m.verdicts[day]}
	for k, v := range m.counts {
		d, cohort, _ := strings.Cut(k, " ")
		if d != day {
			continue
		}
		c := hintguard.Counters{}
		for n, x := range v {
			c[n] = x
		}
		out.Counters[cohort] = c
	}
	return out, nil
}

// SaveVerdicts keeps the day's verdicts once.
func (m *Memory) SaveVerdicts(_ context.Context, day string, vs []hintguard.Verdict) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.verdicts[day] != nil {
		return hintguard.ErrDecided
	}
	if vs == nil {
		vs = []hintguard.Verdict{}
	}
	m.verdicts[day] = vs
	return nil
}

// Lost counts the claims a store refused, to show that twins really raced. Hold makes
// the next n loads wait for one another after reading, so n requests surely decide on
// the same state, as on a backend slow enough that all read before any writes.
type Lost struct {
	hint.Store
	Claims, Refused atomic.Int64

	mu      sync.Mutex
	waiting int
	gate    chan struct{}
}

// Hold makes the next n loads wait until all n have read.
func (l *Lost) Hold(n int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.waiting, l.gate = n, make(chan struct{})
}

// Load reads, then waits at the gate, if one is up: no one writes before all have read.
func (l *Lost) Load(ctx context.Context, user string) (hint.State, error) {
	st, err := l.Store.Load(ctx, user)
	l.mu.Lock()
	gate := l.gate
	if gate != nil {
		l.waiting--
		if l.waiting == 0 {
			close(gate)
			l.gate = nil
		}
	}
	l.mu.Unlock()
	if gate != nil {
		<-gate
	}
	return st, err
}

// Claim counts the claim and whether it was lost.
func (l *Lost) Claim(ctx context.Context, user string, c hint.Claim) error {
	l.Claims.Add(1)
	err := l.Store.Claim(ctx, user, c)
	if errors.Is(err, hint.ErrClaimLost) {
		l.Refused.Add(1)
	}
	return err
}
