//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lucian-app/phase12/tests/harness"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/ with what the tests got")

// This test drives the local runner as a person does with `make dev`: the runner built from
// cmd/local, started on a free 127.0.0.1 port with the project's template.yaml, its embedded
// store and SNS recorder, and its clock. It lives in the end-to-end tier, not in cmd/local's
// package tests (the unit tier, which runs the runner in-process and builds no binary) nor in
// tests/browser (no page is rendered: that tier is for Chromium).

// runnerClient talks to the runner as the app (X-Dev-User), as ops, as a CI job and as
// Lambda's Invoke API.
type runnerClient struct {
	t    *testing.T
	base string
	http *http.Client
}

func (c *runnerClient) do(method, path string, body []byte, headers map[string]string) (int, []byte) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, bytes.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return resp.StatusCode, b
}

// must is do, failing the test unless the status is want; it decodes the answer into out.
func (c *runnerClient) must(want int, method, path string, body any, headers map[string]string, out any) {
	c.t.Helper()
	var raw []byte
	switch b := body.(type) {
	case nil:
	case []byte:
		raw = b
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			c.t.Fatal(err)
		}
	}
	status, got := c.do(method, path, raw, headers)
	if status != want {
		c.t.Fatalf("%s %s: %d %s, want %d", method, path, status, got, want)
	}
	if out != nil {
		if err := json.Unmarshal(got, out); err != nil {
			c.t.Fatalf("%s %s: %v in %s", method, path, err, got)
		}
	}
}

func (c *runnerClient) setClock(at time.Time) {
	c.t.Helper()
	c.must(200, "POST", "/_local/clock", map[string]string{"now": at.Format(time.RFC3339)}, nil, nil)
}

