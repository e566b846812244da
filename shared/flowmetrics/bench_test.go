package flowmetrics_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/flowmetrics"
	"github.com/lucian-app/phase12/shared/httpapi/httpapitest"
	"github.com/lucian-app/phase12/shared/slo"
)

// batch is a request of 500 events over the two client flows and five minutes (09:21 to
// 09:25), with latencies spread over two decades, as a busy client would send.
func batch() string {
	es := make([]string, flowmetrics.MaxEvents)
	flows := []string{"today_load_client", "create_task_client"}
	for i := range es {
		outcome := "ok"
		if i%97 == 0 {
			outcome = "error"
		}
		at := now.Add(-time.Duration(i%240) * time.Second)
		es[i] = fmt.Sprintf(`{"flow":%q,"latency_ms":%d,"outcome":%q,"at":%q}`, flows[i%2], 40+(i*37)%4000, outcome, at.Format(time.RFC3339))
	}
	return events(es...)
}

// BenchmarkIngest is POST /metrics/flows in-process: HTTP handler, JSON, validation,
// the caller's limit, aggregation and the UpdateItem ADDs on minidyn.
func BenchmarkIngest(b *testing.B) {
	h, _ := newHandler(b, dynamotest.New(b))
	body := batch()
	b.ReportAllocs()
	caller := 0
	for b.Loop() {
		// A caller per request: the clock stands still, and one caller's limit is 600 a minute.
		caller++
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httpapitest.NewRequest(http.MethodPost, "/metrics/flows", strings.NewReader(body), httpapitest.Claims(fmt.Sprintf("app-%d", caller))))
		if rec.Code != 200 || !strings.HasPrefix(rec.Body.String(), `{"accepted":500,`) {
			b.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
	b.ReportMetric(float64(flowmetrics.MaxEvents*b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkValidateAggregate is ingest's own work on a 500-event batch, without HTTP or
// a store.
func BenchmarkValidateAggregate(b *testing.B) {
	cat, err := slo.Default()
	if err != nil {
		b.Fatal(err)
	}
	var in struct{ Events []json.RawMessage }
	if err := json.Unmarshal([]byte(batch()), &in); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		ev, rej := flowmetrics.Validate(cat, now, in.Events)
		if len(rej) != 0 {
			b.Fatal(rej)
		}
		flowmetrics.Aggregate(cat, ev)
	}
	b.ReportMetric(float64(flowmetrics.MaxEvents*b.N)/b.Elapsed().Seconds(), "events/s")
}
