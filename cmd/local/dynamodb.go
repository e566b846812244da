package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/lucian-app/phase12/shared/dynamo/dynamolocal"
)

// Where the runner's DynamoDB lives (-dynamodb, or $DYNAMODB).
const (
	// dynamoEmbedded is minidyn in this process: needs nothing but Go, and
	// runs one request at a time.
	dynamoEmbedded = "embedded"
	// dynamoLocal is AWS's DynamoDB Local, started and stopped by the
	// runner: requests run at the same time and overlapping transactions
	// conflict, as in DynamoDB.
	dynamoLocal = "local"
)

// dynamoMode is the -dynamodb flag.
type dynamoMode string

func (m *dynamoMode) String() string { return string(*m) }

func (m *dynamoMode) Set(s string) error {
	if s != dynamoEmbedded && s != dynamoLocal {
		return fmt.Errorf("%q is neither %s nor %s", s, dynamoEmbedded, dynamoLocal)
	}
	*m = dynamoMode(s)
	return nil
}

// dynamoFlag defines -dynamodb on flags, defaulting to $DYNAMODB, else
// embedded.
func dynamoFlag(flags *flag.FlagSet, getenv func(string) string) (*dynamoMode, error) {
	mode := dynamoMode(dynamoEmbedded)
	if v := getenv("DYNAMODB"); v != "" {
		if err := mode.Set(v); err != nil {
			return nil, fmt.Errorf("DYNAMODB: %w", err)
		}
	}
	flags.Var(&mode, "dynamodb", "where DynamoDB runs: "+dynamoEmbedded+" (in-process minidyn) or "+dynamoLocal+
		" (AWS's DynamoDB Local, started and stopped by the runner; needs Java 17 and `make tools`); default $DYNAMODB, else "+dynamoEmbedded)
	return &mode, nil
}

// startDynamoDB starts DynamoDB Local when mode is local, from the build
// under root/.tools (or $DYNAMODB_LOCAL_DIR), and returns its endpoint and
// the function that stops it by its PID; for embedded it starts nothing.
func startDynamoDB(ctx context.Context, mode dynamoMode, root string, getenv func(string) string, log *slog.Logger) (endpoint string, stop func(), err error) {
	if mode != dynamoLocal {
		return "", func() {}, nil
	}
	if e := getenv("AWS_ENDPOINT_URL_DYNAMODB"); e != "" {
		return "", nil, fmt.Errorf("-dynamodb %s and AWS_ENDPOINT_URL_DYNAMODB=%s name two DynamoDBs: unset one", dynamoLocal, e)
	}
	dir, err := dynamolocal.Find(root)
	if err == nil {
		// Its start-up banner is noise here; the last of its output is
		// kept for the error if it does not come up or dies.
		var srv *dynamolocal.Server
		if srv, err = dynamolocal.Start(ctx, dir, nil); err == nil {
			return srv.Endpoint, watch(srv, dir, log), nil
		}
	}
	if errors.Is(err, dynamolocal.ErrNotInstalled) || errors.Is(err, dynamolocal.ErrNoJava) {
		return "", nil, fmt.Errorf("-dynamodb %s: %w\nDynamoDB Local needs Java 17 (apt-get install -y openjdk-17-jre-headless) "+
			"and its jar (`make tools`); plain `make dev` uses the embedded store", dynamoLocal, err)
	}
	return "", nil, fmt.Errorf("-dynamodb %s: %w", dynamoLocal, err)
}

// watch logs where srv runs, and its output should it exit before the
// runner stops it (every DynamoDB call would then fail). The returned
// function stops it.
func watch(srv *dynamolocal.Server, dir string, log *slog.Logger) func() {
	pid := srv.PID()
	log.Info("started DynamoDB Local", "endpoint", srv.Endpoint, "pid", pid, "dir", dir)
	stopping := make(chan struct{})
	go func() {
		select {
		case <-srv.Done():
			log.Error("DynamoDB Local exited; DynamoDB calls fail until the runner restarts", "pid", pid, "output", srv.Output())
		case <-stopping:
		}
	}()
	return func() {
		close(stopping)
		srv.Stop()
		log.Info("stopped DynamoDB Local", "pid", pid)
	}
}

// dynamoLocalConfig is cfg pointed at a DynamoDB Local the runner started.
// With -sharedDb any region and key reach the same database, so static
// ones serve, and nobody has to set AWS_* variables for it.
func dynamoLocalConfig(cfg aws.Config, endpoint string) aws.Config {
	cfg.Region = localRegion
	cfg.Credentials = credentials.NewStaticCredentialsProvider("local", "local", "")
	cfg.BaseEndpoint = aws.String(endpoint)
	return cfg
}

// dynamoLocalOptions are the client options for that DynamoDB Local. The
// endpoint is set here too, because AWS_ENDPOINT_URL_DYNAMODB would
// otherwise win over the config's. DynamoDB Local sends no X-Amz-Crc32 on
// its errors, and the SDK then checks their bodies against 0 and logs "failed
// to close HTTP response body" for every failed condition
// (aws/aws-sdk-go-v2#3545); the checksum guards nothing on 127.0.0.1.
func dynamoLocalOptions(endpoint string) func(*dynamodb.Options) {
	return func(o *dynamodb.Options) {
		o.BaseEndpoint = aws.String(endpoint)
		o.DisableValidateResponseChecksum = true
	}
}
