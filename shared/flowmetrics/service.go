package flowmetrics

import (
	"context"
	"encoding/json"
	"time"

	"github.com/lucian-app/phase12/shared/slo"
)

// Writer adds deltas to the stored buckets, atomically per bucket and without reading them.
type Writer interface {
	Add(ctx context.Context, deltas []Delta) error
}

// Service is the ingest side of flow metrics.
type Service struct {
	Catalog slo.Catalog
	Writer  Writer
	Now     func() time.Time
}

// Result is the answer to an ingest request.
type Result struct {
	Accepted int         `json:"accepted"`
	Rejected []Rejection `json:"rejected"`
}

// Ingest validates the events one by one and counts the valid ones. An error means none or
// only some of the accepted events were counted (see the package comment).
func (s *Service) Ingest(ctx context.Context, raw []json.RawMessage) (Result, error) {
	events, rejected := Validate(s.Catalog, s.Now(), raw)
	if len(events) > 0 {
		if err := s.Writer.Add(ctx, Aggregate(s.Catalog, events)); err != nil {
			return Result{}, err
		}
	}
	return Result{Accepted: len(events), Rejected: rejected}, nil
}
