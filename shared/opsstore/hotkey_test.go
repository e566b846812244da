package opsstore_test

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/lucian-app/phase12/shared/clock"
	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/flowmetrics"
	"github.com/lucian-app/phase12/shared/httpapi/httpapitest"
	"github.com/lucian-app/phase12/shared/opsstore"
	"github.com/lucian-app/phase12/shared/opsstore/opsstoretest"
	"github.com/lucian-app/phase12/shared/slo"
)

// maxWritesPerItemPerSecond is what the hot-key simulation allows one item (and one
// partition key) in any second: a few hundred, under half the roughly 1,000 writes a second
// at which DynamoDB throttles an item or a partition. With 32 shards the mean is 10,000/32 =
// 312; the busiest second is higher because a stable hash does not split 10,000 users into
// 32 equal groups and users do not send evenly within a minute (arrivals are random here).
const maxWritesPerItemPerSecond = 450

// writeCounter is a DynamoDB that only counts: per item (partition and sort key) and per
// second of the simulated clock at the time of the write (writeTime), the UpdateItem calls
// it received.
type writeCounter struct {
	dynamo.API           // nil: any other call panics
	origin     time.Time // second 0

	mu     sync.Mutex
	counts map[string]map[string][]int // partition key -> sort key -> writes in each second
	calls  int
}

// writeTimeKey carries the simulated time of a write in its context, so that simulated
// requests can run on several goroutines, each with its own clock.
type writeTimeKey struct{}

func (c *writeCounter) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	pk := in.Key[dynamo.PartitionKey].(*types.AttributeValueMemberS).Value
	sk := in.Key[dynamo.SortKey].(*types.AttributeValueMemberS).Value
	second := int(ctx.Value(writeTimeKey{}).(time.Time).Sub(c.origin) / time.Second)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	if c.counts[pk] == nil {
		c.counts[pk] = map[string][]int{}
	}
	perSecond := c.counts[pk][sk]
	for len(perSecond) <= second {
		perSecond = append(perSecond, 0)
	}
	perSecond[second]++
	c.counts[pk][sk] = perSecond
	return &dynamodb.UpdateItemOutput{}, nil
}

// busiest is the most writes one item, and one partition key (all its items together), took
// in one second, and where.
func (c *writeCounter) busiest() (item, partition int, itemKey, partitionKey string, items int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for pk, bySK := range c.counts {
		var inPartition []int
		for sk, perSecond := range bySK {
			items++
			for s, n := range perSecond {
				if n > item {
					item, itemKey = n, fmt.Sprintf("%s %s in second %d", pk, sk, s)
				}
				for len(inPartition) <= s {
					inPartition = append(inPartition, 0)
				}
				inPartition[s] += n
			}
		}
		for s, n := range inPartition {
			if n > partition {
				partition, partitionKey = n, fmt.Sprintf("%s in second %d", pk, s)
			}
		}
	}
	return item, partition, itemKey, partitionKey, items
}

// discard is a ResponseWriter that keeps nothing (600,000 recorders would be most of the
// simulation's time).
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

// userIDs are n Cognito-like subs (random UUIDs), the same for a seed.
func userIDs(rng *rand.Rand, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", rng.Uint32(), rng.IntN(1<<16), rng.IntN(1<<12),
			0x8000|rng.IntN(1<<14), rng.Uint64()&(1<<48-1))
	}
	return out
}

// simulate serves perSecond requests a second for one minute from start to GET
// /tasks/today through the Observer that TasksFunction wraps its handler in, each by a user
// drawn at random from users, arrivals spread evenly over each second, and each request
// taking a log-normal latency (median 120 ms, one in 1,000 a 503) on the clock before the
// Observer records it into w. The seconds are shared out among workers goroutines, each
// with its own clock; a write's context carries that clock's time (writeTimeKey). It
// returns the events recorded, summed per bucket as one unsharded item would hold them.
func simulate(t testing.TB, w flowmetrics.Writer, start time.Time, users []string, perSecond, workers int, seed uint64) map[bucketID]flowmetrics.Bucket {
	t.Helper()
	cat, err := slo.Default()
	if err != nil {
		t.Fatal(err)
	}
	requests := make([]*http.Request, len(users))
	for i, u := range users {
		requests[i] = httpapitest.NewRequest(http.MethodGet, "/tasks/today", nil, httpapitest.Claims(u))
	}
	sums := &summingWriter{next: w, sums: map[bucketID]flowmetrics.Bucket{}}
	gap := time.Second / time.Duration(perSecond)
	var wg sync.WaitGroup
	for worker := range workers {
		wg.Go(func() {
			clk := clock.NewManual(start)
			rng := rand.New(rand.NewPCG(seed, uint64(worker)))
			var latency time.Duration
			handler := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				clk.Add(latency)
				if rng.IntN(1000) == 0 {
					w.WriteHeader(http.StatusServiceUnavailable)
				}
			})
			h := (&flowmetrics.Observer{Catalog: cat, Writer: stamped{sums, clk.Now}, Now: clk.Now,
				Log: slog.New(slog.DiscardHandler), Routes: map[string]string{"GET /tasks/today": "today_load"}}).Wrap(handler)
			rw := &discard{h: http.Header{}}
			for second := worker; second < 60; second += workers {
				for i := range perSecond {
					clk.Set(start.Add(time.Duration(second)*time.Second + time.Duration(i)*gap))
					latency = time.Duration(math.Min(120*math.Exp(0.7*rng.NormFloat64()), 5000) * float64(time.Millisecond))
					h.ServeHTTP(rw, requests[rng.IntN(len(requests))])
				}
			}
		})
	}
	wg.Wait()
	return sums.sums
}

