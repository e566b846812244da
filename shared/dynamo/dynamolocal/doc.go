// Package dynamolocal finds and runs AWS's DynamoDB Local (the Java
// server) for the local runner and the tests: in memory, one database for
// every region and key (-sharedDb), telemetry off, on a free port of this
// machine, stopped by the PID it was started with.
//
// DynamoDB Local is used where the embedded store (minidyn) is not faithful
// enough: it runs requests at the same time and cancels overlapping
// transactions with TransactionConflict, as DynamoDB does.
//
// What it does not do: install anything (`make tools` puts the jar under
// .tools/; Java 17 comes from the system), talk to DynamoDB Local (callers
// build their SDK client on Server.Endpoint), keep data across runs, or
// restrict where DynamoDB Local listens. DynamoDB Local has no bind-address
// option and so listens on every interface; its callers are meant to reach
// it on 127.0.0.1 only, and the port is random. It is for development and
// tests, never for a deployed function.
package dynamolocal
