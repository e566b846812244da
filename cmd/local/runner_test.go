package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/awslabs/aws-lambda-go-api-proxy/core"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	clockpkg "github.com/lucian-app/phase12/shared/clock"
	"github.com/lucian-app/phase12/shared/httpapi"
	"github.com/lucian-app/phase12/shared/samtemplate"
	"github.com/lucian-app/phase12/shared/wiring"
)

// testTemplate declares functions whose builders the tests write, to
// exercise what the project's own functions do not (timeouts, errors,
// panics, schedules, topics).
const testTemplate = `
Parameters:
  Mode:
    Type: String
    Default: strict
Globals:
  Function:
    Timeout: 5
    Environment:
      Variables:
        LOG_LEVEL: ERROR
Resources:
  DataTable:
    Type: AWS::DynamoDB::Table
    Properties:
      AttributeDefinitions: [{AttributeName: PK, AttributeType: S}, {AttributeName: SK, AttributeType: S}]
      KeySchema: [{AttributeName: PK, KeyType: HASH}, {AttributeName: SK, KeyType: RANGE}]
  AlertsTopic:
    Type: AWS::SNS::Topic
  EchoFunction:
    Type: AWS::Serverless::Function
    Properties:
      Environment:
        Variables:
          TABLE: !Ref DataTable
          TOPIC: !Ref AlertsTopic
          MODE: !Ref Mode
          TABLE_ARN: !GetAtt DataTable.Arn
      Events:
        Echo:
          Type: HttpApi
          Properties: {Path: "/echo/{id}", Method: ANY}
        Fail:
          Type: HttpApi
          Properties: {Path: /fail, Method: GET}
        Panic:
          Type: HttpApi
          Properties: {Path: /panic, Method: GET}
        Raw:
          Type: HttpApi
          Properties: {Path: /raw, Method: GET}
  SlowFunction:
    Type: AWS::Serverless::Function
    Properties:
      Timeout: 1
      Events:
        Slow:
          Type: HttpApi
          Properties: {Path: /slow, Method: GET}
  JobFunction:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        Tick:
          Type: Schedule
          Properties: {Schedule: rate(1 minute)}
        Weekly:
          Type: ScheduleV2
          Properties:
            ScheduleExpression: cron(0 8 ? * MON *)
            Input: '{"custom":true}'
        Off:
          Type: Schedule
          Properties: {Schedule: rate(1 hour), Enabled: false}
`

// echoed is what EchoFunction's handler saw.
type echoed struct {
	User      string            `json:"user"`
	Groups    []string          `json:"groups"`
	Method    string            `json:"method"`
	Path      string            `json:"path"`
	Body      string            `json:"body"`
	RouteKey  string            `json:"route_key"`
	Params    map[string]string `json:"params"`
	RequestID string            `json:"lambda_request_id"`
	Env       map[string]string `json:"env"`
	Deadline  bool              `json:"deadline"`
}

// jobCalls records JobFunction's invocations, and whether one started while another was
// still in flight.
type jobCalls struct {
	mu       sync.Mutex
	payloads []string
	running  int  // invocations in flight
	overlap  bool // an invocation started while running > 0
	fail     error
	// during, when set, runs inside each invocation: a test moves the runner's clock with it,
	// so a run lasts several ticks of its schedule by the runner's time.
	during func()
	// hold, when set, keeps each invocation in flight until the next one starts, or at most
	// hold: a runner that started a run without waiting for the previous one would start it
	// meanwhile (its sleep returns at once for a tick that is already due). hold only
	// bounds the wait of a runner that does wait; nothing measures it.
	hold time.Duration
	// next is closed when the next invocation starts.
	next chan struct{}
}

