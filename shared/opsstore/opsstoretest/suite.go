// Package opsstoretest is the behaviour OpsTable's store must show on any DynamoDB: the unit
// tests run it on minidyn, the contract tests on moto over the wire.
package opsstoretest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/lucian-app/phase12/shared/alert"
	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/barrier"
	"github.com/lucian-app/phase12/shared/burnrate"
	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/flowmetrics"
	"github.com/lucian-app/phase12/shared/opsstore"
)

// Run runs the suite on db, whose table must exist and be empty.
func Run(t *testing.T, db dynamo.API, table string) {
	ctx := context.Background()
	// The store's calls are counted; the suite's own checks below use db directly.
	calls := dynamotest.Count(db)
	s := opsstore.New(calls, table)
	t0 := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)

	t.Run("adds accumulate without reads", func(t *testing.T) {
		d := flowmetrics.Delta{Flow: "create_task", Resolution: flowmetrics.Minute, Start: t0.Add(5 * time.Minute),
			Bucket: flowmetrics.Bucket{Total: 3, Good: map[string]uint64{"latency": 2, "availability": 0}, Latency: map[string]uint64{"b300": 2, "z": 1}}}
		calls.Reset()
		for range 2 {
			if err := s.Add(ctx, []flowmetrics.Delta{d}); err != nil {
				t.Fatal(err)
			}
		}
		// Each add is one UpdateItem ADD (5 counters, well under an update's limit) and
		// nothing else: no read before the write, no transaction.
		if reads := calls.Calls("GetItem") + calls.Calls("Query") + calls.Calls("BatchGetItem"); reads != 0 {
			t.Errorf("two adds made %d read calls, want 0", reads)
		}
		if got, all := calls.Calls("UpdateItem"), calls.Calls(""); got != 2 || all != 2 {
			t.Errorf("two adds made %d UpdateItem calls of %d calls in all, want 2 of 2 (one update each)", got, all)
		}
		got, err := s.Buckets(ctx, "create_task", flowmetrics.Minute, t0, t0.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		want := []flowmetrics.Point{{Start: t0.Add(5 * time.Minute), Bucket: flowmetrics.Bucket{Total: 6,
			Good: map[string]uint64{"latency": 4, "availability": 0}, Latency: map[string]uint64{"b300": 4, "z": 2}}}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Buckets() = %+v, want %+v", got, want)
		}
	})

	t.Run("ranges are inclusive and per flow and resolution", func(t *testing.T) {
		var ds []flowmetrics.Delta
		for i := range 5 {
			for _, res := range []flowmetrics.Resolution{flowmetrics.Minute, flowmetrics.Hour, flowmetrics.Day} {
				ds = append(ds, flowmetrics.Delta{Flow: "undo", Resolution: res, Start: t0.Add(time.Duration(i) * res.Step()),
					Bucket: flowmetrics.Bucket{Total: uint64(i + 1)}})
			}
		}
		ds = append(ds, flowmetrics.Delta{Flow: "undo_other", Resolution: flowmetrics.Minute, Start: t0, Bucket: flowmetrics.Bucket{Total: 99}})
		if err := s.Add(ctx, ds); err != nil {
			t.Fatal(err)
		}
		for _, res := range []flowmetrics.Resolution{flowmetrics.Minute, flowmetrics.Hour, flowmetrics.Day} {
			got, err := s.Buckets(ctx, "undo", res, t0.Add(res.Step()), t0.Add(3*res.Step()))
			if err != nil {
				t.Fatal(err)
			}
			var totals []uint64
			for _, p := range got {
				totals = append(totals, p.Total)
			}
			if want := []uint64{2, 3, 4}; !reflect.DeepEqual(totals, want) {
				t.Errorf("%s buckets = %v, want %v", res, totals, want)
			}
		}
	})

	t.Run("buckets carry a TTL after their retention", func(t *testing.T) {
		for _, tt := range []struct {
			res  flowmetrics.Resolution
			sk   string
			want time.Duration
		}{
			{flowmetrics.Minute, "M#2026-11-28T09:00", 4 * 24 * time.Hour},
			{flowmetrics.Hour, "H#2026-11-28T09", 35 * 24 * time.Hour},
			{flowmetrics.Day, "D#2026-11-28", 400 * 24 * time.Hour},
		} {
			out, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: map[string]types.AttributeValue{
				dynamo.PartitionKey: &types.AttributeValueMemberS{Value: "FLOW#undo"},
				dynamo.SortKey:      &types.AttributeValueMemberS{Value: tt.sk},
			}})
			if err != nil {
				t.Fatal(err)
			}
			exp, _ := out.Item[dynamo.TTLAttribute].(*types.AttributeValueMemberN)
			start := t0
			if tt.res == flowmetrics.Day {
				start = time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
			}
			if want := strconv.FormatInt(start.Add(tt.want).Unix(), 10); exp == nil || exp.Value != want {
				t.Errorf("%s: expires_at = %v, want %s", tt.sk, out.Item[dynamo.TTLAttribute], want)
			}
		}
	})

	t.Run("a sketch with hundreds of keys is written in several updates", func(t *testing.T) {
		lat := map[string]uint64{}
		for i := range 450 {
			lat["b"+strconv.Itoa(i+100)] = uint64(i + 1)
		}
		d := flowmetrics.Delta{Flow: "wide", Resolution: flowmetrics.Hour, Start: t0, Bucket: flowmetrics.Bucket{Total: 7, Latency: lat}}
		calls.Reset()
		if err := s.Add(ctx, []flowmetrics.Delta{d}); err != nil {
			t.Fatal(err)
		}
		// 451 counters (the total and 450 latency keys) at most 100 to an update, which keeps
		// each update expression well under DynamoDB's 4 KB limit: 5 updates, no read.
		if got, all := calls.Calls("UpdateItem"), calls.Calls(""); got != 5 || all != 5 {
			t.Errorf("a 451-counter add made %d UpdateItem calls of %d calls in all, want 5 of 5 (100 counters per update)", got, all)
		}
		got, err := s.Buckets(ctx, "wide", flowmetrics.Hour, t0, t0)
		if err != nil || len(got) != 1 {
			t.Fatalf("Buckets() = %v, %v", got, err)
		}
		if !reflect.DeepEqual(got[0].Latency, lat) || got[0].Total != 7 {
			t.Errorf("wide bucket: total %d and %d latency keys, want 7 and %d equal keys", got[0].Total, len(got[0].Latency), len(lat))
		}
	})

	t.Run("a bucket is sharded by caller and read as the sum of its shards", func(t *testing.T) {
		items := CountItems(db)
		counted := dynamotest.Count(items)
		sharded := opsstore.New(counted, table)
		sharded.Shards = 4
		unsharded := opsstore.New(db, table) // Shards 0: the layout before sharding
		// Three callers in three different shards.
		var callers []string
		seen := map[int]bool{}
		for i := 0; len(callers) < 3; i++ {
			c := fmt.Sprintf("caller-%d", i)
			if sh := sharded.Shard(c); !seen[sh] {
				seen[sh] = true
				callers = append(callers, c)
			}
		}
		delta := func(res flowmetrics.Resolution, caller string, n uint64) flowmetrics.Delta {
			return flowmetrics.Delta{Flow: "sharded", Resolution: res, Start: res.Start(t0), Caller: caller,
				Bucket: flowmetrics.Bucket{Total: n, Good: map[string]uint64{"latency": n - 1}, Latency: map[string]uint64{"b300": n - 1, "b400": 1}}}
		}
		// A bucket written before sharding (shard 0, whatever the caller) ...
		var old []flowmetrics.Delta
		for _, res := range []flowmetrics.Resolution{flowmetrics.Minute, flowmetrics.Hour, flowmetrics.Day} {
			old = append(old, delta(res, "caller-from-before", 10))
		}
		if err := unsharded.Add(ctx, old); err != nil {
			t.Fatal(err)
		}
		// ... then the three callers' events, twice each: one UpdateItem per bucket, each
		// to the caller's shard, and no read.
		counted.Reset()
		for range 2 {
			for i, c := range callers {
				var ds []flowmetrics.Delta
				for _, res := range []flowmetrics.Resolution{flowmetrics.Minute, flowmetrics.Hour, flowmetrics.Day} {
					ds = append(ds, delta(res, c, uint64(i+2)))
				}
				if err := sharded.Add(ctx, ds); err != nil {
					t.Fatal(err)
				}
			}
		}
		if got, all := counted.Calls("UpdateItem"), counted.Calls(""); got != 18 || all != 18 {
			t.Errorf("6 adds of 3 deltas made %d UpdateItem calls of %d calls, want 18 of 18", got, all)
		}
		for i, c := range callers {
			out, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: map[string]types.AttributeValue{
				dynamo.PartitionKey: &types.AttributeValueMemberS{Value: fmt.Sprintf("FLOW#sharded#M#%d", sharded.Shard(c))},
				dynamo.SortKey:      &types.AttributeValueMemberS{Value: "M#2026-11-28T09:00"},
			}})
			if err != nil {
				t.Fatal(err)
			}
			if n, _ := out.Item["total"].(*types.AttributeValueMemberN); n == nil || n.Value != strconv.Itoa(2*(i+2)) {
				t.Errorf("%s's minute shard FLOW#sharded#M#%d holds total %v, want %d", c, sharded.Shard(c), out.Item["total"], 2*(i+2))
			}
		}
		// Read: one Query per shard and shard 0 (5), one item per shard written and the old
		// bucket (4), summed into one bucket whose sketch counts add up.
		want := flowmetrics.Bucket{Total: 10 + 2*(2+3+4), Good: map[string]uint64{"latency": 9 + 2*(1+2+3)},
			Latency: map[string]uint64{"b300": 9 + 2*(1+2+3), "b400": 1 + 2*3}}
		for _, res := range []flowmetrics.Resolution{flowmetrics.Minute, flowmetrics.Hour, flowmetrics.Day} {
			counted.Reset()
			items.Reset()
			got, err := sharded.Buckets(ctx, "sharded", res, res.Start(t0), res.Start(t0).Add(res.Step()))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || !got[0].Start.Equal(res.Start(t0)) || !reflect.DeepEqual(got[0].Bucket, want) {
				t.Errorf("%s: Buckets() = %+v, want one bucket %+v", res, got, want)
			}
			if q, n := counted.Calls("Query"), items.Items(); q != 5 || n != 4 {
				t.Errorf("%s: %d Queries reading %d items, want 5 Queries (shards 0 to 4) reading 4 items (3 shards and the old bucket)", res, q, n)
			}
		}
		// A reader that counts no shards sees only shard 0: why every function of a table
		// must be given the same count.
		got, err := unsharded.Buckets(ctx, "sharded", flowmetrics.Minute, t0, t0)
		if err != nil || len(got) != 1 || got[0].Total != 10 {
			t.Errorf("unsharded reader: Buckets() = %+v, %v; want only the old bucket's 10 events", got, err)
		}
	})

	a := alert.Alert{
		ID: "A0001", Flow: "today_load", Objective: "latency", Severity: burnrate.Page, State: alert.Firing,
		DedupKey: "phase12/today_load/latency/page", Summary: "burning", Rule: "page-1h-5m", Threshold: 14.4,
		LongWindowMs: 3600000, LongBurnRate: 20, ShortWindowMs: 300000, ShortBurnRate: 30, Bad: 50, Total: 100,
		BudgetRemaining: 0.9, Target: 0.95, Runbook: "docs/runbooks/today_load-latency.md", SLOVersion: 1,
		Rules:       []alert.RuleRate{{Rule: "page-1h-5m", Severity: burnrate.Page, Threshold: 14.4, LongWindowMs: 3600000, LongBurnRate: 20, ShortWindowMs: 300000, ShortBurnRate: 30, Firing: true}},
		TriggeredAt: t0,
	}

	t.Run("opening an incident writes the state and the record", func(t *testing.T) {
		if err := s.Save(ctx, alert.State{Alert: a, Version: 1}, true); err != nil {
			t.Fatal(err)
		}
		states, err := s.States(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(states) != 1 || states[0].Version != 1 || !reflect.DeepEqual(states[0].Alert, a) {
			t.Errorf("States() = %+v, want the opened alert at version 1", states)
		}
		got, err := s.Get(ctx, "A0001")
		if err != nil || !reflect.DeepEqual(got, a) {
			t.Errorf("Get() = %+v, %v; want %+v", got, err, a)
		}
	})

	t.Run("writes are conditional on the version", func(t *testing.T) {
		if err := s.Save(ctx, alert.State{Alert: a, Version: 1}, true); !errors.Is(err, alert.ErrStale) {
			t.Errorf("second open at version 1: %v, want ErrStale", err)
		}
		if err := s.Save(ctx, alert.State{Alert: a, Version: 3}, false); !errors.Is(err, alert.ErrStale) {
			t.Errorf("skipping a version: %v, want ErrStale", err)
		}
		clear := t0.Add(time.Minute)
		if err := s.Save(ctx, alert.State{Alert: a, Version: 2, ClearSince: &clear}, false); err != nil {
			t.Fatal(err)
		}
		states, _ := s.States(ctx)
		if len(states) != 1 || states[0].Version != 2 || states[0].ClearSince == nil || !states[0].ClearSince.Equal(clear) {
			t.Errorf("States() = %+v, want version 2 with clear_since", states)
		}
	})

	t.Run("acknowledgements are first-wins and survive checker writes", func(t *testing.T) {
		tp := alert.TruePositive
		acked, err := s.Acknowledge(ctx, "A0001", alert.Acknowledgement{At: t0.Add(4 * time.Minute), By: "oncall", TimeToAckSeconds: 240, Verdict: &tp})
		if err != nil {
			t.Fatal(err)
		}
		if acked.AcknowledgedAt == nil || *acked.TimeToAckSeconds != 240 || *acked.AcknowledgedBy != "oncall" || *acked.Verdict != tp {
			t.Errorf("Acknowledge() = %+v", acked)
		}
		if _, err := s.Acknowledge(ctx, "A0001", alert.Acknowledgement{At: t0.Add(9 * time.Minute), By: "late"}); !errors.Is(err, alert.ErrAcknowledged) {
			t.Errorf("second Acknowledge() error = %v, want ErrAcknowledged", err)
		}
		if _, err := s.Acknowledge(ctx, "nope", alert.Acknowledgement{At: t0}); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("Acknowledge(unknown) error = %v, want not_found", err)
		}
		// The checker notifies and resolves after the ack: the ack must stay.
		next := a
		n, r := t0.Add(time.Minute), t0.Add(30*time.Minute)
		next.NotifiedAt, next.State, next.ResolvedAt = &n, alert.Resolved, &r
		if err := s.Save(ctx, alert.State{Alert: next, Version: 3}, false); err != nil {
			t.Fatal(err)
		}
		got, err := s.Get(ctx, "A0001")
		if err != nil {
			t.Fatal(err)
		}
		if got.State != alert.Resolved || got.NotifiedAt == nil || !got.NotifiedAt.Equal(n) || got.ResolvedAt == nil ||
			got.AcknowledgedAt == nil || *got.AcknowledgedBy != "oncall" || *got.Verdict != tp {
			t.Errorf("after resolve: %+v", got)
		}
		fp := alert.FalsePositive
		if got, err := s.SetVerdict(ctx, "A0001", fp); err != nil || *got.Verdict != fp || *got.TimeToAckSeconds != 240 {
			t.Errorf("SetVerdict() = %+v, %v", got, err)
		}
		if _, err := s.SetVerdict(ctx, "nope", fp); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("SetVerdict(unknown) error = %v, want not_found", err)
		}
	})

	t.Run("get of an unknown alert is not found", func(t *testing.T) {
		if _, err := s.Get(ctx, "missing"); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("Get() error = %v, want not_found", err)
		}
	})

	t.Run("list filters by state, newest first, with a limit", func(t *testing.T) {
		for i, k := range []alert.Key{
			{Flow: "create_task", Objective: "availability", Severity: burnrate.Page},
			{Flow: "undo", Objective: "latency", Severity: burnrate.Ticket},
			{Flow: "undo", Objective: alert.NoData, Severity: burnrate.Ticket},
		} {
			b := alert.Alert{ID: fmt.Sprintf("A%04d", i+2), Flow: k.Flow, Objective: k.Objective, Severity: k.Severity,
				State: alert.Firing, DedupKey: k.DedupKey(), TriggeredAt: t0.Add(time.Duration(i) * time.Minute)}
			if err := s.Save(ctx, alert.State{Alert: b, Version: 1}, true); err != nil {
				t.Fatal(err)
			}
		}
		ids := func(as []alert.Alert) []string {
			out := []string{}
			for _, a := range as {
				out = append(out, a.ID)
			}
			return out
		}
		for _, tt := range []struct {
			state alert.Status
			limit int
			want  []string
		}{
			{"", 10, []string{"A0004", "A0003", "A0002", "A0001"}},
			{"", 2, []string{"A0004", "A0003"}},
			{alert.Firing, 10, []string{"A0004", "A0003", "A0002"}},
			{alert.Firing, 1, []string{"A0004"}},
			{alert.Resolved, 10, []string{"A0001"}},
		} {
			got, err := s.List(ctx, tt.state, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(ids(got), tt.want) {
				t.Errorf("List(%q, %d) = %v, want %v", tt.state, tt.limit, ids(got), tt.want)
			}
		}
	})
	t.Run("a caller's minute counter takes whole requests up to the limit", func(t *testing.T) {
		m := t0.Add(30 * time.Minute)
		for i, tt := range []struct {
			caller string
			minute time.Time
			n      int
			want   bool
		}{
			{"caller-a", m, 500, true},
			{"caller-a", m, 101, false}, // 601: refused whole, nothing added
			{"caller-a", m, 100, true},  // exactly the limit
			{"caller-a", m, 1, false},
			{"caller-b", m, 600, true},                  // another caller has its own count
			{"caller-a", m.Add(time.Minute), 600, true}, // and the next minute starts again
		} {
			calls.Reset()
			got, err := s.Take(ctx, tt.caller, tt.minute, tt.n, 600)
			if err != nil || got != tt.want {
				t.Errorf("take %d: Take(%s, %v, %d, 600) = %v, %v; want %v", i, tt.caller, tt.minute.Format("15:04"), tt.n, got, err, tt.want)
			}
			if n, all := calls.Calls("UpdateItem"), calls.Calls(""); n != 1 || all != 1 {
				t.Errorf("take %d: %d UpdateItem calls of %d in all, want 1 of 1 (one conditional ADD, no read)", i, n, all)
			}
		}
		if got, err := s.Taken(ctx, "caller-a", m); err != nil || got != 600 {
			t.Errorf("Taken(caller-a) = %d, %v; want 600 (the refused takes added nothing)", got, err)
		}
		calls.Reset()
		if ok, err := s.Take(ctx, "caller-c", m, 601, 600); ok || err != nil || calls.Calls("") != 0 {
			t.Errorf("a take larger than the limit: %v, %v with %d calls; want refused without a call", ok, err, calls.Calls(""))
		}
		out, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: map[string]types.AttributeValue{
			dynamo.PartitionKey: &types.AttributeValueMemberS{Value: "FLOWLIMIT#caller-a"},
			dynamo.SortKey:      &types.AttributeValueMemberS{Value: "M#2026-11-28T09:30"},
		}})
		if err != nil {
			t.Fatal(err)
		}
		exp, _ := out.Item[dynamo.TTLAttribute].(*types.AttributeValueMemberN)
		if want := strconv.FormatInt(m.Add(time.Hour).Unix(), 10); exp == nil || exp.Value != want {
			t.Errorf("counter expires_at = %v, want %s (an hour after its minute)", out.Item[dynamo.TTLAttribute], want)
		}
	})

	t.Run("concurrent takes never pass the limit", func(t *testing.T) {
		// 24 requests of 100 events at once against a limit of 600, released together.
		m := t0.Add(45 * time.Minute)
		const requests = 24
		var (
			taken atomic.Int64
			errs  = make(chan error, requests)
		)
		barrier.Run(requests, func(int) {
			ok, err := s.Take(ctx, "caller-burst", m, 100, 600)
			if err != nil {
				errs <- err
				return
			}
			if ok {
				taken.Add(1)
			}
		})
		close(errs)
		for err := range errs {
			t.Errorf("Take: %v", err)
		}
		if got := taken.Load(); got != 6 {
			t.Errorf("%d of %d concurrent takes of 100 succeeded, want exactly 6 (600)", got, requests)
		}
		if got, err := s.Taken(ctx, "caller-burst", m); err != nil || got != 600 {
			t.Errorf("Taken = %d, %v; want 600", got, err)
		}
	})

	runAlertPages(t, db, table)
}
