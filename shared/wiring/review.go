package wiring

// Environment variables of the weekly review's functions, set by template.yaml.
const (
	// EnvReviewTable is ReviewTable, the reviews' own table.
	EnvReviewTable = "REVIEW_TABLE"
	// EnvReviewHoldoutPercent is the share of users, 0 to 100 (default 5), who get the
	// cards without recommendations: the baseline of the lift comparison.
	EnvReviewHoldoutPercent = "REVIEW_HOLDOUT_PERCENT"
)
