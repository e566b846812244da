// Package reviewfanout is the weekly review's schedule: a producer that, each hour, finds
// the users whose week became ready (Monday 06:00 on their wall clock) in the last two
// hours and have no review of it yet, and queues one message per user; and the worker's
// batch, which builds each queued review through the same code as an on-demand open
// (reviewapi.Service.Scheduled) and answers the messages that failed, for SQS to deliver
// again (partial batch responses).
//
// The producer reads only the register of the hours it covers (reviewstore's DUE#<hour>
// items), never every user, and at most MaxUsersPerRun users an invocation: past that it
// queues a continuation, which the worker runs as the next invocation.
//
// It has no AWS imports: the register, the reviews and the queue are interfaces;
// shared/wiring adapts SQS.
package reviewfanout
