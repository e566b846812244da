//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/lucian-app/phase12/shared/alert"
	"github.com/lucian-app/phase12/shared/burnrate"
	"github.com/lucian-app/phase12/shared/flowmetrics"
	"github.com/lucian-app/phase12/shared/hint"
	"github.com/lucian-app/phase12/shared/hintguard"
	"github.com/lucian-app/phase12/shared/hintstore"
	"github.com/lucian-app/phase12/shared/opsstore"
	"github.com/lucian-app/phase12/shared/review"
	"github.com/lucian-app/phase12/shared/reviewstore"
	"github.com/lucian-app/phase12/shared/reviewstore/reviewstoretest"
	"github.com/lucian-app/phase12/shared/sketch"
)

// TestWeeklyDigestUnderEmulator: WeeklyDigestFunction built as bootstrap, under the
// emulator, invoked twice with events/weekly-digest.json (the run of Monday 23 November
// 2026, so the week is 2026-W47: a finished week by the real clock the function reads),
// backed by DynamoDB Local and moto. The webhook's URL is read at INIT from a Secrets Manager secret in
// moto (DIGEST_WEBHOOK_SECRET_ARN; the environment never holds it). The digest arrives once on an SQS
// queue subscribed to the topic and once at a Slack-compatible webhook over TLS; OpsFunction then
// serves it (JSON and the page).
func TestWeeklyDigestUnderEmulator(t *testing.T) {
	ctx := context.Background()
	table, hintTable, reviewTable := "OpsTable-e2e-digest", "HintTable-e2e-digest", "ReviewTable-e2e-digest"
	ensureTables(t, table, hintTable, reviewTable)
	cfg, err := backends.DynamoConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The weekly review as WeeklyReviewFunction counts it (the digest of 2026-W47 reports
	// the reviews of 2026-W46 against 2026-W45): two users reviewed 2026-W45, one opened
	// it; their reviews of 2026-W46 count their next week (3 of 4 due done on plan each),
	// a third user gets one too; two open theirs, one is shown r1 and adopts it.
	reviews := reviewstore.New(dynamodb.NewFromConfig(cfg), reviewTable)
	seen := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	for i, u := range []string{"rv-a", "rv-b", "rv-c"} {
		var next *reviewstore.NextWeek
		if i < 2 {
			prev, _, err := reviews.Put(ctx, u, reviewstoretest.Sample("2026-W45", false), nil)
			if err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				if _, err := reviews.Take(ctx, u, reviewstore.Event{ID: u + "-open45", Name: reviewstore.EventReviewOpened, Week: prev.Week, At: seen}, prev, seen); err != nil {
					t.Fatal(err)
				}
			}
			next = &reviewstore.NextWeek{PrevWeek: "2026-W45", PrevArm: reviewstore.ArmTreatment, Planned: 4, OnPlan: 3}
		}
		r, _, err := reviews.Put(ctx, u, reviewstoretest.Sample("2026-W46", false), next)
		if err != nil {
			t.Fatal(err)
		}
		if i == 2 {
			continue
		}
		if _, err := reviews.Take(ctx, u, reviewstore.Event{ID: u + "-open46", Name: reviewstore.EventReviewOpened, Week: r.Week, At: seen}, r, seen); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			if _, err := reviews.Take(ctx, u, reviewstore.Event{ID: u + "-show46", Name: reviewstore.EventRecShown, Week: r.Week, RecID: "r1", VisibleMS: 800, At: seen}, r, seen); err != nil {
				t.Fatal(err)
			}
			if err := reviews.Mark(ctx, u, r.Week, "r1", []string{review.StateOpen}, review.StateAdopted, "exec-e2e"); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Lucian's week as hint-cooldown counts it: on Monday of the week, control showed 4
	// hints to 2 users, one dismissed; of the users first seen the week before, control had
	// 2 (one back on day 7) and the holdout 1 (not back).
	hints := hintstore.New(dynamodb.NewFromConfig(cfg), hintTable)
	for _, c := range []hint.Count{
		{Day: "2026-11-16", Cohort: "control", Names: []string{hintguard.Shown, hintguard.UsersShown, hintguard.Dismissed}},
		{Day: "2026-11-16", Cohort: "control", Shard: 1, Names: []string{hintguard.Shown, hintguard.UsersShown}},
		{Day: "2026-11-16", Cohort: "control", Shard: 2, Names: []string{hintguard.Shown}},
		{Day: "2026-11-16", Cohort: "control", Shard: 3, Names: []string{hintguard.Shown}},
		{Day: "2026-11-09", Cohort: "control", Names: []string{hintguard.RetentionNew, hintguard.RetentionD7}},
		{Day: "2026-11-12", Cohort: "control", Names: []string{hintguard.RetentionNew}},
		{Day: "2026-11-15", Cohort: "holdout", Names: []string{hintguard.RetentionNew}},
	} {
		if err := hints.Count(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	sub, err := backends.Moto.Subscribe(ctx, "DigestTopic-e2e")
	if err != nil {
		t.Fatal(err)
	}

	// The week 2026-W47 (16 to 22 November): create_task failed 2% of a day's requests on
	// Thursday and paged; the page was acknowledged after 3 minutes as a real problem.
	store := opsstore.New(dynamodb.NewFromConfig(cfg), table)
	weekStart := time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)
	var deltas []flowmetrics.Delta
	for i := range 7 {
		for _, flow := range []string{"today_load", "create_task"} {
			sk := &sketch.Sketch{}
			for j := range 400 {
				sk.Add(150 + float64(j%40)*5)
			}
			good := map[string]uint64{"latency": 400, "availability": 400, "degraded": 400}
			if flow == "create_task" && i == 3 {
				good["availability"] = 392
			}
			deltas = append(deltas, flowmetrics.Delta{Flow: flow, Resolution: flowmetrics.Day, Start: weekStart.AddDate(0, 0, i),
				Bucket: flowmetrics.Bucket{Total: 400, Good: good, Latency: sk.Counts()}})
		}
	}
	if err := store.Add(ctx, deltas); err != nil {
		t.Fatal(err)
	}
	k := alert.Key{Flow: "create_task", Objective: "availability", Severity: burnrate.Page}
	triggered := weekStart.AddDate(0, 0, 3).Add(14 * time.Hour)
	a := alert.Alert{ID: "01KE2EDIGEST0000000000000A", Flow: k.Flow, Objective: k.Objective, Severity: k.Severity,
		State: alert.Resolved, DedupKey: k.DedupKey(), TriggeredAt: triggered}
	if err := store.Save(ctx, alert.State{Alert: a, Version: 1}, true); err != nil {
		t.Fatal(err)
	}
	tp := alert.TruePositive
	if _, err := store.Acknowledge(ctx, a.ID, alert.Acknowledgement{At: triggered.Add(3 * time.Minute), By: "oncall-1",
		TimeToAckSeconds: 180, Verdict: &tp}); err != nil {
		t.Fatal(err)
	}

	// A Slack-compatible webhook on 127.0.0.1, over TLS (the function takes https URLs only),
	// which the function reaches from the emulator; SSL_CERT_FILE makes it trust the test
	// server's certificate.
	var mu sync.Mutex
	var hooks []string
	hook := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		hooks = append(hooks, string(b))
		mu.Unlock()
		_, _ = io.WriteString(w, "ok")
	}))
	defer hook.Close()
	certFile := filepath.Join(t.TempDir(), "webhook.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: hook.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	secretARN := createSecret(t, "phase12/e2e-digest-webhook", hook.URL+"/services/T0/B0/e2e-secret")

	fn := startFunction(t, "weekly-digest", "OPS_TABLE="+table, "DIGEST_TOPIC_ARN="+sub.TopicARN,
		"DIGEST_WEBHOOK_SECRET_ARN="+secretARN, "SSL_CERT_FILE="+certFile, "OPS_PAGE_URL=https://api.example.com/ops", "HINT_TABLE="+hintTable,
		"REVIEW_TABLE="+reviewTable)
	scheduled := readEvent(t, "weekly-digest.json")
	for range 2 { // the rerun sends nothing
		out, err := fn.Invoke(scheduled)
		if err != nil || string(out) != "null" {
			t.Fatalf("weekly digest: %s %v", out, err)
		}
	}
	if strings.Contains(fn.Output(), "e2e-secret") {
		t.Errorf("the function logged the webhook URL:\n%s", fn.Output())
	}

	got, err := sub.Drain(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("digest messages on the queue = %d, want exactly 1 after two runs", len(got))
	}
	m := got[0]
	if m.Subject != "Weekly SLO digest 2026-W47: 3 items need a decision" || m.MessageAttributes["week"].Value != "2026-W47" ||
		m.MessageAttributes["kind"].Value != "weekly_digest" {
		t.Errorf("subject %q attributes %v\n%s", m.Subject, m.MessageAttributes, m.Message)
	}
	for _, want := range []string{
		"Mon 16 Nov 2026 to Sun 22 Nov 2026 (UTC)",
		"- create_task availability missed its objective: 99.71% ok against a target of 99.9%",
		"MTTA (pages): median 3m 0s, worst 3m 0s (1 of 1 acknowledged)",
		// The page acknowledged as a real problem is a P1 (shared/kpi/kpi.yaml): the KPI
		// section misses that target and asks its owner for a decision.
		"- P1 incidents per week is 1, target == 0: Lena Fischer (on-call lead) to bring a decision to the KPI review",
		"- P1 incidents per week: 1 (target == 0, MISSED); owner Lena Fischer (on-call lead)",
		"create_task: 2,800 events; latency p50",
		"LUCIAN (hint-cooldown)\ncontrol: 4 shown, 2.00 per user a day; 25% dismissed; task attempts left n/a during hints (0 attempts) vs n/a without (0 attempts): drop n/a\n",
		"D7 retention of users first seen Mon 9 Nov to Sun 15 Nov: Lucian enabled 50% (1 of 2), holdout 0% (0 of 1): +50 pp",
		// The weekly review's KPIs, read from ReviewTable's counters; too few to ask for
		// anything.
		"WEEKLY REVIEW (reviews of 2026-W46, built and opened during this week)\n" +
			"  open rate: 66.7% (2 of 3 reviews opened); 2026-W45: 50.0% (1 of 2); change +16.7 points (fewer than 30 reviews in a week: too few to read)\n" +
			"  adoption: 100.0% (1 of 1 recommendations shown adopted), target 25%: met (fewer than 100 shown: too few to read)\n" +
			"  next-week completion of the reviews of 2026-W45 (tasks due in 2026-W46 done on plan):\n" +
			"    treatment (recommendations): 75.0% (6 of 8 due done on plan, 2 reviews)\n",
		"Ops page: https://api.example.com/ops",
	} {
		if !strings.Contains(m.Message, want) {
			t.Errorf("digest text lacks %q:\n%s", want, m.Message)
		}
	}
	mu.Lock()
	if len(hooks) != 1 || !strings.Contains(hooks[0], `"blocks":[`) || !strings.Contains(hooks[0], "2026-W47") ||
		!strings.Contains(hooks[0], "*Weekly review* (reviews of 2026-W46)") {
		t.Errorf("webhook calls = %d (%.120q), want one Block Kit message", len(hooks), hooks)
	}
	mu.Unlock()

	// OpsFunction serves what was sent.
	ops := startFunction(t, "ops", "OPS_TABLE="+table)
	status, body, _ := invokeHTTP(t, ops, loadEvent(t, "ops-digests-latest.json"))
	d, _ := body["digest"].(map[string]any)
	delivery, _ := d["delivery"].(map[string]any)
	if status != 200 || d["week"] != "2026-W47" || delivery["sns_sent_at"] == nil || delivery["webhook_sent_at"] == nil {
		t.Errorf("GET /ops/digests/latest: %d %v", status, body)
	}
	page := loadEvent(t, "ops-page.json")
	payload, _ := json.Marshal(page)
	out, err := ops.Invoke(payload)
	if err != nil {
		t.Fatal(err)
	}
	var resp struct {
		StatusCode      int               `json:"statusCode"`
		Headers         map[string]string `json:"headers"`
		Body            string            `json:"body"`
		IsBase64Encoded bool              `json:"isBase64Encoded"`
	}
	if err := json.Unmarshal(out, &resp); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Headers["Content-Type"], "text/html") || resp.IsBase64Encoded ||
		!strings.Contains(resp.Body, "Weekly digest 2026-W47") || !strings.Contains(resp.Body, `id="slo-table"`) {
		t.Errorf("GET /ops: %d %v base64 %v, %d bytes", resp.StatusCode, resp.Headers, resp.IsBase64Encoded, len(resp.Body))
	}
}

