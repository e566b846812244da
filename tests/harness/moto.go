package harness

import (
	"context"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/lucian-app/phase12/shared/wiring"
)

// Moto is a running moto_server.
type Moto struct {
	*Process
	Endpoint string
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
	m := &Moto{Process: p, Endpoint: "http://127.0.0.1:" + itoa(port)}
	if err := p.WaitHTTP(m.Endpoint+"/moto-api/", 60*time.Second); err != nil {
		p.Stop()
		return nil, err
	}
	return m, nil
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
