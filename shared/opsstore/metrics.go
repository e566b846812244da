package opsstore

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/flowmetrics"
)

const (
	flowPrefix    = "FLOW#"
	attrTotal     = "total"
	goodPrefix    = "g_"
	latencyPrefix = "l_"
)

// Retention of each bucket resolution, counted from the bucket's start.
var retention = map[flowmetrics.Resolution]time.Duration{
	flowmetrics.Minute: 4 * 24 * time.Hour,
	flowmetrics.Hour:   35 * 24 * time.Hour,
	flowmetrics.Day:    400 * 24 * time.Hour,
}

var skFormat = map[flowmetrics.Resolution]struct{ prefix, layout string }{
	flowmetrics.Minute: {"M#", "2006-01-02T15:04"},
	flowmetrics.Hour:   {"H#", "2006-01-02T15"},
	flowmetrics.Day:    {"D#", "2006-01-02"},
}

// Bounds of Store.Shards.
const (
	// DefaultShards is the template's default (FlowBucketShards): 10,000 events a second
	// of one flow spread over 32 items per bucket are about 310 writes a second each.
	DefaultShards = 32
	// MaxShards bounds what a bucket read costs: one Query per shard.
	MaxShards = 256
)

// shards is the configured shard count, within [0, MaxShards].
func (s *Store) shards() int { return min(max(s.Shards, 0), MaxShards) }

// Shard is the shard caller's buckets are written to: 1 to Shards by a hash of the caller
// that every process computes alike (the first 8 bytes of its SHA-256), so one caller's
// events stay in one item of a bucket and callers spread evenly; 0 (the unsharded key)
// without a caller or without shards.
func (s *Store) Shard(caller string) int {
	n := s.shards()
	if caller == "" || n == 0 {
		return 0
	}
	h := sha256.Sum256([]byte(caller))
	return 1 + int(binary.BigEndian.Uint64(h[:8])%uint64(n))
}

// ItemsPerBucket is the most items one bucket is stored in, and so the Queries a read of a
// bucket range costs and the most items it returns per bucket: the Shards shards and
// shard 0.
func (s *Store) ItemsPerBucket() int { return s.shards() + 1 }

// bucketPK is the partition key of a flow's buckets of one resolution in one shard. Shard
// 0 is the key every bucket had before sharding, which holds all three resolutions; the
// others hold one resolution each, so that a partition key takes no more writes than one
// of its items.
func bucketPK(flow string, res flowmetrics.Resolution, shard int) string {
	if shard == 0 {
		return flowPrefix + flow
	}
	return flowPrefix + flow + "#" + skFormat[res].prefix + strconv.Itoa(shard)
}

func bucketKey(flow string, res flowmetrics.Resolution, shard int, start time.Time) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		dynamo.PartitionKey: &types.AttributeValueMemberS{Value: bucketPK(flow, res, shard)},
		dynamo.SortKey:      &types.AttributeValueMemberS{Value: bucketSK(res, start)},
	}
}

func bucketSK(res flowmetrics.Resolution, t time.Time) string {
	f := skFormat[res]
	return f.prefix + t.UTC().Format(f.layout)
}

// maxAddsPerUpdate keeps an update expression well under DynamoDB's 4 KB limit: a sketch
// of 500 events can have 500 keys, and each costs about 12 characters.
const maxAddsPerUpdate = 100

// writeConcurrency bounds the UpdateItem calls of one batch in flight at once.
const writeConcurrency = 8

