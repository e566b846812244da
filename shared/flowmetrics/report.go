package flowmetrics

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Reporter writes a server flow's reports behind the requests they measure, so that
// reporting never adds to a request's latency, and sheds them while OpsTable is slow:
// one writer goroutine per warm instance takes reports from a bounded queue and writes
// each with its own deadline, through OpsTable's circuit breaker (wired in shared/wiring).
// While OpsTable is slow the queue fills and further reports are dropped at once; while
// the breaker is open each write fails at once and its report is dropped. Dropped reports
// are counted (Shed) and logged once a minute at most, never retried: a flow's counts may
// miss the events of an OpsTable outage, never delay a user.
//
// In Lambda the writer runs while the instance is thawed (during later invocations); a
// report still queued when an instance is shut down is lost, like a shed one.
type Reporter struct {
	Writer Writer
	// Timeout bounds each write (DefaultReportTimeout when 0).
	Timeout time.Duration
	// Queue is how many reports may wait (DefaultReportQueue when 0).
	Queue int
	Log   *slog.Logger

	once    sync.Once
	ch      chan []Delta
	pending sync.WaitGroup
	shed    atomic.Uint64
	written atomic.Uint64
	lastLog atomic.Int64
}

// Reporter defaults: a write that takes a second is OpsTable being slow; 256 queued reports
// are a few seconds of a busy instance.
const (
	DefaultReportTimeout = time.Second
	DefaultReportQueue   = 256
)

func (r *Reporter) start() {
	r.once.Do(func() {
		n := r.Queue
		if n <= 0 {
			n = DefaultReportQueue
		}
		r.ch = make(chan []Delta, n)
		go r.run()
	})
}

// Report queues deltas and returns at once; a full queue drops them.
func (r *Reporter) Report(deltas []Delta) {
	r.start()
	r.pending.Add(1)
	select {
	case r.ch <- deltas:
	default:
		r.pending.Done()
		r.dropped("queue full: OpsTable is slow")
	}
}

func (r *Reporter) run() {
	timeout := r.Timeout
	if timeout <= 0 {
		timeout = DefaultReportTimeout
	}
	for deltas := range r.ch {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		err := r.Writer.Add(ctx, deltas)
		cancel()
		if err != nil {
			r.dropped(err.Error())
		} else {
			r.written.Add(1)
		}
		r.pending.Done()
	}
}

func (r *Reporter) dropped(why string) {
	n := r.shed.Add(1)
	now := time.Now().Unix()
	if last := r.lastLog.Load(); now-last >= 60 && r.lastLog.CompareAndSwap(last, now) && r.Log != nil {
		r.Log.Warn("flow metrics: reports shed", "shed_total", n, "why", why)
	}
}

// Flush waits until every queued report is written or dropped, or ctx ends.
func (r *Reporter) Flush(ctx context.Context) error {
	done := make(chan struct{})
	go func() { r.pending.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Shed is how many reports were dropped; Written how many were written.
func (r *Reporter) Shed() uint64    { return r.shed.Load() }
func (r *Reporter) Written() uint64 { return r.written.Load() }
