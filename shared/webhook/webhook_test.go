package webhook_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/webhook"
)

// hook is an incoming webhook on 127.0.0.1 that answers from a script, one status per call
// (the last one repeats), and records what it received.
type hook struct {
	srv *httptest.Server

	mu       sync.Mutex
	statuses []int
	headers  []http.Header
	bodies   []string
	calls    int
}

const secretPath = "/services/T000/B000/s3cr3t-t0ken"

func newHook(t *testing.T, statuses ...int) *hook {
	t.Helper()
	h := &hook{statuses: statuses}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		i := min(h.calls, len(h.statuses)-1)
		h.calls++
		h.bodies = append(h.bodies, string(b))
		h.headers = append(h.headers, r.Header.Clone())
		status := h.statuses[i]
		h.mu.Unlock()
		if r.URL.Path != secretPath || r.Method != http.MethodPost {
			status = http.StatusNotFound
		}
		switch status {
		case http.StatusOK:
			_, _ = io.WriteString(w, "ok")
		case http.StatusTooManyRequests:
			w.Header().Set("Retry-After", "4")
			w.WriteHeader(status)
		case http.StatusBadRequest:
			w.WriteHeader(status)
			_, _ = io.WriteString(w, "invalid_payload")
		default:
			w.WriteHeader(status)
			_, _ = io.WriteString(w, "upstream\ntrouble")
		}
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hook) Calls() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.calls
}

// sleeps records the waits instead of waiting.
type sleeps struct{ got []time.Duration }

func (s *sleeps) sleep(_ context.Context, d time.Duration) error {
	s.got = append(s.got, d)
	return nil
}

func TestPost(t *testing.T) {
	tests := []struct {
		name       string
		statuses   []int
		wantCalls  int
		wantSleeps []time.Duration
		wantErr    string // "" = success
		wantStatus int
	}{
		{name: "accepted at once", statuses: []int{200}, wantCalls: 1},
		{name: "failing twice then accepted is retried", statuses: []int{500, 503, 200}, wantCalls: 3,
			wantSleeps: []time.Duration{time.Second, 2 * time.Second}},
		{name: "rate limited: waits as asked", statuses: []int{429, 200}, wantCalls: 2,
			wantSleeps: []time.Duration{4 * time.Second}},
		{name: "down for good: three attempts, then the error", statuses: []int{502}, wantCalls: 3,
			wantSleeps: []time.Duration{time.Second, 2 * time.Second}, wantErr: "failed after 3 attempt(s): status 502: upstream trouble", wantStatus: 502},
		{name: "a refused payload is not retried", statuses: []int{400}, wantCalls: 1,
			wantErr: "failed after 1 attempt(s): status 400: invalid_payload", wantStatus: 400},
		{name: "a 404 (revoked webhook) is not retried", statuses: []int{404}, wantCalls: 1, wantErr: "status 404", wantStatus: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHook(t, tt.statuses...)
			s := &sleeps{}
			c := &webhook.Client{HTTP: h.srv.Client(), URL: h.srv.URL + secretPath, Sleep: s.sleep}
			err := c.Post(context.Background(), []byte(`{"text":"hi"}`))
			if got := h.Calls(); got != tt.wantCalls {
				t.Errorf("calls = %d, want %d", got, tt.wantCalls)
			}
			if !reflect.DeepEqual(s.got, tt.wantSleeps) {
				t.Errorf("sleeps = %v, want %v", s.got, tt.wantSleeps)
			}
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Post() error = %v", err)
				}
			} else {
				var werr *webhook.Error
				if !errors.As(err, &werr) || !strings.Contains(err.Error(), tt.wantErr) || werr.Status != tt.wantStatus {
					t.Fatalf("Post() error = %v, want a *webhook.Error with status %d containing %q", err, tt.wantStatus, tt.wantErr)
				}
				if strings.Contains(err.Error(), "s3cr3t") {
					t.Errorf("the error quotes the secret URL: %v", err)
				}
			}
			for i, hd := range h.headers {
				if ct := hd.Get("Content-Type"); ct != "application/json; charset=utf-8" {
					t.Errorf("call %d Content-Type = %q", i, ct)
				}
				if h.bodies[i] != `{"text":"hi"}` {
					t.Errorf("call %d body = %q", i, h.bodies[i])
				}
			}
		})
	}
}

func TestPostUnreachableNeverQuotesTheURL(t *testing.T) {
	h := newHook(t, 200)
	url := h.srv.URL + secretPath
	h.srv.Close() // nothing listens there any more
	s := &sleeps{}
	c := &webhook.Client{HTTP: &http.Client{Timeout: 5 * time.Second}, URL: url, Attempts: 2, Sleep: s.sleep}
	err := c.Post(context.Background(), []byte(`{}`))
	if err == nil {
		t.Fatal("Post() to a closed server succeeded")
	}
	if strings.Contains(err.Error(), "s3cr3t") || strings.Contains(err.Error(), "/services/") {
		t.Errorf("error quotes the URL: %v", err)
	}
	if !strings.Contains(err.Error(), "failed after 2 attempt(s)") || len(s.got) != 1 {
		t.Errorf("error = %v after sleeps %v, want two attempts", err, s.got)
	}
}

func TestPostStopsWhenTheContextEnds(t *testing.T) {
	h := newHook(t, 500)
	ctx, cancel := context.WithCancel(context.Background())
	c := &webhook.Client{HTTP: h.srv.Client(), URL: h.srv.URL + secretPath, Attempts: 5,
		Sleep: func(ctx context.Context, _ time.Duration) error { cancel(); return ctx.Err() }}
	err := c.Post(ctx, []byte(`{}`))
	if err == nil || !strings.Contains(err.Error(), "gave up waiting to retry") {
		t.Errorf("Post() error = %v, want it to give up", err)
	}
	if got := h.Calls(); got != 1 {
		t.Errorf("calls = %d, want 1", got)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		url string
		ok  bool
	}{
		{"https://hooks.slack.com/services/T/B/X", true},
		{"http://127.0.0.1:9999/hook", true},
		{"hooks.slack.com/services/T/B/X", false},
		{"ftp://example.com/x", false},
		{"https://", false},
		{"::not a url", false},
	}
	for _, tt := range tests {
		err := webhook.Validate(tt.url)
		if (err == nil) != tt.ok {
			t.Errorf("Validate(%q) = %v, want ok %v", tt.url, err, tt.ok)
		}
		if err != nil && strings.Contains(err.Error(), tt.url) && tt.url != "" {
			t.Errorf("Validate(%q) quotes the URL: %v", tt.url, err)
		}
	}
}
