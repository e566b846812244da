package flowmetrics

import (
	"cmp"
	"slices"
	"time"

	"github.com/lucian-app/phase12/shared/burnrate"
	"github.com/lucian-app/phase12/shared/sketch"
	"github.com/lucian-app/phase12/shared/slo"
)

// Resolution is the length of a bucket.
type Resolution int

// The three resolutions events are aggregated at.
const (
	Minute Resolution = iota
	Hour
	Day
)

func (r Resolution) String() string {
	switch r {
	case Minute:
		return "minute"
	case Hour:
		return "hour"
	default:
		return "day"
	}
}

// Step is the length of a bucket of this resolution.
func (r Resolution) Step() time.Duration {
	switch r {
	case Minute:
		return time.Minute
	case Hour:
		return time.Hour
	default:
		return 24 * time.Hour
	}
}

// Start is the start (UTC) of the bucket holding t.
func (r Resolution) Start(t time.Time) time.Time {
	return t.UTC().Truncate(r.Step()) // UTC days start at multiples of 24h from the zero time
}

// Bucket holds the aggregated events of one flow over some span.
type Bucket struct {
	Total uint64
	// Good counts the events that met each objective, by objective name.
	Good map[string]uint64
	// Latency counts events per latency sketch bucket, by sketch key.
	Latency map[string]uint64
}

// Add adds o's counts to b.
func (b *Bucket) Add(o Bucket) {
	b.Total += o.Total
	b.Good = addMap(b.Good, o.Good)
	b.Latency = addMap(b.Latency, o.Latency)
}

func addMap(dst, src map[string]uint64) map[string]uint64 {
	if len(src) == 0 {
		return dst
	}
	if dst == nil {
		dst = make(map[string]uint64, len(src))
	}
	for k, n := range src {
		dst[k] += n
	}
	return dst
}

// Minus is b without o's counts, o being a part of b (minutes of an hour). Counters clamp at
// zero: the minute and hour writes of a batch are separate, so a reader can catch one
// without the other.
func (b Bucket) Minus(o Bucket) Bucket {
	out := Bucket{Total: sub(b.Total, o.Total)}
	for k, n := range b.Good {
		out.Good = addMap(out.Good, map[string]uint64{k: sub(n, o.Good[k])})
	}
	for k, n := range b.Latency {
		if d := sub(n, o.Latency[k]); d > 0 {
			out.Latency = addMap(out.Latency, map[string]uint64{k: d})
		}
	}
	return out
}

func sub(a, b uint64) uint64 {
	if b >= a {
		return 0
	}
	return a - b
}

// Counts are the good/total counts of one objective.
func (b Bucket) Counts(objective string) burnrate.Counts {
	return burnrate.Counts{Good: min(b.Good[objective], b.Total), Total: b.Total}
}

// Sketch rebuilds the latency sketch. Keys that are not sketch keys are skipped: they can
// only come from a newer writer, and a quantile from the rest is still useful.
func (b Bucket) Sketch() *sketch.Sketch {
	s := &sketch.Sketch{}
	for k, n := range b.Latency {
		_ = s.AddCount(k, n)
	}
	return s
}

// Quantiles are nearest-rank latency quantiles in ms (within 1%), null without events.
type Quantiles struct {
	P50 *float64 `json:"p50"`
	P95 *float64 `json:"p95"`
	P99 *float64 `json:"p99"`
}

// QuantilesOf reads p50, p95 and p99 from a sketch.
func QuantilesOf(sk *sketch.Sketch) Quantiles {
	if sk.Count() == 0 {
		return Quantiles{}
	}
	p := func(q float64) *float64 { v := sk.Quantile(q); return &v }
	return Quantiles{P50: p(0.50), P95: p(0.95), P99: p(0.99)}
}

func (b *Bucket) count(f slo.Flow, e Event) {
	b.Total++
	for _, o := range f.Objectives {
		if b.Good == nil {
			b.Good = make(map[string]uint64, len(f.Objectives))
		}
		if o.Judge(e.Latency(), e.OK, e.Degraded) {
			b.Good[o.Name]++
		} else if _, ok := b.Good[o.Name]; !ok {
			b.Good[o.Name] = 0 // keep the key, so a bucket of only bad events says so
		}
	}
	if b.Latency == nil {
		b.Latency = map[string]uint64{}
	}
	b.Latency[sketch.Key(e.LatencyMs)]++
}

// Delta is what a batch adds to one stored bucket.
type Delta struct {
	Flow       string
	Resolution Resolution
	Start      time.Time
	// Caller is whose events these are (the JWT sub). A writer may store a bucket as
	// several items and use it to choose one: one caller's events stay together and
	// many callers spread over the items, so that no item takes every event of a busy
	// minute. Empty means no caller (tools and tests).
	Caller string
	Bucket
}

// attribute marks every delta as caller's.
func attribute(ds []Delta, caller string) []Delta {
	for i := range ds {
		ds[i].Caller = caller
	}
	return ds
}

// Aggregate groups events into one delta per flow, resolution and bucket, ordered by flow,
// resolution and start so that writes are deterministic. Events must have passed Validate.
func Aggregate(cat slo.Catalog, events []Event) []Delta {
	type key struct {
		flow  string
		res   Resolution
		start int64
	}
	byKey := map[key]*Delta{}
	for _, e := range events {
		f, ok := cat.Flow(e.Flow)
		if !ok {
			continue
		}
		for _, res := range []Resolution{Minute, Hour, Day} {
			start := res.Start(e.At)
			k := key{e.Flow, res, start.UnixNano()}
			d := byKey[k]
			if d == nil {
				d = &Delta{Flow: e.Flow, Resolution: res, Start: start}
				byKey[k] = d
			}
			d.count(f, e)
		}
	}
	out := make([]Delta, 0, len(byKey))
	for _, d := range byKey {
		out = append(out, *d)
	}
	slices.SortFunc(out, func(a, b Delta) int {
		return cmp.Or(cmp.Compare(a.Flow, b.Flow), cmp.Compare(a.Resolution, b.Resolution), a.Start.Compare(b.Start))
	})
	return out
}
