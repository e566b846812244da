package barrier

import (
	"sync"
	"sync/atomic"
	"testing"
)

// TestRunCallsEveryIndexOnce: n calls, one per index.
func TestRunCallsEveryIndexOnce(t *testing.T) {
	const n = 32
	var inside atomic.Int64
	var mu sync.Mutex
	seen := map[int]int{}
	Run(n, func(i int) {
		inside.Add(1)
		mu.Lock()
		seen[i]++
		mu.Unlock()
	})
	if inside.Load() != n || len(seen) != n {
		t.Fatalf("%d calls over %d indexes, want %d over %d", inside.Load(), len(seen), n, n)
	}
	for i, c := range seen {
		if c != 1 || i < 0 || i >= n {
			t.Errorf("index %d ran %d times", i, c)
		}
	}
}

// TestRunOverlapsAllItsCalls: every call waits until all n have arrived, so Run returns
// only if the n calls are in flight at the same time (sequential calls would hang).
func TestRunOverlapsAllItsCalls(t *testing.T) {
	const n = 16
	var arrived sync.WaitGroup
	arrived.Add(n)
	Run(n, func(int) { arrived.Done(); arrived.Wait() })
}

// TestTogetherOverlapsItsCalls: two calls that each wait for the other to arrive finish
// only if they run at the same time; run one after the other they would deadlock.
func TestTogetherOverlapsItsCalls(t *testing.T) {
	var arrived sync.WaitGroup
	arrived.Add(2)
	meet := func() { arrived.Done(); arrived.Wait() }
	Together(meet, meet)
}
