package metrics_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/metrics"
)

var at = time.Date(2026, 11, 30, 8, 0, 0, 123_000_000, time.UTC)

func emitter(buf *bytes.Buffer, level slog.Level) *metrics.Emitter {
	log := slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: level})).With("request_id", "req-1")
	return &metrics.Emitter{Log: log, Namespace: "Phase12/test",
		Dimensions: []metrics.Dimension{{Name: "Function", Value: "TasksFunction"}}, Now: func() time.Time { return at }}
}

// lines decodes every JSON line written to buf.
func lines(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if l == "" {
			continue
		}
		m := map[string]any{}
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %q is not JSON: %v", l, err)
		}
		out = append(out, m)
	}
	return out
}

// TestEmitWritesOneEMFLine checks the line against the Embedded Metric Format specification:
// _aws.Timestamp in epoch milliseconds, one CloudWatchMetrics directive naming the namespace,
// one dimension set and each metric with its unit, and every dimension and metric a member of
// the root with its value.
func TestEmitWritesOneEMFLine(t *testing.T) {
	var buf bytes.Buffer
	emitter(&buf, slog.LevelInfo).Emit(context.Background(), []metrics.Dimension{{Name: "Route", Value: "POST /tasks"}},
		metrics.Counter("Requests", 1), metrics.Duration("Latency", 1500*time.Microsecond), metrics.Counter("Errors", 0))
	got := lines(t, &buf)
	if len(got) != 1 {
		t.Fatalf("%d lines, want 1:\n%s", len(got), buf.String())
	}
	line := got[0]
	wantAWS := map[string]any{
		"Timestamp": float64(at.UnixMilli()),
		"CloudWatchMetrics": []any{map[string]any{
			"Namespace":  "Phase12/test",
			"Dimensions": []any{[]any{"Function", "Route"}},
			"Metrics": []any{
				map[string]any{"Name": "Requests", "Unit": "Count"},
				map[string]any{"Name": "Latency", "Unit": "Milliseconds"},
				map[string]any{"Name": "Errors", "Unit": "Count"},
			},
		}},
	}
	if !reflect.DeepEqual(line["_aws"], wantAWS) {
		t.Errorf("_aws = %v\nwant %v", line["_aws"], wantAWS)
	}
	for k, want := range map[string]any{"Function": "TasksFunction", "Route": "POST /tasks", "Requests": 1.0, "Latency": 1.5,
		"Errors": 0.0, "request_id": "req-1", "msg": "metrics"} {
		if line[k] != want {
			t.Errorf("%s = %v, want %v", k, line[k], want)
		}
	}
}

// TestEmitIgnoresTheLogLevel: LOG_LEVEL=ERROR quiets the logs, not the metrics.
func TestEmitIgnoresTheLogLevel(t *testing.T) {
	var buf bytes.Buffer
	e := emitter(&buf, slog.LevelError)
	e.Log.Info("an info line the level drops")
	e.Emit(context.Background(), nil, metrics.Counter("DigestsSent", 1))
	got := lines(t, &buf)
	if len(got) != 1 || got[0]["DigestsSent"] != 1.0 {
		t.Fatalf("lines = %v, want only the metrics line", got)
	}
}

func TestEmitReplacesAnEmptyDimensionValue(t *testing.T) {
	var buf bytes.Buffer
	emitter(&buf, slog.LevelInfo).Emit(context.Background(), []metrics.Dimension{{Name: "Route", Value: ""}}, metrics.Counter("Requests", 1))
	if got := lines(t, &buf); len(got) != 1 || got[0]["Route"] != metrics.NoValue {
		t.Fatalf("lines = %v, want Route %q (CloudWatch drops a line with an empty dimension value)", got, metrics.NoValue)
	}
}

func TestEmitDropsAnInvalidLineWithAWarning(t *testing.T) {
	tests := []struct {
		name   string
		dims   []metrics.Dimension
		values []metrics.Value
		want   string
	}{
		{"a metric named like a dimension", nil, []metrics.Value{metrics.Counter("Function", 1)}, `"Function" is used twice`},
		{"a metric twice", nil, []metrics.Value{metrics.Counter("Requests", 1), metrics.Counter("Requests", 1)}, `"Requests" is used twice`},
		{"a slog key", nil, []metrics.Value{metrics.Counter("time", 1)}, `"time" is a reserved key`},
		{"EMF's own key", []metrics.Dimension{{Name: "_aws", Value: "x"}}, []metrics.Value{metrics.Counter("Requests", 1)}, `"_aws" is a reserved key`},
		{"not a number", nil, []metrics.Value{{Name: "Latency", Unit: metrics.Milliseconds, Value: math.NaN()}}, "is not a number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			emitter(&buf, slog.LevelInfo).Emit(context.Background(), tt.dims, tt.values...)
			got := lines(t, &buf)
			if len(got) != 1 || got[0]["_aws"] != nil || got[0]["level"] != "WARN" || !strings.Contains(got[0]["err"].(string), tt.want) {
				t.Fatalf("lines = %v, want one warning naming %q and no EMF line", got, tt.want)
			}
		})
	}
}

func TestANilEmitterWritesNothing(t *testing.T) {
	var e *metrics.Emitter
	e.Emit(context.Background(), nil, metrics.Counter("Requests", 1)) // must not panic
	var buf bytes.Buffer
	(&metrics.Emitter{Log: slog.New(slog.NewJSONHandler(&buf, nil)), Namespace: "N"}).Emit(context.Background(), nil)
	if buf.Len() != 0 {
		t.Errorf("a line without metrics was written: %s", buf.String())
	}
}
