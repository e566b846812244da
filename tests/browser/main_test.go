//go:build browser

// Package browser loads the ops page from the local runner in headless Chromium: the page
// as a person's browser renders it, with data seeded the way it would arrive (flow events
// through the API, the burn-rate check and the weekly digest through the Invoke API, acks
// through the page's own forms). `make screenshot` runs it with -screenshot to refresh
// docs/ops-page.png. Without Chromium the test fails, like the other tiers without their tools:
// a tier is never skipped while reporting green.
package browser

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/lucian-app/phase12/tests/harness"
)

var screenshot = flag.String("screenshot", "", "also save a 1280x1600 screenshot of the ops page to this PNG file")

// runner is cmd/local built and started on a free 127.0.0.1 port.
type runner struct {
	*harness.Process
	URL string
}

// startRunner builds the local runner and starts it with env added to the environment; it
// is stopped by its PID when the test ends.
func startRunner(t *testing.T, env ...string) *runner {
	t.Helper()
	root, err := harness.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "local")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := harness.GoBuild(ctx, root, bin, "./cmd/local"); err != nil {
		t.Fatal(err)
	}
	port, err := harness.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	env = append(append(os.Environ(), fmt.Sprintf("PORT=%d", port), "LOG_LEVEL=WARN"), env...)
	p, err := harness.Start(bin, []string{"-template", filepath.Join(root, "template.yaml")}, env, root)
	if err != nil {
		t.Fatal(err)
	}
	r := &runner{Process: p, URL: fmt.Sprintf("http://127.0.0.1:%d", port)}
	t.Cleanup(func() {
		p.Stop()
		if t.Failed() {
			t.Logf("runner output:\n%s", p.Output())
		}
	})
	if err := p.WaitHTTP(r.URL+"/_local/clock", time.Minute); err != nil {
		t.Fatal(err)
	}
	return r
}

// chromium finds the browser; a missing one fails the test.
func chromium(t *testing.T) *harness.Chromium {
	t.Helper()
	bin, err := harness.FindChromium()
	if err != nil {
		t.Fatalf("%v (apt-get install chromium; .ci/run installs it)", err)
	}
	return &harness.Chromium{Bin: bin, UserDataDir: t.TempDir()}
}
