// Package bucketing places ids in experiment buckets the way GrowthBook's SDKs do (hash
// version 2), so an arm assigned here matches one assigned by a GrowthBook client for the
// same seed and id. The hint experiment (shared/hint) and the weekly review's holdout
// (shared/review) both bucket with it. It keeps no state and knows no experiment.
package bucketing
