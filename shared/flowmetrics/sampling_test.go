package flowmetrics_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/degrade"
	"github.com/lucian-app/phase12/shared/flowmetrics"
	"github.com/lucian-app/phase12/shared/slo"
)

func TestTheSamplingLeverCountsItsShareOfEvents(t *testing.T) {
	cat, err := slo.Default()
	if err != nil {
		t.Fatal(err)
	}
	var raw []json.RawMessage
	for range 10 {
		raw = append(raw, json.RawMessage(fmt.Sprintf(`{"flow":"today_load_client","latency_ms":80,"outcome":"ok","at":%q}`, now.Format(time.RFC3339))))
	}
	for _, tt := range []struct {
		sampling    float64
		wantCounted uint64
		wantWrites  int
	}{{1, 10, 1}, {0.3, 3, 1}, {0, 0, 0}} {
		w := &recordingWriter{}
		draws := 0
		s := &flowmetrics.Service{Catalog: cat, Writer: w, Now: func() time.Time { return now }, Levers: degrade.Fixed{MetricIngestSampling: tt.sampling},
			Rand: func() float64 { draws++; return float64(draws-1) / 10 }} // 0, 0.1, ... 0.9
		res, err := s.Ingest(context.Background(), "alice", raw)
		if err != nil {
			t.Fatal(err)
		}
		var counted uint64
		for _, d := range w.deltas {
			if d.Resolution == flowmetrics.Minute {
				counted += d.Bucket.Total
			}
		}
		if res.Accepted != 10 || counted != tt.wantCounted || w.calls != tt.wantWrites {
			t.Errorf("sampling %v: accepted %d, counted %d in %d writes; want 10 accepted, %d counted in %d", tt.sampling, res.Accepted, counted, w.calls, tt.wantCounted, tt.wantWrites)
		}
	}
}
