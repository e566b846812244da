// Package wiring assembles each Lambda function from its dependencies. The
// functions' main.go and the local runner both build handlers here, so the
// code that runs on a laptop is the code that runs in Lambda: only Deps
// differ (AWS clients there, minidyn and an in-process topic here).
package wiring
