//go:build contract

package contract

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/lucian-app/phase12/shared/alert"
	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/burnrate"
	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/opsstore"
)

// faultTransport stands between the SDK and DynamoDB Local and misbehaves on the
// operations it is told about, the way the network and DynamoDB do.
type faultTransport struct {
	next http.RoundTripper
	mu   sync.Mutex
	// dropReplies: forward the request, then lose the reply (n times).
	dropReplies map[string]int
	// droppedReplies counts the replies lost so far.
	droppedReplies map[string]int
	// answer: do not forward; answer with this status and body (n times).
	answer map[string]cannedReply
	// unprocessed: forward nothing; answer a BatchGetItem with every
	// requested key unprocessed (n times).
	unprocessed int
}

type cannedReply struct {
	times  int
	status int
	body   string
}

func newFaultTransport() *faultTransport {
	return &faultTransport{next: http.DefaultTransport, dropReplies: map[string]int{}, droppedReplies: map[string]int{}, answer: map[string]cannedReply{}}
}

var errConnectionReset = errors.New("read: connection reset by peer")

func (f *faultTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	op := dynamotest.Operation(r)
	f.mu.Lock()
	drop := f.dropReplies[op] > 0
	if drop {
		f.dropReplies[op]--
		f.droppedReplies[op]++
	}
	reply, fake := f.answer[op]
	if fake && reply.times > 0 {
		reply.times--
		f.answer[op] = reply
	} else {
		fake = false
	}
	unprocessed := op == "BatchGetItem" && f.unprocessed > 0
	if unprocessed {
		f.unprocessed--
	}
	f.mu.Unlock()
	if unprocessed {
		return allUnprocessed(r)
	}
	if fake {
		return canned(r, reply.status, reply.body), nil
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

// dropped is how many replies to op were lost.
func (f *faultTransport) dropped(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.droppedReplies[op]
}

func (f *faultTransport) reply(op string, times, status int, body string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.answer[op] = cannedReply{times: times, status: status, body: body}
}

func (f *faultTransport) leaveUnprocessed(times int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.unprocessed = times
}

// allUnprocessed answers a BatchGetItem as DynamoDB does under load: no
// item, every requested key back in UnprocessedKeys.
func allUnprocessed(r *http.Request) (*http.Response, error) {
	var in struct{ RequestItems json.RawMessage }
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &in); err != nil {
		return nil, err
	}
	body := `{"Responses":{},"UnprocessedKeys":` + string(in.RequestItems) + `}`
	return canned(r, http.StatusOK, body), nil
}

func canned(r *http.Request, status int, body string) *http.Response {
	return &http.Response{StatusCode: status, Status: http.StatusText(status), Request: r,
		Header: http.Header{"Content-Type": {"application/x-amz-json-1.0"},
			"X-Amz-Crc32": {strconv.FormatUint(uint64(crc32.ChecksumIEEE([]byte(body))), 10)}},
		Body: io.NopCloser(bytes.NewBufferString(body))}
}

// What real DynamoDB answers when a concurrent transaction holds an item.
const transactionConflictBody = `{"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException",` +
	`"Message":"Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict, None, None]",` +
	`"CancellationReasons":[{"Code":"TransactionConflict","Message":"Transaction is ongoing for the item"},{"Code":"None"},{"Code":"None"}]}`

// What DynamoDB answers when it throttles one of a transaction's items.
const transactionThrottledBody = `{"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException",` +
	`"Message":"Transaction cancelled, please refer cancellation reasons for specific reasons [ThrottlingError, None, None]",` +
	`"CancellationReasons":[{"Code":"ThrottlingError","Message":"Throughput exceeds the current capacity of your table or index."},{"Code":"None"},{"Code":"None"}]}`

// What DynamoDB answers a single-item write on an item a transaction holds.
const transactionConflictExceptionBody = `{"__type":"com.amazonaws.dynamodb.v20120810#TransactionConflictException",` +
	`"message":"Transaction is ongoing for the item"}`

const transactionInProgressBody = `{"__type":"com.amazonaws.dynamodb.v20120810#TransactionInProgressException",` +
	`"Message":"Transaction is ongoing for the item"}`

// BatchGetItem keys DynamoDB leaves unprocessed are asked for again after
// a backoff, a bounded number of times; then 503.
func TestUnprocessedKeysAreRetriedWithBackoffThen503(t *testing.T) {
	faults := newFaultTransport()
	wire := dynamotest.NewTransportCounter(faults)
	db, table := newDynamo(t, func(o *dynamodb.Options) { o.HTTPClient = wire.Client() })
	var slept []time.Duration
	store := opsstore.New(db, table)
	store.Sleep = func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }
	ctx := context.Background()
	at := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	var ids []string
	for i, sev := range []burnrate.Severity{burnrate.Page, burnrate.Ticket} {
		a := alert.Alert{ID: fmt.Sprint("01ALERT", i), Flow: "create_task", Objective: "availability", Severity: sev,
			State: alert.Firing, TriggeredAt: at}
		if err := store.Save(ctx, alert.State{Alert: a, Version: 1}, true); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}

	faults.leaveUnprocessed(2)
	wire.Reset()
	got, err := store.GetMany(ctx, ids)
	if err != nil || len(got) != 2 {
		t.Fatalf("GetMany after two unprocessed answers = %d alerts, %v; want both", len(got), err)
	}
	if n := wire.Calls("BatchGetItem"); n != 3 || len(slept) != 2 {
		t.Errorf("%d BatchGetItem requests and %d backoffs (%v), want 3 and 2", n, len(slept), slept)
	}

	faults.leaveUnprocessed(1000)
	wire.Reset()
	if _, err := store.GetMany(ctx, ids); apperr.CodeOf(err) != apperr.DependencyUnavailable {
		t.Errorf("GetMany with keys never processed: %v, want dependency_unavailable", err)
	}
	if n := wire.Calls("BatchGetItem"); n != dynamo.BatchGetRetries+1 {
		t.Errorf("%d BatchGetItem requests, want %d: bounded, not a tight loop", n, dynamo.BatchGetRetries+1)
	}
}
