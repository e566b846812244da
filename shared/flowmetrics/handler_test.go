package flowmetrics_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/flowmetrics"
	"github.com/lucian-app/phase12/shared/httpapi/httpapitest"
	"github.com/lucian-app/phase12/shared/opsstore"
	"github.com/lucian-app/phase12/shared/slo"
)

var now = time.Date(2026, 11, 28, 9, 25, 30, 0, time.UTC)

// newHandler is POST /metrics/flows as wired: OpsTable as the writer and the per-caller
// limiter (600 events a minute), the clock stopped at now.
func newHandler(t testing.TB, db dynamo.API) (http.Handler, *opsstore.Store) {
	t.Helper()
	return newHandlerAt(t, db, func() time.Time { return now })
}

func newHandlerAt(t testing.TB, db dynamo.API, clock func() time.Time) (http.Handler, *opsstore.Store) {
	t.Helper()
	cat, err := slo.Default()
	if err != nil {
		t.Fatal(err)
	}
	store := opsstore.New(db, dynamotest.OpsTable)
	svc := &flowmetrics.Service{Catalog: cat, Writer: store, Now: clock,
		Limiter: store, PerCallerPerMinute: flowmetrics.DefaultPerCallerPerMinute}
	return flowmetrics.Handler(svc, slog.New(slog.DiscardHandler), clock), store
}

func event(flow string, latency float64, outcome string, at time.Time) string {
	return fmt.Sprintf(`{"flow":%q,"latency_ms":%v,"outcome":%q,"at":%q}`, flow, latency, outcome, at.Format(time.RFC3339))
}

func events(es ...string) string { return `{"events":[` + strings.Join(es, ",") + `]}` }

func serve(h http.Handler, body string, claims map[string]string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httpapitest.NewRequest(http.MethodPost, "/metrics/flows", strings.NewReader(body), claims))
	return rec
}