// Add adds each delta to its bucket with UpdateItem ADD: no read, no condition. Buckets are
// written concurrently; the updates of one bucket (a wide sketch takes several) one after
// the other, so they never contend for the same item.
func (s *Store) Add(ctx context.Context, deltas []flowmetrics.Delta) error {
	sem := make(chan struct{}, writeConcurrency)
	errs := make([]error, len(deltas))
	var wg sync.WaitGroup
	for i, d := range deltas {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			for _, in := range s.bucketUpdates(d) {
				if _, err := s.DB.UpdateItem(ctx, in); err != nil {
					errs[i] = dynamo.Wrap(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// bucketUpdates splits one delta into updates of at most maxAddsPerUpdate counters.
func (s *Store) bucketUpdates(d flowmetrics.Delta) []*dynamodb.UpdateItemInput {
	counters := map[string]uint64{attrTotal: d.Total}
	for o, n := range d.Good {
		counters[goodPrefix+o] = n
	}
	for k, n := range d.Latency {
		counters[latencyPrefix+k] = n
	}
	names := slices.Sorted(maps.Keys(counters))
	start := d.Resolution.Start(d.Start)
	expires := strconv.FormatInt(start.Add(retention[d.Resolution]).Unix(), 10)
	var out []*dynamodb.UpdateItemInput
	for chunk := range slices.Chunk(names, maxAddsPerUpdate) {
		in := &dynamodb.UpdateItemInput{
			TableName:                 aws.String(s.Table),
			Key:                       bucketKey(d.Flow, d.Resolution, s.Shard(d.Caller), start),
			ExpressionAttributeNames:  map[string]string{"#exp": dynamo.TTLAttribute},
			ExpressionAttributeValues: map[string]types.AttributeValue{":exp": &types.AttributeValueMemberN{Value: expires}},
		}
		adds := make([]string, len(chunk))
		for i, name := range chunk {
			n, v := "#a"+strconv.Itoa(i), ":a"+strconv.Itoa(i)
			in.ExpressionAttributeNames[n] = name
			in.ExpressionAttributeValues[v] = &types.AttributeValueMemberN{Value: strconv.FormatUint(counters[name], 10)}
			adds[i] = n + " " + v
		}
		in.UpdateExpression = aws.String("ADD " + strings.Join(adds, ", ") + " SET #exp = :exp")
		out = append(out, in)
	}
	return out
}

// readConcurrency bounds the shard Queries of one Buckets call in flight at once.
const readConcurrency = 8

// Buckets reads the flow's buckets of one resolution with start in [from, to], each bucket
// summed over its shards: one Query per shard, shard 0 included, ItemsPerBucket in all,
// concurrently. A shard that holds none of the buckets costs its Query and no item.
func (s *Store) Buckets(ctx context.Context, flow string, res flowmetrics.Resolution, from, to time.Time) ([]flowmetrics.Point, error) {
	shards := s.ItemsPerBucket()
	parts := make([][]flowmetrics.Point, shards)
	errs := make([]error, shards)
	sem := make(chan struct{}, readConcurrency)
	var wg sync.WaitGroup
	for shard := range shards {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			parts[shard], errs[shard] = s.shardBuckets(ctx, bucketPK(flow, res, shard), res, from, to)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	at := map[int64]int{} // a bucket's index in out, by start
	var out []flowmetrics.Point
	for _, pts := range parts {
		for _, p := range pts {
			if i, ok := at[p.Start.Unix()]; ok {
				out[i].Add(p.Bucket)
				continue
			}
			at[p.Start.Unix()] = len(out)
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b flowmetrics.Point) int { return a.Start.Compare(b.Start) })
	return out, nil
}

// shardBuckets reads one shard's buckets of resolution res with start in [from, to].
func (s *Store) shardBuckets(ctx context.Context, pk string, res flowmetrics.Resolution, from, to time.Time) ([]flowmetrics.Point, error) {
	in := &dynamodb.QueryInput{
		TableName:              aws.String(s.Table),
		KeyConditionExpression: aws.String("#pk = :pk AND #sk BETWEEN :from AND :to"),
		ExpressionAttributeNames: map[string]string{
			"#pk": dynamo.PartitionKey, "#sk": dynamo.SortKey,
		},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk":   &types.AttributeValueMemberS{Value: pk},
			":from": &types.AttributeValueMemberS{Value: bucketSK(res, from)},
			":to":   &types.AttributeValueMemberS{Value: bucketSK(res, to)},
		},
	}
	var out []flowmetrics.Point
	err := dynamo.QueryAll(ctx, s.DB, in, func(item map[string]types.AttributeValue) error {
		p, err := pointOf(res, item)
		if err != nil {
			return err
		}
		out = append(out, p)
		return nil
	})
	return out, err
}

func pointOf(res flowmetrics.Resolution, item map[string]types.AttributeValue) (flowmetrics.Point, error) {
	var p flowmetrics.Point
	sk, _ := item[dynamo.SortKey].(*types.AttributeValueMemberS)
	if sk == nil {
		return p, fmt.Errorf("opsstore: bucket without a sort key")
	}
	f := skFormat[res]
	start, err := time.Parse(f.layout, strings.TrimPrefix(sk.Value, f.prefix))
	if err != nil {
		return p, fmt.Errorf("opsstore: bucket %q: %w", sk.Value, err)
	}
	p.Start = start
	for name, av := range item {
		num, ok := av.(*types.AttributeValueMemberN)
		if !ok {
			continue
		}
		switch {
		case name == attrTotal:
			p.Total = parseCount(num.Value)
		case strings.HasPrefix(name, goodPrefix):
			if p.Good == nil {
				p.Good = map[string]uint64{}
			}
			p.Good[strings.TrimPrefix(name, goodPrefix)] = parseCount(num.Value)
		case strings.HasPrefix(name, latencyPrefix):
			if p.Latency == nil {
				p.Latency = map[string]uint64{}
			}
			p.Latency[strings.TrimPrefix(name, latencyPrefix)] = parseCount(num.Value)
		}
	}
	return p, nil
}

// parseCount reads a counter; counters are only ever added to, so a value that is not a
// whole non-negative number cannot be one of ours and counts as zero.
func parseCount(s string) uint64 {
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0
	}
	return n
}
