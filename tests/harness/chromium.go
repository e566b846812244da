package harness

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// FindChromium returns the headless-capable browser: $CHROMIUM if set, else the first of
// chromium, chromium-browser, google-chrome on PATH.
func FindChromium() (string, error) {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return exec.LookPath(p)
	}
	// The names Debian (chromium) and others give the browser.
	for _, n := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	return "", errors.New("chromium not found on PATH (Debian: apt-get update && apt-get install -y chromium; or set CHROMIUM)")
}

// Chromium runs a headless browser for one command (--dump-dom, --screenshot).
type Chromium struct {
	Bin string
	// UserDataDir is a fresh profile directory, so no state leaks between runs.
	UserDataDir string
}

// Run runs the browser with the headless flags and args, and returns its stdout. The
// browser runs in its own process group, which is killed by its PID if ctx ends first
// (Chromium starts helper processes that must not outlive it).
func (c *Chromium) Run(ctx context.Context, args ...string) ([]byte, error) {
	base := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--hide-scrollbars", "--user-data-dir=" + c.UserDataDir,
	}
	cmd := exec.CommandContext(ctx, c.Bin, append(base, args...)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if cmd.Process != nil {
		// Helpers the browser left behind (it normally reaps them) go with their group.
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	if err != nil {
		return stdout.Bytes(), fmt.Errorf("%s: %w\n%s", c.Bin, err, tail(stderr.Bytes(), 4000))
	}
	return stdout.Bytes(), nil
}

func tail(b []byte, n int) []byte {
	if len(b) <= n {
		return b
	}
	return b[len(b)-n:]
}