// createSecret stores value as a new Secrets Manager secret in moto and returns its ARN.
func createSecret(t *testing.T, name, value string) string {
	t.Helper()
	ctx := context.Background()
	cfg, err := backends.Moto.Config(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out, err := secretsmanager.NewFromConfig(cfg).CreateSecret(ctx, &secretsmanager.CreateSecretInput{
		Name: aws.String(name + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)), SecretString: aws.String(value)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.ARN)
}

// TestWeeklyDigestRefusesAWebhookSecretItCannotUse: under the emulator, on moto, INIT fails
// (and so does every invocation, which lands in the dead-letter queue and pages) when the
// secret names no secret, and when it holds a plain-http URL; the log names the secret's ARN,
// never its value.
func TestWeeklyDigestRefusesAWebhookSecretItCannotUse(t *testing.T) {
	table := "OpsTable-e2e-digest-secret"
	ensureTables(t, table)
	plain := createSecret(t, "phase12/e2e-plain-webhook", "http://hooks.example.com/services/T0/B0/plain-secret")
	missing := "arn:aws:secretsmanager:us-east-1:123456789012:secret:phase12/none-AbCdEf"
	for _, tt := range []struct{ name, arn, want string }{
		{"a secret that does not exist", missing, "read the secret " + missing},
		{"a plain-http URL", plain, "the secret " + plain + " is not an absolute https URL"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fn := startFunction(t, "weekly-digest", "OPS_TABLE="+table, "DIGEST_TOPIC_ARN=arn:aws:sns:us-east-1:123456789012:none",
				"DIGEST_WEBHOOK_SECRET_ARN="+tt.arn)
			out, err := fn.Invoke(readEvent(t, "weekly-digest.json"))
			if err == nil && !strings.Contains(string(out), "errorType") {
				t.Fatalf("invoke = %s, want a failed INIT", out)
			}
			deadline := time.Now().Add(5 * time.Second)
			for !strings.Contains(fn.Output(), tt.want) && time.Now().Before(deadline) {
				time.Sleep(50 * time.Millisecond)
			}
			if !strings.Contains(fn.Output(), tt.want) {
				t.Errorf("the log does not say %q:\n%s", tt.want, fn.Output())
			}
			if strings.Contains(fn.Output(), "plain-secret") {
				t.Errorf("the log quotes the secret's value:\n%s", fn.Output())
			}
		})
	}
}
