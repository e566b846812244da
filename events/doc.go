// Package events holds sample events in the exact shapes Lambda delivers
// them (API Gateway HTTP API payload 2.0, EventBridge scheduled events),
// as `sam local generate-event` makes them. The end-to-end tests invoke
// the built functions with these files; this package only checks them.
package events
