package digest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/digest"
	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/hint"
	"github.com/lucian-app/phase12/shared/hintguard"
	"github.com/lucian-app/phase12/shared/hintstats"
	"github.com/lucian-app/phase12/shared/hintstore"
)

// lucianWeek stores, through the hint function's own writes, a known 2026-W48 (23 to 29
// November) and the week before it:
//
//   - control, each day: 40 shown to 20 users, 20 dismissed, 10 task attempts during hints
//     (3 left) and 50 without (5 left); tightened from Wednesday 25 November on.
//   - break_invites, each day: 30 shown to 15 users, 3 dismissed, 10 attempts during hints
//     (1 left) and 50 without (5 left); never tightened.
//   - holdout: 100 decisions a day, no hint.
//   - first seen in W47, each day: control 10 new (4 back on day 7) and 3 with Lucian off
//     (all back), break_invites 10 new (5 back), holdout 5 new (1 back).
func lucianWeek(t *testing.T) *dynamotest.Counter {
	t.Helper()
	ctx := context.Background()
	db := dynamotest.Count(dynamotest.New(t))
	s := hintstore.New(db, dynamotest.HintTable)
	add := func(day, cohort, name string, n int) {
		for i := range n {
			if err := s.Count(ctx, hint.Count{Day: day, Cohort: cohort, Shard: i % hint.CounterShards, Names: []string{name}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i := range 7 {
		day := weekStart.AddDate(0, 0, i).Format(time.DateOnly)
		for _, c := range []struct {
			cohort                                               string
			shown, users, dismissed, hinted, leftH, plain, leftP int
		}{{"control", 40, 20, 20, 10, 3, 50, 5}, {"break_invites", 30, 15, 3, 10, 1, 50, 5}} {
			add(day, c.cohort, hintguard.Shown, c.shown)
			add(day, c.cohort, hintguard.UsersShown, c.users)
			add(day, c.cohort, hintguard.Dismissed, c.dismissed)
			add(day, c.cohort, hintguard.AttemptsHinted, c.hinted)
			add(day, c.cohort, hintguard.AbandonedHinted, c.leftH)
			add(day, c.cohort, hintguard.AttemptsPlain, c.plain)
			add(day, c.cohort, hintguard.AbandonedPlain, c.leftP)
		}
		add(day, "holdout", "decision_holdout", 100)
		tight := i >= 2
		why := "dismiss rate 41% > 40%, completion drop +20 pp > +5 pp"
		if !tight {
			why = "dismiss rate 38% <= 40%, completion drop +20 pp > +5 pp"
		}
		from, to := weekStart.AddDate(0, 0, i-7).Format(time.DateOnly), weekStart.AddDate(0, 0, i-1).Format(time.DateOnly)
		if err := s.SaveVerdicts(ctx, day, []hintguard.Verdict{
			{Cohort: "break_invites", Why: "dismiss rate 10% <= 40%, completion drop 0 pp <= +5 pp", From: from, To: to},
			{Cohort: "control", Tightened: tight, Why: why, From: from, To: to},
			{Cohort: "holdout", Why: "too little data: 0 hints shown, the rule needs 200", From: from, To: to},
		}); err != nil {
			t.Fatal(err)
		}
		first := weekStart.AddDate(0, 0, i-7).Format(time.DateOnly)
		add(first, "control", hintguard.RetentionNew, 10)
		add(first, "control", hintguard.RetentionD7, 4)
		add(first, "control", hintguard.RetentionNewOff, 3)
		add(first, "control", hintguard.RetentionD7Off, 3)
		add(first, "break_invites", hintguard.RetentionNew, 10)
		add(first, "break_invites", hintguard.RetentionD7, 5)
		add(first, "holdout", hintguard.RetentionNew, 5)
		add(first, "holdout", hintguard.RetentionD7, 1)
	}
	db.Reset()
	return db
}

func buildLucianWeek(t *testing.T) (digest.Digest, *dynamotest.Counter) {
	t.Helper()
	e := newEnv(t)
	db := lucianWeek(t)
	e.builder.Lucian = hintstats.New(db, dynamotest.HintTable)
	d, err := e.builder.Build(context.Background(), digest.WeekBefore(scheduled))
	if err != nil {
		t.Fatal(err)
	}
	return d, db
}

// TestLucianSectionOfAKnownWeek holds the figures worked out by hand from lucianWeek.
func TestLucianSectionOfAKnownWeek(t *testing.T) {
	d, db := buildLucianWeek(t)
	if q := db.Calls("Query"); q != 14 || db.Calls("") != 14 {
		t.Errorf("%d Queries, %d calls in all; want 14 (the week's days and the 7 before) and nothing else", q, db.Calls(""))
	}
	l := d.Lucian
	if l == nil || len(l.Cohorts) != 3 {
		t.Fatalf("lucian %+v, want 3 cohorts", l)
	}
	ctl, brk, hold := l.Cohorts[1], l.Cohorts[0], l.Cohorts[2]
	// control: 280 shown to 140 user-days = 2 a day; 140/280 = 50% dismissed; 21/70 = 30%
	// left during hints against 35/350 = 10% without: +20 points.
	if ctl.Cohort != "control" || ctl.Shown != 280 || *ctl.Rates.PerUser != 2 || *ctl.Rates.DismissRate != 0.5 ||
		*ctl.Rates.AbandonHinted != 0.3 || *ctl.Rates.AbandonPlain != 0.1 || hintguard.PP(*ctl.Rates.Drop) != "+20 pp" || ctl.TightenedDays != 5 {
		t.Errorf("control %+v", ctl)
	}
	// break_invites: 210 shown, 21 dismissed = 10%; 7/70 = 10% against 35/350 = 10%.
	if brk.Cohort != "break_invites" || brk.Shown != 210 || *brk.Rates.DismissRate != 0.1 || *brk.Rates.Drop != 0 || brk.TightenedDays != 0 {
		t.Errorf("break_invites %+v", brk)
	}
	if hold.Cohort != "holdout" || hold.Shown != 0 || hold.Rates.DismissRate != nil || hold.Rates.Drop != nil {
		t.Errorf("holdout %+v", hold)
	}
	if len(l.Days) != 21 || l.Days[0].Day != "2026-11-23" || l.Days[0].Cohort != "break_invites" || !l.Days[7].Tightened || l.Days[4].Tightened {
		t.Errorf("days: %d, first %+v", len(l.Days), l.Days[0])
	}
	if len(l.Tightened) != 1 || l.Tightened[0] != (digest.LucianTightened{Cohort: "control", From: "2026-11-25", To: "2026-11-29", Days: 5,
		Why: "dismiss rate 41% > 40%, completion drop +20 pp > +5 pp", Window: "2026-11-18 to 2026-11-24"}) {
		t.Errorf("tightened %+v", l.Tightened)
	}
	// D7: treated arms 140 new (Lucian off excluded), 63 back = 45%; holdout 35, 7 = 20%.
	r := l.Retention
	if r.From != "2026-11-16" || r.To != "2026-11-22" || r.Enabled != (hintguard.Retention{New: 140, D7: 63}) ||
		r.Holdout != (hintguard.Retention{New: 35, D7: 7}) || *r.EnabledRate != 0.45 || *r.HoldoutRate != 0.2 || hintguard.PP(*r.Lift) != "+25 pp" {
		t.Errorf("retention %+v", r)
	}
	var found bool
	for _, x := range d.NeedsDecision {
		if x.Kind == digest.HintCapsTightened {
			found = true
			want := "Lucian's hint caps were tightened for cohort control on 5 days: Wed 25 Nov to Sun 29 Nov (dismiss rate 41% > 40%, " +
				"completion drop +20 pp > +5 pp, over 2026-11-18 to 2026-11-24); simplify the copy, or keep the tighter caps"
			if x.Message != want || x.Objective != "control" {
				t.Errorf("decision %+v, want message %q", x, want)
			}
		}
	}
	if !found {
		t.Errorf("needs decision %+v: no %s", d.NeedsDecision, digest.HintCapsTightened)
	}
	// The stored form keeps it whole.
	raw, _ := json.Marshal(d)
	var back digest.Digest
	if err := json.Unmarshal(raw, &back); err != nil || back.Lucian == nil || back.Lucian.Cohorts[1].Shown != 280 || *back.Lucian.Retention.Lift != *r.Lift {
		t.Errorf("round trip: %v %+v", err, back.Lucian)
	}
}

// TestLucianSectionGolden renders the section as the SNS text says it
// (testdata/lucian-2026-W48.txt.golden; -update rewrites it) and checks the Block Kit
// message carries it.
func TestLucianSectionGolden(t *testing.T) {
	d, _ := buildLucianWeek(t)
	text := digest.Text(d, digest.Links{})
	i, j := strings.Index(text, "LUCIAN (hint-cooldown)"), strings.Index(text, "Generated ")
	if i < 0 || j < i {
		t.Fatalf("no Lucian section in\n%s", text)
	}
	got := []byte(text[i:j])
	path := filepath.Join("testdata", "lucian-2026-W48.txt.golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run with -update and read the diff):\n--- got\n%s", path, got)
	}
	blocks, err := digest.BlockKit(d, digest.Links{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(blocks, []byte(`*Lucian* (`+"`hint-cooldown`"+`)\nbreak_invites: 210 shown`)) || !bytes.Contains(blocks, []byte("hint caps were tightened for cohort control")) {
		t.Errorf("Block Kit without the Lucian section or its decision:\n%s", blocks)
	}
	// Without a LucianSource the digest is as it was: no section, no field.
	_, plain := buildKnownWeek(t)
	raw, _ := json.Marshal(plain)
	if plain.Lucian != nil || bytes.Contains(raw, []byte(`"lucian"`)) || strings.Contains(digest.Text(plain, digest.Links{}), "LUCIAN") {
		t.Error("a digest without a LucianSource has a Lucian section")
	}
}