// invoke runs a function once through the Invoke API with a scheduled event for at.
func (c *runnerClient) invoke(function string, at time.Time) {
	c.t.Helper()
	req, err := http.NewRequest("POST", c.base+harness.InvokePath(function), bytes.NewReader(harness.ScheduledEvent(function, at)))
	if err != nil {
		c.t.Fatal(err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || resp.Header.Get("X-Amz-Function-Error") != "" {
		c.t.Fatalf("invoke %s: %d %s %s", function, resp.StatusCode, resp.Header.Get("X-Amz-Function-Error"), b)
	}
}

// snsMessage is one message the runner's SNS recorder kept.
type snsMessage struct{ Topic, Subject, Message string }

func (c *runnerClient) messages(topic string) []snsMessage {
	c.t.Helper()
	var got struct{ Messages []snsMessage }
	c.must(200, "GET", "/_local/sns/messages", nil, nil, &got)
	var out []snsMessage
	for _, m := range got.Messages {
		if m.Topic == topic {
			out = append(out, m)
		}
	}
	return out
}

var (
	ops    = map[string]string{"X-Dev-User": "lead-1", "X-Dev-Groups": "ops"}
	ciJob  = map[string]string{"X-Dev-User": "ci-bot", "X-Dev-Groups": "ci"}
	asUser = func(u string) map[string]string { return map[string]string{"X-Dev-User": u} }
)

// goTestJSON is go test -json output of the e2e tier (a blocker suite) and of a unit
// package (not a blocker): each test's run and verdict lines.
func goTestJSON(verdicts map[string]string) []byte {
	var b bytes.Buffer
	for _, name := range []string{"TestCheckout", "TestLogin"} {
		fmt.Fprintf(&b, `{"Action":"run","Package":"github.com/lucian-app/phase12/tests/e2e","Test":%q}`+"\n", name)
		fmt.Fprintf(&b, `{"Action":"output","Package":"github.com/lucian-app/phase12/tests/e2e","Test":%q,"Output":"=== RUN   %s\n"}`+"\n", name, name)
		fmt.Fprintf(&b, `{"Action":%q,"Package":"github.com/lucian-app/phase12/tests/e2e","Test":%q,"Elapsed":0.2}`+"\n", verdicts[name], name)
	}
	b.WriteString(`{"Action":"fail","Package":"github.com/lucian-app/phase12/shared/ids","Test":"TestUnitOnly","Elapsed":0}` + "\n")
	return b.Bytes()
}

// TestFlakeGateAndKPIReviewThroughTheLocalRunner: during 2026-W48 a CI job posts two
// attempts of a commit (a blocker test fails, then passes: a flake), four people start
// onboarding and three finish it, one completes a task (the server records first value),
// and the review records three actions on 2026-W47's KPIs and closes one. On Monday the
// weekly digest, invoked through the runner's Invoke API, is the golden text
// testdata/kpi_review_digest.golden: the flake rate over target, first-value completion
// missed, the overdue action in "needs a decision", the KPI section with owners, targets
// and trend, the closed phase gate, and the action log with the two open actions.
//
// go test -tags e2e -run TestFlakeGateAndKPIReviewThroughTheLocalRunner ./tests/e2e/ -update
// rewrites the golden file.
func TestFlakeGateAndKPIReviewThroughTheLocalRunner(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	thursday := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	r, err := harness.StartRunner(ctx, t.TempDir(), "LOCAL_NOW="+thursday.Format(time.RFC3339), "LOCAL_SCHEDULES=off")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		r.Stop()
		if t.Failed() {
			t.Logf("runner output:\n%s", r.Output())
		}
	})
	c := &runnerClient{t: t, base: r.URL, http: &http.Client{Timeout: time.Minute}}

	// The flake gate: attempt 1 fails TestCheckout, attempt 2 (a re-run) passes it.
	var run struct {
		Format          string `json:"format"`
		Results         int    `json:"results"`
		BlockerTests    int    `json:"blocker_tests"`
		NewBlockerTests int    `json:"new_blocker_tests"`
		NewFlakes       int    `json:"new_flakes"`
	}
	c.must(200, "POST", "/ci/runs?commit=c0ffee1&attempt=1", goTestJSON(map[string]string{"TestCheckout": "fail", "TestLogin": "pass"}), ciJob, &run)
	if run.Format != "go-test-json" || run.Results != 3 || run.BlockerTests != 2 || run.NewBlockerTests != 2 || run.NewFlakes != 0 {
		t.Errorf("attempt 1: %+v, want 3 results, 2 blocker tests, both new, no flake", run)
	}
	c.must(200, "POST", "/ci/runs?commit=c0ffee1&attempt=2", goTestJSON(map[string]string{"TestCheckout": "pass", "TestLogin": "pass"}), ciJob, &run)
	if run.BlockerTests != 2 || run.NewBlockerTests != 0 || run.NewFlakes != 1 {
		t.Errorf("attempt 2: %+v, want 2 blocker tests, none new, 1 new flake", run)
	}
	var trend struct {
		Latest struct {
			Week         string
			Tests, Flaky int
			Met          *bool
		}
		FlakyTests []struct{ Test, Commit string } `json:"flaky_tests"`
	}
	c.must(200, "GET", "/ops/flakes", nil, ops, &trend)
	if l := trend.Latest; l.Week != "2026-W48" || l.Tests != 2 || l.Flaky != 1 || l.Met == nil || *l.Met ||
		len(trend.FlakyTests) != 1 || trend.FlakyTests[0].Test != "TestCheckout" {
		t.Errorf("GET /ops/flakes: %+v, want 2026-W48 with 1 of 2 flaky (TestCheckout), over target", trend)
	}

	// Product events: four people start onboarding, three finish it.
	for i := 1; i <= 4; i++ {
		evs := []map[string]string{{"event_id": "ob-start", "name": "onboarding_started", "at": thursday.Add(-time.Hour).Format(time.RFC3339)}}
		if i <= 3 {
			evs = append(evs, map[string]string{"event_id": "ob-done", "name": "onboarding_completed", "at": thursday.Add(-30 * time.Minute).Format(time.RFC3339)})
		}
		var got struct{ Accepted, Duplicates int }
		c.must(200, "POST", "/events/product", map[string]any{"events": evs}, asUser(fmt.Sprintf("user-%d", i)), &got)
		if got.Accepted != len(evs) || got.Duplicates != 0 {
			t.Errorf("user-%d's events: %+v, want %d accepted", i, got, len(evs))
		}
	}
	// user-1 completes a task: the server records first value (the client cannot).
	var created struct{ Task struct{ ID string } }
	c.must(201, "POST", "/tasks", map[string]string{"title": "water the plants"}, asUser("user-1"), &created)
	c.must(200, "PATCH", "/tasks/"+created.Task.ID, map[string]bool{"completed": true}, asUser("user-1"), nil)
	if status, b := c.do("POST", "/events/product", []byte(`{"events":[{"event_id":"fv","name":"first_value","at":"2026-11-26T09:00:00Z"}]}`), asUser("user-2")); status != 400 {
		t.Errorf("a client's first_value: %d %s, want 400", status, b)
	}

	// The review of 2026-W47 records three actions and closes one of them.
	type action struct {
		ID, Week, KPI, Status string
		Overdue               bool
	}
	var a1, a2, a3 struct{ Action action }
	c.must(201, "POST", "/ops/kpi-review/2026-W47/actions", map[string]string{"kpi": "first_value_completion",
		"decision": "ship the first-task prompt to everyone", "owner": "Jonas Weber", "due": "2026-11-27"}, ops, &a1)
	c.must(201, "POST", "/ops/kpi-review/2026-W47/actions", map[string]string{"kpi": "blocker_flake_rate",
		"decision": "quarantine flaky checkout tests", "owner": "Tomasz Nowak", "due": "2026-12-04"}, ops, &a2)
	c.must(201, "POST", "/ops/kpi-review/2026-W47/actions", map[string]string{"kpi": "onboarding_completion",
		"decision": "shorten onboarding to three screens", "owner": "Amara Okafor", "due": "2026-11-28"}, ops, &a3)
	var closed struct{ Action action }
	c.must(200, "PATCH", "/ops/kpi-review/actions/"+a3.Action.ID, map[string]string{"status": "done"}, ops, &closed)
	if closed.Action.Status != "done" || closed.Action.ID != a3.Action.ID {
		t.Errorf("PATCH: %+v, want %s done", closed.Action, a3.Action.ID)
	}
	var review struct{ Actions []action }
	c.must(200, "GET", "/ops/kpi-review/2026-W47", nil, ops, &review)
	if len(review.Actions) != 3 {
		t.Errorf("GET /ops/kpi-review/2026-W47 lists %d actions, want 3", len(review.Actions))
	}

	// Monday 08:00: the weekly digest of 2026-W48, through the Invoke API.
	monday := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	c.setClock(monday.Add(30 * time.Second))
	c.invoke("WeeklyDigestFunction", monday)
	msgs := c.messages("DigestTopic")
	if len(msgs) != 1 {
		t.Fatalf("%d DigestTopic messages, want 1", len(msgs))
	}
	got := "Subject: " + msgs[0].Subject + "\n\n" + normalise(msgs[0].Message, map[string]string{
		a1.Action.ID: "<action first_value_completion>", a2.Action.ID: "<action blocker_flake_rate>"})

	golden := filepath.Join("testdata", "kpi_review_digest.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", golden)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := range max(len(gl), len(wl)) {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Errorf("digest line %d:\n got %q\nwant %q", i+1, g, w)
			}
		}
		t.Fatalf("the digest differs from %s (-update rewrites it); got:\n%s", golden, got)
	}

	// The review's page of 2026-W48 now shows the digest's KPI section beside the week's
	// (empty) action log.
	var w48 struct {
		Gate struct {
			Open    bool
			Missing []string
		} `json:"phase_gate"`
		KPIs []struct{ ID string }
	}
	c.must(200, "GET", "/ops/kpi-review/2026-W48", nil, ops, &w48)
	if w48.Gate.Open || len(w48.KPIs) == 0 {
		t.Errorf("GET /ops/kpi-review/2026-W48: %+v, want the digest's KPIs and a closed gate", w48)
	}
}

// normalise replaces what differs from run to run in a digest's text: each action id by
// its name in ids, the time the runner's (moving) clock generated it, and the latencies the
// server measured of the one POST /tasks (its flow line's quantiles, create_task p95's
// value and the last point of its trend). Targets and thresholds ("within 600 ms",
// "target <= 600 ms") stay.
func normalise(s string, ids map[string]string) string {
	for id, name := range ids {
		s = strings.ReplaceAll(s, id, name)
	}
	for re, repl := range map[string]string{
		`Generated \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`: "Generated <time>",
		`\b(p50|p95|p99) \d+(\.\d+)? ms`:            "$1 <ms>",
		`p95: \d+(\.\d+)? ms \(target`:              "p95: <ms> (target",
		`(?m)> \d+(\.\d+)? ms$`:                     "> <ms>",
	} {
		s = regexp.MustCompile(re).ReplaceAllString(s, repl)
	}
	return s
}
