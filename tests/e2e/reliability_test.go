//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/lucian-app/phase12/shared/flowmetrics"
	"github.com/lucian-app/phase12/shared/opsstore"
	"github.com/lucian-app/phase12/tests/harness"
)

// TestControlTowerUnderEmulator: flow events in through FlowMetricsFunction (a server flow's
// refused), a server-side outage measured by TasksFunction, a scheduled BurnRateCheckFunction
// run that pages through SNS (read from a subscribed SQS queue), and the ops routes seeing
// and acknowledging the incident: the four built bootstraps, the sample events, DynamoDB
// Local and moto behind them.
// acceptedSample counts the events of flow in events/flow-metrics.json that the ingest did
// not reject (rejected is the "rejected" list of its answer).
func acceptedSample(t *testing.T, rejected []any, flow string) int {
	t.Helper()
	var sample struct {
		Events []struct {
			Flow string `json:"flow"`
		} `json:"events"`
	}
	if err := json.Unmarshal([]byte(loadEvent(t, "flow-metrics.json").Body), &sample); err != nil {
		t.Fatal(err)
	}
	refused := map[int]bool{}
	for _, r := range rejected {
		i, _ := r.(map[string]any)["index"].(float64)
		refused[int(i)] = true
	}
	n := 0
	for i, ev := range sample.Events {
		if ev.Flow == flow && !refused[i] {
			n++
		}
	}
	return n
}

// shards is the functions' FLOW_BUCKET_SHARDS here: the template's default, so that the
// buckets are sharded as deployed.
const shards = opsstore.DefaultShards

// flowTotal sums the event totals of every bucket of flow at one resolution in the ops
// table, read from DynamoDB Local through the store the functions use (all its shards).
func flowTotal(t *testing.T, table, flow string, res flowmetrics.Resolution) uint64 {
	return flowTotalIn(t, table, flow, res, shards)
}

