// Package httpapi is the HTTP plumbing every function shares: the one table
// from error code to status, the error body, JSON decoding with the 64 KiB
// limit, exact keys (no duplicates, no case variants: keys.go) and
// field-naming messages, identity from the JWT authorizer's claims,
// request IDs and one structured log line per request.
//
// Handlers are plain net/http handlers; in Lambda they are adapted with
// httpadapter.NewV2, which leaves the API Gateway request context (and so
// the authorizer claims) in the request's context.
package httpapi
