package sketch

import (
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

// exactQuantile is the nearest-rank quantile that Quantile estimates.
func exactQuantile(samples []float64, q float64) float64 {
	sorted := slices.Clone(samples)
	slices.Sort(sorted)
	rank := max(int(math.Ceil(q*float64(len(sorted)))), 1)
	return sorted[rank-1]
}

func uniform(n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = float64(i + 1)
	}
	return out
}

func lognormal(n int) []float64 {
	r := rand.New(rand.NewPCG(12, 34))
	out := make([]float64, n)
	for i := range out {
		out[i] = math.Exp(math.Log(300) + 0.8*r.NormFloat64()) // median 300 ms, long right tail
	}
	return out
}

func constant(n int, v float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func sketchOf(samples []float64) *Sketch {
	var s Sketch
	for _, v := range samples {
		s.Add(v)
	}
	return &s
}

func TestQuantileWithinRelativeAccuracy(t *testing.T) {
	datasets := []struct {
		name    string
		samples []float64
	}{
		{"uniform 1..10000", uniform(10000)},
		{"lognormal", lognormal(20000)},
		{"constant", constant(1000, 742)},
		{"single value", []float64{1234.5}},
		{"two values", []float64{10, 5000}},
	}
	// A hair over the bound: a value on a bucket boundary may land in the neighbouring
	// bucket through rounding of the logarithm.
	const tolerance = RelativeAccuracy + 1e-9
	for _, d := range datasets {
		s := sketchOf(d.samples)
		if got, want := s.Count(), uint64(len(d.samples)); got != want {
			t.Errorf("%s: Count() = %d, want %d", d.name, got, want)
		}
		for _, q := range []float64{0, 0.5, 0.95, 0.99, 1} {
			got, want := s.Quantile(q), exactQuantile(d.samples, q)
			if relErr := math.Abs(got-want) / want; relErr > tolerance {
				t.Errorf("%s: Quantile(%v) = %v, want %v within %v (relative error %.4f)", d.name, q, got, want, RelativeAccuracy, relErr)
			}
		}
	}
}

func TestQuantileEdges(t *testing.T) {
	s := sketchOf([]float64{0, 0, 100, 100, 1000})
	tests := []struct {
		name string
		s    *Sketch
		q    float64
		want float64
	}{
		{"empty", &Sketch{}, 0.5, 0},
		{"rank in zero bucket", s, 0.4, 0},
		{"rank just past zero bucket", s, 0.41, value(index(100))},
		{"max", s, 1, value(index(1000))},
		{"q above one is clamped", s, 2, value(index(1000))},
		{"q below zero is clamped", s, -1, 0},
		{"NaN q reads as zero", s, math.NaN(), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.s.Quantile(tt.q); got != tt.want {
				t.Errorf("Quantile(%v) = %v, want %v", tt.q, got, tt.want)
			}
		})
	}
}

func TestMergeOfHalvesEqualsWhole(t *testing.T) {
	samples := append(lognormal(5000), 0, 0.5, 2e9)
	whole := sketchOf(samples)
	first, second := sketchOf(samples[:len(samples)/2]), sketchOf(samples[len(samples)/2:])
	first.Merge(second)
	first.Merge(nil)
	if got, want := first.Count(), whole.Count(); got != want {
		t.Errorf("merged Count() = %d, want %d", got, want)
	}
	if got, want := first.Counts(), whole.Counts(); !maps.Equal(got, want) {
		t.Errorf("merged Counts() = %v, want %v", got, want)
	}
	for _, q := range []float64{0.5, 0.95, 0.99} {
		if got, want := first.Quantile(q), whole.Quantile(q); got != want {
			t.Errorf("merged Quantile(%v) = %v, want %v", q, got, want)
		}
	}
}

func TestRebuildFromCounts(t *testing.T) {
	orig := sketchOf(append(uniform(3000), 0, -3))
	var rebuilt Sketch
	for key, n := range orig.Counts() {
		if err := rebuilt.AddCount(key, n); err != nil {
			t.Fatalf("AddCount(%q, %d) error: %v", key, n, err)
		}
	}
	if got, want := rebuilt.Counts(), orig.Counts(); !maps.Equal(got, want) {
		t.Errorf("rebuilt Counts() = %v, want %v", got, want)
	}
	if got, want := rebuilt.Quantile(0.95), orig.Quantile(0.95); got != want {
		t.Errorf("rebuilt Quantile(0.95) = %v, want %v", got, want)
	}
}

