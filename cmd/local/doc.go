// Command local runs every function of template.yaml on a laptop with
// nothing but Go (`go run ./cmd/local`, `make dev`), as API Gateway, Lambda
// and EventBridge would run them:
//
//   - every HttpApi route is served on 127.0.0.1:$PORT (default 3000) as a
//     payload 2.0 event into the function's real handler, wrapped with
//     lambda.NewHandler so the JSON round trip is Lambda's;
//   - the Lambda Invoke API answers POST
//     /2015-03-31/functions/{LogicalId}/invocations, as `sam local
//     start-lambda` does, so the AWS CLI and SDK can invoke functions;
//   - Schedule and ScheduleV2 events fire on their expressions;
//   - GET /_local/sns/messages lists what was published to the topics;
//   - GET and POST /_local/clock read and move the runner's clock (below).
//
// The template is the only list of functions, routes, schedules, tables and
// topics: the runner reads it instead of keeping its own, and refuses to
// start when template.yaml and registry.Functions() disagree, so a function
// that runs here is one that deploys.
//
// Storage is an in-process DynamoDB (minidyn) and an in-process SNS that
// keeps what is published, unless AWS_ENDPOINT_URL (or the per-service
// AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL_SNS) points at moto,
// DynamoDB Local or AWS; the template's tables (named by logical ID) and
// topics are created there when missing. Each function's Getenv is the
// template's variables with references resolved (a table is its name, a
// topic its ARN, a parameter its Default), and the process environment
// overrides any of them, so `UNDO_ENABLED=false make dev` works.
//
// -dynamodb local (or DYNAMODB=local; `make dev DYNAMODB=local`) runs
// DynamoDB on AWS's DynamoDB Local instead of minidyn: the runner starts it
// (shared/dynamo/dynamolocal: Java 17 and the jar `make tools` puts under
// .tools/, or DYNAMODB_LOCAL_DIR) in memory on a free port, talks to it on
// 127.0.0.1 with static credentials, and stops it by its PID when it exits,
// Ctrl-C included. Requests then run at the same time and overlapping
// transactions conflict, as in DynamoDB; minidyn runs one at a time. It
// cannot be combined with AWS_ENDPOINT_URL_DYNAMODB; AWS_ENDPOINT_URL then
// applies to SNS only.
//
// Identity, in local mode only: X-Dev-User becomes the authorizer's sub
// claim and X-Dev-Groups (comma-separated) the groups claim the function reads
// (GROUPS_CLAIM, default cognito:groups), flattened as API Gateway flattens an
// array claim ("[ops admin]"). Without X-Dev-User the request
// carries no claims, as a request without a token would not reach the
// function at all in AWS; the handler answers 401. The deployed API has a
// JWT authorizer and ignores these headers. A browser cannot add headers, so
// LOCAL_DEV_USER and LOCAL_DEV_GROUPS set a default identity for requests
// without X-Dev-User (make screenshot opens the ops page that way); it applies
// only to requests without an Origin header or from the runner's own origin, so
// a page on another site cannot post forms to the runner as that user.
//
// The runner's clock is real time unless LOCAL_NOW (RFC 3339) starts it
// elsewhere; POST /_local/clock {"now": "..."} moves it forward (never back)
// and GET /_local/clock reads it. Every function's clock and ID generator, the
// events' times and the schedules follow it, so a week can be replayed: report
// flow events on Sunday, let the burn-rate check page, move to Monday and invoke
// the weekly digest. LOCAL_SCHEDULES=off keeps the schedules from firing, so a test
// that moves the clock runs the scheduled functions itself, through the Invoke API,
// and nothing else runs them in between.
//
// What API Gateway and Lambda would answer themselves is answered the same
// way: an unknown route is 404 {"message":"Not Found"}, a body over 10 MB
// 413, a function that runs past its template Timeout 503 {"message":"Service
// Unavailable"} and a function error 500 {"message":"Internal Server
// Error"}; through the Invoke API a function error is a 200 with
// X-Amz-Function-Error: Unhandled and {"errorMessage","errorType"}. A
// function that times out cannot be stopped inside one process: its
// goroutine is abandoned to finish on its own, where Lambda would freeze it.
//
// The runner trusts only itself (trustOnlyItself in server.go): a Host other than
// 127.0.0.1:<port> or localhost:<port> is refused (DNS rebinding), and the Invoke
// API and /_local/* refuse a web page's foreign Origin or cross-site
// Sec-Fetch-Site, each with 403 and the project's error body, code forbidden.
package main
