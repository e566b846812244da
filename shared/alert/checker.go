package alert

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/lucian-app/phase12/shared/burnrate"
	"github.com/lucian-app/phase12/shared/flowmetrics"
	"github.com/lucian-app/phase12/shared/slo"
)

// DefaultResolveAfter is how long a condition must stay clear before its alert resolves.
const DefaultResolveAfter = 10 * time.Minute

// Checker is burn-rate-check: one Run per scheduled invocation.
type Checker struct {
	Catalog   slo.Catalog
	Rules     []burnrate.Rule
	NoData    NoDataRule
	Metrics   flowmetrics.Reader
	Store     Store
	Publisher Publisher
	Links     Links
	// ResolveAfter is how long a firing alert's condition must stay clear before it
	// resolves; 0 resolves on the first clear run.
	ResolveAfter time.Duration
	Now          func() time.Time
	NewID        func() string
	Log          *slog.Logger
}

// Report says what a run did.
type Report struct {
	Flows     int `json:"flows"`
	Triggered int `json:"triggered"`
	Resolved  int `json:"resolved"`
	Published int `json:"published"`
	Firing    int `json:"firing"`
}

// condition is the verdict on one key in one run.
type condition struct {
	firing bool
	flow   FlowStatus
}

// Run evaluates every flow and moves every alert state one step. Problems with one flow or
// one key do not stop the others; they are all returned, joined, so the invocation fails
// and the next run tries again.
func (c *Checker) Run(ctx context.Context) (Report, error) {
	now := c.Now().UTC()
	var rep Report
	states, err := c.Store.States(ctx)
	if err != nil {
		return rep, fmt.Errorf("read alert states: %w", err)
	}
	current := make(map[Key]*State, len(states))
	for i := range states {
		current[states[i].Alert.Key()] = &states[i]
	}

	var errs []error
	conds := map[Key]condition{}
	unread := map[string]bool{}
	statuses, readErrs := AssessAll(ctx, c.Metrics, c.Catalog, c.Rules, c.NoData, now)
	for i, f := range c.Catalog.Flows {
		if readErrs[i] != nil {
			errs = append(errs, readErrs[i])
			unread[f.Name] = true
			continue
		}
		rep.Flows++
		fs := statuses[i]
		for _, o := range fs.Objectives {
			for _, sev := range []burnrate.Severity{burnrate.Page, burnrate.Ticket} {
				_, firing := o.Firing(sev)
				conds[Key{f.Name, o.Objective.Name, sev}] = condition{firing: firing, flow: fs}
			}
		}
		nd := Key{f.Name, NoData, burnrate.Ticket}
		wasFiring := current[nd] != nil && current[nd].Alert.State == Firing
		conds[nd] = condition{firing: fs.Silent && (fs.Reporting || wasFiring), flow: fs}
	}

	keys := make([]Key, 0, len(conds))
	for k := range conds {
		keys = append(keys, k)
	}
	for k := range current {
		if _, ok := conds[k]; !ok && !unread[k.Flow] {
			keys = append(keys, k) // a flow or objective gone from the catalogue: let it resolve
		}
	}
	slices.SortFunc(keys, func(a, b Key) int {
		return cmp.Or(cmp.Compare(a.Flow, b.Flow), cmp.Compare(a.Objective, b.Objective), cmp.Compare(a.Severity, b.Severity))
	})
	for _, k := range keys {
		if unread[k.Flow] {
			continue
		}
		st := current[k]
		if st == nil {
			st = &State{}
		}
		err := c.step(ctx, now, k, conds[k], st, &rep)
		switch {
		case errors.Is(err, ErrStale):
			// An overlapping run moved this key; it owns the next step.
		case err != nil:
			errs = append(errs, fmt.Errorf("alert %s: %w", k, err))
		}
		if st.Alert.State == Firing {
			rep.Firing++
		}
	}
	return rep, errors.Join(errs...)
}

