// Package hintstats reads and keeps HintTable's STATS#<UTC day> partitions: the
// counters hint-cooldown adds to per day, cohort and shard, and the guardrail's verdicts
// of the day beside them (SK GUARD). It is apart from shared/hintstore so that the weekly
// digest, which only reads these partitions, does not link the companion's rules and copy.
package hintstats