func testBuilders(jobs *jobCalls) map[string]wiring.Builder {
	return map[string]wiring.Builder{
		"EchoFunction": func(d wiring.Deps) (any, error) {
			mux := http.NewServeMux()
			mux.HandleFunc("/echo/{id}", func(w http.ResponseWriter, r *http.Request) {
				id, _ := httpapi.IdentityOf(r)
				b, _ := io.ReadAll(r.Body)
				rc, _ := core.GetAPIGatewayV2ContextFromContext(r.Context())
				var params map[string]string
				_ = json.Unmarshal([]byte(r.Header.Get("X-Test-Params")), &params)
				lc, _ := lambdacontext.FromContext(r.Context())
				_, hasDeadline := r.Context().Deadline()
				env := map[string]string{}
				for _, k := range []string{"TABLE", "TOPIC", "MODE", "TABLE_ARN", "LOG_LEVEL", "AWS_LAMBDA_FUNCTION_NAME"} {
					env[k] = d.Getenv(k)
				}
				if _, err := d.SNS.Publish(r.Context(), &sns.PublishInput{
					TopicArn: aws.String(d.Getenv("TOPIC")), Subject: aws.String("echo"), Message: aws.String(string(b)),
					MessageAttributes: map[string]snstypes.MessageAttributeValue{"severity": {DataType: aws.String("String"), StringValue: aws.String("page")}},
				}); err != nil {
					httpapi.WriteError(w, r, err)
					return
				}
				httpapi.WriteJSON(w, http.StatusOK, echoed{
					User: id.UserID, Groups: id.Groups, Method: r.Method, Path: r.URL.Path, Body: string(b),
					RouteKey: rc.RouteKey, Params: params, RequestID: lc.AwsRequestID, Env: env, Deadline: hasDeadline,
				})
			})
			h := httpadapter.NewV2(mux).ProxyWithContext
			return func(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
				switch ev.RawPath {
				case "/fail":
					return events.APIGatewayV2HTTPResponse{}, errors.New("boom")
				case "/panic":
					panic("kaboom")
				case "/raw":
					return events.APIGatewayV2HTTPResponse{StatusCode: 200, Body: "//4A", IsBase64Encoded: true,
						Headers: map[string]string{"Content-Type": "application/octet-stream"}, Cookies: []string{"a=1"}}, nil
				}
				// The adapter drops pathParameters (handlers use
				// r.PathValue); pass them on so the test can see them.
				p, _ := json.Marshal(ev.PathParameters)
				ev.Headers["x-test-params"] = string(p)
				return h(ctx, ev)
			}, nil
		},
		"SlowFunction": func(wiring.Deps) (any, error) {
			return func(ctx context.Context) error {
				<-ctx.Done() // runs until Lambda's deadline stops it
				return ctx.Err()
			}, nil
		},
		"JobFunction": func(wiring.Deps) (any, error) {
			return func(ctx context.Context, payload json.RawMessage) error {
				jobs.mu.Lock()
				if jobs.running > 0 {
					jobs.overlap = true
				}
				jobs.running++
				jobs.payloads = append(jobs.payloads, string(payload))
				if jobs.next != nil {
					close(jobs.next) // the run in flight, if any, has company
				}
				next := make(chan struct{})
				jobs.next = next
				fail, during, hold := jobs.fail, jobs.during, jobs.hold
				jobs.mu.Unlock()
				defer func() { jobs.mu.Lock(); jobs.running--; jobs.mu.Unlock() }()
				if during != nil {
					during()
				}
				if hold > 0 {
					timer := time.NewTimer(hold)
					defer timer.Stop()
					select {
					case <-next:
					case <-timer.C:
					case <-ctx.Done():
					}
				}
				return fail
			}, nil
		},
	}
}

func newTestRunner(t *testing.T, tmplText string, builders map[string]wiring.Builder, getenv func(string) string, logs io.Writer) (*runner, *backends) {
	t.Helper()
	tmpl, err := samtemplate.Parse([]byte(tmplText))
	if err != nil {
		t.Fatal(err)
	}
	b, err := memoryBackends(context.Background(), tmpl)
	if err != nil {
		t.Fatal(err)
	}
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	if logs == nil {
		logs = io.Discard
	}
	rn, err := newRunner(tmpl, b, options{builders: builders, getenv: getenv, logOut: logs, log: wiring.NewLogger(logs, "")})
	if err != nil {
		t.Fatalf("newRunner: %v", err)
	}
	return rn, b
}

