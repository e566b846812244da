package wiring_test

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/lucian-app/phase12/shared/apigw"
	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/flowmetrics"
	"github.com/lucian-app/phase12/shared/ids"
	"github.com/lucian-app/phase12/shared/opsstore"
	"github.com/lucian-app/phase12/shared/samtemplate"
	"github.com/lucian-app/phase12/shared/wiring"
	"github.com/lucian-app/phase12/shared/wiring/opswire"
)

// bucketKeys records the partition keys of the flow-metric buckets written.
type bucketKeys struct {
	dynamo.API
	mu  sync.Mutex
	pks map[string]bool
}

func (b *bucketKeys) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, o ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	if pk := in.Key[dynamo.PartitionKey].(*types.AttributeValueMemberS).Value; strings.HasPrefix(pk, "FLOW#") {
		b.mu.Lock()
		b.pks[pk] = true
		b.mu.Unlock()
	}
	return b.API.UpdateItem(ctx, in, o...)
}

// TestFlowBucketShardsIsConfiguration: FLOW_BUCKET_SHARDS spreads the buckets a function
// writes over that many shards, the caller's events in the caller's shard; unset keeps one
// item per bucket; a value that is not a shard count fails INIT naming the variable.
func TestFlowBucketShardsIsConfiguration(t *testing.T) {
	now := time.Date(2026, 11, 28, 9, 0, 30, 0, time.UTC)
	for _, tt := range []struct {
		value  string
		shards int
	}{{"", 0}, {"0", 0}, {"4", 4}, {"256", 256}} {
		db := &bucketKeys{API: dynamotest.New(t), pks: map[string]bool{}}
		env := map[string]string{wiring.EnvOpsTable: dynamotest.OpsTable, wiring.EnvAppTable: dynamotest.AppTable, wiring.EnvFlowBucketShards: tt.value}
		d := wiring.Deps{DynamoDB: db, Getenv: func(k string) string { return env[k] }, Now: func() time.Time { return now },
			NewID: ids.Sequence("S"), Log: wiring.NewLogger(io.Discard, "")}
		h, err := wiring.FlowMetrics(d)
		if err != nil {
			t.Fatalf("%s=%q: %v", wiring.EnvFlowBucketShards, tt.value, err)
		}
		r := httptest.NewRequest("POST", "/metrics/flows", strings.NewReader(fmt.Sprintf(
			`{"events":[{"flow":"today_load_client","latency_ms":80,"outcome":"ok","at":%q}]}`, now.Format(time.RFC3339))))
		ev, err := apigw.NewEvent(r, apigw.Match{Route: apigw.Route{Method: "POST", Path: "/metrics/flows"}},
			apigw.Options{RequestID: "shards", Time: now, Claims: map[string]string{"sub": "alice"}})
		if err != nil {
			t.Fatal(err)
		}
		if resp, err := h.(httpFunc)(context.Background(), ev); err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s=%q: POST /metrics/flows: %+v, %v", wiring.EnvFlowBucketShards, tt.value, resp, err)
		}
		want := map[string]bool{"FLOW#today_load_client": true}
		reader := opsstore.New(db.API, dynamotest.OpsTable)
		reader.Shards = tt.shards
		if tt.shards > 0 {
			s := strconv.Itoa(reader.Shard("alice"))
			want = map[string]bool{"FLOW#today_load_client#M#" + s: true, "FLOW#today_load_client#H#" + s: true, "FLOW#today_load_client#D#" + s: true}
		}
		if fmt.Sprint(db.pks) != fmt.Sprint(want) {
			t.Errorf("%s=%q: buckets written under %v, want %v", wiring.EnvFlowBucketShards, tt.value, db.pks, want)
		}
		pts, err := reader.Buckets(context.Background(), "today_load_client", flowmetrics.Day, now, now)
		if err != nil || len(pts) != 1 || pts[0].Total != 1 {
			t.Errorf("%s=%q: a reader of %d shards reads %+v, %v; want the one event", wiring.EnvFlowBucketShards, tt.value, tt.shards, pts, err)
		}
	}
	for _, v := range []string{"-1", "257", "many", "3.5"} {
		env := map[string]string{wiring.EnvOpsTable: dynamotest.OpsTable, wiring.EnvAppTable: dynamotest.AppTable, wiring.EnvFlowBucketShards: v}
		d := wiring.Deps{DynamoDB: dynamotest.New(t), Getenv: func(k string) string { return env[k] }, Now: time.Now,
			NewID: ids.Sequence("S"), Log: wiring.NewLogger(io.Discard, "")}
		for name, build := range map[string]wiring.Builder{"flow metrics": wiring.FlowMetrics, "burn-rate check": wiring.BurnRateCheck, "ops": opswire.Ops} {
			_, err := build(d)
			if want := "FLOW_BUCKET_SHARDS=\"" + v + "\" is not a number of shards from 0 to 256"; err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s with %s=%q: error %v, want %q", name, wiring.EnvFlowBucketShards, v, err, want)
			}
		}
	}
}

// TestEveryOpsTableFunctionGetsTheShardCount: a reader sees only the shards it counts, so
// every function of template.yaml that has OPS_TABLE gets FLOW_BUCKET_SHARDS from the one
// FlowBucketShards parameter, whose default is opsstore.DefaultShards.
func TestEveryOpsTableFunctionGetsTheShardCount(t *testing.T) {
	data, err := os.ReadFile("../../template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := samtemplate.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	param, ok := tmpl.Parameters["FlowBucketShards"]
	if !ok || param.Default != strconv.Itoa(opsstore.DefaultShards) {
		t.Fatalf("parameter FlowBucketShards = %+v, want a default of %d", param, opsstore.DefaultShards)
	}
	resolve := func(id, _ string) (string, bool) { return "ref:" + id, true }
	n := 0
	for _, id := range tmpl.FunctionIDs() {
		env, err := tmpl.Environment(tmpl.Functions[id], resolve)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := env[wiring.EnvOpsTable]; !ok {
			if v, ok := env[wiring.EnvFlowBucketShards]; ok {
				t.Errorf("%s has %s=%s but no OPS_TABLE", id, wiring.EnvFlowBucketShards, v)
			}
			continue
		}
		n++
		if got := env[wiring.EnvFlowBucketShards]; got != param.Default {
			t.Errorf("%s: %s = %q, want the FlowBucketShards parameter (%s)", id, wiring.EnvFlowBucketShards, got, param.Default)
		}
	}
	if n < 7 {
		t.Errorf("%d functions with OPS_TABLE, want the 7 that measure, ingest, check, show or digest flows", n)
	}
}
