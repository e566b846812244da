package degrade

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"
)

// Levers are the emergency switches. The zero value is not the default: use DefaultLevers.
type Levers struct {
	// Undo off: creations issue no undo tokens and POST /undo is 403 undo_disabled.
	Undo bool `json:"undo"`
	// Hints off: POST /hints/next answers show false, reason flag_off.
	Hints bool `json:"hints"`
	// BreakInvites off: no break invite is offered (tips still are).
	BreakInvites bool `json:"break_invites"`
	// AIRephrase off: recommendation copy is not rephrased by a model.
	AIRephrase bool `json:"ai_rephrase"`
	// WeeklyReview off: no weekly review is generated.
	WeeklyReview bool `json:"weekly_review"`
	// MetricIngestSampling is the share of client flow events POST /metrics/flows keeps,
	// from 0 to 1 (1, the default, keeps all).
	MetricIngestSampling float64 `json:"metric_ingest_sampling"`
}

// DefaultLevers is everything on and every flow event kept: what a function runs with
// until it has read the levers once, and what a document leaves out.
func DefaultLevers() Levers {
	return Levers{Undo: true, Hints: true, BreakInvites: true, AIRephrase: true, WeeklyReview: true, MetricIngestSampling: 1}
}

// LeverNames are the document's keys, in the order the ops page shows them.
var LeverNames = []string{"undo", "hints", "break_invites", "ai_rephrase", "weekly_review", "metric_ingest_sampling"}

// ParseLevers reads a levers document: a JSON object of the keys in LeverNames. A key left
// out keeps its default; an unknown key, a wrong type or a sampling outside 0..1 fails the
// whole document (a typo in a lever's name must not pass as "not set").
func ParseLevers(doc []byte) (Levers, error) {
	l := DefaultLevers()
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&l); err != nil {
		return DefaultLevers(), fmt.Errorf("levers: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return DefaultLevers(), errors.New("levers: more than one JSON value")
	}
	if s := l.MetricIngestSampling; !(s >= 0 && s <= 1) {
		return DefaultLevers(), fmt.Errorf("levers: metric_ingest_sampling %v is not from 0 to 1", s)
	}
	return l, nil
}

// Reader answers the levers in force. Consumers take a Reader; nil means DefaultLevers
// (see Of).
type Reader interface {
	Levers(ctx context.Context) Levers
}

// Of is r's levers, or the defaults when r is nil.
func Of(ctx context.Context, r Reader) Levers {
	if r == nil {
		return DefaultLevers()
	}
	return r.Levers(ctx)
}

// Fixed is a Reader that always answers the same levers (tests, and functions with no
// source configured).
type Fixed Levers

// Levers implements Reader.
func (f Fixed) Levers(context.Context) Levers { return Levers(f) }

// Source is where the levers document lives.
type Source interface {
	// Read returns the document.
	Read(ctx context.Context) ([]byte, error)
	// Describe names the source for the ops page and the logs (never a secret).
	Describe() string
}

// FileSource reads the document from a file: the local runner's source.
type FileSource struct{ Path string }

// Read implements Source.
func (f FileSource) Read(context.Context) ([]byte, error) { return os.ReadFile(f.Path) }

// Describe implements Source.
func (f FileSource) Describe() string { return "file " + f.Path }

// EnvSource reads the document from an environment variable, each time, through Getenv.
type EnvSource struct {
	Name   string
	Getenv func(string) string
}

// Read implements Source.
func (e EnvSource) Read(context.Context) ([]byte, error) {
	v := e.Getenv(e.Name)
	if v == "" {
		return nil, fmt.Errorf("%s is empty", e.Name)
	}
	return []byte(v), nil
}

// Describe implements Source.
func (e EnvSource) Describe() string { return "environment " + e.Name }

// MaxLeverTTL bounds how long a warm instance keeps the levers it read: a flipped lever
// is in force everywhere within this long.
const MaxLeverTTL = 60 * time.Second

// DefaultFetchTimeout bounds one read of the source. A read is on the request path once a
// TTL, so it must be short; a read that fails keeps the last levers read.
const DefaultFetchTimeout = 300 * time.Millisecond

// LeverState is what the ops page shows: the levers in force and where they came from.
type LeverState struct {
	Levers Levers
	// Source describes where the levers are read from.
	Source string
	// ReadAt is the last successful read; zero while the defaults are in force.
	ReadAt time.Time
	// CheckedAt is the last attempt; Err its failure ("" when it succeeded).
	CheckedAt time.Time
	Err       string
	// Defaults is true until a read succeeds: the levers are DefaultLevers.
	Defaults bool
}

// Cached reads the levers from Source at most once per TTL (at most MaxLeverTTL) per warm
// instance. A failed read keeps the last levers read (the defaults before the first) and is
// retried after the TTL, so a source outage costs at most one short read a TTL.
type Cached struct {
	Source Source
	// TTL, 0 or above MaxLeverTTL, is MaxLeverTTL.
	TTL time.Duration
	// FetchTimeout bounds a read (DefaultFetchTimeout when 0).
	FetchTimeout time.Duration
	Now          func() time.Time
	Log          *slog.Logger

	mu         sync.Mutex
	state      LeverState
	started    bool
	refreshing bool
}

// NewCached is a Cached over src with ttl.
func NewCached(src Source, ttl time.Duration, now func() time.Time, log *slog.Logger) *Cached {
	return &Cached{Source: src, TTL: ttl, Now: now, Log: log}
}

func (c *Cached) ttl() time.Duration {
	if c.TTL <= 0 || c.TTL > MaxLeverTTL {
		return MaxLeverTTL
	}
	return c.TTL
}

// Levers implements Reader.
func (c *Cached) Levers(ctx context.Context) Levers { return c.State(ctx).Levers }

// State is the levers in force, read again first when the TTL has passed. While one
// caller reads, the others get the levers already known rather than wait.
func (c *Cached) State(ctx context.Context) LeverState {
	c.mu.Lock()
	now := c.Now()
	if !c.started {
		c.started = true
		c.state = LeverState{Levers: DefaultLevers(), Source: c.Source.Describe(), Defaults: true}
	}
	due := c.state.CheckedAt.IsZero() || now.Sub(c.state.CheckedAt) >= c.ttl()
	if !due || c.refreshing {
		st := c.state
		c.mu.Unlock()
		return st
	}
	c.refreshing = true
	c.mu.Unlock()

	timeout := c.FetchTimeout
	if timeout <= 0 {
		timeout = DefaultFetchTimeout
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	doc, err := c.Source.Read(rctx)
	cancel()
	var l Levers
	if err == nil {
		l, err = ParseLevers(doc)
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	c.refreshing = false
	c.state.CheckedAt = c.Now()
	if err != nil {
		c.state.Err = err.Error()
		if c.Log != nil {
			c.Log.Warn("levers not read; keeping the last known", "source", c.state.Source, "err", err, "defaults", c.state.Defaults)
		}
		return c.state
	}
	if c.Log != nil && (c.state.Defaults || l != c.state.Levers) {
		c.Log.Info("levers read", "source", c.state.Source, "levers", l)
	}
	c.state.Levers, c.state.ReadAt, c.state.Err, c.state.Defaults = l, c.state.CheckedAt, "", false
	return c.state
}
