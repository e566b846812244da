package harness

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/smithy-go/logging"

	"github.com/lucian-app/phase12/shared/dynamo/dynamolocal"
	"github.com/lucian-app/phase12/shared/wiring"
)

// DynamoDBLocal is AWS's DynamoDB Local (the Java server), in memory, on a
// free port, started by shared/dynamo/dynamolocal (which `make dev
// DYNAMODB=local` uses too). Unlike moto behind the serialising proxy and
// the embedded store, it runs requests at the same time: this is where
// exactly-once and race claims are proven.
//
// It has no bind-address option (it listens on every interface), so the
// tests send it 127.0.0.1 traffic only, on a port picked at random, and
// stop it by its PID.
type DynamoDBLocal struct{ *dynamolocal.Server }

// FindDynamoDBLocal returns the folder holding DynamoDBLocal.jar:
// $DYNAMODB_LOCAL_DIR if set, else the newest build that `make tools`
// installed under .tools/.
func FindDynamoDBLocal() (string, error) {
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	return dynamolocal.Find(root)
}

// StartDynamoDBLocal starts DynamoDB Local in memory on a free port, with
// telemetry off (nothing may call outside this machine).
func StartDynamoDBLocal() (*DynamoDBLocal, error) {
	dir, err := FindDynamoDBLocal()
	if err != nil {
		return nil, err
	}
	s, err := dynamolocal.Start(context.Background(), dir, nil)
	if err != nil {
		return nil, err
	}
	return &DynamoDBLocal{Server: s}, nil
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
