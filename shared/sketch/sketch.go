package sketch

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

const (
	// RelativeAccuracy bounds |estimate - exact| / exact for every quantile above MinMs.
	RelativeAccuracy = 0.01
	// MinMs is the smallest value with a bucket of its own; smaller values read back as 0.
	MinMs = 1.0
	// MaxMs (24 h) is the largest value kept; larger values are clamped to it.
	MaxMs = 24 * 60 * 60 * 1000.0

	// ZeroKey is the key of the bucket for values below MinMs.
	ZeroKey = "z"
	// ZeroIndex is what ParseKey returns for ZeroKey; other buckets have indexes >= 0.
	ZeroIndex = -1

	gamma = (1 + RelativeAccuracy) / (1 - RelativeAccuracy)
	// logGamma is math.Log(gamma) (= 2*atanh(RelativeAccuracy)), kept constant so that Add
	// takes one logarithm, not two.
	logGamma = 0.0200006667066695
	// keyPrefix starts every non-zero bucket key so that a key is never a bare number.
	keyPrefix = "b"
)

// maxIndex is index(MaxMs) (a test checks it); ParseKey refuses anything above it.
const maxIndex = 914

// Sketch counts values in logarithmic buckets. The zero value is an empty sketch ready to use.
// A Sketch is not safe for concurrent use.
type Sketch struct {
	buckets map[int]uint64 // bucket index -> count, for values >= MinMs
	zero    uint64         // values below MinMs
	count   uint64
}

// index maps a value to its bucket: bucket i holds (gamma^(i-1), gamma^i].
func index(ms float64) int {
	if !(ms >= MinMs) { // also NaN
		return ZeroIndex
	}
	ms = min(ms, MaxMs)
	return int(math.Ceil(math.Log(ms) / logGamma))
}

// value is the estimate for bucket i, chosen so that every value in the bucket is within
// RelativeAccuracy of it.
func value(i int) float64 {
	if i == ZeroIndex {
		return 0
	}
	return 2 * math.Pow(gamma, float64(i)) / (gamma + 1)
}

func indexKey(i int) string {
	if i == ZeroIndex {
		return ZeroKey
	}
	return keyPrefix + strconv.Itoa(i)
}

// Key is the bucket key that a value of ms milliseconds is counted under.
func Key(ms float64) string {
	return indexKey(index(ms))
}

// ParseKey returns the bucket index of a key made by Key. It accepts only the exact form
// Key produces, so a stored map cannot hold two spellings of one bucket.
func ParseKey(key string) (int, bool) {
	if key == ZeroKey {
		return ZeroIndex, true
	}
	digits, ok := strings.CutPrefix(key, keyPrefix)
	if !ok || digits == "" || (digits[0] == '0' && len(digits) > 1) || digits[0] < '0' || digits[0] > '9' {
		return 0, false
	}
	i, err := strconv.Atoi(digits)
	if err != nil || i > maxIndex {
		return 0, false
	}
	return i, true
}

// Add counts one value, in milliseconds.
func (s *Sketch) Add(ms float64) {
	s.addIndex(index(ms), 1)
}

// AddCount adds n values to the bucket with the given key, as read back from storage.
func (s *Sketch) AddCount(key string, n uint64) error {
	i, ok := ParseKey(key)
	if !ok {
		return fmt.Errorf("sketch: invalid bucket key %q", key)
	}
	s.addIndex(i, n)
	return nil
}

func (s *Sketch) addIndex(i int, n uint64) {
	if n == 0 {
		return
	}
	s.count += n
	if i == ZeroIndex {
		s.zero += n
		return
	}
	if s.buckets == nil {
		s.buckets = make(map[int]uint64)
	}
	s.buckets[i] += n
}

// Merge adds other's counts to s, as if s had seen other's values too.
func (s *Sketch) Merge(other *Sketch) {
	if other == nil {
		return
	}
	s.addIndex(ZeroIndex, other.zero)
	for i, n := range other.buckets {
		s.addIndex(i, n)
	}
}

// Count is the number of values added.
func (s *Sketch) Count() uint64 {
	return s.count
}

// Quantile estimates the nearest-rank q-quantile in milliseconds: the value at rank
// ceil(q*Count()). q is clamped to [0, 1]; an empty sketch gives 0.
func (s *Sketch) Quantile(q float64) float64 {
	if s.count == 0 {
		return 0
	}
	if !(q > 0) {
		q = 0
	}
	rank := max(uint64(math.Ceil(min(q, 1)*float64(s.count))), 1)
	seen := s.zero
	if rank <= seen {
		return 0
	}
	indexes := make([]int, 0, len(s.buckets))
	for i := range s.buckets {
		indexes = append(indexes, i)
	}
	slices.Sort(indexes)
	for _, i := range indexes {
		seen += s.buckets[i]
		if rank <= seen {
			return value(i)
		}
	}
	return value(indexes[len(indexes)-1]) // unreachable while count is the sum of buckets
}

// Counts returns the non-empty buckets by key, the shape stored in DynamoDB.
func (s *Sketch) Counts() map[string]uint64 {
	out := make(map[string]uint64, len(s.buckets)+1)
	if s.zero > 0 {
		out[ZeroKey] = s.zero
	}
	for i, n := range s.buckets {
		out[indexKey(i)] = n
	}
	return out
}
