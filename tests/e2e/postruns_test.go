//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lucian-app/phase12/tests/harness"
)

// TestPostRunsFeedsTheFlakeGate runs .ci/post-runs, the script .ci/run calls with
// CI_RUNS_URL, against the built local runner: a run of 600 blocker tests (over 60,000
// bytes of verdict lines, so the script posts it in several parts) where TestBlocker007
// fails and TestBlocker008 fails and passes on its rerun at the end of the file, then a
// second attempt where everything passes. The gate counts 600 tests and two flakes (the
// script keeps a test's verdicts in one part), output and run lines are not sent, and
// unit-tier results are dropped. An endpoint that refuses (a commit that is not hex: 400) makes the script exit 1
// with a warning quoting the server's error, and an unreachable one too.
func TestPostRunsFeedsTheFlakeGate(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	r, err := harness.StartRunner(ctx, t.TempDir(), "LOCAL_NOW=2026-11-26T10:00:00Z", "LOCAL_SCHEDULES=off")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		r.Stop()
		if t.Failed() {
			t.Logf("runner output:\n%s", r.Output())
		}
	})
	root, err := harness.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(root, ".ci", "post-runs")

	// results writes a go test -json file of n blocker tests (failing those in fail; those
	// in retried pass again at the end of the file, as gotestsum --rerun-fails appends its
	// reruns) and a unit-tier test, with the run and output lines go test prints.
	results := func(name string, n int, fail map[string]bool, retried ...string) string {
		var b bytes.Buffer
		const pkg = "github.com/lucian-app/phase12/tests/e2e"
		for i := range n {
			test := fmt.Sprintf("TestBlocker%03d", i)
			verdict := "pass"
			if fail[test] {
				verdict = "fail"
			}
			fmt.Fprintf(&b, `{"Time":"2026-11-26T09:00:00Z","Action":"run","Package":%q,"Test":%q}`+"\n", pkg, test)
			fmt.Fprintf(&b, `{"Time":"2026-11-26T09:00:00Z","Action":"output","Package":%q,"Test":%q,"Output":"=== RUN   %s\n"}`+"\n", pkg, test, test)
			fmt.Fprintf(&b, `{"Time":"2026-11-26T09:00:01Z","Action":%q,"Package":%q,"Test":%q,"Elapsed":0.12}`+"\n", verdict, pkg, test)
		}
		for _, test := range retried {
			fmt.Fprintf(&b, `{"Time":"2026-11-26T09:05:00Z","Action":"pass","Package":%q,"Test":%q,"Elapsed":0.12}`+"\n", pkg, test)
		}
		b.WriteString(`{"Time":"2026-11-26T09:00:01Z","Action":"fail","Package":"github.com/lucian-app/phase12/shared/ids","Test":"TestUnit","Elapsed":0}` + "\n")
		b.WriteString(`{"Time":"2026-11-26T09:00:02Z","Action":"pass","Package":"github.com/lucian-app/phase12/tests/e2e","Elapsed":5}` + "\n")
		path := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	post := func(file, url, commit, attempt string) (string, string, error) {
		cmd := exec.CommandContext(ctx, "bash", script, file)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "CI_RUNS_URL="+url, "CI_COMMIT="+commit, "CI_ATTEMPT="+attempt, "CI_RUNS_TOKEN=")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		return stdout.String(), stderr.String(), err
	}

	// Attempt 1: TestBlocker007 fails; TestBlocker008 fails and its rerun passes 90 KB
	// later in the file (a flake within the attempt, seen only if both lines reach the
	// server in one post). Attempt 2: everything passes (TestBlocker007's flake).
	first := results("attempt1.jsonl", 600, map[string]bool{"TestBlocker007": true, "TestBlocker008": true}, "TestBlocker008")
	out, errOut, err := post(first, r.URL+"/ci/runs", "abc1234", "1")
	if err != nil {
		t.Fatalf("post-runs attempt 1: %v\nstdout %s\nstderr %s", err, out, errOut)
	}
	parts := strings.Count(out, "post-runs: {")
	if parts < 2 || strings.Count(out, `"format":"go-test-json"`) != parts || strings.Count(out, `"new_flakes":1`) != 1 {
		t.Errorf("attempt 1 posted %d parts, want at least 2 (over 60,000 bytes), each go-test-json, one reporting TestBlocker008's flake:\n%s", parts, out)
	}
	out, errOut, err = post(results("attempt2.jsonl", 600, nil), r.URL+"/ci/runs", "abc1234", "2")
	if err != nil || strings.Count(out, `"new_flakes":1`) != 1 {
		t.Fatalf("post-runs attempt 2: %v, want one part reporting the new flake\nstdout %s\nstderr %s", err, out, errOut)
	}

	c := &runnerClient{t: t, base: r.URL, http: &http.Client{Timeout: time.Minute}}
	var trend struct {
		Latest struct {
			Week         string
			Tests, Flaky int
		}
		FlakyTests []struct {
			Suite, Test, Commit string
			Attempt             int
		} `json:"flaky_tests"`
	}
	c.must(200, "GET", "/ops/flakes", nil, ops, &trend)
	if l := trend.Latest; l.Week != "2026-W48" || l.Tests != 600 || l.Flaky != 2 {
		t.Errorf("GET /ops/flakes latest = %+v, want 2026-W48 with 600 blocker tests, 2 flaky", l)
	}
	var flaky []string
	for _, f := range trend.FlakyTests {
		flaky = append(flaky, fmt.Sprintf("%s@%s#%d", f.Test, f.Commit, f.Attempt))
	}
	if got := strings.Join(flaky, " "); got != "TestBlocker007@abc1234#2 TestBlocker008@abc1234#1" {
		t.Errorf("flaky tests = %s, want TestBlocker007 (flaky with attempt 2) and TestBlocker008 (retried within attempt 1)", got)
	}

	// Refused: a commit that is not hex is 400 naming commit; the script says so and fails.
	out, errOut, err = post(first, r.URL+"/ci/runs", "NOT-A-SHA", "1")
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Errorf("post-runs to a refusing endpoint: %v, want exit status 1\nstdout %s", err, out)
	}
	if !strings.Contains(errOut, "post-runs: warning: posting part-001 failed") || !strings.Contains(errOut, "commit") || !strings.Contains(errOut, "invalid_request") {
		t.Errorf("post-runs to a refusing endpoint said %q, want the failed part and the server's error naming commit", errOut)
	}
	// Unreachable: nothing listens there.
	port, err := harness.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	_, errOut, err = post(first, fmt.Sprintf("http://127.0.0.1:%d/ci/runs", port), "abc1234", "3")
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(errOut, "post-runs: warning: posting part-001 failed") {
		t.Errorf("post-runs to an unreachable endpoint: %v, %q; want exit status 1 and a warning", err, errOut)
	}
}
