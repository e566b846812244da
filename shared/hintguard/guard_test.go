package hintguard_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/hintguard"
)

// window is a cohort's window with shown hints, dismissals and attempts on each side.
func window(shown, dismissed, hinted, abandonedHinted, plain, abandonedPlain int64) hintguard.Metrics {
	return hintguard.Metrics{Shown: shown, UsersShown: shown / 2, Dismissed: dismissed,
		AttemptsHinted: hinted, AbandonedHinted: abandonedHinted, AttemptsPlain: plain, AbandonedPlain: abandonedPlain}
}

func TestEvaluateTightensOnlyWhenBothTheDismissRateAndTheDropPassTheirThresholds(t *testing.T) {
	r := hintguard.DefaultRule()
	tests := []struct {
		name    string
		w       hintguard.Metrics
		tighten bool
		why     string
	}{
		// 81/200 = 40.5% dismissed; 12/40 = 30% against 10/40 = 25% abandoned: +5 pp is not
		// over 5 pp.
		{"a drop of exactly the threshold", window(200, 81, 40, 12, 40, 10), false, "dismiss rate 40.5% > 40%, completion drop +5 pp <= +5 pp"},
		{"both over", window(200, 81, 40, 13, 40, 10), true, "dismiss rate 40.5% > 40%, completion drop +7.5 pp > +5 pp"},
		{"a dismiss rate of exactly the threshold", window(200, 80, 40, 20, 40, 10), false, "dismiss rate 40% <= 40%, completion drop +25 pp > +5 pp"},
		{"dismissed a lot, completions unharmed", window(1000, 900, 100, 10, 100, 10), false, "dismiss rate 90% > 40%, completion drop 0 pp <= +5 pp"},
		{"completions drop, hints welcome", window(1000, 100, 100, 50, 100, 10), false, "dismiss rate 10% <= 40%, completion drop +40 pp > +5 pp"},
		{"hints help completion", window(1000, 900, 100, 0, 100, 50), false, "completion drop -50 pp <= +5 pp"},
		{"too few hints", window(199, 199, 100, 100, 100, 0), false, "too little data: 199 hints shown, the rule needs 200"},
		{"too few attempts during hints", window(1000, 900, 29, 29, 100, 0), false, "too little data: 29 task attempts during hints and 100 without"},
		{"too few attempts without", window(1000, 900, 100, 100, 29, 0), false, "too little data: 100 task attempts during hints and 29 without"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := r.Evaluate("control", tt.w, "2026-11-23", "2026-11-29")
			if v.Tightened != tt.tighten || !strings.Contains(v.Why, tt.why) || v.Cohort != "control" || v.From != "2026-11-23" {
				t.Errorf("got %+v, want tightened %v and why containing %q", v, tt.tighten, tt.why)
			}
		})
	}
}

func TestMetricsRates(t *testing.T) {
	m := hintguard.MetricsOf(hintguard.Counters{hintguard.Shown: 30, hintguard.UsersShown: 12, hintguard.Dismissed: 9,
		hintguard.AttemptsHinted: 8, hintguard.AbandonedHinted: 4, hintguard.AttemptsPlain: 40, hintguard.AbandonedPlain: 10, "decision_min_gap": 99})
	if *m.PerUser() != 2.5 || *m.DismissRate() != 0.3 || *m.AbandonHinted() != 0.5 || *m.AbandonPlain() != 0.25 || *m.Drop() != 0.25 {
		t.Errorf("per user %v, dismiss %v, abandon %v/%v, drop %v; want 2.5, 0.3, 0.5/0.25, 0.25",
			*m.PerUser(), *m.DismissRate(), *m.AbandonHinted(), *m.AbandonPlain(), *m.Drop())
	}
	var empty hintguard.Metrics
	if empty.PerUser() != nil || empty.DismissRate() != nil || empty.Drop() != nil {
		t.Error("rates of nothing are not nil")
	}
}

// source is an in-memory hintguard.Source that counts its calls.
type source struct {
	mu       sync.Mutex
	days     map[string]hintguard.Day
	reads    int
	saves    int
	failRead bool
}

func (s *source) Day(_ context.Context, day string) (hintguard.Day, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reads++
	if s.failRead {
		return hintguard.Day{}, errors.New("table down")
	}
	return s.days[day], nil
}

func (s *source) SaveVerdicts(_ context.Context, day string, vs []hintguard.Verdict) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.saves++
	d := s.days[day]
	if d.Verdicts != nil {
		return hintguard.ErrDecided
	}
	d.Verdicts = vs
	s.days[day] = d
	return nil
}

// badWeek fills the 7 days before 2026-11-30 with a control cohort that dismisses and
// abandons (tightens) and a break_invites cohort that does not.
func badWeek() *source {
	s := &source{days: map[string]hintguard.Day{}}
	for i := 1; i <= 7; i++ {
		day := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -i).Format(time.DateOnly)
		s.days[day] = hintguard.Day{Counters: map[string]hintguard.Counters{
			"control": {hintguard.Shown: 40, hintguard.Dismissed: 30, hintguard.AttemptsHinted: 10, hintguard.AbandonedHinted: 4,
				hintguard.AttemptsPlain: 10, hintguard.AbandonedPlain: 1},
			"break_invites": {hintguard.Shown: 40, hintguard.Dismissed: 5, hintguard.AttemptsHinted: 10, hintguard.AbandonedHinted: 1,
				hintguard.AttemptsPlain: 10, hintguard.AbandonedPlain: 1},
			"holdout": {"decision_holdout": 100},
		}}
	}
	// Outside the window: a day that would change everything if it were read.
	s.days["2026-11-22"] = hintguard.Day{Counters: map[string]hintguard.Counters{"break_invites": {hintguard.Shown: 1e6, hintguard.Dismissed: 1e6}}}
	return s
}