func TestAddCountRejectsBadKeys(t *testing.T) {
	var s Sketch
	for _, key := range []string{"", "b", "x1", "b-1", "b01"} {
		if err := s.AddCount(key, 5); err == nil {
			t.Errorf("AddCount(%q) error = nil, want one", key)
		}
	}
	if err := s.AddCount("b10", 0); err != nil {
		t.Errorf("AddCount(b10, 0) error: %v", err)
	}
	if got := s.Count(); got != 0 {
		t.Errorf("Count() after rejected and empty adds = %d, want 0", got)
	}
	if got := len(s.Counts()); got != 0 {
		t.Errorf("len(Counts()) = %d, want 0", got)
	}
}

func TestZeroAndHugeValues(t *testing.T) {
	maxKey := Key(MaxMs)
	tests := []struct {
		name     string
		ms       float64
		wantKey  string
		wantP100 float64 // Quantile(1) of a sketch holding only this value
	}{
		{"zero", 0, ZeroKey, 0},
		{"negative", -12, ZeroKey, 0},
		{"NaN", math.NaN(), ZeroKey, 0},
		{"sub-millisecond", 0.999, ZeroKey, 0},
		{"one millisecond", 1, "b0", value(0)},
		{"max", MaxMs, maxKey, value(maxIndex)},
		{"over max is clamped", 1e12, maxKey, value(maxIndex)},
		{"infinity is clamped", math.Inf(1), maxKey, value(maxIndex)},
		{"largest float is clamped", math.MaxFloat64, maxKey, value(maxIndex)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Key(tt.ms); got != tt.wantKey {
				t.Errorf("Key(%v) = %q, want %q", tt.ms, got, tt.wantKey)
			}
			s := sketchOf([]float64{tt.ms})
			if got := s.Quantile(1); got != tt.wantP100 {
				t.Errorf("Quantile(1) = %v, want %v", got, tt.wantP100)
			}
		})
	}
	if got := math.Abs(value(maxIndex)-MaxMs) / MaxMs; got > RelativeAccuracy {
		t.Errorf("MaxMs reads back with relative error %v, want <= %v", got, RelativeAccuracy)
	}
}

func TestConstants(t *testing.T) {
	if got, want := logGamma, math.Log(gamma); math.Abs(got-want) > 1e-15 {
		t.Errorf("logGamma = %v, want math.Log(gamma) = %v", got, want)
	}
	if got, want := maxIndex, int(math.Ceil(math.Log(MaxMs)/math.Log(gamma))); got != want {
		t.Errorf("maxIndex = %d, want %d", got, want)
	}
}

func TestKeyParseKeyRoundTrip(t *testing.T) {
	for _, ms := range []float64{0, 1, 1.5, 7, 99.9, 250, 600, 1500, 12345.6, 3.6e6, MaxMs} {
		key := Key(ms)
		i, ok := ParseKey(key)
		if !ok {
			t.Errorf("ParseKey(Key(%v) = %q) not ok", ms, key)
			continue
		}
		if got := indexKey(i); got != key {
			t.Errorf("indexKey(ParseKey(%q)) = %q, want %q", key, got, key)
		}
		// Bucket 0 holds only exactly MinMs, so its estimate (just under MinMs) is not in it.
		if got := Key(value(i)); i > 0 && got != key {
			t.Errorf("Key(value of %q) = %q, want the same bucket", key, got)
		}
	}
}

func TestParseKey(t *testing.T) {
	tests := []struct {
		key    string
		want   int
		wantOK bool
	}{
		{"z", ZeroIndex, true},
		{"b0", 0, true},
		{"b345", 345, true},
		{"b" + strconv.Itoa(maxIndex), maxIndex, true},
		{"b" + strconv.Itoa(maxIndex+1), 0, false},
		{"", 0, false},
		{"b", 0, false},
		{"z1", 0, false},
		{"B12", 0, false},
		{"12", 0, false},
		{"b012", 0, false},
		{"b-1", 0, false},
		{"b+1", 0, false},
		{"b 1", 0, false},
		{"b1.5", 0, false},
		{"b99999999999999999999999", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			got, ok := ParseKey(tt.key)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("ParseKey(%q) = %d, %v, want %d, %v", tt.key, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

// TestKeysStayFew guards the DynamoDB item size: however wild the reported latencies, a
// sketch never holds more than maxIndex+2 keys.
func TestKeysStayFew(t *testing.T) {
	var s Sketch
	s.Add(MinMs) // the sweep below steps over it, and it is the only value of bucket 0
	for ms := 0.25; ms < 1e15; ms *= 1.001 {
		s.Add(ms)
	}
	if got, want := len(s.Counts()), maxIndex+2; got != want {
		t.Errorf("len(Counts()) = %d, want %d (every bucket from zero to MaxMs)", got, want)
	}
}

func BenchmarkAdd(b *testing.B) {
	samples := lognormal(4096)
	var s Sketch
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		s.Add(samples[i%len(samples)])
	}
}
