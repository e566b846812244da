//go:build contract

package contract

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/lucian-app/phase12/shared/alert"
	"github.com/lucian-app/phase12/shared/apigw"
	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/flowmetrics"
	"github.com/lucian-app/phase12/shared/ids"
	"github.com/lucian-app/phase12/shared/opsstore"
	"github.com/lucian-app/phase12/shared/slo"
	"github.com/lucian-app/phase12/shared/wiring"
	"github.com/lucian-app/phase12/shared/wiring/registry"
)

// snsOutage stands between the SNS client and moto: while down, every call fails in the
// transport (a refused connection, as when SNS's endpoint cannot be reached) and is
// counted; up, calls go through.
type snsOutage struct {
	next  http.RoundTripper
	mu    sync.Mutex
	down  bool
	tried int
}

func (o *snsOutage) set(down bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.down = down
}

func (o *snsOutage) attempts() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.tried
}

func (o *snsOutage) RoundTrip(r *http.Request) (*http.Response, error) {
	o.mu.Lock()
	down := o.down
	if down {
		o.tried++
	}
	o.mu.Unlock()
	if down {
		return nil, errors.New("dial tcp: connect: connection refused (injected: SNS down)")
	}
	return o.next.RoundTrip(r)
}

// TestSNSDownKeepsThePage is issue 13's "SNS down" fault on moto and DynamoDB Local, with
// the functions as deployed (wiring): while every SNS call fails in the transport, the
// burn-rate check's invocation fails (so Lambda retries it and the dead-letter queue keeps
// it) with the page's incident stored firing and not yet notified, a second run opens no
// second incident, and the requests of TasksFunction, FlowMetricsFunction and OpsFunction
// answer as usual (SNS is on none of their paths): none is a 500. When SNS is back, the next
// run publishes the page, exactly once, with the incident's id, and marks it notified; a
// run after that publishes nothing.
func TestSNSDownKeepsThePage(t *testing.T) {
	ctx := context.Background()
	db, app := newDynamo(t)
	opsTable := app + "-ops"
	if err := dynamo.EnsureTable(ctx, db, opsTable); err != nil {
		t.Fatal(err)
	}
	topicARN, receive, _ := alertQueue(t)
	cfg, err := backends.Moto.Config(ctx)
	if err != nil {
		t.Fatal(err)
	}
	outage := &snsOutage{next: http.DefaultTransport}
	snsc := sns.NewFromConfig(cfg, func(o *sns.Options) { o.HTTPClient = &http.Client{Transport: outage} })

	now := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	var clockMu sync.Mutex
	clock := func() time.Time { clockMu.Lock(); defer clockMu.Unlock(); return now }
	advance := func(d time.Duration) { clockMu.Lock(); defer clockMu.Unlock(); now = now.Add(d) }
	env := map[string]string{wiring.EnvAppTable: app, wiring.EnvOpsTable: opsTable, wiring.EnvAlertTopicARN: topicARN,
		wiring.EnvAckBaseURL: "https://api.example.com"}
	build := func(id string) any {
		h, err := registry.Functions()[id](wiring.Deps{DynamoDB: db, SNS: snsc, HTTP: &http.Client{},
			Getenv: func(k string) string { return env[k] }, Now: clock, NewID: ids.New(clock, nil),
			Log: wiring.NewLogger(io.Discard, ""), Function: id})
		if err != nil {
			t.Fatalf("build %s: %v", id, err)
		}
		return h
	}
	check := build("BurnRateCheckFunction").(func(context.Context, events.EventBridgeEvent) error)
	tasks := build("TasksFunction").(lambdaHTTP)
	flows := build("FlowMetricsFunction").(lambdaHTTP)
	opsFn := build("OpsFunction").(lambdaHTTP)
	run := func() error {
		return check(ctx, events.EventBridgeEvent{ID: "run", DetailType: "Scheduled Event", Source: "aws.events", Time: clock()})
	}
	request := func(h lambdaHTTP, method, path, body string, claims map[string]string) (int, string) {
		t.Helper()
		r := httptest.NewRequest(method, path, strings.NewReader(body))
		route, _, _ := strings.Cut(path, "?")
		ev, err := apigw.NewEvent(r, apigw.Match{Route: apigw.Route{Method: method, Path: route}}, apigw.Options{Claims: claims})
		if err != nil {
			t.Fatal(err)
		}
		resp, err := h(ctx, ev)
		if err != nil {
			t.Fatalf("%s %s: the handler returned %v", method, path, err)
		}
		return resp.StatusCode, resp.Body
	}
	oncall := map[string]string{"sub": "oncall-1", "cognito:groups": "[ops]"}
	app1 := map[string]string{"sub": "alice"}

	// create_task failed one request in five over the last ten minutes: a page is due.
	cat, err := slo.Default()
	if err != nil {
		t.Fatal(err)
	}
	var evs []flowmetrics.Event
	for m := range 10 {
		for i := range 50 {
			evs = append(evs, flowmetrics.Event{Flow: "create_task", LatencyMs: 80, OK: i%5 != 0, At: now.Add(-time.Duration(m)*time.Minute - time.Second)})
		}
	}
	if err := opsstore.New(db, opsTable).Add(ctx, flowmetrics.Aggregate(cat, evs)); err != nil {
		t.Fatal(err)
	}
	store := opsstore.New(db, opsTable)
	pageOf := func() (alert.State, int) {
		t.Helper()
		states, err := store.States(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var page alert.State
		n := 0
		for _, st := range states {
			if st.Alert.Flow == "create_task" && st.Alert.Objective == "availability" && st.Alert.Severity == "page" {
				page, n = st, n+1
			}
		}
		return page, n
	}

	// SNS down: two runs fail, the incident is stored once and stays owed.
	outage.set(true)
	var firstID string
	for i := range 2 {
		err := run()
		if err == nil || !strings.Contains(err.Error(), "publish trigger") {
			t.Fatalf("run %d with SNS down: %v, want the invocation to fail on the trigger's publish", i+1, err)
		}
		page, n := pageOf()
		if n != 1 || page.Alert.State != alert.Firing || page.Alert.NotifiedAt != nil {
			t.Fatalf("run %d with SNS down: %d create_task availability page states, %+v; want one firing, not notified", i+1, n, page.Alert)
		}
		if firstID == "" {
			firstID = page.Alert.ID
		} else if page.Alert.ID != firstID {
			t.Errorf("run %d opened incident %s, want the first run's %s kept", i+1, page.Alert.ID, firstID)
		}
		// Requests meanwhile: none touches SNS, none is a 500.
		for _, c := range []struct {
			name   string
			h      lambdaHTTP
			method string
			path   string
			body   string
			claims map[string]string
			want   int
		}{
			{"create a task", tasks, "POST", "/tasks", `{"title":"call the plumber"}`, app1, 201},
			{"today", tasks, "GET", "/tasks/today?timezone=UTC", "", app1, 200},
			{"report flow events", flows, "POST", "/metrics/flows", `{"events":[{"flow":"today_load_client","latency_ms":900,"outcome":"ok","at":"` + clock().Add(-time.Minute).Format(time.RFC3339) + `"}]}`, app1, 200},
			{"the firing alerts", opsFn, "GET", "/ops/alerts?state=firing", "", oncall, 200},
			{"the ops page", opsFn, "GET", "/ops", "", oncall, 200},
		} {
			status, body := request(c.h, c.method, c.path, c.body, c.claims)
			if status != c.want {
				t.Errorf("%s (%s %s) with SNS down: %d %s, want %d", c.name, c.method, c.path, status, body, c.want)
			}
			if c.path == "/ops/alerts?state=firing" && !strings.Contains(body, firstID) {
				t.Errorf("GET /ops/alerts with SNS down does not list the owed page %s: %s", firstID, body)
			}
		}
		advance(time.Minute)
	}
	if outage.attempts() < 2 {
		t.Errorf("%d SNS attempts while down, want at least one per run", outage.attempts())
	}
	if got := receive(); len(got) != 0 {
		t.Fatalf("%d messages reached the queue while SNS was down", len(got))
	}

	// SNS back: the next run delivers the owed page once and marks it.
	outage.set(false)
	if err := run(); err != nil {
		t.Fatalf("run with SNS back: %v", err)
	}
	page, n := pageOf()
	if n != 1 || page.Alert.ID != firstID || page.Alert.NotifiedAt == nil {
		t.Fatalf("after SNS came back: %d states, %+v; want %s notified", n, page.Alert, firstID)
	}
	advance(time.Minute)
	if err := run(); err != nil {
		t.Fatalf("a later run: %v", err)
	}
	var pages []string
	for _, m := range receive() {
		if m.MessageAttributes["severity"].Value == "page" && m.MessageAttributes["action"].Value == "trigger" {
			pages = append(pages, m.MessageAttributes["alert_id"].Value)
		}
	}
	if len(pages) != 1 || pages[0] != firstID {
		t.Fatalf("page triggers on the queue = %v, want exactly one, of %s", pages, firstID)
	}
}
