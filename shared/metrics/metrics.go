package metrics

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"runtime"
	"time"
)

// Unit is a CloudWatch metric unit.
type Unit string

// The units the functions report in.
const (
	Count        Unit = "Count"
	Milliseconds Unit = "Milliseconds"
)

// Limits of one EMF line that CloudWatch enforces by dropping the whole line.
const (
	maxDimensions     = 30
	maxMetrics        = 100
	maxDimensionValue = 1024
)

// NoValue stands in for an empty dimension value: CloudWatch refuses a line with one.
const NoValue = "none"

// Dimension is one dimension of a metric, e.g. {Function, TasksFunction}.
type Dimension struct{ Name, Value string }

// Value is one metric of a line.
type Value struct {
	Name  string
	Unit  Unit
	Value float64
}

// Counter is n of something.
func Counter(name string, n int) Value { return Value{Name: name, Unit: Count, Value: float64(n)} }

// Duration is d in milliseconds, with its fraction.
func Duration(name string, d time.Duration) Value {
	return Value{Name: name, Unit: Milliseconds, Value: float64(d.Microseconds()) / 1000}
}

// Emitter writes EMF lines in one namespace. A nil *Emitter writes nothing, so a function
// built without metrics (a test, a tool) needs no special case.
type Emitter struct {
	Log       *slog.Logger
	Namespace string
	// Dimensions come first in every line's one dimension set (e.g. the function).
	Dimensions []Dimension
	Now        func() time.Time
}

// reserved are the keys the slog JSON handler writes itself, and EMF's own.
var reserved = map[string]bool{slog.TimeKey: true, slog.LevelKey: true, slog.MessageKey: true, slog.SourceKey: true, "_aws": true}

// Emit writes one line: values under one dimension set, e.Dimensions followed by dims. An
// invalid line (a name used twice, a reserved name, a value that is not a number, too many
// dimensions or metrics) is never written half right: it is replaced by a warning naming the
// problem, so a coding mistake shows in the logs instead of as a metric that silently stops.
func (e *Emitter) Emit(ctx context.Context, dims []Dimension, values ...Value) {
	if e == nil || e.Log == nil || len(values) == 0 {
		return
	}
	now := time.Now
	if e.Now != nil {
		now = e.Now
	}
	at := now()
	all := append(append(make([]Dimension, 0, len(e.Dimensions)+len(dims)), e.Dimensions...), dims...)
	attrs, err := e.line(at, all, values)
	if err != nil {
		e.Log.LogAttrs(ctx, slog.LevelWarn, "metrics: line dropped", slog.String("err", err.Error()))
		return
	}
	// Straight to the handler, past the logger's level: metrics are not logs to quiet.
	var pcs [1]uintptr
	runtime.Callers(2, pcs[:])
	r := slog.NewRecord(at, slog.LevelInfo, "metrics", pcs[0])
	r.AddAttrs(attrs...)
	_ = e.Log.Handler().Handle(ctx, r)
}

type metricDef struct {
	Name string `json:"Name"`
	Unit Unit   `json:"Unit"`
}

type directive struct {
	Namespace  string      `json:"Namespace"`
	Dimensions [][]string  `json:"Dimensions"`
	Metrics    []metricDef `json:"Metrics"`
}

type metadata struct {
	Timestamp         int64       `json:"Timestamp"`
	CloudWatchMetrics []directive `json:"CloudWatchMetrics"`
}

func (e *Emitter) line(at time.Time, dims []Dimension, values []Value) ([]slog.Attr, error) {
	if e.Namespace == "" {
		return nil, fmt.Errorf("no namespace")
	}
	if len(dims) > maxDimensions || len(values) > maxMetrics {
		return nil, fmt.Errorf("%d dimensions and %d metrics, at most %d and %d", len(dims), len(values), maxDimensions, maxMetrics)
	}
	seen := map[string]bool{}
	use := func(name string) error {
		switch {
		case name == "":
			return fmt.Errorf("an empty name")
		case reserved[name]:
			return fmt.Errorf("%q is a reserved key", name)
		case seen[name]:
			return fmt.Errorf("%q is used twice", name)
		}
		seen[name] = true
		return nil
	}
	attrs := make([]slog.Attr, 0, 1+len(dims)+len(values))
	set := make([]string, 0, len(dims))
	for _, d := range dims {
		if err := use(d.Name); err != nil {
			return nil, fmt.Errorf("dimension: %w", err)
		}
		v := d.Value
		if v == "" {
			v = NoValue
		}
		if len(v) > maxDimensionValue {
			v = v[:maxDimensionValue]
		}
		set = append(set, d.Name)
		attrs = append(attrs, slog.String(d.Name, v))
	}
	defs := make([]metricDef, 0, len(values))
	for _, v := range values {
		if err := use(v.Name); err != nil {
			return nil, fmt.Errorf("metric: %w", err)
		}
		if math.IsNaN(v.Value) || math.IsInf(v.Value, 0) {
			return nil, fmt.Errorf("metric %q: %v is not a number CloudWatch takes", v.Name, v.Value)
		}
		defs = append(defs, metricDef{Name: v.Name, Unit: v.Unit})
		attrs = append(attrs, slog.Float64(v.Name, v.Value))
	}
	meta := metadata{
		Timestamp:         at.UnixMilli(),
		CloudWatchMetrics: []directive{{Namespace: e.Namespace, Dimensions: [][]string{set}, Metrics: defs}},
	}
	return append([]slog.Attr{slog.Any("_aws", meta)}, attrs...), nil
}
