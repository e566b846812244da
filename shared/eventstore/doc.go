// Package eventstore keeps product events (shared/productevents) in DynamoDB.
//
// The events are the user's own, so they live in the user's partition of AppTable; the
// week's counters are aggregates for the ops side, so they live in OpsTable beside the
// flow buckets:
//
//	AppTable  PK USER#<sub>  SK PEVID#<event_id>               the (user, event_id) claim
//	AppTable  PK USER#<sub>  SK PEV#<name>#<at, UTC>#<event_id> the event, by name then time
//	AppTable  PK USER#<sub>  SK PEVFIRST#<name>                the user's first event of a Once name
//	OpsTable  PK PEVC#<week> SK S#<shard>                      n_<name> events, u_<name> first-time users
//
// Record writes them in ONE TransactWriteItems (the claim conditioned on not existing, the
// first-time marker likewise), so an event is either stored and counted or not at all, and
// a duplicate costs one cancelled transaction. The counters are spread over Shards items
// by user, so that no single item takes every event of a busy week (readers Query the
// week's partition: at most Shards items).
//
// Keys sort by name, then time, so ListUserEvents is one Query per name over a key range,
// each with Limit: it reads at most len(names) x limit items, never the user's history.
// Events and claims expire after Retention (TTL; reads do not depend on it).
package eventstore