type response struct {
	status int
	header http.Header
	body   string
}

func do(h http.Handler, method, target string, body io.Reader, header map[string]string) response {
	r := httptest.NewRequest(method, target, body)
	r.RemoteAddr = "127.0.0.1:50000"
	for k, v := range header {
		r.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return response{status: rec.Code, header: rec.Header(), body: rec.Body.String()}
}

func TestGatewayBehaviour(t *testing.T) {
	rn, _ := newTestRunner(t, testTemplate, testBuilders(&jobCalls{}), nil, nil)
	rn.functions["SlowFunction"].timeout = 20 * time.Millisecond // the template's 1 s, shortened for the test

	tests := []struct {
		name       string
		method     string
		target     string
		body       io.Reader
		header     map[string]string
		wantStatus int
		wantBody   string // exact, when set
	}{
		{"unknown route", "GET", "/nowhere", nil, nil, 404, `{"message":"Not Found"}`},
		{"known path, other method", "POST", "/fail", nil, nil, 404, `{"message":"Not Found"}`},
		{"handler error", "GET", "/fail", nil, nil, 500, `{"message":"Internal Server Error"}`},
		{"handler panic", "GET", "/panic", nil, nil, 500, `{"message":"Internal Server Error"}`},
		{"timeout", "GET", "/slow", nil, nil, 503, `{"message":"Service Unavailable"}`},
		{"body over 10 MB", "POST", "/echo/1", bytes.NewReader(make([]byte, maxAPIBody+1)), nil, 413, `{"message":"Request Entity Too Large"}`},
		{"base64 response", "GET", "/raw", nil, nil, 200, "\xff\xfe\x00"},
		{"no identity", "GET", "/echo/1", nil, nil, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := do(rn, tt.method, tt.target, tt.body, tt.header)
			if got.status != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", got.status, tt.wantStatus, got.body)
			}
			if tt.wantBody != "" && got.body != tt.wantBody {
				t.Errorf("body = %q, want %q", got.body, tt.wantBody)
			}
			if got.header.Get("Apigw-Requestid") == "" {
				t.Errorf("no Apigw-Requestid header")
			}
		})
	}
}

