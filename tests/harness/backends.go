package harness

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Backends are the servers the contract and end-to-end tiers run against:
// AWS's DynamoDB Local for DynamoDB (it runs requests at the same time, as
// DynamoDB does) and moto for SNS and SQS.
type Backends struct {
	Moto   *Moto
	Dynamo *DynamoDBLocal
}

// Env is the environment that points the SDK (and so a function under the
// emulator, or the local runner) at these backends.
func (b *Backends) Env() []string {
	// DynamoDB Local answers its first calls (a cold JVM) far slower than DynamoDB, so the
	// functions' deadline budgets are stretched (wiring.EnvDeadlineScale); a fault test of
	// the budgets themselves sets DEADLINE_SCALE=1 after these.
	return append(b.Moto.Env(), "AWS_ENDPOINT_URL_DYNAMODB="+b.Dynamo.Endpoint, "DEADLINE_SCALE=10")
}

// DynamoConfig is an SDK configuration for DynamoDB Local.
func (b *Backends) DynamoConfig(ctx context.Context) (aws.Config, error) { return b.Dynamo.Config(ctx) }

// RunWithBackends is a TestMain body: it starts DynamoDB Local and moto
// into *dst, runs the tests and stops both by their PIDs. A missing
// backend fails the tier; it is never skipped.
func RunWithBackends(m *testing.M, dst **Backends, tier string) int {
	type started struct {
		moto *Moto
		ddb  *DynamoDBLocal
		err  error
	}
	motoC, ddbC := make(chan started, 1), make(chan started, 1)
	go func() { p, err := StartMoto(); motoC <- started{moto: p, err: err} }()
	go func() { p, err := StartDynamoDBLocal(); ddbC <- started{ddb: p, err: err} }()
	mo, dd := <-motoC, <-ddbC
	if mo.moto != nil {
		defer mo.moto.Stop()
	}
	if dd.ddb != nil {
		defer dd.ddb.Stop()
	}
	if mo.err != nil {
		fmt.Fprintf(os.Stderr, "%s need moto_server: %v\n", tier, mo.err)
		return 1
	}
	if dd.err != nil {
		fmt.Fprintf(os.Stderr, "%s need DynamoDB Local: %v\n", tier, dd.err)
		return 1
	}
	*dst = &Backends{Moto: mo.moto, Dynamo: dd.ddb}
	return m.Run()
}
