package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Defaults of a Client.
const (
	DefaultAttempts = 3
	DefaultBackoff  = time.Second
	// maxRetryAfter caps a Retry-After the receiver asks for, so a run stays inside its
	// Lambda timeout.
	maxRetryAfter = 10 * time.Second
	// maxErrorBody is how much of a refusal's body an error quotes ("invalid_payload").
	maxErrorBody = 200
)

// Client posts to one webhook.
type Client struct {
	HTTP *http.Client
	// URL is the webhook's secret URL.
	URL string
	// Attempts is the number of tries (DefaultAttempts when 0).
	Attempts int
	// Backoff is the wait before the second try, doubled before each later one
	// (DefaultBackoff when 0).
	Backoff time.Duration
	// Sleep waits d or until ctx ends (a timer when nil).
	Sleep func(ctx context.Context, d time.Duration) error
}

// Validate checks a webhook URL without ever quoting it: it must be an absolute http(s) URL.
func Validate(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return errors.New("not an absolute http(s) URL")
	}
	return nil
}

// Error is a failed post. It names the host, never the URL.
type Error struct {
	Host     string
	Attempts int
	// Status is the last answer's status, 0 when the last try got none.
	Status int
	Reason string
}

func (e *Error) Error() string {
	return fmt.Sprintf("webhook at %s failed after %d attempt(s): %s", e.Host, e.Attempts, e.Reason)
}

// Post sends payload as JSON. It returns nil only once the webhook answered 2xx.
func (c *Client) Post(ctx context.Context, payload []byte) error {
	u, err := url.Parse(c.URL)
	if err != nil || Validate(c.URL) != nil {
		return errors.New("webhook: the configured URL is not an absolute http(s) URL")
	}
	attempts := c.Attempts
	if attempts <= 0 {
		attempts = DefaultAttempts
	}
	wait := c.Backoff
	if wait <= 0 {
		wait = DefaultBackoff
	}
	sleep := c.Sleep
	if sleep == nil {
		sleep = timerSleep
	}
	client := c.HTTP
	if client == nil {
		client = http.DefaultClient
	}
	failure := &Error{Host: u.Host}
	for attempt := 1; ; attempt++ {
		failure.Attempts = attempt
		retry, after := c.try(ctx, client, payload, failure)
		if failure.Reason == "" {
			return nil
		}
		if !retry || attempt >= attempts || ctx.Err() != nil {
			return failure
		}
		d := wait << (attempt - 1)
		if after > d {
			d = min(after, maxRetryAfter)
		}
		if err := sleep(ctx, d); err != nil {
			failure.Reason += "; gave up waiting to retry: " + err.Error()
			return failure
		}
		failure.Reason, failure.Status = "", 0
	}
}

// try makes one attempt; it leaves failure.Reason empty on success and says whether a
// failure is worth retrying and after how long the receiver asked to wait.
func (c *Client) try(ctx context.Context, client *http.Client, payload []byte, failure *Error) (retry bool, after time.Duration) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(payload))
	if err != nil {
		failure.Reason = "could not build the request"
		return false, 0
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := client.Do(req)
	if err != nil {
		// *url.Error quotes the whole URL; keep only what went wrong.
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		failure.Reason = err.Error()
		return true, 0
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody+1))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return false, 0
	}
	failure.Status = resp.StatusCode
	failure.Reason = fmt.Sprintf("status %d", resp.StatusCode)
	if s := quote(body); s != "" {
		failure.Reason += ": " + s
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return true, retryAfter(resp.Header.Get("Retry-After"))
	case resp.StatusCode == http.StatusRequestTimeout || resp.StatusCode >= 500:
		return true, 0
	default:
		return false, 0
	}
}

// quote keeps a short, printable excerpt of a refusal's body.
func quote(b []byte) string {
	if !utf8.Valid(b) {
		return ""
	}
	s := strings.TrimSpace(string(b))
	if len(s) > maxErrorBody {
		s = s[:maxErrorBody] + "..."
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

// retryAfter reads a Retry-After of whole seconds (the form webhooks use).
func retryAfter(v string) time.Duration {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 0 {
		return 0
	}
	return time.Duration(n) * time.Second
}

func timerSleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
