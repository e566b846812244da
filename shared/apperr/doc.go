// Package apperr is the project's one error vocabulary: the codes a client
// can see (DESIGN §3). Domain packages return these so that the HTTP layer
// can map them to statuses in one table, and so that no AWS error or
// internal message ever leaks into a response body by accident.
package apperr
