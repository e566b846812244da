package hintguard

import (
	"context"
	"errors"
	"sort"
	"sync"
	"time"
)

// Day is what one UTC day's STATS partition holds: each cohort's counters, and the
// verdicts decided for the day (nil until the first decision of the day decides them).
type Day struct {
	Counters map[string]Counters
	Verdicts []Verdict
}

// Source reads and keeps the days.
type Source interface {
	// Day reads one UTC day (YYYY-MM-DD).
	Day(ctx context.Context, day string) (Day, error)
	// SaveVerdicts keeps the day's verdicts unless some are kept already: then it answers
	// ErrDecided and the caller reads them.
	SaveVerdicts(ctx context.Context, day string, vs []Verdict) error
}

// ErrDecided: the day's verdicts were kept by another decision first.
var ErrDecided = errors.New("hintguard: the day's verdicts are decided already")

// RetryAfter is how long a Keeper waits after failing to read the verdicts before trying
// again (meanwhile, caps are not tightened), so a failing table costs each instance one
// attempt a minute rather than one a request.
const RetryAfter = time.Minute

// Keeper answers each cohort's verdict for the current UTC day, deciding it on the first
// request of the day (in any instance: the first to keep the verdicts wins, the others
// read them) and remembering it for the rest of the day. Safe for concurrent use.
type Keeper struct {
	Source Source
	Rule   Rule

	mu       sync.Mutex
	day      string
	verdicts map[string]Verdict
	retry    time.Time
}

// Verdict is cohort's verdict for now's UTC day; a cohort without one is not tightened.
// On a read failure it answers the error and an untightened verdict.
func (k *Keeper) Verdict(ctx context.Context, cohort string, now time.Time) (Verdict, error) {
	day := now.UTC().Format(time.DateOnly)
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.day != day {
		if now.Before(k.retry) {
			return Verdict{Cohort: cohort}, nil
		}
		vs, err := k.decide(ctx, now)
		if err != nil {
			k.retry = now.Add(RetryAfter)
			return Verdict{Cohort: cohort}, err
		}
		k.day, k.verdicts = day, map[string]Verdict{}
		for _, v := range vs {
			k.verdicts[v.Cohort] = v
		}
	}
	if v, ok := k.verdicts[cohort]; ok {
		return v, nil
	}
	return Verdict{Cohort: cohort}, nil
}

// decide reads the day's verdicts, or decides and keeps them.
func (k *Keeper) decide(ctx context.Context, now time.Time) ([]Verdict, error) {
	day := now.UTC().Format(time.DateOnly)
	d, err := k.Source.Day(ctx, day)
	if err != nil || d.Verdicts != nil {
		return d.Verdicts, err
	}
	vs, err := k.Rule.Decide(ctx, k.Source, now)
	if err != nil {
		return nil, err
	}
	err = k.Source.SaveVerdicts(ctx, day, vs)
	if errors.Is(err, ErrDecided) {
		d, err = k.Source.Day(ctx, day)
		return d.Verdicts, err
	}
	return vs, err
}

// Decide computes every cohort's verdict for now's UTC day from the Window days before
// it (one Day read each), cohorts in name order. The verdicts of those days are not read:
// a tightened cohort stays tightened only while its window still says so.
func (r Rule) Decide(ctx context.Context, src Source, now time.Time) ([]Verdict, error) {
	days := r.WindowDays(now.UTC())
	window := map[string]*Metrics{}
	for _, day := range days {
		d, err := src.Day(ctx, day)
		if err != nil {
			return nil, err
		}
		for cohort, c := range d.Counters {
			if window[cohort] == nil {
				window[cohort] = &Metrics{}
			}
			window[cohort].Add(MetricsOf(c))
		}
	}
	vs := []Verdict{}
	for cohort, m := range window {
		vs = append(vs, r.Evaluate(cohort, *m, days[0], days[len(days)-1]))
	}
	sort.Slice(vs, func(i, j int) bool { return vs[i].Cohort < vs[j].Cohort })
	return vs, nil
}
