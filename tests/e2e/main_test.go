//go:build e2e

// Package e2e runs the built bootstrap binaries under the AWS Lambda
// Runtime Interface Emulator, invoked with the sample events in events/,
// backed over the wire by DynamoDB Local (DynamoDB) and moto (SNS, SQS):
// the deployed artefact, end to end.
package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/tests/harness"
)

var backends *harness.Backends

func TestMain(m *testing.M) { os.Exit(harness.RunWithBackends(m, &backends, "end-to-end tests")) }

// startFunction builds functions/<dir> and runs it under the emulator
// with env; it is stopped when the test ends.
func startFunction(t *testing.T, dir string, env ...string) *harness.Emulator {
	t.Helper()
	bootstrap, err := harness.Build(context.Background(), dir, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	e, err := harness.StartEmulator(bootstrap, append(backends.Env(), env...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		e.Stop()
		if t.Failed() {
			t.Logf("emulator output:\n%s", e.Output())
		}
	})
	return e
}

// ensureTables creates the named tables in DynamoDB Local.
func ensureTables(t *testing.T, names ...string) {
	t.Helper()
	ctx := context.Background()
	cfg, err := backends.DynamoConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	db := dynamodb.NewFromConfig(cfg)
	for _, n := range names {
		if err := dynamo.EnsureTable(ctx, db, n); err != nil {
			t.Fatal(err)
		}
	}
}

// readEvent reads events/<name> as Lambda delivers it.
func readEvent(t *testing.T, name string) []byte {
	t.Helper()
	root, err := harness.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, "events", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// loadEvent reads events/<name> into an HTTP API v2 event.
func loadEvent(t *testing.T, name string) events.APIGatewayV2HTTPRequest {
	t.Helper()
	var e events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(readEvent(t, name), &e); err != nil {
		t.Fatal(err)
	}
	return e
}

// invokeHTTP sends an HTTP API event and decodes the proxied response.
func invokeHTTP(t *testing.T, fn *harness.Emulator, e events.APIGatewayV2HTTPRequest) (int, map[string]any, events.APIGatewayV2HTTPResponse) {
	t.Helper()
	payload, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	out, err := fn.Invoke(payload)
	if err != nil {
		t.Fatal(err)
	}
	var resp events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(out, &resp); err != nil {
		t.Fatalf("response %s: %v", out, err)
	}
	body := map[string]any{}
	if err := json.Unmarshal([]byte(resp.Body), &body); err != nil {
		t.Fatalf("body %q: %v", resp.Body, err)
	}
	return resp.StatusCode, body, resp
}
