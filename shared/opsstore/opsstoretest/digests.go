package opsstoretest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/alert"
	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/burnrate"
	"github.com/lucian-app/phase12/shared/digest"
	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/opsstore"
)

// RunDigests runs the digest and incident-history part of the suite on db, whose table must
// exist and hold no digests or incidents.
func RunDigests(t *testing.T, db dynamo.API, table string) {
	ctx := context.Background()
	s := opsstore.New(db, table)
	w48, _ := digest.ParseWeek("2026-W48")
	ratio := 0.97
	d := digest.Digest{Week: w48.String(), From: w48.Start(), To: w48.End(), GeneratedAt: w48.End().Add(8 * time.Hour),
		SLOVersion: 1, BudgetingWindowMs: (30 * 24 * time.Hour).Milliseconds(),
		Flows: []digest.FlowDigest{{Flow: "today_load", Events: 10, Objectives: []digest.ObjectiveDigest{
			{Objective: "latency", Kind: "latency", Target: 0.95, Good: 97, Total: 100, Attainment: &ratio, BudgetRemaining: 0.4}}}},
		NeedsDecision: []digest.Decision{}}
	t0 := d.GeneratedAt

	t.Run("no digest yet", func(t *testing.T) {
		if _, err := s.Latest(ctx); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("Latest() error = %v, want not_found", err)
		}
		if _, err := s.Digest(ctx, "2026-W48"); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("Digest() error = %v, want not_found", err)
		}
	})

	t.Run("a week's digest is created once and read back whole", func(t *testing.T) {
		if _, err := s.Create(ctx, d); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Create(ctx, d); !errors.Is(err, digest.ErrExists) {
			t.Errorf("second Create() error = %v, want ErrExists", err)
		}
		got, err := s.Digest(ctx, "2026-W48")
		if err != nil {
			t.Fatal(err)
		}
		want := digest.Record{Digest: d}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Digest() = %+v\nwant %+v", got, want)
		}
	})

	t.Run("the lease admits one owner until it expires or is released", func(t *testing.T) {
		steps := []struct {
			name    string
			owner   string
			now     time.Time
			wantErr error
		}{
			{"first claim", "run-1", t0, nil},
			{"another run while it holds", "run-2", t0.Add(time.Minute), digest.ErrBusy},
			{"the holder again", "run-1", t0.Add(time.Minute), nil},
			{"another run after it expired", "run-2", t0.Add(4 * time.Minute), nil},
		}
		for _, st := range steps {
			_, err := s.Claim(ctx, "2026-W48", st.owner, st.now, st.now.Add(2*time.Minute))
			if !errors.Is(err, st.wantErr) {
				t.Errorf("%s: Claim() error = %v, want %v", st.name, err, st.wantErr)
			}
		}
		if err := s.Release(ctx, "2026-W48", "run-1"); err != nil { // not the holder: no effect
			t.Fatal(err)
		}
		if _, err := s.Claim(ctx, "2026-W48", "run-3", t0.Add(5*time.Minute), t0.Add(7*time.Minute)); !errors.Is(err, digest.ErrBusy) {
			t.Errorf("claim after a release by a non-holder: %v, want ErrBusy", err)
		}
		if err := s.Release(ctx, "2026-W48", "run-2"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Claim(ctx, "2026-W48", "run-3", t0.Add(5*time.Minute), t0.Add(7*time.Minute)); err != nil {
			t.Errorf("claim after the holder released: %v", err)
		}
		if _, err := s.Claim(ctx, "2099-W01", "run-1", t0, t0.Add(time.Minute)); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("claim of a week without a digest: %v, want not_found", err)
		}
		_ = s.Release(ctx, "2026-W48", "run-3")
	})

	t.Run("each channel is marked on its own, the first mark stays", func(t *testing.T) {
		at := t0.Add(10 * time.Second)
		if err := s.MarkSent(ctx, "2026-W48", digest.SNS, at); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkSent(ctx, "2026-W48", digest.SNS, at.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		got, err := s.Digest(ctx, "2026-W48")
		if err != nil {
			t.Fatal(err)
		}
		if got.Delivery.SNSSentAt == nil || !got.Delivery.SNSSentAt.Equal(at) || got.Delivery.WebhookSentAt != nil {
			t.Errorf("delivery = %+v, want SNS at %v only", got.Delivery, at)
		}
		if err := s.MarkSent(ctx, "2026-W48", digest.Webhook, at.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Digest(ctx, "2026-W48"); got.Delivery.WebhookSentAt == nil {
			t.Errorf("webhook not marked: %+v", got.Delivery)
		}
		if err := s.MarkSent(ctx, "2099-W01", digest.SNS, at); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("MarkSent() of a week without a digest: %v, want not_found", err)
		}
	})

	t.Run("latest is the newest week, across years", func(t *testing.T) {
		for _, week := range []string{"2026-W09", "2027-W01", "2026-W53"} {
			w, _ := digest.ParseWeek(week)
			other := d
			other.Week, other.From, other.To = week, w.Start(), w.End()
			if _, err := s.Create(ctx, other); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.Latest(ctx)
		if err != nil || got.Week != "2027-W01" {
			t.Errorf("Latest() = %s, %v; want 2027-W01", got.Week, err)
		}
	})

	t.Run("incidents triggered in a range", func(t *testing.T) {
		from := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
		to := from.AddDate(0, 0, 7)
		// Ids in creation order. D0004 triggered 30 s before the range but was created after
		// D0002 and D0003 (by an overlapping run): a read that stopped at the first record
		// before the range would miss those two.
		at := []time.Time{
			from.Add(-48 * time.Hour), from.Add(-time.Minute), from, from.Add(time.Hour),
			from.Add(-30 * time.Second), to.Add(-time.Second), to,
		}
		for i, ts := range at {
			k := alert.Key{Flow: "digest_flow", Objective: fmt.Sprintf("o%d", i), Severity: burnrate.Page}
			a := alert.Alert{ID: fmt.Sprintf("D%04d", i), Flow: k.Flow, Objective: k.Objective, Severity: k.Severity,
				State: alert.Resolved, DedupKey: k.DedupKey(), TriggeredAt: ts}
			if err := s.Save(ctx, alert.State{Alert: a, Version: 1}, true); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.Triggered(ctx, from, to)
		if err != nil {
			t.Fatal(err)
		}
		ids := map[string]bool{}
		for _, a := range got {
			if a.Flow == "digest_flow" {
				ids[a.ID] = true
			}
		}
		if want := map[string]bool{"D0002": true, "D0003": true, "D0005": true}; !reflect.DeepEqual(ids, want) {
			t.Errorf("Triggered() ids = %v, want %v", ids, want)
		}
	})
}
