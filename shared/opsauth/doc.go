// Package opsauth signs on-call into the ops pages with a browser: OpenID Connect's
// authorization code flow with PKCE (S256), state and nonce against the configured issuer
// (found through its discovery document), a session cookie sealed with AES-GCM, and the
// CSRF token every form post made with that cookie must carry.
//
// It also decides who a request to an ops route is (Authenticator): the bearer token of an
// API client or the session cookie of a browser. OpsAuthorizerFunction runs that decision as
// API Gateway's Lambda REQUEST authorizer (Authorizer); OpsFunction serves the sign-in routes
// (Flow) and checks CSRF (RequireCSRF).
//
// It does not decide what a caller may do (the ops group is checked by the handlers through
// httpapi), keep sessions anywhere but in the cookie (no table, so no revocation before the
// token's expiry: sign-out clears the browser's cookie only), or refresh tokens.
package opsauth
