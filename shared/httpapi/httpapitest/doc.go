// Package httpapitest is to handlers behind API Gateway what net/http/httptest
// is to plain handlers: it builds an *http.Request the way a deployed
// function receives one, with the API Gateway request context (and so the
// JWT authorizer's claims) attached, so httpapi.IdentityOf works in a unit
// test without a Lambda runtime or a local server.
//
// The request goes through shared/apigw and the same adapter the functions
// use, so a handler test sees lower-cased, comma-joined headers and
// flattened claims exactly as production does.
package httpapitest
