package harness

import (
	"context"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/lucian-app/phase12/shared/wiring"
)

// Moto is a running moto_server, reached through a proxy that serialises
// requests.
//
// Why the proxy: moto runs requests on threads, and its
// TransactWriteItems deep-copies every table it touches and restores the
// copy when a condition fails, so a write another request made meanwhile
// is silently lost. DynamoDB never does that (single-item writes are
// atomic, transactions serializable). One request at a time makes moto's
// answers ones DynamoDB could give, while requests from concurrent
// goroutines still interleave between calls, which is the race the tests
// exercise. DynamoDB's own answer to a concurrent transaction,
// TransactionConflict, is injected by the contract tests' fault transport.
type Moto struct {
	*Process
	Endpoint string
	proxy    *http.Server
}

// Region and credentials the tests give moto (it accepts any).
const (
	Region    = "us-east-1"
	AccountID = "123456789012"
)

// StartMoto starts moto_server on a free 127.0.0.1 port.
func StartMoto() (*Moto, error) {
	bin, err := Find("moto_server")
	if err != nil {
		return nil, err
	}
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	p, err := Start(bin, []string{"-H", "127.0.0.1", "-p", itoa(port)}, os.Environ(), "")
	if err != nil {
		return nil, err
	}
	direct := "http://127.0.0.1:" + itoa(port)
	if err := p.WaitHTTP(direct+"/moto-api/", 60*time.Second); err != nil {
		p.Stop()
		return nil, err
	}
	endpoint, proxy, err := serialise(direct)
	if err != nil {
		p.Stop()
		return nil, err
	}
	return &Moto{Process: p, Endpoint: endpoint, proxy: proxy}, nil
}

// Stop ends the proxy, then moto_server by its PID.
func (m *Moto) Stop() {
	_ = m.proxy.Close()
	m.Process.Stop()
}

// serialise serves a proxy to target on a free 127.0.0.1 port that
// forwards one request at a time.
func serialise(target string) (string, *http.Server, error) {
	u, err := url.Parse(target)
	if err != nil {
		return "", nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	var mu sync.Mutex
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		proxy.ServeHTTP(w, r)
	}), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	return "http://" + l.Addr().String(), srv, nil
}

// Env is the environment that points the SDK at this moto.
func (m *Moto) Env() []string {
	return []string{
		"AWS_ENDPOINT_URL=" + m.Endpoint,
		"AWS_REGION=" + Region,
		"AWS_ACCESS_KEY_ID=test",
		"AWS_SECRET_ACCESS_KEY=test",
	}
}

// Config is an SDK configuration for this moto, with the project's retryer.
func (m *Moto) Config(ctx context.Context) (aws.Config, error) {
	return config.LoadDefaultConfig(ctx,
		config.WithRegion(Region),
		config.WithBaseEndpoint(m.Endpoint),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("test", "test", "")),
		config.WithRetryer(wiring.Retryer),
	)
}
