// Package harness starts the real components the cross-process tests run
// against: moto_server (DynamoDB, SNS and SQS over the wire) and the AWS
// Lambda Runtime Interface Emulator running a built bootstrap. Each binds
// 127.0.0.1 on a free port and is stopped by its own PID. A missing
// component fails the test that needs it: a tier is never skipped green.
package harness