func TestEventReachesHandler(t *testing.T) {
	rn, b := newTestRunner(t, testTemplate, testBuilders(&jobCalls{}), func(k string) string {
		if k == "MODE" {
			return "from-process"
		}
		return ""
	}, nil)
	tests := []struct {
		name   string
		method string
		target string
		header map[string]string
		want   echoed
	}{
		{
			name: "user and groups", method: "PATCH", target: "/echo/a%20b",
			header: map[string]string{"X-Dev-User": "alice", "X-Dev-Groups": "ops, admin"},
			want: echoed{User: "alice", Groups: []string{"ops", "admin"}, Method: "PATCH", Path: "/echo/a b", Body: "payload",
				RouteKey: "ANY /echo/{id}", Params: map[string]string{"id": "a b"}},
		},
		{
			name: "no identity", method: "GET", target: "/echo/1",
			want: echoed{Method: "GET", Path: "/echo/1", Body: "payload", RouteKey: "ANY /echo/{id}", Params: map[string]string{"id": "1"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := do(rn, tt.method, tt.target, strings.NewReader("payload"), tt.header)
			if got.status != 200 {
				t.Fatalf("status = %d; body %s", got.status, got.body)
			}
			var e echoed
			if err := json.Unmarshal([]byte(got.body), &e); err != nil {
				t.Fatal(err)
			}
			if e.RequestID == "" || !e.Deadline {
				t.Errorf("lambda request ID %q, deadline %v: want both", e.RequestID, e.Deadline)
			}
			wantEnv := map[string]string{
				"TABLE": "DataTable", "TOPIC": "arn:aws:sns:us-east-1:123456789012:AlertsTopic", "MODE": "from-process",
				"TABLE_ARN": "arn:aws:dynamodb:us-east-1:123456789012:table/DataTable", "LOG_LEVEL": "ERROR",
				"AWS_LAMBDA_FUNCTION_NAME": "EchoFunction",
			}
			if !reflect.DeepEqual(e.Env, wantEnv) {
				t.Errorf("env = %v, want %v", e.Env, wantEnv)
			}
			e.RequestID, e.Deadline, e.Env = "", false, nil
			if !reflect.DeepEqual(e, tt.want) {
				t.Errorf("handler saw %+v, want %+v", e, tt.want)
			}
		})
	}

	// Each echo published to AlertsTopic; the list names the topic by its
	// logical ID.
	got := do(rn, "GET", "/_local/sns/messages", nil, nil)
	var list struct {
		Messages []struct {
			Topic       string            `json:"topic"`
			Subject     string            `json:"subject"`
			Message     string            `json:"message"`
			Attributes  map[string]string `json:"attributes"`
			PublishedAt time.Time         `json:"published_at"`
		} `json:"messages"`
	}
	if err := json.Unmarshal([]byte(got.body), &list); err != nil {
		t.Fatalf("messages body %s: %v", got.body, err)
	}
	if len(list.Messages) != len(tests) {
		t.Fatalf("%d messages, want %d: %s", len(list.Messages), len(tests), got.body)
	}
	m := list.Messages[0]
	if m.Topic != "AlertsTopic" || m.Subject != "echo" || m.Message != "payload" || m.Attributes["severity"] != "page" || m.PublishedAt.IsZero() {
		t.Errorf("message = %+v", m)
	}
	if len(b.recorder.Messages()) != len(tests) {
		t.Errorf("recorder has %d messages", len(b.recorder.Messages()))
	}
}

func TestMessagesWithoutRecorder(t *testing.T) {
	rn, _ := newTestRunner(t, testTemplate, testBuilders(&jobCalls{}), nil, nil)
	got := do(rn, "GET", "/_local/sns/messages", nil, nil)
	if got.status != 200 || got.body != `{"messages":[]}` {
		t.Errorf("empty recorder: %d %s, want 200 {\"messages\":[]}", got.status, got.body)
	}
	rn.recorder = nil // as with a real SNS endpoint
	got = do(rn, "GET", "/_local/sns/messages", nil, nil)
	if got.status != 200 || !strings.HasPrefix(got.body, `{"messages":[],"note":"SNS is a real endpoint`) {
		t.Errorf("real SNS: %d %s", got.status, got.body)
	}
	if got := do(rn, "POST", "/_local/sns/messages", nil, nil); got.status != 405 {
		t.Errorf("POST messages: status %d, want 405", got.status)
	}
}

func TestInvokeAPI(t *testing.T) {
	rn, _ := newTestRunner(t, testTemplate, testBuilders(&jobCalls{}), nil, nil)
	rn.functions["SlowFunction"].timeout = 20 * time.Millisecond
	tests := []struct {
		name          string
		target        string
		payload       string
		header        map[string]string
		wantStatus    int
		wantFuncError string
		wantBody      string // exact, when set
		wantErrorType string
	}{
		{name: "error", target: "/2015-03-31/functions/EchoFunction/invocations", payload: `{"rawPath":"/fail"}`,
			wantStatus: 200, wantFuncError: "Unhandled", wantBody: `{"errorMessage":"boom","errorType":"errorString"}`},
		{name: "panic", target: "/2015-03-31/functions/EchoFunction/invocations", payload: `{"rawPath":"/panic"}`,
			wantStatus: 200, wantFuncError: "Unhandled", wantBody: `{"errorMessage":"kaboom","errorType":"string"}`},
		{name: "timeout", target: "/2015-03-31/functions/SlowFunction/invocations", payload: `{}`,
			wantStatus: 200, wantFuncError: "Unhandled", wantErrorType: "Sandbox.Timedout"},
		{name: "wrong payload type", target: "/2015-03-31/functions/EchoFunction/invocations", payload: `[1]`,
			wantStatus: 200, wantFuncError: "Unhandled", wantErrorType: "UnmarshalTypeError"},
		{name: "success by ARN", target: "/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:EchoFunction:$LATEST/invocations",
			payload: `{"rawPath":"/raw"}`, wantStatus: 200,
			wantBody: `{"statusCode":200,"headers":{"Content-Type":"application/octet-stream"},"multiValueHeaders":null,"body":"//4A","isBase64Encoded":true,"cookies":["a=1"]}`},
		{name: "unknown function", target: "/2015-03-31/functions/Nope/invocations", payload: `{}`,
			wantStatus: 404, wantBody: `{"Type":"User","message":"Function not found: arn:aws:lambda:us-east-1:123456789012:function:Nope"}`},
		{name: "unknown operation", target: "/2015-03-31/functions/EchoFunction/configuration", payload: `{}`, wantStatus: 404},
		{name: "dry run", target: "/2015-03-31/functions/EchoFunction/invocations", payload: `{}`,
			header: map[string]string{"X-Amz-Invocation-Type": "DryRun"}, wantStatus: 204},
		{name: "too large", target: "/2015-03-31/functions/EchoFunction/invocations", payload: strings.Repeat(" ", maxInvokePayload+1),
			wantStatus: 413},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := do(rn, "POST", tt.target, strings.NewReader(tt.payload), tt.header)
			if got.status != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", got.status, tt.wantStatus, got.body)
			}
			if fe := got.header.Get("X-Amz-Function-Error"); fe != tt.wantFuncError {
				t.Errorf("X-Amz-Function-Error = %q, want %q", fe, tt.wantFuncError)
			}
			if tt.wantBody != "" && got.body != tt.wantBody {
				t.Errorf("body = %s, want %s", got.body, tt.wantBody)
			}
			if tt.wantErrorType != "" {
				var e invokeError
				if err := json.Unmarshal([]byte(got.body), &e); err != nil || e.Type != tt.wantErrorType || e.Message == "" {
					t.Errorf("body = %s, want errorType %s with a message", got.body, tt.wantErrorType)
				}
			}
		})
	}
}

