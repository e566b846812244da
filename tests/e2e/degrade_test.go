//go:build e2e

package e2e

import (
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// slowProxy stands between the bootstrap and DynamoDB Local on 127.0.0.1: healthy, it
// forwards every request; slow, it holds each one for 3 s (giving up when the caller
// does) before forwarding it. It counts the requests that waited out the delay.
type slowProxy struct {
	mu   sync.Mutex
	slow bool
	sat  int
	seen int
}

func (p *slowProxy) set(slow bool) { p.mu.Lock(); p.slow = slow; p.mu.Unlock() }

func (p *slowProxy) counts() (seen, sat int) { p.mu.Lock(); defer p.mu.Unlock(); return p.seen, p.sat }

// TestDegradationUnderEmulator is issue 13's fault test on the built TasksFunction under
// the emulator: DynamoDB +3 s (a proxy in front of DynamoDB Local) makes GET /tasks/today
// answer its last good answer, degraded, and POST /tasks answer 503 dependency_unavailable
// with Retry-After (and POST /intents/execute too, writing nothing), each invocation
// answering (no Lambda timeout) without any call waiting out the delay; once DynamoDB is
// healthy again, today answers fresh and the refused execute's key is a first execution.
func TestDegradationUnderEmulator(t *testing.T) {
	table, opsTable := "AppTable-e2e-degrade", "OpsTable-e2e-degrade"
	ensureTables(t, table, opsTable)
	target, err := url.Parse(backends.Dynamo.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	p := &slowProxy{}
	forward := httputil.NewSingleHostReverseProxy(target)
	forward.ErrorLog = log.New(io.Discard, "", 0) // a call the bootstrap gave up on is expected
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.seen++
		slow := p.slow
		p.mu.Unlock()
		if slow {
			select {
			case <-time.After(3 * time.Second):
				p.mu.Lock()
				p.sat++
				p.mu.Unlock()
			case <-r.Context().Done():
				return
			}
		}
		forward.ServeHTTP(w, r)
	}))
	t.Cleanup(proxy.Close)
	// The budgets under test, not the harness's stretched ones (DEADLINE_SCALE=10).
	fn := startFunction(t, "tasks", "APP_TABLE="+table, "AWS_ENDPOINT_URL_DYNAMODB="+proxy.URL, "DEADLINE_SCALE=1")
	intents := startFunction(t, "execute-intent", "APP_TABLE="+table, "OPS_TABLE="+opsTable, "FLOW_REPORTS=background",
		"AWS_ENDPOINT_URL_DYNAMODB="+proxy.URL, "DEADLINE_SCALE=1")

	// Healthy first; on a busy machine DynamoDB Local's first calls may outlast a budget,
	// so each healthy request is tried until it answers as a healthy one does.
	healthy := func(what string, try func() bool) {
		deadline := time.Now().Add(60 * time.Second)
		for !try() {
			if time.Now().After(deadline) {
				t.Fatalf("healthy %s never answered as a healthy one does", what)
			}
			time.Sleep(300 * time.Millisecond)
		}
	}
	healthy("create", func() bool {
		status, _, _ := invokeHTTP(t, fn, loadEvent(t, "tasks-create.json"))
		return status == 201
	})
	healthy("today", func() bool {
		status, body, _ := invokeHTTP(t, fn, loadEvent(t, "tasks-today.json"))
		return status == 200 && body["degraded"] == nil && len(body["tasks"].([]any)) > 0
	})
	if seen, _ := p.counts(); seen == 0 {
		t.Fatal("no DynamoDB call went through the proxy: the bootstrap is not pointed at it")
	}

	p.set(true)
	status, body, _ := invokeHTTP(t, fn, loadEvent(t, "tasks-today.json"))
	if status != 200 || body["degraded"] != true || body["stale_as_of"] == nil || len(body["tasks"].([]any)) == 0 {
		t.Errorf("today with DynamoDB +3 s: %d %v, want the last good answer, degraded", status, body)
	}
	status, body, resp := invokeHTTP(t, fn, loadEvent(t, "tasks-create.json"))
	if status != 503 || !strings.Contains(resp.Body, "dependency_unavailable") || resp.Headers["Retry-After"] == "" {
		t.Errorf("create with DynamoDB +3 s: %d %v %v, want 503 dependency_unavailable with Retry-After", status, body, resp.Headers)
	}
	status, body, resp = invokeHTTP(t, intents, loadEvent(t, "intents-execute.json"))
	if status != 503 || !strings.Contains(resp.Body, "dependency_unavailable") || resp.Headers["Retry-After"] == "" {
		t.Errorf("execute with DynamoDB +3 s: %d %v %v, want 503 dependency_unavailable with Retry-After", status, body, resp.Headers)
	}
	seen, sat := p.counts()
	t.Logf("DynamoDB +3 s: %d requests through the proxy since the start, %d waited out the delay", seen, sat)
	if sat != 0 {
		t.Errorf("%d DynamoDB calls waited out the 3 s delay; want none (cut at the budget)", sat)
	}

	p.set(false)
	healthy("today after recovery", func() bool {
		status, body, _ := invokeHTTP(t, fn, loadEvent(t, "tasks-today.json"))
		return status == 200 && body["degraded"] == nil
	})
	// The refused execute wrote nothing: its key, sent again, is a first execution.
	healthy("execute after recovery", func() bool {
		status, body, resp = invokeHTTP(t, intents, loadEvent(t, "intents-execute.json"))
		return status != 503
	})
	if status != 201 || resp.Headers["Idempotent-Replayed"] != "" {
		t.Errorf("the refused execute after recovery: %d %v %v, want a first execution", status, resp.Headers, body)
	}
}
