package wiring_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"gopkg.in/yaml.v3"

	"github.com/lucian-app/phase12/shared/digest"
	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/ids"
	"github.com/lucian-app/phase12/shared/opsstore"
	"github.com/lucian-app/phase12/shared/topic"
	"github.com/lucian-app/phase12/shared/wiring"
	"github.com/lucian-app/phase12/shared/wiring/digestwire"
)

func deps(t *testing.T, env map[string]string) wiring.Deps {
	t.Helper()
	return wiring.Deps{
		DynamoDB: dynamotest.New(t), SNS: &topic.Recorder{}, HTTP: &http.Client{Timeout: 5 * time.Second},
		Getenv: func(k string) string { return env[k] }, Now: time.Now, NewID: ids.Sequence("W"),
		Log: wiring.NewLogger(io.Discard, ""),
	}
}

// fakeSecrets is Secrets Manager holding values by ARN; it counts the reads.
type fakeSecrets struct {
	values map[string]string
	err    error
	reads  []string
}

func (f *fakeSecrets) GetSecretValue(_ context.Context, in *secretsmanager.GetSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	f.reads = append(f.reads, aws.ToString(in.SecretId))
	if f.err != nil {
		return nil, f.err
	}
	v, ok := f.values[aws.ToString(in.SecretId)]
	if !ok {
		return nil, &smtypes.ResourceNotFoundException{Message: aws.String("Secrets Manager can't find the specified secret.")}
	}
	return &secretsmanager.GetSecretValueOutput{ARN: in.SecretId, SecretString: aws.String(v)}, nil
}

const webhookSecretARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:phase12/digest-webhook-AbCdEf"

