package bucketing

import (
	"strconv"
	"unicode/utf16"
)

// FNV32a is FNV-1a over the UTF-16 code units of s, as GrowthBook's JavaScript SDK computes
// it (str.charCodeAt), so ids outside ASCII bucket as they do there.
func FNV32a(s string) uint32 {
	h := uint32(0x811c9dc5)
	unit := func(u uint32) {
		h ^= u
		h *= 16777619
	}
	for _, r := range s {
		if r < 0x10000 {
			unit(uint32(r))
			continue
		}
		hi, lo := utf16.EncodeRune(r)
		unit(uint32(hi))
		unit(uint32(lo))
	}
	return h
}

// Bucket is GrowthBook's hash version 2 of (seed, id): a number in [0, 1) with four
// decimals, FNV32a(FNV32a(seed+id) as a decimal string) mod 10000 / 10000. The same id
// always lands in the same bucket for one seed, and a ramp from 10% to 50% keeps every id
// of the first 10% (bucket < 0.1 implies bucket < 0.5).
func Bucket(seed, id string) float64 {
	inner := FNV32a(seed + id)
	return float64(FNV32a(strconv.FormatUint(uint64(inner), 10))%10000) / 10000
}

// In reports whether id falls in the first share (0 to 1) of seed's buckets: the half-open
// range [0, share), as GrowthBook's bucket ranges are.
func In(seed, id string, share float64) bool { return share > 0 && Bucket(seed, id) < share }
