package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/lucian-app/phase12/shared/dynamo/dynamolocal"
)

// TestDynamoDBLocalRunsTheRunner starts the runner as `make dev
// DYNAMODB=local` does: it starts DynamoDB Local on a free port, creates
// the template's tables there, serves a task through it, and stops it by
// its PID when the runner's context ends.
func TestDynamoDBLocalRunsTheRunner(t *testing.T) {
	if _, err := dynamolocal.Find("../.."); err != nil {
		missing(t, err)
	}
	if _, err := exec.LookPath("java"); err != nil {
		missing(t, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	env := map[string]string{"PORT": "0", "DYNAMODB": "local"}
	var stdout, stderr lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-template", "../../template.yaml"}, func(k string) string { return env[k] }, &stdout, &stderr)
	}()

	base := waitFor(t, &stdout, done, regexp.MustCompile(`Serving \S+ on (http://127\.0\.0\.1:\d+)`))
	endpoint := waitFor(t, &stdout, done, regexp.MustCompile(`DynamoDB: (http://127\.0\.0\.1:\d+) \(DynamoDB Local`))
	var started struct {
		Msg      string `json:"msg"`
		Endpoint string `json:"endpoint"`
		PID      int    `json:"pid"`
	}
	for line := range strings.Lines(stderr.String()) {
		if strings.Contains(line, `"started DynamoDB Local"`) {
			if err := json.Unmarshal([]byte(line), &started); err != nil {
				t.Fatalf("log line %s: %v", line, err)
			}
		}
	}
	if started.PID == 0 || started.Endpoint != endpoint {
		t.Fatalf("log: %+v, want the PID and endpoint %s; stderr:\n%s", started, endpoint, stderr.String())
	}
	// The process group is DynamoDB Local's own: the terminal's Ctrl-C
	// reaches only the runner, which stops it.
	if pgid, err := syscall.Getpgid(started.PID); err != nil || pgid != started.PID {
		t.Errorf("Getpgid(%d) = %d, %v; want its own group", started.PID, pgid, err)
	}

	// The template's tables are there, as any client sees them.
	db := dynamodb.New(dynamodb.Options{
		BaseEndpoint: aws.String(endpoint),
		Region:       "eu-west-1", // -sharedDb: any region, any key
		Credentials:  credentials.NewStaticCredentialsProvider("other", "other", ""),
	})
	tables, err := db.ListTables(ctx, &dynamodb.ListTablesInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range projectTemplate(t).Tables {
		if !slices.Contains(tables.TableNames, want.LogicalID) {
			t.Errorf("tables = %v, want %s", tables.TableNames, want.LogicalID)
		}
	}

	post := request(t, "POST", base+"/tasks", `{"title":"hello"}`)
	if post.status != http.StatusCreated {
		t.Fatalf("POST /tasks: %d %s", post.status, post.body)
	}
	today := request(t, "GET", base+"/tasks/today?timezone=Europe/Berlin", "")
	if today.status != http.StatusOK || !strings.Contains(today.body, `"title":"hello"`) {
		t.Errorf("GET /tasks/today: %d %s, want the task", today.status, today.body)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the runner did not stop within 30 s of its context ending")
	}
	// run waited for the process, so its PID is free (or someone else's,
	// in which case the group check fails).
	if err := syscall.Kill(started.PID, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("kill(%d, 0) after the runner stopped = %v, want ESRCH: DynamoDB Local is still running", started.PID, err)
	}
	if !strings.Contains(stderr.String(), `"stopped DynamoDB Local"`) {
		t.Errorf("stderr has no stop line:\n%s", stderr.String())
	}
}

func TestDynamoDBModeErrors(t *testing.T) {
	empty := t.TempDir()
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want []string
	}{
		{"bad flag value", []string{"-dynamodb", "moto"}, nil, []string{`"moto" is neither embedded nor local`}},
		{"bad environment value", nil, map[string]string{"DYNAMODB": "aws"}, []string{`DYNAMODB: "aws" is neither embedded nor local`}},
		{"two DynamoDBs", []string{"-template", "../../template.yaml", "-dynamodb", "local"},
			map[string]string{"AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:8000"},
			[]string{"AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:8000 name two DynamoDBs"}},
		{"not installed", []string{"-template", "../../template.yaml"},
			map[string]string{"DYNAMODB": "local"},
			[]string{"DynamoDB Local not found", "`make tools`", "apt-get install -y openjdk-17-jre-headless"}},
	}
	// "not installed": DYNAMODB_LOCAL_DIR names a folder without the jar.
	t.Setenv("DYNAMODB_LOCAL_DIR", empty)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(context.Background(), tt.args, func(k string) string { return tt.env[k] }, io.Discard, io.Discard)
			for _, want := range tt.want {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("err = %v, want one containing %q", err, want)
				}
			}
		})
	}
}

// missing fails the test on CI, where DynamoDB Local must be installed,
// and skips it elsewhere.
func missing(t *testing.T, err error) {
	t.Helper()
	const how = "`make tools` installs DynamoDB Local; it runs on Java 17 (apt-get install -y openjdk-17-jre-headless)"
	if os.Getenv("CI") != "" {
		t.Fatalf("DynamoDB Local cannot run: %v\n%s", err, how)
	}
	t.Skipf("DynamoDB Local cannot run (on CI this fails): %v\n%s", err, how)
}

// waitFor returns re's first group once it appears in out.
func waitFor(t *testing.T, out *lockedBuffer, done <-chan error, re *regexp.Regexp) string {
	t.Helper()
	deadline := time.After(90 * time.Second)
	for {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			return m[1]
		}
		select {
		case err := <-done:
			t.Fatalf("the runner stopped before printing %s: %v\n%s", re, err, out.String())
		case <-deadline:
			t.Fatalf("no %s within 90 s:\n%s", re, out.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func request(t *testing.T, method, url, body string) response {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Dev-User", "alice")
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// lockedBuffer is written by the runner's goroutines and read by the test.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
