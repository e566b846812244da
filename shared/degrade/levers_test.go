package degrade_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/degrade"
)

func TestParseLevers(t *testing.T) {
	def := degrade.DefaultLevers()
	tests := []struct {
		name, doc string
		want      degrade.Levers
		wantErr   string
	}{
		{"an empty object keeps every default", `{}`, def, ""},
		{"undo off", `{"undo":false}`, func() degrade.Levers { l := def; l.Undo = false; return l }(), ""},
		{"every lever", `{"undo":false,"hints":false,"break_invites":false,"ai_rephrase":false,"weekly_review":false,"metric_ingest_sampling":0.25}`,
			degrade.Levers{MetricIngestSampling: 0.25}, ""},
		{"a misspelt lever fails the document", `{"hint":false}`, def, `unknown field "hint"`},
		{"a string for a switch", `{"undo":"false"}`, def, "undo"},
		{"sampling above 1", `{"metric_ingest_sampling":1.5}`, def, "not from 0 to 1"},
		{"sampling below 0", `{"metric_ingest_sampling":-0.1}`, def, "not from 0 to 1"},
		{"not JSON", `undo=false`, def, "invalid character"},
		{"two documents", `{} {"undo":false}`, def, "more than one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := degrade.ParseLevers([]byte(tt.doc))
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("levers = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// countingSource answers doc (or err) and counts its reads.
type countingSource struct {
	mu    sync.Mutex
	doc   string
	err   error
	reads int
}

func (s *countingSource) Read(context.Context) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reads++
	return []byte(s.doc), s.err
}
func (s *countingSource) Describe() string { return "test" }

func (s *countingSource) set(doc string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.doc, s.err = doc, err
}

func TestCachedReadsOncePerTTLAndAFlipLandsWithinIt(t *testing.T) {
	now := time.Date(2026, 12, 2, 4, 0, 0, 0, time.UTC)
	src := &countingSource{doc: `{"undo":true}`}
	c := degrade.NewCached(src, 30*time.Second, func() time.Time { return now }, nil)
	ctx := context.Background()
	for range 10 {
		if !c.Levers(ctx).Undo {
			t.Fatal("undo off before any flip")
		}
	}
	if src.reads != 1 {
		t.Fatalf("reads = %d after 10 requests within the TTL, want 1", src.reads)
	}
	src.set(`{"undo":false}`, nil)
	now = now.Add(29 * time.Second)
	if !c.Levers(ctx).Undo {
		t.Error("the flip is in force before the TTL passed; want the cached value")
	}
	now = now.Add(time.Second)
	if c.Levers(ctx).Undo {
		t.Error("undo still on 30 s after the flip, want off")
	}
	if src.reads != 2 {
		t.Errorf("reads = %d, want 2", src.reads)
	}
}

func TestCachedTTLIsAtMostSixtySeconds(t *testing.T) {
	now := time.Date(2026, 12, 2, 4, 0, 0, 0, time.UTC)
	src := &countingSource{doc: `{}`}
	c := degrade.NewCached(src, time.Hour, func() time.Time { return now }, nil)
	c.Levers(context.Background())
	now = now.Add(degrade.MaxLeverTTL)
	c.Levers(context.Background())
	if src.reads != 2 {
		t.Errorf("reads = %d with a TTL of an hour after 60 s, want 2 (the TTL is capped at 60 s)", src.reads)
	}
}

func TestCachedKeepsTheLastLeversWhenTheSourceFails(t *testing.T) {
	now := time.Date(2026, 12, 2, 4, 0, 0, 0, time.UTC)
	src := &countingSource{err: errors.New("source down")}
	c := degrade.NewCached(src, 10*time.Second, func() time.Time { return now }, nil)
	ctx := context.Background()
	st := c.State(ctx)
	if !st.Defaults || st.Levers != degrade.DefaultLevers() || st.Err == "" {
		t.Fatalf("first read failing: state %+v, want the defaults and the error", st)
	}
	now = now.Add(10 * time.Second)
	src.set(`{"hints":false}`, nil)
	if st = c.State(ctx); st.Levers.Hints || st.Defaults || st.Err != "" || !st.ReadAt.Equal(now) {
		t.Fatalf("after recovery: state %+v, want hints off, read at %v", st, now)
	}
	now = now.Add(10 * time.Second)
	src.set(`{"hints":true}`, errors.New("throttled"))
	if st = c.State(ctx); st.Levers.Hints || st.Err != "throttled" {
		t.Errorf("read failing again: state %+v, want the last levers (hints off) kept and the error", st)
	}
	now = now.Add(time.Second)
	c.State(ctx)
	if src.reads != 3 {
		t.Errorf("reads = %d, want 3: a failed read is retried after the TTL, not on every request", src.reads)
	}
	src.set(`{"hints":true,"undo":7}`, nil)
	now = now.Add(10 * time.Second)
	if st = c.State(ctx); st.Levers.Hints || !strings.Contains(st.Err, "undo") {
		t.Errorf("a bad document: state %+v, want the last levers kept and the error naming the field", st)
	}
}

func TestFileSourceFlipsWithoutRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "levers.json")
	if err := os.WriteFile(path, []byte(`{"break_invites":false}`), 0o600); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 2, 4, 0, 0, 0, time.UTC)
	c := degrade.NewCached(degrade.FileSource{Path: path}, time.Second, func() time.Time { return now }, nil)
	if c.Levers(context.Background()).BreakInvites {
		t.Fatal("break invites on, want off from the file")
	}
	if err := os.WriteFile(path, []byte(`{"break_invites":true}`), 0o600); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Second)
	if !c.Levers(context.Background()).BreakInvites {
		t.Error("break invites still off after the file changed and the TTL passed")
	}
}

func TestOfNilIsTheDefaults(t *testing.T) {
	if got := degrade.Of(context.Background(), nil); got != degrade.DefaultLevers() {
		t.Errorf("Of(nil) = %+v, want the defaults", got)
	}
	off := degrade.Fixed{MetricIngestSampling: 0.5}
	if got := degrade.Of(context.Background(), off); got.Undo || got.MetricIngestSampling != 0.5 {
		t.Errorf("Of(Fixed) = %+v", got)
	}
}
