// Package barrier starts calls at the same moment, for the tests of concurrency claims
// (exactly once, one winner in a race, caps under parallel requests).
//
// Every goroutine is started and parked on one channel before that channel is closed, so
// no call gets a head start while the others are still being scheduled; on a backend that
// runs calls at once (DynamoDB Local, the embedded store) they really overlap.
package barrier

import "sync"

// Run calls f(0) .. f(n-1) at once and returns when every call has returned.
func Run(n int, f func(i int)) {
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			ready.Done()
			<-start
			f(i)
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()
}

// Together calls each of fs at once and returns when every call has returned.
func Together(fs ...func()) {
	Run(len(fs), func(i int) { fs[i]() })
}
