package ids

import (
	"crypto/rand"
	"encoding/binary"
	"io"
	"sync"
	"time"
)

// Generator returns a new identifier on each call.
type Generator func() string

const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// New returns a Generator of 26-character, time-ordered identifiers
// (48 bits of milliseconds, 80 bits of randomness, Crockford base32),
// strictly increasing for one generator.
func New(now func() time.Time, random io.Reader) Generator {
	if random == nil {
		random = rand.Reader
	}
	var (
		mu      sync.Mutex
		last    [16]byte
		started bool
	)
	return func() string {
		var b [16]byte
		binary.BigEndian.PutUint64(b[0:8], uint64(now().UnixMilli())<<16)
		mu.Lock()
		defer mu.Unlock()
		if started && string(b[:6]) <= string(last[:6]) {
			// Same millisecond (or a clock that stepped back): count up
			// from the last id, so ids from one generator always sort in
			// the order they were made.
			b = last
			for i := 15; i >= 6; i-- {
				b[i]++
				if b[i] != 0 {
					break
				}
			}
		} else if _, err := io.ReadFull(random, b[6:]); err != nil {
			// crypto/rand does not fail on supported platforms; a custom
			// reader that runs dry still yields a time-ordered id.
			clear(b[6:])
		}
		last, started = b, true
		return encode(b)
	}
}

// Sequence returns a deterministic Generator for tests: prefix0001, prefix0002...
func Sequence(prefix string) Generator {
	var mu sync.Mutex
	n := 0
	return func() string {
		mu.Lock()
		defer mu.Unlock()
		n++
		return prefix + pad(n)
	}
}

func pad(n int) string {
	s := []byte("0000")
	for i := 3; i >= 0 && n > 0; i-- {
		s[i] = byte('0' + n%10)
		n /= 10
	}
	return string(s)
}

func encode(b [16]byte) string {
	hi := binary.BigEndian.Uint64(b[0:8])
	lo := binary.BigEndian.Uint64(b[8:16])
	out := make([]byte, 26)
	for i := 25; i >= 0; i-- {
		out[i] = crockford[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return string(out)
}
