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
	"testing"
	"time"

	"github.com/lucian-app/phase12/tests/harness"
)

var screenshot = flag.String("screenshot", "", "also save a 1280x1600 screenshot of the ops page to this PNG file")

// runner is cmd/local built and started on a free 127.0.0.1 port.
type runner = harness.Runner

// startRunner builds the local runner and starts it with env added to the environment; it
// is stopped by its PID when the test ends.
func startRunner(t *testing.T, env ...string) *runner {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	r, err := harness.StartRunner(ctx, t.TempDir(), env...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		r.Stop()
		if t.Failed() {
			t.Logf("runner output:\n%s", r.Output())
		}
	})
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