func TestInvokeAsync(t *testing.T) {
	jobs := &jobCalls{}
	rn, _ := newTestRunner(t, testTemplate, testBuilders(jobs), nil, nil)
	got := do(rn, "POST", "/2015-03-31/functions/JobFunction/invocations", strings.NewReader(`{"n":1}`),
		map[string]string{"X-Amz-Invocation-Type": "Event"})
	if got.status != http.StatusAccepted {
		t.Fatalf("status = %d, want 202", got.status)
	}
	rn.background.Wait()
	if want := []string{`{"n":1}`}; !reflect.DeepEqual(jobs.payloads, want) {
		t.Errorf("payloads = %v, want %v", jobs.payloads, want)
	}
}

func TestSchedules(t *testing.T) {
	jobs := &jobCalls{hold: 20 * time.Millisecond}
	var logs bytes.Buffer
	rn, _ := newTestRunner(t, testTemplate, testBuilders(jobs), nil, &logs)
	start := time.Date(2026, 11, 28, 10, 0, 30, 0, time.UTC) // a Saturday
	rn.now = func() time.Time { return start }

	var got []string
	for _, s := range rn.schedules {
		got = append(got, s.rule+" "+s.sched.String())
	}
	if want := []string{"JobFunction-Tick rate(1 minute)", "JobFunction-Weekly cron(0 8 ? * MON *)"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("schedules = %v, want %v (Off is disabled)", got, want)
	}

	tests := []struct {
		sched     *scheduled
		runs      int
		wantTimes []time.Time
		wantBody  func(i int, at time.Time) string
	}{
		{
			sched: rn.schedules[0], runs: 3,
			wantTimes: []time.Time{start.Add(30 * time.Second), start.Add(90 * time.Second), start.Add(150 * time.Second)},
		},
		{
			sched: rn.schedules[1], runs: 2,
			wantTimes: []time.Time{
				time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC),
				time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC),
			},
			wantBody: func(int, time.Time) string { return `{"custom":true}` },
		},
	}
	for _, tt := range tests {
		t.Run(tt.sched.rule, func(t *testing.T) {
			jobs.mu.Lock()
			jobs.payloads = nil
			jobs.mu.Unlock()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var waited []time.Time
			wait := func(_ context.Context, at time.Time) bool {
				if len(waited) == tt.runs {
					cancel()
					return false
				}
				waited = append(waited, at)
				return true
			}
			tt.sched.fn.timeout = time.Second
			rn.runSchedule(ctx, tt.sched, wait)
			if !reflect.DeepEqual(waited, tt.wantTimes) {
				t.Errorf("fired at %v, want %v", waited, tt.wantTimes)
			}
			if len(jobs.payloads) != tt.runs {
				t.Fatalf("%d invocations, want %d", len(jobs.payloads), tt.runs)
			}
			for i, p := range jobs.payloads {
				if tt.wantBody != nil {
					if p != tt.wantBody(i, waited[i]) {
						t.Errorf("payload %d = %s, want %s", i, p, tt.wantBody(i, waited[i]))
					}
					continue
				}
				var ev map[string]any
				if err := json.Unmarshal([]byte(p), &ev); err != nil {
					t.Fatal(err)
				}
				id, _ := ev["id"].(string)
				if id == "" {
					t.Errorf("payload %d has no id: %s", i, p)
				}
				delete(ev, "id")
				want := map[string]any{
					"version": "0", "detail-type": "Scheduled Event", "source": "aws.events", "account": "123456789012",
					"time": waited[i].Format(time.RFC3339), "region": "us-east-1",
					"resources": []any{"arn:aws:events:us-east-1:123456789012:rule/JobFunction-Tick"},
					"detail":    map[string]any{},
				}
				if !reflect.DeepEqual(ev, want) {
					t.Errorf("payload %d = %v, want %v", i, ev, want)
				}
			}
		})
	}
	if jobs.overlap {
		t.Errorf("runs of one schedule overlapped: got a run started while another was in flight, want none")
	}

	// A failing run is logged with its error, and the schedule goes on.
	jobs.fail = errors.New("digest store unavailable")
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	rn.runSchedule(ctx, rn.schedules[0], func(context.Context, time.Time) bool {
		n++
		if n > 2 {
			cancel()
			return false
		}
		return true
	})
	if got := strings.Count(logs.String(), `"msg":"scheduled run failed"`); got != 2 {
		t.Errorf("%d failure log lines, want 2:\n%s", got, logs.String())
	}
	if !strings.Contains(logs.String(), `"err":"digest store unavailable"`) || !strings.Contains(logs.String(), `"rule":"JobFunction-Tick"`) {
		t.Errorf("failure log lacks the error or the rule:\n%s", logs.String())
	}
}

