// Package sketch is a mergeable latency sketch after DDSketch (Masson et al., VLDB 2019):
// p50/p95/p99 within 1% relative error from a fixed, small set of counters.
//
// Flow events are aggregated at write time into minute and hour items, and a burn-rate check
// or a weekly digest must read a bounded number of them whatever the traffic. Exact quantiles
// would need every sample; this sketch needs one counter per logarithmic bucket, and two
// sketches merge by adding counters, so minute buckets roll up into hours and weeks without
// losing accuracy.
//
// Each bucket has a key ("b123", or "z" for the zero bucket) that is a valid DynamoDB map
// attribute name, so writers can ADD to a bucket's count atomically without reading the item
// first, and readers can rebuild a sketch from the stored map with AddCount.
//
// Two deliberate limits keep an item small and its keys simple:
//   - values below MinMs (1 ms), including 0, negatives and NaN, share the zero bucket and
//     read back as 0: the SLO thresholds are hundreds of milliseconds, and keeping bucket
//     indexes non-negative keeps keys short;
//   - values above MaxMs (24 h) are clamped to it: a client can report any latency_ms, and
//     without a ceiling a hostile or broken client could spread counts over tens of thousands
//     of keys and push a minute item towards DynamoDB's 400 KB limit. With the ceiling a
//     sketch has at most 916 keys of at most four characters.
package sketch
