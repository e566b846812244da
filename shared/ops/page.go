package ops

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lucian-app/phase12/shared/alert"
	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/burnrate"
	"github.com/lucian-app/phase12/shared/degrade"
	"github.com/lucian-app/phase12/shared/digest"
	"github.com/lucian-app/phase12/shared/flake"
	"github.com/lucian-app/phase12/shared/flowmetrics"
	"github.com/lucian-app/phase12/shared/kpi"
)

// Digests reads the stored weekly digests.
type Digests interface {
	Digest(ctx context.Context, week string) (digest.Record, error)
	Latest(ctx context.Context) (digest.Record, error)
}

// Page limits.
const (
	// HistoryHours is how far back the burn-rate widget looks.
	HistoryHours = 24
	// PageAlerts bounds the firing alerts the page lists (one per key exists at most). It
	// is not GET /ops/alerts' page size: the page reads every firing incident the states
	// name, as before that list paged.
	PageAlerts = 200
	// defaultPageThreshold is the SRE Workbook's fast-burn page, used when the rules have
	// no 1-hour page.
	defaultPageThreshold = 14.4
	historyConcurrency   = 8
)

// PageData is everything the ops page shows.
type PageData struct {
	Snapshot Snapshot
	Burn     []Sparkline
	Firing   []alert.Alert
	// Digest is the latest weekly digest, nil before the first.
	Digest *digest.Record
	// Acked is the alert a form post just acknowledged (?acked=), read back: nil unless it
	// exists and is acknowledged.
	Acked *alert.Alert
	// Levers is the emergency levers' state, nil when the service has no reader.
	Levers *degrade.LeverState
	// Flakes is the release-blocker row: the blocker flake rate of the last
	// flake.TrendWeeks weeks against its target, nil when the service has no gate.
	Flakes *flake.Trend
	// CSRF is the session's CSRF token when the page was opened signed in with the session
	// cookie: every form carries it, and the header has a sign-out button.
	CSRF string
}

// PhaseGate is the phase gate row: the latest digest's KPI section judged it (every P0
// KPI met this week and the week before, or which is not); nil when the latest digest has
// no KPI section, or there is no digest yet.
func (p PageData) PhaseGate() *kpi.Gate {
	if p.Digest == nil || p.Digest.KPI == nil {
		return nil
	}
	return &p.Digest.KPI.Gate
}

// Sparkline is one flow's 1-hour burn rate over the last HistoryHours hours: a point at the
// end of each whole hour (that hour's burn rate) and one now (the exact last 60 minutes).
type Sparkline struct {
	Flow      string
	Threshold float64
	// Peak is the highest burn rate of any series; the chart clips at YMax.
	Peak, YMax float64
	Series     []Series
	// ThresholdY is the threshold line's height in the chart's coordinates.
	ThresholdY float64
	From, To   time.Time
}

// Series is one objective's line.
type Series struct {
	Objective string
	Rates     []float64
	// Points is the SVG polyline's points ("x,y x,y ...").
	Points string
	Last   float64
}

// The sparkline's drawing box, in SVG user units.
const (
	SparkWidth  = 360
	SparkHeight = 64
	sparkPad    = 4
)

// Page gathers the ops page. Its reads are bounded: the snapshot's (the same as a
// burn-rate check), one Query of at most HistoryHours hour buckets per flow, the alert
// states and firing incidents, one digest (which carries the phase gate) and one Query of
// at most flake.TrendWeeks flake counters.
func (s *Service) Page(ctx context.Context) (PageData, error) {
	snap, states, err := s.snapshot(ctx)
	if err != nil {
		return PageData{}, err
	}
	// The states the snapshot read name the firing incidents: no second read.
	firing, err := s.Incidents.GetMany(ctx, alert.FiringIDs(states))
	if err != nil {
		return PageData{}, err
	}
	if len(firing) > PageAlerts {
		firing = firing[:PageAlerts]
	}
	burn, err := s.history(ctx, snap)
	if err != nil {
		return PageData{}, err
	}
	p := PageData{Snapshot: snap, Burn: burn, Firing: firing}
	if s.Levers != nil {
		st := s.Levers.State(ctx)
		p.Levers = &st
	}
	if s.Flakes != nil {
		t, err := s.Flakes.Weekly(ctx, snap.GeneratedAt)
		if err != nil {
			return PageData{}, fmt.Errorf("read the blocker flake trend: %w", err)
		}
		p.Flakes = &t
	}
	if s.Digests != nil {
		rec, err := s.Digests.Latest(ctx)
		switch {
		case err == nil:
			p.Digest = &rec
		case !apperr.Is(err, apperr.NotFound):
			return PageData{}, err
		}
	}
	return p, nil
}

