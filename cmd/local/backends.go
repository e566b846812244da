package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/dynamo/embedded"
	"github.com/lucian-app/phase12/shared/samtemplate"
	"github.com/lucian-app/phase12/shared/topic"
	"github.com/lucian-app/phase12/shared/wiring"
)

// Where the local ARNs say resources live. Lambda's own environment has a
// region; the template's references need one to become ARNs.
const (
	localRegion  = "us-east-1"
	localAccount = "123456789012"
)

// tableWait bounds waiting for a table created on a real endpoint to
// become ACTIVE (instant on moto and DynamoDB Local, seconds on AWS).
const tableWait = 2 * time.Minute

// backends are the DynamoDB and SNS every function shares.
type backends struct {
	db       dynamo.API
	admin    dynamo.Admin
	sns      topic.API
	recorder *topic.Recorder // nil when SNS is a real endpoint
	// topicARNs maps a topic's logical ID to its ARN.
	topicARNs  map[string]string
	dynamoDesc string
	snsDesc    string
	// envDefaults stand in for template variables that do not suit these
	// backends, unless the process environment sets them.
	envDefaults map[string]string
}

// embeddedEnv is what the in-process store changes: flow-metric buckets
// are not sharded (FLOW_BUCKET_SHARDS=0). Shards spread writes over items
// to stay under DynamoDB's per-item write limit, which the in-process
// store does not have, while minidyn evaluates every Query against the
// whole table, so 33 Queries a bucket range would make the ops page and
// the burn-rate check crawl as local data grows.
var embeddedEnv = map[string]string{"FLOW_BUCKET_SHARDS": "0", "FLOW_REPORTS": "inline"}

// endpointEnv is what every local run changes, whatever the store: server-flow reports are
// written before the request returns (FLOW_REPORTS=inline), so what a developer or a test
// just did is on the ops page at once; FLOW_REPORTS=background in the environment runs them
// as deployed.
var endpointEnv = map[string]string{"FLOW_REPORTS": "inline"}

// memoryBackends are the in-process DynamoDB and SNS, with the template's
// tables and topics.
func memoryBackends(ctx context.Context, tmpl *samtemplate.Template) (*backends, error) {
	db := embedded.New()
	b := &backends{db: db, admin: db, topicARNs: map[string]string{}, dynamoDesc: "in-process minidyn", envDefaults: embeddedEnv}
	if err := ensureTables(ctx, tmpl, db, nil); err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, id := range tmpl.Topics {
		arn := fmt.Sprintf("arn:aws:sns:%s:%s:%s", localRegion, localAccount, id)
		b.topicARNs[id] = arn
		names[arn] = id
	}
	b.recorder = &topic.Recorder{Names: names}
	b.sns = b.recorder
	b.snsDesc = "in-process, keeps what is published"
	return b, nil
}

// newBackends chooses, per service, the in-process one or the endpoint
// that AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> names, and creates the
// template's tables and topics there. localDynamo, when set, is a DynamoDB
// Local the runner started (-dynamodb local): DynamoDB goes there, with
// static credentials, whatever AWS_ENDPOINT_URL says.
func newBackends(ctx context.Context, tmpl *samtemplate.Template, getenv func(string) string, log *slog.Logger, localDynamo string) (*backends, error) {
	dynEndpoint := firstSet(localDynamo, getenv("AWS_ENDPOINT_URL_DYNAMODB"), getenv("AWS_ENDPOINT_URL"))
	snsEndpoint := firstSet(getenv("AWS_ENDPOINT_URL_SNS"), getenv("AWS_ENDPOINT_URL"))
	b, err := memoryBackends(ctx, tmpl)
	if err != nil || (dynEndpoint == "" && snsEndpoint == "") {
		return b, err
	}
	cfg, err := wiring.AWSConfig(ctx)
	if err != nil {
		return nil, err
	}
	if cfg.Region == "" {
		cfg.Region = localRegion
	}
	if dynEndpoint != "" {
		db := dynamodb.NewFromConfig(cfg)
		b.dynamoDesc = dynEndpoint
		if localDynamo != "" {
			db = dynamodb.NewFromConfig(dynamoLocalConfig(cfg, localDynamo), dynamoLocalOptions(localDynamo))
			b.dynamoDesc = localDynamo + " (DynamoDB Local, started by the runner)"
		}
		if err := ensureTables(ctx, tmpl, db, db); err != nil {
			return nil, err
		}
		b.db, b.admin, b.envDefaults = db, db, endpointEnv
	}
	if snsEndpoint != "" {
		c := sns.NewFromConfig(cfg)
		for _, id := range tmpl.Topics {
			// CreateTopic is idempotent: an existing topic's ARN comes back.
			out, err := c.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String(id)})
			if err != nil {
				return nil, fmt.Errorf("create topic %s at %s: %w", id, snsEndpoint, err)
			}
			b.topicARNs[id] = aws.ToString(out.TopicArn)
		}
		b.sns, b.recorder = c, nil
		b.snsDesc = snsEndpoint + " (messages are not kept locally)"
	}
	log.Info("backends", "dynamodb", b.dynamoDesc, "sns", b.snsDesc)
	return b, nil
}