func TestSlowRunsDoNotPileUp(t *testing.T) {
	// Each run of the 1-minute schedule takes 5 minutes of the runner's clock (the job moves
	// it) and stays in flight until the next run starts or its hold ends: the ticks that came
	// due meanwhile are skipped, not fired back to back, and no run starts while another is
	// in flight.
	clock := clockpkg.NewManual(time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC))
	jobs := &jobCalls{during: func() { clock.Add(5 * time.Minute) }, hold: 20 * time.Millisecond}
	rn, _ := newTestRunner(t, testTemplate, testBuilders(jobs), nil, nil)
	rn.now = clock.Now
	rn.schedules[0].fn.timeout = time.Second
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var waited []time.Time
	rn.runSchedule(ctx, rn.schedules[0], func(_ context.Context, at time.Time) bool {
		if len(waited) == 3 {
			return false
		}
		waited = append(waited, at)
		if now := clock.Now(); now.Before(at) {
			clock.Add(at.Sub(now)) // the sleep until the tick
		}
		return true
	})
	want := []time.Time{
		time.Date(2026, 11, 28, 10, 1, 0, 0, time.UTC),
		time.Date(2026, 11, 28, 10, 7, 0, 0, time.UTC),
		time.Date(2026, 11, 28, 10, 13, 0, 0, time.UTC),
	}
	if !reflect.DeepEqual(waited, want) {
		t.Errorf("fired at %v, want %v", waited, want)
	}
	jobs.mu.Lock()
	defer jobs.mu.Unlock()
	if len(jobs.payloads) != 3 || jobs.overlap {
		t.Errorf("got %d runs, overlapping: %v; want 3 runs, none started while another was in flight", len(jobs.payloads), jobs.overlap)
	}
}

