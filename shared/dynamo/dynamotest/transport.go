package dynamotest

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
)

// TransportCounter counts DynamoDB requests as they cross the HTTP
// transport, by the operation in their X-Amz-Target header: unlike
// CallCounter (SDK middleware, one count per API call) it sees every
// attempt, so SDK retries show. It also counts the TransactionConflict
// cancellation reasons in the replies, which is how DynamoDB says two
// transactions overlapped.
type TransportCounter struct {
	counts
	// Next is the transport requests go through (http.DefaultTransport if nil).
	Next http.RoundTripper
	// Conflicts counts cancellation reasons "TransactionConflict".
	Conflicts counts
}

// NewTransportCounter returns a counter over next.
func NewTransportCounter(next http.RoundTripper) *TransportCounter {
	return &TransportCounter{Next: next}
}

// Client is an HTTP client for the SDK (dynamodb.Options.HTTPClient).
func (c *TransportCounter) Client() *http.Client { return &http.Client{Transport: c} }

// RoundTrip counts the request's operation, forwards it, and counts the
// conflicts a cancelled transaction reports.
func (c *TransportCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	op := Operation(r)
	c.add(op)
	next := c.Next
	if next == nil {
		next = http.DefaultTransport
	}
	resp, err := next.RoundTrip(r)
	if err != nil || resp.StatusCode != http.StatusBadRequest {
		return resp, err
	}
	body, readErr := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if readErr != nil {
		return resp, readErr
	}
	if n := bytes.Count(plain(resp.Header, body), []byte(`"Code":"TransactionConflict"`)); n > 0 {
		for range n {
			c.Conflicts.add(op)
		}
	}
	return resp, nil
}

// plain is the body without its content encoding (the SDK asks DynamoDB
// for gzip and inflates replies itself).
func plain(h http.Header, body []byte) []byte {
	if h.Get("Content-Encoding") != "gzip" {
		return body
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return body
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		return body
	}
	return out
}

// Operation is the DynamoDB operation an HTTP request carries
// ("TransactWriteItems" for X-Amz-Target DynamoDB_20120810.TransactWriteItems).
func Operation(r *http.Request) string {
	target := r.Header.Get("X-Amz-Target")
	return target[strings.LastIndexByte(target, '.')+1:]
}
