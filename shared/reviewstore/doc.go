// Package reviewstore keeps the weekly reviews in ReviewTable, a table of their own (the
// review functions read AppTable for the facts and write it only through the execute
// engine, when a recommendation is adopted):
//
//	PK USER#<sub>   SK REVIEW#<YYYY-Www>   one review: its JSON, its arm, and per
//	                                       recommendation its state (st_<id>), first shown
//	                                       time (sh_<id>), adopting execution (ex_<id>) and,
//	                                       when its text is the AI rephrase's, rp_<id>;
//	                                       opened_at once the user opened it
//	PK USER#<sub>   SK PROFILE             reviews stored, newest active week, timezone
//	PK USER#<sub>   SK EVENT#<event_id>    an event taken once (TTL after EventRetention)
//	PK STATS#<week> SK <arm>#<shard>       counters of the week's reviews for the digest
//
// One review per user and week is one conditional Put (attribute_not_exists), in one
// transaction with the profile and the counters, so the schedule's worker and an
// on-demand open racing for a week store one review and count it once; the loser reads
// the winner's. A recommendation's state moves by conditional updates; an event is taken
// once by a conditional Put of its id in the transaction that counts it.
//
// It does not build reviews (shared/review) or execute actions (shared/execute).
package reviewstore
