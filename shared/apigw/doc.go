// Package apigw plays API Gateway's part of an HTTP API: it picks the route
// a request matches, turns the net/http request into the payload 2.0 event
// API Gateway hands Lambda, and turns the function's response back into an
// HTTP response.
//
// The local runner and the handler tests go through here so that handlers
// see, locally, the event they will see deployed: lower-cased headers with
// repeated values joined by commas, cookies moved out of the headers, the
// matched route template as routeKey, authorizer claims as strings, and
// bodies that are not UTF-8 base64-encoded. A difference between this and
// API Gateway is a bug here, not something for handlers to work around.
package apigw