// ttlAPI is what turning TTL on needs; minidyn has no TTL API, so it is
// only used against real endpoints.
type ttlAPI interface {
	DescribeTimeToLive(ctx context.Context, in *dynamodb.DescribeTimeToLiveInput, opts ...func(*dynamodb.Options)) (*dynamodb.DescribeTimeToLiveOutput, error)
	UpdateTimeToLive(ctx context.Context, in *dynamodb.UpdateTimeToLiveInput, opts ...func(*dynamodb.Options)) (*dynamodb.UpdateTimeToLiveOutput, error)
}

// ensureTables creates each template table that is missing, named by its
// logical ID. With a real client (real non-nil) it also waits for the table
// to be ACTIVE and turns on the template's TTL; minidyn has neither table
// states nor waiters nor TTL.
func ensureTables(ctx context.Context, tmpl *samtemplate.Template, admin dynamo.Admin, real *dynamodb.Client) error {
	for _, tbl := range tmpl.Tables {
		name := tbl.LogicalID
		if err := dynamo.EnsureTable(ctx, admin, name); err != nil {
			return err
		}
		if real == nil {
			continue
		}
		w := dynamodb.NewTableExistsWaiter(real)
		if err := w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)}, tableWait); err != nil {
			return fmt.Errorf("table %s: %w", name, err)
		}
		if tbl.TTLAttribute != "" {
			if err := enableTTL(ctx, real, name, tbl.TTLAttribute); err != nil {
				return fmt.Errorf("table %s: %w", name, err)
			}
		}
	}
	return nil
}

func enableTTL(ctx context.Context, db ttlAPI, table, attr string) error {
	out, err := db.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String(table)})
	if err == nil && out.TimeToLiveDescription != nil &&
		(out.TimeToLiveDescription.TimeToLiveStatus == types.TimeToLiveStatusEnabled ||
			out.TimeToLiveDescription.TimeToLiveStatus == types.TimeToLiveStatusEnabling) {
		return nil
	}
	_, err = db.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{
		TableName:               aws.String(table),
		TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String(attr), Enabled: aws.Bool(true)},
	})
	var invalid interface{ ErrorCode() string }
	if errors.As(err, &invalid) && invalid.ErrorCode() == "ValidationException" && strings.Contains(err.Error(), "already enabled") {
		return nil
	}
	if err != nil {
		return fmt.Errorf("enable TTL on %s: %w", attr, err)
	}
	return nil
}

// resolver answers the template's references the way they resolve here
// (samtemplate.Names): a table is its name (the logical ID), a topic the ARN it
// was made with, a function its name, each with the ARN its GetAtt would give. The
// runner reads no SSM: functions take their levers from LEVERS_FILE or LEVERS
// (shared/wiring leverSource).
func (b *backends) resolver(tmpl *samtemplate.Template) samtemplate.Resolver {
	names := samtemplate.Names(tmpl, b.topicARNs, nil)
	return func(id, attr string) (string, bool) {
		if tmpl.ResourceTypes[id] == "AWS::SecretsManager::Secret" && attr == "" {
			// The runner has no Secrets Manager: the ops session key comes from
			// OPS_SESSION_KEY instead (set with LOCAL_OIDC=dev).
			return "", true
		}
		return names(id, attr)
	}
}

func firstSet(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}