// stamped puts the clock's time into the context of each write (writeTimeKey).
type stamped struct {
	next flowmetrics.Writer
	now  func() time.Time
}

func (s stamped) Add(ctx context.Context, ds []flowmetrics.Delta) error {
	return s.next.Add(context.WithValue(ctx, writeTimeKey{}, s.now()), ds)
}

// bucketID names a bucket whatever its shards.
type bucketID struct {
	flow  string
	res   flowmetrics.Resolution
	start int64
}

func idOf(flow string, res flowmetrics.Resolution, start time.Time) bucketID {
	return bucketID{flow, res, start.Unix()}
}

// summingWriter passes deltas on and sums them per bucket, whatever their caller.
type summingWriter struct {
	next flowmetrics.Writer
	mu   sync.Mutex
	sums map[bucketID]flowmetrics.Bucket
}

func (s *summingWriter) Add(ctx context.Context, ds []flowmetrics.Delta) error {
	s.mu.Lock()
	for _, d := range ds {
		k := idOf(d.Flow, d.Resolution, d.Start)
		b := s.sums[k]
		b.Add(d.Bucket)
		s.sums[k] = b
	}
	s.mu.Unlock()
	return s.next.Add(ctx, ds)
}

// hotKeyResult is what one simulated minute did to the store's items.
type hotKeyResult struct {
	events, calls, items  int
	item, partition       int // the most writes one item, one partition key took in a second
	itemKey, partitionKey string
}

// hotKeyMinute runs one minute of today_load at 10,000 requests a second from 10,000 users
// (600,000 events) into a store of shards shards over a DynamoDB that counts writes.
func hotKeyMinute(t testing.TB, shards int) hotKeyResult {
	const users, perSecond = 10_000, 10_000
	start := time.Date(2026, 11, 28, 9, 25, 0, 0, time.UTC)
	db := &writeCounter{origin: start, counts: map[string]map[string][]int{}}
	store := opsstore.New(db, dynamotest.OpsTable)
	store.Shards = shards
	sums := simulate(t, store, start, userIDs(rand.New(rand.NewPCG(2026, 11)), users), perSecond, 4, 1)
	r := hotKeyResult{events: int(sums[idOf("today_load", flowmetrics.Day, flowmetrics.Day.Start(start))].Total), calls: db.calls}
	r.item, r.partition, r.itemKey, r.partitionKey, r.items = db.busiest()
	return r
}

// TestHotKeySimulation: one minute of today_load at 10,000 requests a second from 10,000
// users (600,000 events), measured as TasksFunction measures them (the Observer, one event
// and three bucket updates per request), into a store with the default 32 shards over a
// DynamoDB that counts the writes each item takes in each second of the simulated clock. No
// item and no partition key takes more than maxWritesPerItemPerSecond writes in any second;
// the unsharded layout put all 10,000 a second on each of three items. The writes are all
// there: 3 per event, into the 32 shards of one minute, one hour and one day bucket.
func TestHotKeySimulation(t *testing.T) {
	r := hotKeyMinute(t, opsstore.DefaultShards)
	if r.events != 600_000 || r.calls != 3*600_000 {
		t.Fatalf("%d events and %d UpdateItem calls, want 600000 events and 3 calls each", r.events, r.calls)
	}
	if want := 3 * opsstore.DefaultShards; r.items != want {
		t.Errorf("%d items written, want %d (the %d shards of the minute, the hour and the day)", r.items, want, opsstore.DefaultShards)
	}
	if r.item > maxWritesPerItemPerSecond {
		t.Errorf("busiest item took %d writes in one second (%s), want at most %d", r.item, r.itemKey, maxWritesPerItemPerSecond)
	}
	if r.partition > maxWritesPerItemPerSecond {
		t.Errorf("busiest partition key took %d writes in one second (%s), want at most %d", r.partition, r.partitionKey, maxWritesPerItemPerSecond)
	}
	t.Logf("600,000 events over %d shards: %d items; most writes in one second: %d on an item (%s), %d on a partition key (%s); mean %d",
		opsstore.DefaultShards, r.items, r.item, r.itemKey, r.partition, r.partitionKey, 10_000/opsstore.DefaultShards)
}

