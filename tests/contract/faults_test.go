//go:build contract

package contract

import (
	"bytes"
	"errors"
	"hash/crc32"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// faultTransport stands between the SDK and DynamoDB Local and misbehaves on the
// operations it is told about, the way the network and DynamoDB do.
type faultTransport struct {
	next http.RoundTripper
	mu   sync.Mutex
	// dropReplies: forward the request, then lose the reply (n times).
	dropReplies map[string]int
	// answer: do not forward; answer with this status and body (n times).
	answer map[string]cannedReply
}

type cannedReply struct {
	times  int
	status int
	body   string
}

func newFaultTransport() *faultTransport {
	return &faultTransport{next: http.DefaultTransport, dropReplies: map[string]int{}, answer: map[string]cannedReply{}}
}

var errConnectionReset = errors.New("read: connection reset by peer")

func (f *faultTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "DynamoDB_20120810.")
	f.mu.Lock()
	drop := f.dropReplies[op] > 0
	if drop {
		f.dropReplies[op]--
	}
	canned, fake := f.answer[op]
	if fake && canned.times > 0 {
		canned.times--
		f.answer[op] = canned
	} else {
		fake = false
	}
	f.mu.Unlock()
	if fake {
		return &http.Response{StatusCode: canned.status, Status: http.StatusText(canned.status), Request: r,
			Header: http.Header{"Content-Type": {"application/x-amz-json-1.0"},
				"X-Amz-Crc32": {strconv.FormatUint(uint64(crc32.ChecksumIEEE([]byte(canned.body))), 10)}},
			Body: io.NopCloser(bytes.NewBufferString(canned.body))}, nil
	}
	resp, err := f.next.RoundTrip(r)
	if err != nil || !drop {
		return resp, err
	}
	// DynamoDB applied the request; the reply never arrives.
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return nil, errConnectionReset
}

func (f *faultTransport) dropReply(op string, times int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dropReplies[op] = times
}

func (f *faultTransport) reply(op string, times, status int, body string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.answer[op] = cannedReply{times: times, status: status, body: body}
}

// What real DynamoDB answers when a concurrent transaction holds an item.
const transactionConflictBody = `{"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException",` +
	`"Message":"Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict, None, None]",` +
	`"CancellationReasons":[{"Code":"TransactionConflict","Message":"Transaction is ongoing for the item"},{"Code":"None"},{"Code":"None"}]}`

const transactionInProgressBody = `{"__type":"com.amazonaws.dynamodb.v20120810#TransactionInProgressException",` +
	`"Message":"Transaction is ongoing for the item"}`