func TestIngestHandler(t *testing.T) {
	user := httpapitest.Claims("user-1")
	ok := event("today_load_client", 420, "ok", now.Add(-time.Minute))
	spread := func(minutes int) string { // one event in each of the last minutes
		es := make([]string, minutes)
		for i := range es {
			es[i] = event("today_load_client", 300, "ok", now.Add(-time.Duration(i)*time.Minute))
		}
		return events(es...)
	}
	many := func(n int) string {
		es := make([]string, n)
		for i := range es {
			es[i] = `{}`
		}
		return events(es...)
	}
	tests := []struct {
		name       string
		body       string
		claims     map[string]string
		wantStatus int
		wantBody   string // JSON, compared exactly (for 200) or the error code and message
	}{
		{"all accepted", events(ok, event("create_task_client", 900, "error", now)), user, 200, `{"accepted":2,"rejected":[]}`},
		{"each event judged on its own", events(ok, event("checkout", 1, "ok", now), ok, event("create_task_client", -5, "ok", now.Add(-25*time.Hour))), user, 200,
			`{"accepted":2,"rejected":[{"index":1,"reason":"flow: unknown flow \"checkout\" (reportable: today_load_client, create_task_client)"},` +
				`{"index":3,"reason":"latency_ms: must not be negative; at: more than 24h0m0s in the past"}]}`},
		{"server flows are refused event by event", events(ok, event("today_load", 5000, "error", now), event("execute_intent", 5000, "error", now)), user, 200,
			`{"accepted":1,"rejected":[{"index":1,"reason":"flow: today_load is measured by the server; report what the app saw as today_load_client"},` +
				`{"index":2,"reason":"flow: execute_intent is measured by the server and cannot be reported"}]}`},
		{"every event rejected is still 200", events(`{"flow":"today_load_client"}`), user, 200,
			`{"accepted":0,"rejected":[{"index":0,"reason":"latency_ms: required; outcome: required; at: required"}]}`},
		{"an event of the wrong type is rejected, not the body", events(`"x"`, ok), user, 200,
			`{"accepted":1,"rejected":[{"index":0,"reason":"event: must be a JSON object"}]}`},
		{"empty list", `{"events":[]}`, user, 200, `{"accepted":0,"rejected":[]}`},
		{"exactly 500 events", many(500), user, 200, ""},
		{"501 events", many(501), user, 400, `invalid_request|events: at most 500 events per request, got 501`},
		{"events of ten minutes", spread(10), user, 200, `{"accepted":10,"rejected":[]}`},
		{"events of eleven minutes", spread(11), user, 400,
			`invalid_request|events: the accepted events fall into 11 minute buckets (distinct flow and minute), at most 10 are allowed in one request: send the events of a few minutes per request`},
		{"missing events", `{"evnts":[]}`, user, 400, `invalid_request|events: required: a list of up to 500 events`},
		{"null events", `{"events":null}`, user, 400, `invalid_request|events: required: a list of up to 500 events`},
		{"events not a list", `{"events":{"flow":"undo"}}`, user, 400, `invalid_request|events: must be an array, not object`},
		{"invalid JSON", `{"events":[`, user, 400, `invalid_request|body: truncated JSON`},
		{"not an object", `[1]`, user, 400, `invalid_request|body: must be a JSON object`},
		{"empty body", ``, user, 400, `invalid_request|body: a JSON object is required`},
		{"over 64 KiB", `{"events":[],"pad":"` + strings.Repeat("x", 64<<10) + `"}`, user, 413, `payload_too_large|body: larger than 65536 bytes`},
		{"no identity", events(ok), nil, 401, `unauthorized|no identity: the request carries no authorizer claims`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, _ := newHandler(t, dynamotest.New(t))
			rec := serve(h, tt.body, tt.claims)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, tt.wantStatus, rec.Body)
			}
			got := strings.TrimSpace(rec.Body.String())
			if tt.wantStatus == 200 {
				if tt.wantBody != "" && got != tt.wantBody {
					t.Errorf("body =\n%s\nwant\n%s", got, tt.wantBody)
				}
				return
			}
			var e struct {
				Error struct{ Code, Message, RequestID string } `json:"error"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil {
				t.Fatal(err)
			}
			code, msg, _ := strings.Cut(tt.wantBody, "|")
			if e.Error.Code != code || e.Error.Message != msg {
				t.Errorf("error = %s: %s, want %s: %s", e.Error.Code, e.Error.Message, code, msg)
			}
		})
	}
}

func TestIngestHandlerCountsAcceptedEvents(t *testing.T) {
	h, store := newHandler(t, dynamotest.New(t))
	rec := serve(h, events(
		event("create_task_client", 200, "ok", now),
		event("create_task_client", 2500, "ok", now), // slow (2100 ms for the app)
		event("create_task_client", 100, "error", now),
		event("create_task_client", 100, "bogus", now), // rejected: not counted
		event("create_task", 100, "error", now),        // the server's flow: refused
	), httpapitest.Claims("user-1"))
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	for _, res := range []flowmetrics.Resolution{flowmetrics.Minute, flowmetrics.Hour, flowmetrics.Day} {
		pts, err := store.Buckets(context.Background(), "create_task_client", res, res.Start(now), res.Start(now))
		if err != nil || len(pts) != 1 {
			t.Fatalf("%s buckets = %v, %v", res, pts, err)
		}
		b := pts[0]
		if b.Total != 3 || b.Good["latency"] != 2 || b.Good["availability"] != 2 {
			t.Errorf("%s bucket = total %d, good %v; want 3 events, 2 fast, 2 ok", res, b.Total, b.Good)
		}
		// The server's series is apart, and the refused event is not in it.
		if pts, err := store.Buckets(context.Background(), "create_task", res, res.Start(now), res.Start(now)); err != nil || len(pts) != 0 {
			t.Errorf("create_task %s buckets = %+v, %v; want none", res, pts, err)
		}
	}
}

// throttled fails every write as DynamoDB does when it throttles.
type throttled struct{ dynamo.API }

func (throttled) UpdateItem(context.Context, *dynamodb.UpdateItemInput, ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	return nil, &types.ProvisionedThroughputExceededException{Message: new(string)}
}

func TestIngestHandlerStoreUnavailable(t *testing.T) {
	h, _ := newHandler(t, throttled{dynamotest.New(t)})
	rec := serve(h, events(event("today_load_client", 5, "ok", now)), httpapitest.Claims("user-1"))
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Errorf("status %d, Retry-After %q; want 503 with Retry-After", rec.Code, rec.Header().Get("Retry-After"))
	}
	if b, _ := io.ReadAll(rec.Body); strings.Contains(string(b), "Throughput") {
		t.Errorf("the 503 body leaks the cause: %s", b)
	}
}

// keyRecorder records the partition key of every UpdateItem.
type keyRecorder struct {
	dynamo.API
	mu    sync.Mutex
	items []string // "PK SK"
}

func (k *keyRecorder) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, o ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	k.mu.Lock()
	k.items = append(k.items, in.Key[dynamo.PartitionKey].(*types.AttributeValueMemberS).Value+" "+in.Key[dynamo.SortKey].(*types.AttributeValueMemberS).Value)
	k.mu.Unlock()
	return k.API.UpdateItem(ctx, in, o...)
}

// TestIngestWritesWithoutReading: a batch costs one UpdateItem for the caller's limit and
// one per bucket it touches, and no read, whatever was stored before. With buckets sharded
// (the template's 32 shards) the count is the same: every bucket of the request goes to the
// caller's one shard, 14 different items.
func TestIngestWritesWithoutReading(t *testing.T) {
	keys := &keyRecorder{API: dynamotest.New(t)}
	db := dynamotest.Count(keys)
	h, store := newHandler(t, db)
	store.Shards = opsstore.DefaultShards
	body := batch() // 500 events, 2 flows, minutes 09:21 to 09:25: 1 + 2 x (5 + 1 + 1)
	for round := range 3 {
		db.Reset()
		keys.items = nil
		// A caller each round: three full batches in one minute are over one caller's limit.
		caller := fmt.Sprintf("user-%d", round)
		if rec := serve(h, body, httpapitest.Claims(caller)); rec.Code != 200 {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		if got, want := db.Calls("UpdateItem"), 15; got != want {
			t.Errorf("round %d: UpdateItem calls = %d, want %d", round, got, want)
		}
		if got := db.Calls("") - db.Calls("UpdateItem"); got != 0 {
			t.Errorf("round %d: %d other calls, want none (no read before write)", round, got)
		}
		shard := store.Shard(caller)
		buckets := map[string]bool{}
		for _, item := range keys.items {
			if strings.HasPrefix(item, "FLOWLIMIT#") {
				continue
			}
			buckets[item] = true
			pk, _, _ := strings.Cut(item, " ")
			if !strings.HasSuffix(pk, fmt.Sprintf("#%d", shard)) || strings.Count(pk, "#") != 3 {
				t.Errorf("round %d: %s's bucket written to %s, want its shard %d", round, caller, item, shard)
			}
		}
		if len(buckets) != 14 {
			t.Errorf("round %d: %d bucket items written, want 14 (5 minutes, an hour and a day of 2 flows)", round, len(buckets))
		}
	}
}
