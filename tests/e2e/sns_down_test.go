//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/lucian-app/phase12/shared/alert"
	"github.com/lucian-app/phase12/shared/flowmetrics"
	"github.com/lucian-app/phase12/shared/opsstore"
	"github.com/lucian-app/phase12/shared/slo"
	"github.com/lucian-app/phase12/tests/harness"
)

// TestSNSDownUnderEmulator: issue 13's "SNS down" on the built BurnRateCheckFunction and
// OpsFunction under the emulator, DynamoDB Local behind them. With SNS's endpoint pointed at
// a port where nothing listens (AWS_ENDPOINT_URL_SNS), each scheduled run fails (the error
// names the trigger's publish, so Lambda would retry it) while the page's incident stays
// stored, firing and not notified, one incident however many runs, and GET /ops/alerts
// answers 200 listing it. A new instance with SNS reachable (moto) delivers the owed page
// exactly once under the same incident id; a run after that sends nothing more.
func TestSNSDownUnderEmulator(t *testing.T) {
	ctx := context.Background()
	table := "OpsTable-e2e-snsdown"
	ensureTables(t, table)
	sub, err := backends.Moto.Subscribe(ctx, "AlertTopic-e2e-snsdown")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := backends.DynamoConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	store := opsstore.New(dynamodb.NewFromConfig(cfg), table)
	store.Shards = shards
	cat, err := slo.Default()
	if err != nil {
		t.Fatal(err)
	}
	// create_task failed every other request over the last five minutes, as TasksFunction
	// would have recorded it: a page is due.
	now := time.Now().UTC()
	var evs []flowmetrics.Event
	for i := range 200 {
		evs = append(evs, flowmetrics.Event{Flow: "create_task", LatencyMs: 90, OK: i%2 == 0, At: now.Add(-time.Duration(i) * time.Second)})
	}
	if err := store.Add(ctx, flowmetrics.Aggregate(cat, evs)); err != nil {
		t.Fatal(err)
	}
	page := func() (alert.State, int) {
		t.Helper()
		states, err := store.States(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var st alert.State
		n := 0
		for _, s := range states {
			if s.Alert.Flow == "create_task" && s.Alert.Objective == "availability" && s.Alert.Severity == "page" {
				st, n = s, n+1
			}
		}
		return st, n
	}

	port, err := harness.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	sharded := fmt.Sprintf("FLOW_BUCKET_SHARDS=%d", shards)
	dead := fmt.Sprintf("AWS_ENDPOINT_URL_SNS=http://127.0.0.1:%d", port)
	down := startFunction(t, "burn-rate-check", "OPS_TABLE="+table, "ALERT_TOPIC_ARN="+sub.TopicARN, "ACK_BASE_URL=https://api.example.com", sharded, dead)
	ops := startFunction(t, "ops", "OPS_TABLE="+table, sharded, dead)
	scheduled := readEvent(t, "burn-rate-check.json")
	var id string
	for i := range 2 {
		out, err := down.Invoke(scheduled)
		if err != nil || !strings.Contains(string(out), "errorMessage") || !strings.Contains(string(out), "publish trigger") {
			t.Fatalf("run %d with SNS down: %s %v, want the invocation's error naming the trigger's publish", i+1, out, err)
		}
		st, n := page()
		if n != 1 || st.Alert.State != alert.Firing || st.Alert.NotifiedAt != nil || (id != "" && st.Alert.ID != id) {
			t.Fatalf("run %d with SNS down: %d page states, %+v; want the one incident firing, not notified", i+1, n, st.Alert)
		}
		id = st.Alert.ID
		status, body, _ := invokeHTTP(t, ops, loadEvent(t, "ops-alerts.json"))
		if status != 200 || !strings.Contains(fmt.Sprint(body), id) {
			t.Errorf("GET /ops/alerts?state=firing with SNS down: %d %v, want 200 listing %s", status, body, id)
		}
	}
	if got, err := sub.Drain(ctx); err != nil || len(got) != 0 {
		t.Fatalf("messages on the queue while SNS was down: %d %v", len(got), err)
	}

	up := startFunction(t, "burn-rate-check", "OPS_TABLE="+table, "ALERT_TOPIC_ARN="+sub.TopicARN, "ACK_BASE_URL=https://api.example.com", sharded)
	for i := range 2 {
		if out, err := up.Invoke(scheduled); err != nil || string(out) != "null" {
			t.Fatalf("run %d with SNS back: %s %v", i+1, out, err)
		}
	}
	if st, n := page(); n != 1 || st.Alert.ID != id || st.Alert.NotifiedAt == nil {
		t.Errorf("after SNS came back: %d states, %+v; want %s notified", n, st.Alert, id)
	}
	got, err := sub.Drain(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var pages []string
	for _, env := range got {
		if env.Attribute("severity") == "page" && env.Attribute("action") == "trigger" {
			pages = append(pages, env.Attribute("alert_id"))
		}
	}
	if len(pages) != 1 || pages[0] != id {
		t.Fatalf("page triggers delivered = %v, want exactly one, of %s", pages, id)
	}
}