// BenchmarkHotKeyMinute reports the busiest item's writes in one second of the simulated
// minute at several shard counts (the time is the simulation's, not a measurement of
// anything deployed): go test -run '^$' -bench HotKeyMinute -benchtime 1x ./shared/opsstore/
func BenchmarkHotKeyMinute(b *testing.B) {
	for _, shards := range []int{0, 16, 32, 64} {
		b.Run(fmt.Sprintf("shards=%d", shards), func(b *testing.B) {
			var r hotKeyResult
			for b.Loop() {
				r = hotKeyMinute(b, shards)
			}
			b.ReportMetric(float64(r.item), "max-writes/item/s")
			b.ReportMetric(float64(r.partition), "max-writes/partition/s")
			b.ReportMetric(float64(r.items), "items")
		})
	}
}

// TestShardedBucketsReadBackAsTheirSum: the simulation at a scale the embedded DynamoDB
// holds (one minute at 50 requests a second from 300 users, 32 shards) reads back, bucket by
// bucket and window by window, exactly what the events add up to: every count and every
// sketch counter, so quantiles are those of one unsharded item. Each bucket read is one
// Query per shard and shard 0 (33), and returns one item per shard that was written.
func TestShardedBucketsReadBackAsTheirSum(t *testing.T) {
	start := time.Date(2026, 11, 28, 9, 25, 0, 0, time.UTC)
	items := opsstoretest.CountItems(dynamotest.New(t))
	calls := dynamotest.Count(items)
	store := opsstore.New(calls, dynamotest.OpsTable)
	store.Shards = opsstore.DefaultShards
	users := userIDs(rand.New(rand.NewPCG(5, 6)), 300)
	sums := simulate(t, stamped{store, time.Now}, start, users, 50, 1, 2)

	used := map[int]bool{}
	for _, u := range users {
		used[store.Shard(u)] = true
	}
	ctx := context.Background()
	for _, res := range []flowmetrics.Resolution{flowmetrics.Minute, flowmetrics.Hour, flowmetrics.Day} {
		calls.Reset()
		items.Reset()
		pts, err := store.Buckets(ctx, "today_load", res, res.Start(start), res.Start(start))
		if err != nil {
			t.Fatal(err)
		}
		want := sums[idOf("today_load", res, res.Start(start))]
		if len(pts) != 1 || !reflect.DeepEqual(pts[0].Bucket, want) {
			t.Fatalf("%s bucket read back as %+v, want the sum of its events %+v", res, pts, want)
		}
		if got := calls.Calls("Query"); got != store.ItemsPerBucket() {
			t.Errorf("%s: %d Queries, want %d (one per shard and shard 0)", res, got, store.ItemsPerBucket())
		}
		// 300 users drawn 3,000 times touch every shard they hash to; each holds one item.
		if got := items.Items(); got != len(used) {
			t.Errorf("%s: %d items read, want %d (one per shard written)", res, got, len(used))
		}
	}
	w, err := flowmetrics.Read(ctx, store, flowmetrics.Query{Flow: "today_load", Now: start.Add(90 * time.Second),
		Windows: []time.Duration{5 * time.Minute, time.Hour, 6 * time.Hour}, Budget: 30 * 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	want := sums[idOf("today_load", flowmetrics.Minute, start)]
	for _, d := range []time.Duration{5 * time.Minute, time.Hour, 6 * time.Hour} {
		if got := w.Span(d); !reflect.DeepEqual(got, want) {
			t.Errorf("%v window = %+v, want %+v", d, got, want)
		}
	}
	if !reflect.DeepEqual(w.Budget, want) {
		t.Errorf("budget = %+v, want %+v", w.Budget, want)
	}
	q := flowmetrics.QuantilesOf(want.Sketch())
	if got := flowmetrics.QuantilesOf(w.Span(time.Hour).Sketch()); !reflect.DeepEqual(got, q) {
		t.Errorf("quantiles from the shards = %v, want those of the events %v", got, q)
	}
	t.Logf("%d events over %d shards read back exactly (p50 %.1f ms, p95 %.1f ms, p99 %.1f ms)", want.Total, len(used), *q.P50, *q.P95, *q.P99)
}
