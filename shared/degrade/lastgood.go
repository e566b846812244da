package degrade

import (
	"container/list"
	"context"
	"sync"
	"time"
)

// MaxStale is how old a last good answer may be and still be served degraded.
const MaxStale = 5 * time.Minute

// DefaultLastGoodEntries bounds a LastGood cache: about 2,000 answers of a page of tasks
// (at most a few hundred KB each at the largest page) stay well inside a 256 MB function.
const DefaultLastGoodEntries = 2000

// LastGood keeps an instance's last good answer per key (a user's request), at most
// Entries of them (least recently stored dropped first), each servable for MaxAge. It is
// what a read answers, degraded, while its dependency is down.
type LastGood struct {
	Entries int
	MaxAge  time.Duration
	Now     func() time.Time

	mu    sync.Mutex
	order *list.List // of *goodEntry, most recent first
	index map[string]*list.Element
}

type goodEntry struct {
	key  string
	body []byte
	at   time.Time
}

// NewLastGood is a cache of DefaultLastGoodEntries answers of at most MaxStale.
func NewLastGood(now func() time.Time) *LastGood {
	return &LastGood{Entries: DefaultLastGoodEntries, MaxAge: MaxStale, Now: now}
}

// Put keeps body as key's last good answer, as of now.
func (c *LastGood) Put(key string, body []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.index == nil {
		c.order, c.index = list.New(), map[string]*list.Element{}
	}
	if el, ok := c.index[key]; ok {
		c.order.Remove(el)
	}
	c.index[key] = c.order.PushFront(&goodEntry{key: key, body: body, at: c.Now()})
	for c.order.Len() > max(c.Entries, 1) {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.index, last.Value.(*goodEntry).key)
	}
}

// Get is key's last good answer and when it was good, if it is at most MaxAge old.
func (c *LastGood) Get(key string) (body []byte, at time.Time, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, found := c.index[key]
	if !found {
		return nil, time.Time{}, false
	}
	e := el.Value.(*goodEntry)
	if c.Now().Sub(e.at) > c.MaxAge {
		c.order.Remove(el)
		delete(c.index, key)
		return nil, time.Time{}, false
	}
	return e.body, e.at, true
}

// Len is the number of answers kept.
func (c *LastGood) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.order == nil {
		return 0
	}
	return c.order.Len()
}

// Mark is a request's note that its answer was degraded (stale, or a fast 503), for the
// flow's degraded objective.
type Mark struct {
	mu  sync.Mutex
	set bool
}

type markKey struct{}

// WithMark is ctx carrying a fresh Mark (the flow observer puts it there).
func WithMark(ctx context.Context) (context.Context, *Mark) {
	m := &Mark{}
	return context.WithValue(ctx, markKey{}, m), m
}

// MarkDegraded notes on ctx's Mark, if any, that the answer is degraded.
func MarkDegraded(ctx context.Context) {
	if m, ok := ctx.Value(markKey{}).(*Mark); ok {
		m.mu.Lock()
		m.set = true
		m.mu.Unlock()
	}
}

// Degraded reports whether the answer was marked degraded.
func (m *Mark) Degraded() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.set
}
