package bucketing

import (
	"fmt"
	"testing"
)

// GrowthBook's published hash vectors (packages/sdk-js/test/cases.json, "hash", version 2).
func TestBucketReproducesGrowthBookV2Vectors(t *testing.T) {
	for _, tt := range []struct {
		seed, id string
		want     float64
	}{
		{"seed", "a", 0.0505},
		{"seed", "b", 0.2696},
		{"foo", "ab", 0.2575},
		{"foo", "def", 0.2019},
		{"89123klj", "8952klfjas09ujkasdf", 0.124},
		{"90850943850283058242805", "123", 0.7516},
		{"()**(%$##$%#$#", "___)((*\":&", 0.0128},
	} {
		if got := Bucket(tt.seed, tt.id); got != tt.want {
			t.Errorf("Bucket(%q, %q) = %v, want %v", tt.seed, tt.id, got, tt.want)
		}
	}
}

// The FNV-1a vectors of draft-eastlake-fnv, over ASCII, where UTF-16 units are bytes.
func TestFNV32aVectors(t *testing.T) {
	for in, want := range map[string]uint32{"": 0x811c9dc5, "a": 0xe40c292c, "foobar": 0xbf9cf968} {
		if got := FNV32a(in); got != want {
			t.Errorf("FNV32a(%q) = %#x, want %#x", in, got, want)
		}
	}
	// A character outside the BMP is two UTF-16 units, as JavaScript's charCodeAt sees it.
	want := uint32(0x811c9dc5)
	for _, u := range []uint32{0xD83D, 0xDE00} {
		want = (want ^ u) * 16777619
	}
	if got := FNV32a("\U0001F600"); got != want {
		t.Errorf("FNV32a(U+1F600) = %#x, want %#x (over its surrogate pair)", got, want)
	}
}

func TestInTakesAboutItsShareAndZeroTakesNobody(t *testing.T) {
	in := 0
	for i := range 20000 {
		u := fmt.Sprintf("user-%d", i)
		if In("seed", u, 0) {
			t.Fatalf("%s in a 0%% share", u)
		}
		if In("seed", u, 0.05) {
			in++
		}
	}
	if in < 850 || in > 1150 {
		t.Errorf("%d of 20000 in a 5%% share, want about 1000", in)
	}
}
