// Package ids provides identifiers for items and executions. They sort by
// creation time (like ULIDs) so that listings and logs read in order, and
// the generator takes its clock and randomness from the caller so tests can
// make them predictable.
package ids
