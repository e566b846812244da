package harness

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Runner is the local runner (cmd/local), built and started on a free 127.0.0.1 port as
// `make dev` runs it: the project's template.yaml, its embedded store and SNS recorder.
type Runner struct {
	*Process
	URL string
}

// StartRunner builds ./cmd/local into dir and starts it with env added to this process's
// environment (PORT and LOG_LEVEL=WARN first, so env may override them). It waits until
// the runner answers; the caller stops it (Stop, by its PID).
func StartRunner(ctx context.Context, dir string, env ...string) (*Runner, error) {
	root, err := RepoRoot()
	if err != nil {
		return nil, err
	}
	bin := filepath.Join(dir, "local")
	if err := GoBuild(ctx, root, bin, "./cmd/local"); err != nil {
		return nil, err
	}
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	env = append(append(os.Environ(), fmt.Sprintf("PORT=%d", port), "LOG_LEVEL=WARN"), env...)
	p, err := Start(bin, []string{"-template", filepath.Join(root, "template.yaml")}, env, root)
	if err != nil {
		return nil, err
	}
	r := &Runner{Process: p, URL: fmt.Sprintf("http://127.0.0.1:%d", port)}
	if err := p.WaitHTTP(r.URL+"/_local/clock", time.Minute); err != nil {
		p.Stop()
		return nil, err
	}
	return r, nil
}

// ScheduledEvent is the EventBridge event a schedule of function sends for at, as the
// runner's Invoke API takes it (id names the run, so two runs differ).
func ScheduledEvent(function string, at time.Time) []byte {
	return fmt.Appendf(nil, `{"version":"0","id":"run-%d","detail-type":"Scheduled Event","source":"aws.events","account":"123456789012","time":%q,"region":"us-east-1","resources":["arn:aws:events:us-east-1:123456789012:rule/%s"],"detail":{}}`,
		at.UnixNano(), at.UTC().Format(time.RFC3339), function)
}

// InvokePath is the runner's Invoke API path of function (POST, as `sam local start-lambda`).
func InvokePath(function string) string { return "/2015-03-31/functions/" + function + "/invocations" }
