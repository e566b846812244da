package flake

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/httpapi"
)

// CIGroup may post runs beside the ops group: a CI job's token, which opens nothing else.
const CIGroup = "ci"

// TrendWeeks is how many weeks GET /ops/flakes shows, this one included.
const TrendWeeks = 8

// MaxAttempt bounds the attempt number of a run.
const MaxAttempt = 100

// MaxListed bounds the flakes GET /ops/flakes lists for the latest week.
const MaxListed = 20

// Report is what one posted run did.
type Report struct {
	// Tests is how many blocker tests the run carried; NewTests were first seen on this
	// commit; NewFlakes became flaky with this run.
	Tests     int `json:"blocker_tests"`
	NewTests  int `json:"new_blocker_tests"`
	NewFlakes int `json:"new_flakes"`
}

// FlakyTest is one flake of a week.
type FlakyTest struct {
	Suite   string `json:"suite"`
	Test    string `json:"test"`
	Commit  string `json:"commit"`
	Attempt int64  `json:"attempt"`
}

// Store keeps the gate's state (shared/opsstore).
type Store interface {
	RecordRun(ctx context.Context, commit string, attempt int, results []Result, now time.Time) (Report, error)
	FlakeWeeks(ctx context.Context, from, to string) ([]Week, error)
	FlakyTests(ctx context.Context, week string, limit int) ([]FlakyTest, error)
}

// Gate is the flake gate's service.
type Gate struct {
	Blockers Blockers
	Store    Store
	Now      func() time.Time
}

// Trend is GET /ops/flakes.
type Trend struct {
	Target          float64     `json:"target"`
	BlockersVersion int         `json:"blockers_version"`
	Weeks           []Week      `json:"weeks"`
	Latest          Week        `json:"latest"`
	FlakyTests      []FlakyTest `json:"flaky_tests"`
}

// Trend reads the TrendWeeks weeks ending with the one holding at, oldest first, a week
// without posts as zeros, and the latest week's flakes (at most MaxListed): two Queries.
func (g *Gate) Trend(ctx context.Context, at time.Time) (Trend, error) {
	t, err := g.Weekly(ctx, at)
	if err != nil {
		return Trend{}, err
	}
	if t.FlakyTests, err = g.Store.FlakyTests(ctx, t.Latest.Week, MaxListed); err != nil {
		return Trend{}, err
	}
	return t, nil
}

// Weekly is Trend without the flaky tests' list (FlakyTests is empty): the weeks' counters
// only, one Query of at most TrendWeeks items. The ops page's release-blocker row reads it.
func (g *Gate) Weekly(ctx context.Context, at time.Time) (Trend, error) {
	weeks := make([]string, TrendWeeks)
	for i := range weeks {
		weeks[i] = WeekOf(at.AddDate(0, 0, -7*(TrendWeeks-1-i)))
	}
	got, err := g.Store.FlakeWeeks(ctx, weeks[0], weeks[len(weeks)-1])
	if err != nil {
		return Trend{}, err
	}
	byWeek := map[string]Week{}
	for _, w := range got {
		byWeek[w.Week] = w
	}
	t := Trend{Target: g.Blockers.Target, BlockersVersion: g.Blockers.Version, Weeks: make([]Week, len(weeks))}
	for i, w := range weeks {
		wk := byWeek[w]
		wk.Week = w
		t.Weeks[i] = wk.Judge(g.Blockers.Target)
	}
	t.Latest = t.Weeks[len(t.Weeks)-1]
	t.FlakyTests = []FlakyTest{}
	return t, nil
}

var commitRE = regexp.MustCompile(`^[0-9a-f]{7,64}$`)

// Run is the answer of POST /ci/runs.
type Run struct {
	Commit          string `json:"commit"`
	Attempt         int    `json:"attempt"`
	Format          string `json:"format"`
	Results         int    `json:"results"`
	BlockersVersion int    `json:"blockers_version"`
	Report
}

// Handler serves POST /ci/runs (groups ci or ops) and GET /ops/flakes (ops).
func Handler(g *Gate, log *slog.Logger, now func() time.Time) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST /ci/runs", httpapi.WithUser(func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) {
		if !id.InGroup(CIGroup) && !id.InGroup(httpapi.OpsGroup) {
			httpapi.WriteError(w, r, apperr.New(apperr.Forbidden, "this route needs the %q or %q group", CIGroup, httpapi.OpsGroup))
			return
		}
		q := r.URL.Query()
		commit := q.Get("commit")
		if !commitRE.MatchString(commit) {
			httpapi.WriteError(w, r, apperr.Field("commit", "required: the commit's hex id (7 to 64 lower-case hex digits)"))
			return
		}
		attempt, err := strconv.Atoi(q.Get("attempt"))
		if err != nil || attempt < 1 || attempt > MaxAttempt {
			httpapi.WriteError(w, r, apperr.Field("attempt", "required: the run's attempt on this commit, 1 to %d", MaxAttempt))
			return
		}
		body, err := httpapi.ReadBody(r)
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		run := Run{Commit: commit, Attempt: attempt, BlockersVersion: g.Blockers.Version}
		var results []Result
		if t := bytes.TrimSpace(body); len(t) > 0 && t[0] == '<' {
			run.Format = "junit"
			results, err = ParseJUnit(body)
		} else {
			run.Format = "go-test-json"
			results, err = ParseGoTestJSON(body)
		}
		if err != nil {
			httpapi.WriteError(w, r, apperr.Field("body", "%v", err))
			return
		}
		run.Results = len(results)
		var blockers []Result
		for _, res := range results {
			if g.Blockers.Blocks(res.Suite, res.Test) {
				blockers = append(blockers, res)
			}
		}
		if run.Report, err = g.Store.RecordRun(r.Context(), commit, attempt, blockers, g.Now()); err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		httpapi.Logger(r.Context()).Info("ci run", "commit", commit, "attempt", attempt, "format", run.Format,
			"results", run.Results, "blocker_tests", run.Tests, "new_flakes", run.NewFlakes)
		httpapi.WriteJSON(w, http.StatusOK, run)
	}))
	mux.Handle("GET /ops/flakes", httpapi.WithGroup(httpapi.OpsGroup, func(w http.ResponseWriter, r *http.Request, _ httpapi.Identity) {
		t, err := g.Trend(r.Context(), g.Now())
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, t)
	}))
	return httpapi.Wrap(mux, log, now)
}