func TestDecideReadsTheSevenDaysBeforeAndNothingElse(t *testing.T) {
	src := badWeek()
	vs, err := hintguard.DefaultRule().Decide(context.Background(), src, time.Date(2026, 11, 30, 0, 0, 0, 1, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(len(vs))
	for _, v := range vs {
		got += fmt.Sprintf(" %s:%v:%s..%s:%d", v.Cohort, v.Tightened, v.From, v.To, v.Window.Shown)
	}
	want := "3 break_invites:false:2026-11-23..2026-11-29:280 control:true:2026-11-23..2026-11-29:280 holdout:false:2026-11-23..2026-11-29:0"
	if got != want || src.reads != 7 {
		t.Errorf("got %s after %d reads, want %s after 7", got, src.reads, want)
	}
	// 210/280 = 75% dismissed; 28/70 = 40% against 7/70 = 10% abandoned.
	if vs[1].Why != "dismiss rate 75% > 40%, completion drop +30 pp > +5 pp" {
		t.Errorf("why %q", vs[1].Why)
	}
}

func TestKeepersDecideADayOnceAndRememberIt(t *testing.T) {
	ctx := context.Background()
	src := badWeek()
	a := &hintguard.Keeper{Source: src, Rule: hintguard.DefaultRule()}
	b := &hintguard.Keeper{Source: src, Rule: hintguard.DefaultRule()}
	monday := time.Date(2026, 11, 30, 0, 0, 5, 0, time.UTC)
	for _, k := range []*hintguard.Keeper{a, b, a, b} {
		for _, c := range []struct {
			cohort  string
			tighten bool
		}{{"control", true}, {"break_invites", false}, {"nobody-yet", false}} {
			v, err := k.Verdict(ctx, c.cohort, monday)
			if err != nil || v.Tightened != c.tighten {
				t.Errorf("%s: %+v %v, want tightened %v", c.cohort, v, err, c.tighten)
			}
		}
	}
	// a: the day (no verdicts), the 7 before, one save; b: the day (verdicts).
	if src.reads != 1+7+1 || src.saves != 1 {
		t.Errorf("%d reads, %d saves; want 9 and 1", src.reads, src.saves)
	}
	// The next day is decided anew: its window (24 to 30 November) still has six bad
	// days and enough data, so control stays tightened.
	v, err := a.Verdict(ctx, "control", monday.Add(24*time.Hour))
	if err != nil || !v.Tightened || v.From != "2026-11-24" || src.saves != 2 {
		t.Errorf("Tuesday: %+v %v after %d saves, want tightened over 2026-11-24.. and a second save", v, err, src.saves)
	}
}

func TestTwoKeepersRacingForADayAgree(t *testing.T) {
	src := badWeek()
	monday := time.Date(2026, 11, 30, 7, 0, 0, 0, time.UTC)
	const n = 20
	got := make([]hintguard.Verdict, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k := &hintguard.Keeper{Source: src, Rule: hintguard.DefaultRule()}
			got[i], _ = k.Verdict(context.Background(), "control", monday)
		}()
	}
	wg.Wait()
	for i, v := range got {
		if !v.Tightened || v.Why != got[0].Why {
			t.Errorf("keeper %d: %+v, want the one kept verdict", i, v)
		}
	}
	if src.days["2026-11-30"].Verdicts == nil {
		t.Error("no verdicts kept")
	}
}

func TestAKeeperThatCannotReadDoesNotTightenAndRetriesAfterAMinute(t *testing.T) {
	ctx := context.Background()
	src := badWeek()
	src.failRead = true
	k := &hintguard.Keeper{Source: src, Rule: hintguard.DefaultRule()}
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	if v, err := k.Verdict(ctx, "control", now); err == nil || v.Tightened {
		t.Errorf("got %+v %v, want an error and no tightening", v, err)
	}
	if v, err := k.Verdict(ctx, "control", now.Add(59*time.Second)); err != nil || v.Tightened || src.reads != 1 {
		t.Errorf("within the minute: %+v %v after %d reads, want no tightening, no error, no new read", v, err, src.reads)
	}
	src.failRead = false
	if v, err := k.Verdict(ctx, "control", now.Add(time.Minute)); err != nil || !v.Tightened {
		t.Errorf("after the minute: %+v %v, want the day decided", v, err)
	}
}

func TestRetentionNames(t *testing.T) {
	tests := []struct {
		day, first     string
		isNew, on      bool
		today, onFirst string
	}{
		{"2026-11-23", "2026-11-23", true, true, "[retention_new]", "[]"},
		{"2026-11-23", "2026-11-23", true, false, "[retention_new_off]", "[]"},
		{"2026-11-29", "2026-11-23", false, true, "[]", "[]"},
		{"2026-11-30", "2026-11-23", false, true, "[]", "[retention_d7]"},
		{"2026-11-30", "2026-11-23", false, false, "[]", "[retention_d7_off]"},
		{"2026-12-01", "2026-11-23", false, true, "[]", "[]"},
		// Across a month and a DST change nowhere matters: UTC days.
		{"2026-04-02", "2026-03-26", false, true, "[]", "[retention_d7]"},
		{"2026-11-30", "unknown", false, true, "[]", "[]"},
	}
	for _, tt := range tests {
		today, onFirst := hintguard.RetentionNames(tt.day, tt.first, tt.isNew, tt.on)
		if fmt.Sprint(today) != tt.today || fmt.Sprint(onFirst) != tt.onFirst {
			t.Errorf("%s (first %s, new %v, on %v): %v %v, want %s %s", tt.day, tt.first, tt.isNew, tt.on, today, onFirst, tt.today, tt.onFirst)
		}
	}
}