// TestWeeklyDigestConfiguration: the webhook URL is read once, at INIT, from the Secrets
// Manager secret DIGEST_WEBHOOK_SECRET_ARN names, and must be https; no environment variable
// carries it. Every refusal fails INIT without quoting the secret.
func TestWeeklyDigestConfiguration(t *testing.T) {
	const secret = "https://hooks.slack.com/services/T000/B000/s3cr3t"
	base := map[string]string{wiring.EnvOpsTable: dynamotest.OpsTable, wiring.EnvDigestTopicARN: "arn:aws:sns:us-east-1:123456789012:DigestTopic"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for a, b := range base {
			m[a] = b
		}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name      string
		env       map[string]string
		secrets   *fakeSecrets // nil: the function has no Secrets Manager client
		wantReads int
		wantErr   string
	}{
		{"no webhook", base, &fakeSecrets{}, 0, ""},
		{"a webhook secret", with(wiring.EnvDigestWebhookSecretARN, webhookSecretARN), &fakeSecrets{values: map[string]string{webhookSecretARN: secret}}, 1, ""},
		{"a webhook secret with spaces around the URL", with(wiring.EnvDigestWebhookSecretARN, webhookSecretARN),
			&fakeSecrets{values: map[string]string{webhookSecretARN: "  " + secret + "\n"}}, 1, ""},
		{"no topic", with(wiring.EnvDigestTopicARN, ""), &fakeSecrets{}, 0, "DIGEST_TOPIC_ARN is not set"},
		{"no table", with(wiring.EnvOpsTable, ""), &fakeSecrets{}, 0, "OPS_TABLE is not set"},
		{"the URL in an environment variable", with("DIGEST_WEBHOOK_URL", secret), &fakeSecrets{}, 0,
			"DIGEST_WEBHOOK_URL is set: the webhook URL is a secret; put it in Secrets Manager and set DIGEST_WEBHOOK_SECRET_ARN"},
		{"a secret that is not a URL", with(wiring.EnvDigestWebhookSecretARN, webhookSecretARN),
			&fakeSecrets{values: map[string]string{webhookSecretARN: "hooks.slack.com/services/T000/B000/s3cr3t"}}, 1,
			"the secret " + webhookSecretARN + " is not an absolute https URL"},
		{"a plain http URL", with(wiring.EnvDigestWebhookSecretARN, webhookSecretARN),
			&fakeSecrets{values: map[string]string{webhookSecretARN: "http://hooks.slack.com/services/T000/B000/s3cr3t"}}, 1,
			"the secret " + webhookSecretARN + " is not an absolute https URL"},
		{"a secret that cannot be read", with(wiring.EnvDigestWebhookSecretARN, webhookSecretARN),
			&fakeSecrets{err: errors.New("AccessDeniedException: not authorized")}, 1, "read the secret " + webhookSecretARN + ": AccessDeniedException"},
		{"a missing secret", with(wiring.EnvDigestWebhookSecretARN, webhookSecretARN), &fakeSecrets{}, 1, "ResourceNotFoundException"},
		{"no Secrets Manager client", with(wiring.EnvDigestWebhookSecretARN, webhookSecretARN), nil, 0, "no Secrets Manager client"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := deps(t, tt.env)
			var c digestwire.Clients
			if tt.secrets != nil {
				c.Secrets = tt.secrets
			}
			h, err := c.WeeklyDigest(d)
			if tt.secrets != nil && len(tt.secrets.reads) != tt.wantReads {
				t.Errorf("%d secret reads (%v), want %d", len(tt.secrets.reads), tt.secrets.reads, tt.wantReads)
			}
			if tt.wantErr == "" {
				if err != nil || h == nil {
					t.Fatalf("WeeklyDigest() = %v, %v", h, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("WeeklyDigest() error = %v, want %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "s3cr3t") {
				t.Errorf("the error quotes the webhook URL: %v", err)
			}
		})
	}
}

// TestWeeklyDigestPostsTheDigestToTheConfiguredWebhook: a run of the wired function posts
// exactly one request to the URL in the webhook secret: a POST of JSON, over TLS, to the
// configured path, whose body is the stored digest rendered as Block Kit. Its metrics line
// counts the digest sent on both channels.
func TestWeeklyDigestPostsTheDigestToTheConfiguredWebhook(t *testing.T) {
	type request struct {
		method, path, contentType string
		body                      []byte
	}
	var (
		mu   sync.Mutex
		reqs []request
	)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		reqs = append(reqs, request{r.Method, r.URL.Path, r.Header.Get("Content-Type"), body})
		mu.Unlock()
		_, _ = w.Write([]byte("ok"))
	}))
	t.Cleanup(srv.Close)

	const opsPage = "https://api.example.com/ops"
	d := deps(t, map[string]string{
		wiring.EnvOpsTable: dynamotest.OpsTable, wiring.EnvDigestTopicARN: "arn:aws:sns:us-east-1:123456789012:DigestTopic",
		wiring.EnvDigestWebhookSecretARN: webhookSecretARN, wiring.EnvOpsPageURL: opsPage, wiring.EnvMetricsNamespace: namespace,
	})
	d.HTTP = srv.Client() // trusts the test server's certificate
	var logs syncBuffer
	d.Log = wiring.NewLogger(&logs, "")
	d.Function = "WeeklyDigestFunction"
	// Monday 30 November 2026, 08:00 UTC: the digest of 2026-W48.
	scheduled := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	d.Now = func() time.Time { return scheduled.Add(3 * time.Second) }
	h, err := digestwire.Clients{Secrets: &fakeSecrets{values: map[string]string{webhookSecretARN: srv.URL + "/services/T000/B000/s3cr3t"}}}.WeeklyDigest(d)
	if err != nil {
		t.Fatal(err)
	}
	run, ok := h.(func(context.Context, events.EventBridgeEvent) error)
	if !ok {
		t.Fatalf("WeeklyDigest() handler is a %T, want a scheduled-event handler", h)
	}
	if err := run(context.Background(), events.EventBridgeEvent{ID: "e-1", Time: scheduled}); err != nil {
		t.Fatalf("run: %v", err)
	}

	rec, err := opsstore.New(d.DynamoDB, dynamotest.OpsTable).Digest(context.Background(), "2026-W48")
	if err != nil {
		t.Fatalf("the stored digest of 2026-W48: %v", err)
	}
	want, err := digest.BlockKit(rec.Digest, digest.Links{OpsPageURL: opsPage})
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(reqs) != 1 {
		t.Fatalf("the webhook got %d requests, want 1", len(reqs))
	}
	got := reqs[0]
	if got.method != http.MethodPost || got.path != "/services/T000/B000/s3cr3t" || got.contentType != "application/json; charset=utf-8" {
		t.Errorf("request = %s %s (Content-Type %q), want POST /services/T000/B000/s3cr3t (application/json; charset=utf-8)",
			got.method, got.path, got.contentType)
	}
	if !bytes.Equal(got.body, want) {
		t.Errorf("body =\n%s\nwant the stored digest as Block Kit:\n%s", got.body, want)
	}
	if !strings.HasPrefix(string(got.body), `{"text":"Weekly SLO digest 2026-W48`) || !strings.Contains(string(got.body), opsPage) {
		t.Errorf("body = %.300s, want the 2026-W48 digest linking to %s", got.body, opsPage)
	}
	if n := len(d.SNS.(*topic.Recorder).Messages()); n != 1 {
		t.Errorf("%d SNS messages, want 1 beside the webhook", n)
	}
	if strings.Contains(logs.buf.String(), "s3cr3t") {
		t.Errorf("the function logged the webhook URL:\n%s", logs.buf.String())
	}
	lines := emfLines(t, logs.buf.String())
	if len(lines) != 1 || lines[0].Dimensions[wiring.DimensionFunction] != "WeeklyDigestFunction" ||
		lines[0].Values[wiring.MetricDigestsSent] != 1 || lines[0].Values[wiring.MetricDigestWebhooksSent] != 1 || lines[0].Values[wiring.MetricRunFailures] != 0 {
		t.Errorf("metrics lines %+v, want one for WeeklyDigestFunction with DigestsSent 1, DigestWebhooksSent 1, RunFailures 0", lines)
	}
}

