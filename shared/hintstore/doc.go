// Package hintstore keeps the companion's state in HintTable, a table of its own (the
// hint function may read and write nothing else, and its traffic, one read and one or two
// writes per decision, does not share AppTable's partitions with tasks):
//
//	PK USER#<sub>       SK STATE            one item per user: settings, the day's counts,
//	                                        the last shown times, the dismissal ladder, per
//	                                        copy counts, and the last hint.Slots hints with
//	                                        their feedback events
//	                                        (and the day last seen, the first day with its
//	                                        arm and Lucian setting, the last task attempt
//	                                        counted)
//	PK STATS#<UTC day>  SK <cohort>#<shard> counters of decisions (by reason), shows (by
//	                                        kind), events, task attempts and retention;
//	                                        TTL after CounterDays
//	                    SK GUARD            the guardrail's verdicts of the day
//	                                        (shared/hintstats)
//
// Everything a decision reads is one item, so a decision is one consistent GetItem, and
// taking a hint's slot is one conditional UpdateItem on that item (Claim): it pins the
// state read (the show sequence and the settings revision) and restates the caps, so of
// twenty requests that read the same state exactly one writes. A single-item write is
// never cancelled with TransactionConflict, which a transaction on real DynamoDB would be
// under that contention. Feedback events are kept inside their hint's slot, with the
// dismissal count beside them, in one conditional write too: an event is kept once.
package hintstore
