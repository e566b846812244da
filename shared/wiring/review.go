package wiring

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"

	"github.com/lucian-app/phase12/shared/hintstore"
	"github.com/lucian-app/phase12/shared/review"
	"github.com/lucian-app/phase12/shared/reviewapi"
	"github.com/lucian-app/phase12/shared/reviewstore"
)

// Environment variables of the weekly review's functions, set by template.yaml.
const (
	// EnvReviewTable is ReviewTable, the reviews' own table.
	EnvReviewTable = "REVIEW_TABLE"
	// EnvReviewHoldoutPercent is the share of users, 0 to 100 (default 5), who get the
	// cards without recommendations: the baseline of the lift comparison.
	EnvReviewHoldoutPercent = "REVIEW_HOLDOUT_PERCENT"
)

// reviewHoldout reads the holdout's share.
func reviewHoldout(d Deps) (review.Holdout, error) {
	h := review.DefaultHoldout()
	if v := strings.TrimSpace(d.Getenv(EnvReviewHoldoutPercent)); v != "" {
		n, err := strconv.ParseFloat(v, 64)
		if err != nil || n < 0 || n > 100 {
			return h, fmt.Errorf("configuration: %s=%q is not a percentage from 0 to 100", EnvReviewHoldoutPercent, v)
		}
		h.Share = n / 100
	}
	return h, nil
}

// reviewService is the weekly review over AppTable (the facts, and the engine that adopts),
// ReviewTable and, when HINT_TABLE is set, the companion settings' timezone.
func reviewService(d Deps) (*reviewapi.Service, error) {
	app, err := appStore(d)
	if err != nil {
		return nil, err
	}
	table, err := required(d, EnvReviewTable)
	if err != nil {
		return nil, err
	}
	holdout, err := reviewHoldout(d)
	if err != nil {
		return nil, err
	}
	levers, err := leverReader(d)
	if err != nil {
		return nil, err
	}
	e, err := executeEngine(d, app, levers)
	if err != nil {
		return nil, err
	}
	s := &reviewapi.Service{Facts: app, Store: reviewstore.New(d.DynamoDB, table), Exec: e, Holdout: holdout,
		Levers: levers, Now: d.Now, Log: d.Log}
	if s.Rephrase, err = rephraser(d, func() (ConverseAPI, error) {
		if d.Bedrock != nil {
			return d.Bedrock, nil
		}
		cfg, err := AWSConfig(context.Background())
		if err != nil {
			return nil, err
		}
		return bedrockruntime.NewFromConfig(cfg), nil
	}); err != nil {
		return nil, err
	}
	if hints := d.Getenv(EnvHintTable); hints != "" {
		s.Zones = hintstore.New(d.DynamoDB, hints)
	}
	return s, nil
}

// WeeklyReview builds WeeklyReviewFunction: GET /reviews/weekly, adopting and dismissing a
// recommendation, and the review events.
func WeeklyReview(d Deps) (any, error) {
	s, err := reviewService(d)
	if err != nil {
		return nil, err
	}
	return httpFunction(d, reviewapi.Handler(s, d.Log)), nil
}