// node walks the template's YAML (CloudFormation's !Ref and friends are tags yaml.v3 keeps).
type node struct{ *yaml.Node }

func (n node) get(key string) node {
	if n.Node == nil || n.Kind != yaml.MappingNode {
		return node{}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return node{n.Content[i+1]}
		}
	}
	return node{}
}

func (n node) items() []*yaml.Node {
	if n.Node == nil {
		return nil
	}
	return n.Content
}

func (n node) str() string {
	if n.Node == nil {
		return ""
	}
	return n.Tag + " " + n.Value
}

func template(t *testing.T) node {
	t.Helper()
	b, err := os.ReadFile("../../template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return node{doc.Content[0]}
}

// TestOnlyTheDigestPublishesToTheDigestTopic: least privilege, checked on the template.
func TestOnlyTheDigestPublishesToTheDigestTopic(t *testing.T) {
	res := template(t).get("Resources")
	var publishers []string
	for i := 0; i+1 < len(res.Content); i += 2 {
		name, r := res.Content[i].Value, node{res.Content[i+1]}
		for _, pol := range r.get("Properties").get("Policies").items() {
			for _, st := range (node{pol}).get("Statement").items() {
				s := node{st}
				actions := []string{}
				if a := s.get("Action"); a.Node != nil && a.Kind == yaml.ScalarNode {
					actions = append(actions, a.Value)
				}
				for _, a := range s.get("Action").items() {
					actions = append(actions, a.Value)
				}
				for _, a := range actions {
					if (a == "sns:Publish" || a == "sns:*") && strings.Contains(s.get("Resource").str(), "DigestTopic") {
						publishers = append(publishers, name)
					}
				}
			}
		}
	}
	if len(publishers) != 1 || publishers[0] != "WeeklyDigestFunction" {
		t.Errorf("functions allowed to publish to DigestTopic: %v, want only WeeklyDigestFunction", publishers)
	}
}

func TestWeeklyDigestInTheTemplate(t *testing.T) {
	tpl := template(t)
	fn := tpl.get("Resources").get("WeeklyDigestFunction").get("Properties")
	vars := fn.get("Environment").get("Variables")
	for name, want := range map[string]string{
		wiring.EnvOpsTable:               "!Ref OpsTable",
		wiring.EnvDigestTopicARN:         "!Ref DigestTopic",
		wiring.EnvDigestWebhookSecretARN: "!Ref DigestWebhookSecretArn",
		"DIGEST_WEBHOOK_URL":             "",
	} {
		if got := vars.get(name).str(); got != want {
			t.Errorf("variable %s = %q, want %q", name, got, want)
		}
	}
	if vars.get(wiring.EnvOpsPageURL).Node == nil {
		t.Errorf("no %s variable", wiring.EnvOpsPageURL)
	}
	if p := tpl.get("Parameters").get("DigestWebhookUrl"); p.Node != nil {
		t.Errorf("the DigestWebhookUrl parameter is still there: a secret passed as a parameter ends up in shell history and samconfig.toml")
	}
	p := tpl.get("Parameters").get("DigestWebhookSecretArn")
	if p.Node == nil {
		t.Fatalf("no DigestWebhookSecretArn parameter")
	}
	if p.get("Default").Node == nil || p.get("Default").Value != "" || p.get("AllowedPattern").Node == nil {
		t.Errorf("DigestWebhookSecretArn must default to empty (no webhook) and have an AllowedPattern: %q %q", p.get("Default").Value, p.get("AllowedPattern").Value)
	}
	ev := fn.get("Events").get("Weekly")
	props := ev.get("Properties")
	if ev.get("Type").Value != "Schedule" || props.get("Schedule").Value != "cron(0 8 ? * MON *)" ||
		props.get("RetryPolicy").Node == nil || props.get("DeadLetterConfig").get("Arn").Node == nil {
		t.Errorf("the schedule must be cron(0 8 ? * MON *) with a retry policy and a dead-letter queue")
	}
	if fn.get("EventInvokeConfig").get("DestinationConfig").get("OnFailure").get("Destination").Node == nil {
		t.Errorf("failed invocations must go to a dead-letter queue")
	}
}
