package flowmetrics

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Point is one stored bucket.
type Point struct {
	Start time.Time
	Bucket
}

// Reader reads stored buckets.
type Reader interface {
	// Buckets returns the flow's buckets of resolution res whose start lies in [from, to],
	// in any order; empty buckets may be absent. A bucket stored as several items (see
	// Delta.Caller) comes back as their sum, one point per start.
	Buckets(ctx context.Context, flow string, res Resolution, from, to time.Time) ([]Point, error)
}

// Query asks for the counts of one flow over several windows ending at Now.
type Query struct {
	Flow string
	Now  time.Time
	// Windows are positive whole minutes; those over an hour must be whole hours.
	Windows []time.Duration
	// Budget, when positive, is the budgeting window, read in whole UTC days (today
	// included).
	Budget time.Duration
}

// Windows are the counts Read found.
type Windows struct {
	Now    time.Time
	Spans  map[time.Duration]Bucket
	Budget Bucket
}

// Span returns the bucket of window d (empty if it was not asked for).
func (w Windows) Span(d time.Duration) Bucket { return w.Spans[d] }

// edgeLimit is the most minute buckets read at a window's far edge: the edge hour's share
// is read from whichever side of the window's start has fewer minutes.
const edgeLimit = 30

// aheadMinutes are the minutes after the current one that can hold events (MaxAhead).
const aheadMinutes = MaxAhead / time.Minute

// MaxBuckets bounds the buckets Read reads for q, whatever the traffic: 60 minutes (and the
// few ahead of the clock), the
// hours of the longest window and the current hour, edgeLimit minutes per window longer
// than an hour, and the days of the budget.
func MaxBuckets(q Query) int {
	n := 60 + int(aheadMinutes)
	longest := time.Duration(0)
	for _, w := range distinct(q.Windows) {
		if w > time.Hour {
			n += edgeLimit
			longest = max(longest, w)
		}
	}
	if longest > 0 {
		n += int(longest/time.Hour) + 1
	}
	return n + budgetDays(q.Budget)
}

func budgetDays(d time.Duration) int {
	if d <= 0 {
		return 0
	}
	return int((d + 24*time.Hour - 1) / (24 * time.Hour))
}

func distinct(ws []time.Duration) []time.Duration {
	out := slices.Clone(ws)
	slices.Sort(out)
	return slices.Compact(out)
}

// Read sums the flow's buckets over each window of q (see the package comment for how a
// window is composed).
func Read(ctx context.Context, r Reader, q Query) (Windows, error) {
	windows := distinct(q.Windows)
	for _, w := range windows {
		if w <= 0 || w%time.Minute != 0 || (w > time.Hour && w%time.Hour != 0) {
			return Windows{}, fmt.Errorf("flowmetrics: window %v is not a whole number of minutes (or of hours, over an hour)", w)
		}
	}
	now := Minute.Start(q.Now) // the current minute, counted as part of every window
	out := Windows{Now: q.Now, Spans: make(map[time.Duration]Bucket, len(windows))}
	get := func(res Resolution, from, to time.Time) (map[int64]Bucket, error) {
		pts, err := r.Buckets(ctx, q.Flow, res, from, to)
		if err != nil {
			return nil, fmt.Errorf("read %s %s buckets: %w", q.Flow, res, err)
		}
		m := make(map[int64]Bucket, len(pts))
		for _, p := range pts {
			b := m[p.Start.Unix()]
			b.Add(p.Bucket)
			m[p.Start.Unix()] = b
		}
		return m, nil
	}
	sum := func(m map[int64]Bucket, from, to time.Time) Bucket {
		var b Bucket
		for start, v := range m {
			if start >= from.Unix() && start <= to.Unix() {
				b.Add(v)
			}
		}
		return b
	}

	var minutes, hours map[int64]Bucket
	var err error
	if len(windows) > 0 {
		// Minutes ahead of the clock (MaxAhead) are read too: the current hour's bucket
		// holds them, and the long windows take them out again.
		if minutes, err = get(Minute, now.Add(-59*time.Minute), now.Add(aheadMinutes*time.Minute)); err != nil {
			return Windows{}, err
		}
	}
	if longest := windows[len(windows)-1:]; len(longest) == 1 && longest[0] > time.Hour {
		first := Hour.Start(now.Add(-longest[0] + time.Minute))
		if hours, err = get(Hour, first, Hour.Start(now)); err != nil {
			return Windows{}, err
		}
	}
	ahead := sum(minutes, now.Add(time.Minute), Hour.Start(now).Add(59*time.Minute))
	for _, w := range windows {
		start := now.Add(-w + time.Minute) // the window's first minute
		if w <= time.Hour {
			out.Spans[w] = sum(minutes, start, now)
			continue
		}
		edge := Hour.Start(start)
		b := sum(hours, edge.Add(time.Hour), Hour.Start(now)).Minus(ahead)
		switch offset := int(start.Sub(edge) / time.Minute); {
		case offset == 0:
			b.Add(hours[edge.Unix()])
		case offset <= edgeLimit: // the edge hour minus its minutes before the window
			before, err := get(Minute, edge, start.Add(-time.Minute))
			if err != nil {
				return Windows{}, err
			}
			b.Add(hours[edge.Unix()].Minus(sum(before, edge, start)))
		default: // the edge hour's minutes inside the window
			inside, err := get(Minute, start, edge.Add(59*time.Minute))
			if err != nil {
				return Windows{}, err
			}
			b.Add(sum(inside, start, edge.Add(59*time.Minute)))
		}
		out.Spans[w] = b
	}
	if days := budgetDays(q.Budget); days > 0 {
		today := Day.Start(now)
		m, err := get(Day, today.AddDate(0, 0, -(days-1)), today)
		if err != nil {
			return Windows{}, err
		}
		out.Budget = sum(m, today.AddDate(0, 0, -(days-1)), today)
	}
	return out, nil
}