// step moves one key: first deliver what its incident still owes, then act on the
// condition. st (Version 0 for a key without state) is updated in place to what was stored.
func (c *Checker) step(ctx context.Context, now time.Time, k Key, cond condition, st *State, rep *Report) error {
	if st.Version > 0 {
		if err := c.deliver(ctx, now, st, rep); err != nil {
			return err
		}
	}
	firing := st.Alert.State == Firing
	switch {
	case !firing && cond.firing:
		next := State{Alert: c.open(k, cond.flow, now), Version: st.Version + 1}
		if err := c.save(ctx, next, true); err != nil {
			return err
		}
		rep.Triggered++
		c.Log.Info("alert triggered", "alert_id", next.Alert.ID, "key", k.String(), "summary", next.Alert.Summary)
		*st = next
		return c.deliver(ctx, now, st, rep)

	case firing && cond.firing && st.ClearSince != nil:
		next := *st
		next.ClearSince = nil
		next.Version++
		if err := c.save(ctx, next, false); err != nil {
			return err
		}
		*st = next

	case firing && !cond.firing:
		if st.ClearSince == nil && c.ResolveAfter > 0 {
			next := *st
			next.ClearSince = &now
			next.Version++
			if err := c.save(ctx, next, false); err != nil {
				return err
			}
			*st = next
			return nil
		}
		if st.ClearSince != nil && now.Sub(*st.ClearSince) < c.ResolveAfter {
			return nil
		}
		next := *st
		next.Alert.State = Resolved
		next.Alert.ResolvedAt = &now
		next.ClearSince = nil
		next.Version++
		if err := c.save(ctx, next, false); err != nil {
			return err
		}
		rep.Resolved++
		c.Log.Info("alert resolved", "alert_id", next.Alert.ID, "key", k.String())
		*st = next
		return c.deliver(ctx, now, st, rep)
	}
	return nil
}

// deliver publishes what the incident owes (its trigger, then its resolve) and marks each
// only once the publisher accepted it.
func (c *Checker) deliver(ctx context.Context, now time.Time, st *State, rep *Report) error {
	if st.Alert.NotifiedAt == nil {
		if err := c.send(ctx, st, rep, "trigger", TriggerMessage(st.Alert, c.Links), func(a *Alert) { a.NotifiedAt = &now }); err != nil {
			return err
		}
	}
	if st.Alert.State == Resolved && st.Alert.ResolveNotifiedAt == nil {
		return c.send(ctx, st, rep, "resolve", ResolveMessage(st.Alert, c.Links), func(a *Alert) { a.ResolveNotifiedAt = &now })
	}
	return nil
}

// send publishes msg and then, only then, saves the state with mark applied.
func (c *Checker) send(ctx context.Context, st *State, rep *Report, what string, msg Message, mark func(*Alert)) error {
	if err := c.Publisher.Publish(ctx, msg); err != nil {
		return fmt.Errorf("publish %s of %s: %w", what, st.Alert.ID, err)
	}
	rep.Published++
	next := *st
	mark(&next.Alert)
	next.Version++
	if err := c.save(ctx, next, false); err != nil {
		return fmt.Errorf("mark %s of %s sent: %w", what, st.Alert.ID, err)
	}
	*st = next
	return nil
}

// save writes a state. ErrStale means an overlapping run got there first: the caller stops
// acting on what it read, and Run does not count it as a failure.
func (c *Checker) save(ctx context.Context, next State, opened bool) error {
	err := c.Store.Save(ctx, next, opened)
	if errors.Is(err, ErrStale) {
		c.Log.Warn("alert state changed by another run", "key", next.Alert.Key().String())
	}
	return err
}

// open builds the incident for a key whose condition just started firing.
func (c *Checker) open(k Key, fs FlowStatus, now time.Time) Alert {
	a := Alert{
		ID: c.NewID(), Flow: k.Flow, Objective: k.Objective, Severity: k.Severity, State: Firing,
		DedupKey: k.DedupKey(), SLOVersion: c.Catalog.Version, TriggeredAt: now,
	}
	if k.Objective == NoData {
		a.Rule = "no-data"
		a.Runbook = NoDataRunbook
		a.ShortWindowMs, a.LongWindowMs = ms(c.NoData.Silence), ms(c.NoData.Baseline)
		a.Total = fs.Windows.Span(c.NoData.Baseline).Total
		a.Summary = fmt.Sprintf("%s stopped reporting: no events for %s (it averaged %.1f an hour over %s)",
			k.Flow, window(a.ShortWindowMs), fs.BaselinePerHour, window(a.LongWindowMs))
		return a
	}
	o, _ := fs.Objective(k.Objective)
	a.Target = o.Objective.Target
	a.Runbook = o.Objective.Runbook
	a.BudgetRemaining = o.BudgetRemaining
	a.Rules = RuleRates(o.Evals)
	if e, ok := o.Firing(k.Severity); ok {
		long := fs.Windows.Span(e.Rule.Long).Counts(k.Objective)
		a.Rule, a.Threshold = e.Rule.Name, e.Rule.Factor
		a.LongWindowMs, a.LongBurnRate = ms(e.Rule.Long), Finite(e.LongRate)
		a.ShortWindowMs, a.ShortBurnRate = ms(e.Rule.Short), Finite(e.ShortRate)
		a.Bad, a.Total = long.Bad(), long.Total
		a.Summary = fmt.Sprintf("%s %s burning its error budget at %s over %s (threshold %s)",
			k.Flow, k.Objective, rate(e.LongRate), window(a.LongWindowMs), rate(e.Rule.Factor))
	}
	return a
}