func TestStartupErrors(t *testing.T) {
	builders := func() map[string]wiring.Builder { return testBuilders(&jobCalls{}) }
	tests := []struct {
		name     string
		tmpl     string
		builders map[string]wiring.Builder
		getenv   func(string) string
		want     []string
	}{
		{
			name:     "function without builder, builder without function",
			tmpl:     strings.Replace(testTemplate, "SlowFunction:", "OtherFunction:", 1),
			builders: builders(),
			want: []string{
				"template function OtherFunction has no builder in registry.Functions()",
				"registry.Functions() has a builder for SlowFunction, which the template does not declare",
			},
		},
		{
			name: "builder fails",
			tmpl: testTemplate,
			builders: func() map[string]wiring.Builder {
				b := builders()
				b["JobFunction"] = func(wiring.Deps) (any, error) { return nil, errors.New("OPS_TABLE is not set") }
				return b
			}(),
			want: []string{"build JobFunction: OPS_TABLE is not set"},
		},
		{
			name:     "unresolvable variable",
			tmpl:     strings.Replace(testTemplate, "MODE: !Ref Mode", "MODE: !GetAtt DataTable.StreamArn", 1),
			builders: builders(),
			want:     []string{"EchoFunction: variable MODE (!GetAtt DataTable.StreamArn): !GetAtt DataTable.StreamArn: unresolved reference; set MODE in the environment"},
		},
		{
			name:     "bad schedule",
			tmpl:     strings.Replace(testTemplate, "rate(1 minute)", "rate(1 minutes)", 1),
			builders: builders(),
			want:     []string{`JobFunction event Tick: schedule "rate(1 minutes)"`},
		},
		{
			name:     "route declared twice",
			tmpl:     strings.Replace(testTemplate, "{Path: /slow, Method: GET}", "{Path: /fail, Method: GET}", 1),
			builders: builders(),
			want:     []string{"route GET /fail is declared by both EchoFunction and SlowFunction"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl, err := samtemplate.Parse([]byte(tt.tmpl))
			if err != nil {
				t.Fatal(err)
			}
			b, err := memoryBackends(context.Background(), tmpl)
			if err != nil {
				t.Fatal(err)
			}
			getenv := tt.getenv
			if getenv == nil {
				getenv = func(string) string { return "" }
			}
			_, err = newRunner(tmpl, b, options{builders: tt.builders, getenv: getenv, logOut: io.Discard})
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("err = %v\nwant it to contain %q", err, w)
				}
			}
		})
	}
}

func TestOverrideStandsInForUnresolvable(t *testing.T) {
	tmpl := strings.Replace(testTemplate, "MODE: !Ref Mode", "MODE: !GetAtt DataTable.StreamArn", 1)
	rn, _ := newTestRunner(t, tmpl, testBuilders(&jobCalls{}), func(k string) string {
		if k == "MODE" {
			return "set-by-hand"
		}
		return ""
	}, nil)
	got := do(rn, "GET", "/echo/1", nil, nil)
	if !strings.Contains(got.body, `"MODE":"set-by-hand"`) {
		t.Errorf("body = %s, want MODE from the process environment", got.body)
	}
}

func TestRunStartupErrors(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/template.yaml"
	if err := os.WriteFile(path, []byte("Resources:\n  NoSuchFunction:\n    Type: AWS::Serverless::Function\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"missing template", []string{"-template", dir + "/missing.yaml"}, nil, "missing.yaml"},
		{"function without builder", []string{"-template", path}, nil, "template function NoSuchFunction has no builder"},
		{"bad port", []string{"-template", path}, map[string]string{"PORT": "http"}, `PORT "http" is not a port number`},
		{"bad flag", []string{"-nope"}, nil, "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(context.Background(), tt.args, func(k string) string { return tt.env[k] }, &out, &errOut)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one containing %q", err, tt.want)
			}
		})
	}
}