// pageThreshold is the factor of the 1-hour page rule.
func (s *Service) pageThreshold() float64 {
	for _, r := range s.Rules {
		if r.Severity == burnrate.Page && r.Long == time.Hour {
			return r.Factor
		}
	}
	return defaultPageThreshold
}

// history reads each flow's hour buckets of the last HistoryHours whole hours.
func (s *Service) history(ctx context.Context, snap Snapshot) ([]Sparkline, error) {
	now := snap.GeneratedAt
	thisHour := flowmetrics.Hour.Start(now)
	first := thisHour.Add(-HistoryHours * time.Hour)
	out := make([]Sparkline, len(snap.Flows))
	errs := make([]error, len(snap.Flows))
	sem := make(chan struct{}, historyConcurrency)
	var wg sync.WaitGroup
	for i, f := range snap.Flows {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			pts, err := s.Metrics.Buckets(ctx, f.Flow, flowmetrics.Hour, first, thisHour.Add(-time.Hour))
			if err != nil {
				errs[i] = fmt.Errorf("read %s hour buckets: %w", f.Flow, err)
				return
			}
			out[i] = s.sparkline(f, pts, first, now)
		}()
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

func (s *Service) sparkline(f FlowSnapshot, pts []flowmetrics.Point, first, now time.Time) Sparkline {
	byHour := map[int64]flowmetrics.Bucket{}
	for _, p := range pts {
		b := byHour[p.Start.Unix()]
		b.Add(p.Bucket)
		byHour[p.Start.Unix()] = b
	}
	sl := Sparkline{Flow: f.Flow, Threshold: s.pageThreshold(), From: now.Add(-HistoryHours * time.Hour), To: now}
	type point struct {
		at   time.Time
		rate float64
	}
	series := make([][]point, len(f.Objectives))
	for i, o := range f.Objectives {
		for h := range HistoryHours {
			start := first.Add(time.Duration(h) * time.Hour)
			b := byHour[start.Unix()]
			series[i] = append(series[i], point{start.Add(time.Hour), alert.Finite(burnrate.BurnRate(b.Counts(o.Objective), o.Target))})
		}
		last := 0.0
		for _, w := range o.Windows {
			if w.WindowMs == time.Hour.Milliseconds() {
				last = w.BurnRate
			}
		}
		series[i] = append(series[i], point{now, last})
		for _, p := range series[i] {
			sl.Peak = math.Max(sl.Peak, p.rate)
		}
	}
	// Linear, from 0 to at least 1.5 times the threshold and at most 5 times it, so the
	// threshold line stays readable; a larger peak is clipped and printed beside the chart.
	sl.YMax = math.Min(math.Max(sl.Threshold*1.5, sl.Peak*1.1), sl.Threshold*5)
	y := func(v float64) float64 {
		v = math.Min(math.Max(v, 0), sl.YMax)
		return round1(SparkHeight - sparkPad - v/sl.YMax*(SparkHeight-2*sparkPad))
	}
	x := func(t time.Time) float64 {
		return round1(sparkPad + float64(t.Sub(sl.From))/float64(sl.To.Sub(sl.From))*(SparkWidth-2*sparkPad))
	}
	sl.ThresholdY = y(sl.Threshold)
	for i, o := range f.Objectives {
		se := Series{Objective: o.Objective}
		var pts []string
		for _, p := range series[i] {
			se.Rates = append(se.Rates, p.rate)
			pts = append(pts, strconv.FormatFloat(x(p.at), 'f', -1, 64)+","+strconv.FormatFloat(y(p.rate), 'f', -1, 64))
		}
		se.Points = strings.Join(pts, " ")
		se.Last = series[i][len(series[i])-1].rate
		sl.Series = append(sl.Series, se)
	}
	return sl
}

func round1(f float64) float64 { return math.Round(f*10) / 10 }
