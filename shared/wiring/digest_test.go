package wiring_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"gopkg.in/yaml.v3"

	"github.com/lucian-app/phase12/shared/digest"
	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/ids"
	"github.com/lucian-app/phase12/shared/opsstore"
	"github.com/lucian-app/phase12/shared/topic"
	"github.com/lucian-app/phase12/shared/wiring"
)

func deps(t *testing.T, env map[string]string) wiring.Deps {
	t.Helper()
	return wiring.Deps{
		DynamoDB: dynamotest.New(t), SNS: &topic.Recorder{}, HTTP: &http.Client{Timeout: 5 * time.Second},
		Getenv: func(k string) string { return env[k] }, Now: time.Now, NewID: ids.Sequence("W"),
		Log: wiring.NewLogger(io.Discard, ""),
	}
}

func TestWeeklyDigestConfiguration(t *testing.T) {
	const secret = "https://hooks.slack.com/services/T000/B000/s3cr3t"
	base := map[string]string{wiring.EnvOpsTable: dynamotest.OpsTable, wiring.EnvDigestTopicARN: "arn:aws:sns:us-east-1:123456789012:DigestTopic"}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for a, b := range base {
			m[a] = b
		}
		m[k] = v
		return m
	}
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string
	}{
		{"no webhook", base, ""},
		{"a webhook", with(wiring.EnvDigestWebhookURL, secret), ""},
		{"no topic", with(wiring.EnvDigestTopicARN, ""), "DIGEST_TOPIC_ARN is not set"},
		{"no table", with(wiring.EnvOpsTable, ""), "OPS_TABLE is not set"},
		{"a webhook that is not a URL", with(wiring.EnvDigestWebhookURL, "hooks.slack.com/services/T000/B000/s3cr3t"),
			"DIGEST_WEBHOOK_URL is set but not an absolute http(s) URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := wiring.WeeklyDigest(deps(t, tt.env))
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
// exactly one request to DIGEST_WEBHOOK_URL: a POST of JSON to the configured path, whose
// body is the stored digest rendered as Block Kit.
func TestWeeklyDigestPostsTheDigestToTheConfiguredWebhook(t *testing.T) {
	type request struct {
		method, path, contentType string
		body                      []byte
	}
	var (
		mu   sync.Mutex
		reqs []request
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
		wiring.EnvDigestWebhookURL: srv.URL + "/services/T000/B000/s3cr3t", wiring.EnvOpsPageURL: opsPage,
	})
	d.HTTP = srv.Client()
	// Monday 30 November 2026, 08:00 UTC: the digest of 2026-W48.
	scheduled := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	d.Now = func() time.Time { return scheduled.Add(3 * time.Second) }
	h, err := wiring.WeeklyDigest(d)
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
		wiring.EnvOpsTable:         "!Ref OpsTable",
		wiring.EnvDigestTopicARN:   "!Ref DigestTopic",
		wiring.EnvDigestWebhookURL: "!Ref DigestWebhookUrl",
	} {
		if got := vars.get(name).str(); got != want {
			t.Errorf("variable %s = %q, want %q", name, got, want)
		}
	}
	if vars.get(wiring.EnvOpsPageURL).Node == nil {
		t.Errorf("no %s variable", wiring.EnvOpsPageURL)
	}
	p := tpl.get("Parameters").get("DigestWebhookUrl")
	if p.get("NoEcho").Value != "true" || p.get("Default").Node == nil || p.get("Default").Value != "" {
		t.Errorf("DigestWebhookUrl must be NoEcho with an empty default: %q %q", p.get("NoEcho").Value, p.get("Default").Value)
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