// flowTotalIn is flowTotal read by a store that counts n shards.
func flowTotalIn(t *testing.T, table, flow string, res flowmetrics.Resolution, n int) uint64 {
	t.Helper()
	ctx := context.Background()
	cfg, err := backends.DynamoConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	store := opsstore.New(dynamodb.NewFromConfig(cfg), table)
	store.Shards = n
	points, err := store.Buckets(ctx, flow, res, time.Time{}, time.Now().AddDate(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	var total uint64
	for _, p := range points {
		total += p.Total
	}
	return total
}

func TestControlTowerUnderEmulator(t *testing.T) {
	ctx := context.Background()
	table := "OpsTable-e2e-reliability"
	ensureTables(t, table)
	sub, err := backends.Moto.Subscribe(ctx, "AlertTopic-e2e")
	if err != nil {
		t.Fatal(err)
	}

	sharded := fmt.Sprintf("FLOW_BUCKET_SHARDS=%d", shards)
	ingest := startFunction(t, "flow-metrics", "OPS_TABLE="+table, "APP_TABLE=AppTable-e2e-reliability", sharded)
	check := startFunction(t, "burn-rate-check", "OPS_TABLE="+table, "ALERT_TOPIC_ARN="+sub.TopicARN,
		"ACK_BASE_URL=https://api.example.com", sharded)
	ops := startFunction(t, "ops", "OPS_TABLE="+table, sharded)

	// The sample as it is: four events, one of an unknown flow; the others' times are
	// fixed in the file, so whether they count depends on today's date. Only the shape is
	// checked.
	status, body, _ := invokeHTTP(t, ingest, loadEvent(t, "flow-metrics.json"))
	rejected, _ := body["rejected"].([]any)
	if accepted, _ := body["accepted"].(float64); status != 200 || int(accepted)+len(rejected) != 4 || len(rejected) == 0 {
		t.Fatalf("sample ingest: %d %v", status, body)
	}

	// A caller forging a total outage of create_task, a server flow: every event is refused,
	// with the flow to report instead.
	e := loadEvent(t, "flow-metrics.json")
	var es []string
	for range 200 {
		es = append(es, fmt.Sprintf(`{"flow":"create_task","latency_ms":90,"outcome":"error","at":%q}`, time.Now().UTC().Format(time.RFC3339)))
	}
	e.Body = `{"events":[` + strings.Join(es, ",") + `]}`
	e.Headers["content-length"] = fmt.Sprint(len(e.Body))
	status, body, _ = invokeHTTP(t, ingest, e)
	forged, _ := body["rejected"].([]any)
	if status != 200 || body["accepted"] != float64(0) || len(forged) != 200 ||
		forged[0].(map[string]any)["reason"] != "flow: create_task is measured by the server; report what the app saw as create_task_client" {
		t.Fatalf("forged create_task events: %d %v", status, body)
	}

	// A real outage of create_task, as TasksFunction measures it: its AppTable does not exist,
	// so every POST /tasks fails on the server (the functions use the real clock). Each
	// request is another user's, so the events spread over the buckets' shards.
	tasks := startFunction(t, "tasks", "APP_TABLE=AppTable-e2e-missing", "OPS_TABLE="+table, sharded)
	const outage = 30
	for i := range outage {
		e := loadEvent(t, "tasks-create.json")
		e.RequestContext.Authorizer.JWT.Claims["sub"] = fmt.Sprintf("e2e-user-%d", i)
		if status, body, _ := invokeHTTP(t, tasks, e); status < 500 {
			t.Fatalf("POST /tasks without its table: %d %v, want a 5xx", status, body)
		}
	}

	// Every request is counted once at each resolution, however many minute or hour buckets
	// the run crossed, and none of the forged events is; the client flow holds only what the
	// sample got accepted.
	for _, res := range []flowmetrics.Resolution{flowmetrics.Minute, flowmetrics.Hour, flowmetrics.Day} {
		if got := flowTotal(t, table, "create_task", res); got != outage {
			t.Errorf("create_task %v buckets in OpsTable: got a total of %d events, want the %d requests TasksFunction served", res, got, outage)
		}
		if got, want := flowTotal(t, table, "create_task_client", res), acceptedSample(t, rejected, "create_task_client"); got != uint64(want) {
			t.Errorf("create_task_client %v buckets: got a total of %d events, want the sample's %d", res, got, want)
		}
	}
	// The built functions did shard: the unsharded key (shard 0) holds none of them.
	if got := flowTotalIn(t, table, "create_task", flowmetrics.Day, 0); got != 0 {
		t.Errorf("create_task in the unsharded day bucket: %d events, want 0 (every request in its caller's shard)", got)
	}

	scheduled := readEvent(t, "burn-rate-check.json")
	for range 2 { // the second run must not page again
		out, err := check.Invoke(scheduled)
		if err != nil || string(out) != "null" {
			t.Fatalf("burn-rate check: %s %v", out, err)
		}
	}
	got, err := sub.Drain(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var pages []harness.SNSEnvelope
	for _, env := range got {
		if env.Attribute("severity") == "page" {
			pages = append(pages, env)
		}
	}
	if len(pages) != 1 {
		t.Fatalf("pages = %d, want exactly 1 after two runs: %v", len(pages), pages)
	}
	value := pages[0].Attribute
	if value("flow") != "create_task" || value("objective") != "availability" || value("action") != "trigger" ||
		value("dedup_key") != "phase12/create_task/availability/page" {
		t.Errorf("page attributes = %v", pages[0])
	}
	alertID := value("alert_id")

	status, body, _ = invokeHTTP(t, ops, loadEvent(t, "ops-alerts.json"))
	alerts, _ := body["alerts"].([]any)
	found := false
	for _, a := range alerts {
		if a.(map[string]any)["id"] == alertID {
			found = true
		}
	}
	if status != 200 || !found {
		t.Errorf("GET /ops/alerts?state=firing: %d %v, want alert %s listed", status, body, alertID)
	}

	if status, body, _ = invokeHTTP(t, ops, loadEvent(t, "ops-ack.json")); status != 404 {
		t.Errorf("ack of the sample's id: %d %v, want 404", status, body)
	}
	ack := loadEvent(t, "ops-ack.json")
	ack.RawPath = "/ops/alerts/" + alertID + "/ack"
	ack.RequestContext.HTTP.Path = ack.RawPath
	ack.PathParameters = map[string]string{"id": alertID}
	status, body, _ = invokeHTTP(t, ops, ack)
	a, _ := body["alert"].(map[string]any)
	if status != 200 || a["verdict"] != "true_positive" || a["time_to_ack_seconds"] == nil || a["acknowledged_by"] != "oncall-1" {
		t.Errorf("ack: %d %v", status, body)
	}

	status, body, _ = invokeHTTP(t, ops, loadEvent(t, "ops-slo.json"))
	if flows, _ := body["flows"].([]any); status != 200 || len(flows) != 6 {
		t.Errorf("GET /ops/slo: %d %v", status, body)
	}
	user := loadEvent(t, "ops-slo.json")
	user.RequestContext.Authorizer.JWT.Claims["cognito:groups"] = "[users]"
	if status, _, _ := invokeHTTP(t, ops, user); status != 403 {
		t.Errorf("GET /ops/slo outside the ops group: %d, want 403", status)
	}
}
