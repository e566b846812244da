package wiring_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/lucian-app/phase12/shared/apigw"
	"github.com/lucian-app/phase12/shared/clock"
	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/flowmetrics"
	"github.com/lucian-app/phase12/shared/ids"
	"github.com/lucian-app/phase12/shared/opsauth/devissuer"
	"github.com/lucian-app/phase12/shared/opsstore"
	"github.com/lucian-app/phase12/shared/samtemplate"
	"github.com/lucian-app/phase12/shared/slo"
	"github.com/lucian-app/phase12/shared/topic"
	"github.com/lucian-app/phase12/shared/wiring"
	"github.com/lucian-app/phase12/shared/wiring/authwire"
	"github.com/lucian-app/phase12/shared/wiring/digestwire"
	"github.com/lucian-app/phase12/shared/wiring/fanoutwire"
	"github.com/lucian-app/phase12/shared/wiring/opswire"
	"github.com/lucian-app/phase12/shared/wiring/registry"
	"github.com/lucian-app/phase12/shared/wiring/ssmparam"
)

// The tour: every function of template.yaml, built by its builder with the environment the
// template gives it, over one embedded store, driven through its routes and schedules the way
// a week of use would. It records what each function asks of DynamoDB and SNS (for the
// least-privilege audit) and every HTTP exchange (for the API description's conformance).

// recordingDB records the IAM action each call needs, per table. A transaction needs the
// action of each of its items (there is no dynamodb:TransactWriteItems permission).
type recordingDB struct {
	dynamo.API
	mu   *sync.Mutex
	used map[string]map[string]bool // table -> action
}

func (r *recordingDB) add(table *string, action string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	t := aws.ToString(table)
	if r.used[t] == nil {
		r.used[t] = map[string]bool{}
	}
	r.used[t]["dynamodb:"+action] = true
}

func (r *recordingDB) GetItem(ctx context.Context, in *dynamodb.GetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	r.add(in.TableName, "GetItem")
	return r.API.GetItem(ctx, in, o...)
}

func (r *recordingDB) PutItem(ctx context.Context, in *dynamodb.PutItemInput, o ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	r.add(in.TableName, "PutItem")
	return r.API.PutItem(ctx, in, o...)
}

func (r *recordingDB) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, o ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	r.add(in.TableName, "UpdateItem")
	return r.API.UpdateItem(ctx, in, o...)
}

func (r *recordingDB) DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, o ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error) {
	r.add(in.TableName, "DeleteItem")
	return r.API.DeleteItem(ctx, in, o...)
}

func (r *recordingDB) Query(ctx context.Context, in *dynamodb.QueryInput, o ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	r.add(in.TableName, "Query")
	return r.API.Query(ctx, in, o...)
}

func (r *recordingDB) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	for table := range in.RequestItems {
		r.add(aws.String(table), "BatchGetItem")
	}
	return r.API.BatchGetItem(ctx, in, o...)
}

func (r *recordingDB) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, o ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	for _, it := range in.TransactItems {
		switch {
		case it.Put != nil:
			r.add(it.Put.TableName, "PutItem")
		case it.Update != nil:
			r.add(it.Update.TableName, "UpdateItem")
		case it.Delete != nil:
			r.add(it.Delete.TableName, "DeleteItem")
		case it.ConditionCheck != nil:
			r.add(it.ConditionCheck.TableName, "ConditionCheckItem")
		}
	}
	return r.API.TransactWriteItems(ctx, in, o...)
}

// exchange is one HTTP request of the tour and its answer.
type exchange struct {
	function, route string // route: the template's "METHOD /path"
	status          int
	header          map[string]string
	body            string
}

type world struct {
	t        *testing.T
	tmpl     *samtemplate.Template
	db       dynamo.API
	clk      *clock.Manual
	sns      *topic.Recorder
	mu       sync.Mutex
	used     map[string]map[string]map[string]bool // function -> table -> actions
	topics   map[string]map[string]bool            // function -> topic logical IDs published to
	http     map[string]apiHandler
	jobs     map[string]func(context.Context, events.EventBridgeEvent) error
	workers  map[string]wiring.ReviewWorkerHandler
	queue    *queueRecorder
	authz    map[string]authorizerHandler
	exchange []exchange
	driven   map[string]bool // functions the tour called or ran
}

type authorizerHandler = func(context.Context, events.APIGatewayV2CustomAuthorizerV2Request) (events.APIGatewayV2CustomAuthorizerSimpleResponse, error)

// sessionSecret is the tour's Secrets Manager: the ops session secret's value.
type sessionSecret struct{}

func (sessionSecret) GetSecretValue(_ context.Context, in *secretsmanager.GetSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	if aws.ToString(in.SecretId) != tourSessionSecretARN {
		return nil, fmt.Errorf("no secret %s", aws.ToString(in.SecretId))
	}
	return &secretsmanager.GetSecretValueOutput{SecretString: aws.String(strings.Repeat("tour-session-secret-", 4))}, nil
}

const tourSessionSecretARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:OpsSessionSecret-AbCdEf"

// topicARN is a topic's ARN in the tour.
func topicARN(id string) string { return "arn:aws:sns:us-east-1:123456789012:" + id }

func newWorld(t *testing.T) *world {
	t.Helper()
	data, err := os.ReadFile("../../template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := samtemplate.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, tmpl: tmpl, db: dynamotest.New(t), clk: clock.NewManual(time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)),
		used: map[string]map[string]map[string]bool{}, topics: map[string]map[string]bool{},
		http: map[string]apiHandler{}, jobs: map[string]func(context.Context, events.EventBridgeEvent) error{}, driven: map[string]bool{},
		workers: map[string]wiring.ReviewWorkerHandler{}, queue: &queueRecorder{},

		authz: map[string]authorizerHandler{}}
	// The browser sign-in's issuer: a development issuer on 127.0.0.1 instead of the
	// template's (Cognito) JwtIssuer, so the tour reaches no network.
	iss, err := devissuer.New("tour-ops-client", "cognito:groups")
	if err != nil {
		t.Fatal(err)
	}
	if err := iss.Start(0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = iss.Close() })
	names := map[string]string{}
	for _, id := range tmpl.Topics {
		names[topicARN(id)] = id
	}
	w.sns = &topic.Recorder{Now: w.clk.Now, Names: names}
	resolve := func(id, attr string) (string, bool) {
		switch tmpl.ResourceTypes[id] + "/" + attr {
		case samtemplate.TypeTable + "/":
			return id, true
		case samtemplate.TypeTopic + "/":
			return topicARN(id), true
		case samtemplate.TypeHTTPAPI + "/":
			return "abc123", true
		case "AWS::SQS::Queue/":
			return "https://sqs.us-east-1.amazonaws.com/123456789012/" + id, true
		case "AWS::SSM::Parameter/":
			return "/tour/levers", true
		case "AWS::SecretsManager::Secret/":
			return tourSessionSecretARN, true
		}
		return "", false
	}
	builders := registry.Functions()
	for _, id := range tmpl.FunctionIDs() {
		env, err := tmpl.Environment(tmpl.Functions[id], resolve)
		if err != nil {
			t.Fatal(err)
		}
		if env[wiring.EnvOIDCIssuer] != "" {
			env[wiring.EnvOIDCIssuer] = iss.URL
		}
		build, ok := builders[id]
		if !ok {
			t.Fatalf("registry.Functions() has no builder for %s", id)
		}
		// The same builders with the tour's fakes for the clients only they make.
		withClients := map[string]wiring.Builder{
			"OpsFunction":                opswire.Clients{Secrets: sessionSecret{}}.Ops,
			"OpsAuthorizerFunction":      authwire.Clients{Secrets: sessionSecret{}}.OpsAuthorizer,
			"WeeklyDigestFunction":       digestwire.Clients{Secrets: sessionSecret{}}.WeeklyDigest,
			"WeeklyReviewWorkerFunction": fanoutwire.Clients{SQS: w.queue}.WeeklyReviewWorker,
		}
		if b, ok := withClients[id]; ok {
			build = b
		}
		w.used[id] = map[string]map[string]bool{}
		w.topics[id] = map[string]bool{}
		d := wiring.Deps{
			DynamoDB:   &recordingDB{API: w.db, mu: &w.mu, used: w.used[id]},
			SNS:        &publishRecorder{Recorder: w.sns, mu: &w.mu, names: names, used: w.topics[id]},
			Parameters: ssmparam.Reader{API: leverParameter{"/tour/levers": `{"undo":true}`}},
			HTTP:       http.DefaultClient, Getenv: func(k string) string { return env[k] }, Now: w.clk.Now,
			NewID: ids.Sequence(id[:2]), Log: wiring.NewLogger(io.Discard, ""), Function: id,
		}
		h, err := build(d)
		if err != nil {
			t.Fatalf("build %s: %v", id, err)
		}
		switch h := h.(type) {
		case apiHandler:
			w.http[id] = h
		case func(context.Context, events.EventBridgeEvent) error:
			w.jobs[id] = h
		case wiring.ReviewWorkerHandler:
			w.workers[id] = h
		case authorizerHandler:
			w.authz[id] = h
		default:
			t.Fatalf("%s: a handler of type %T", id, h)
		}
	}
	return w
}

// publishRecorder notes which topics a function published to.
type publishRecorder struct {
	*topic.Recorder
	mu    *sync.Mutex
	names map[string]string
	used  map[string]bool
}

func (p *publishRecorder) Publish(ctx context.Context, in *sns.PublishInput, o ...func(*sns.Options)) (*sns.PublishOutput, error) {
	p.mu.Lock()
	p.used[p.names[aws.ToString(in.TopicArn)]] = true
	p.mu.Unlock()
	return p.Recorder.Publish(ctx, in, o...)
}

// functionOf is the function that serves route in the template.
func (w *world) functionOf(route string) string {
	for _, id := range w.tmpl.FunctionIDs() {
		for _, r := range w.tmpl.Functions[id].Routes {
			if r.Method+" "+r.Path == route {
				return id
			}
		}
	}
	w.t.Fatalf("no function serves %s", route)
	return ""
}

// call sends one request to route ("METHOD /path/{param}") with the path filled in.
func (w *world) call(user string, groups []string, route, path, body string, header map[string]string) exchange {
	w.t.Helper()
	fn := w.functionOf(route)
	method, pattern, _ := strings.Cut(route, " ")
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	for k, v := range header {
		r.Header.Set(k, v)
	}
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	params := map[string]string{}
	ps, pp := strings.Split(pattern, "/"), strings.Split(r.URL.Path, "/")
	for i := range ps {
		if strings.HasPrefix(ps[i], "{") && i < len(pp) {
			params[strings.Trim(ps[i], "{}")] = pp[i]
		}
	}
	claims := map[string]string{"sub": user}
	if len(groups) > 0 {
		claims["cognito:groups"] = "[" + strings.Join(groups, " ") + "]"
	}
	ev, err := apigw.NewEvent(r, apigw.Match{Route: apigw.Route{Method: method, Path: pattern}, PathParameters: params},
		apigw.Options{Time: w.clk.Now(), Claims: claims})
	if err != nil {
		w.t.Fatal(err)
	}
	w.driven[fn] = true
	resp, err := w.http[fn](context.Background(), ev)
	if err != nil {
		w.t.Fatalf("%s: %v", route, err)
	}
	x := exchange{function: fn, route: route, status: resp.StatusCode, header: resp.Headers, body: resp.Body}
	w.exchange = append(w.exchange, x)
	return x
}

func (w *world) run(fn string) {
	w.t.Helper()
	w.driven[fn] = true
	if err := w.jobs[fn](context.Background(), events.EventBridgeEvent{ID: "tour", Time: w.clk.Now()}); err != nil {
		w.t.Fatalf("%s: %v", fn, err)
	}
}

// want fails the tour when x is not the status expected, and decodes its JSON body.
func (w *world) want(x exchange, status int) map[string]any {
	w.t.Helper()
	if x.status != status {
		w.t.Fatalf("%s: %d %s, want %d", x.route, x.status, x.body, status)
	}
	out := map[string]any{}
	if strings.HasPrefix(x.header["Content-Type"], "application/json") {
		if err := json.Unmarshal([]byte(x.body), &out); err != nil {
			w.t.Fatalf("%s: body %q: %v", x.route, x.body, err)
		}
	}
	return out
}

func str(m map[string]any, path ...string) string {
	var cur any = m
	for _, p := range path {
		mm, _ := cur.(map[string]any)
		cur = mm[p]
	}
	s, _ := cur.(string)
	return s
}

// tour drives every route and schedule: a user's tasks, goals, commands and undos; flow
// events; an outage of create_task that pages, is acknowledged and resolves; the weekly
// digest; the ops routes; and the errors of the contract (401, 403, 404, 400, 409, 410, 428).
func (w *world) tour() {
	t := w.t
	ops := []string{"ops"}

	// Tasks and goals.
	created := w.want(w.call("alice", nil, "POST /tasks", "/tasks", `{"title":"Buy milk","due":"2026-11-27","priority":1,"project":"home"}`, nil), 201)
	id := str(created, "task", "id")
	w.want(w.call("alice", nil, "POST /tasks", "/tasks", `{"title":"Call mum"}`, nil), 201)
	w.want(w.call("alice", nil, "GET /tasks/today", "/tasks/today?timezone=Europe/Berlin", "", nil), 200)
	w.want(w.call("alice", nil, "GET /tasks/today", "/tasks/today?timezone=Europe/Berlin&limit=1", "", nil), 200)
	// Travelling: the weekly review's register moves her to New York's ready hour.
	w.want(w.call("alice", nil, "GET /tasks/today", "/tasks/today?timezone=America/New_York", "", nil), 200)
	w.want(w.call("alice", nil, "PATCH /tasks/{id}", "/tasks/"+id, `{"due":"2026-11-30T10:00:00+01:00"}`, nil), 200)
	w.want(w.call("alice", nil, "GET /tasks/next", "/tasks/next?timezone=Europe/Berlin&limit=2", "", nil), 200)
	w.want(w.call("alice", nil, "GET /tasks/next", "/tasks/next?timezone=Europe/Berlin&context=lucian", "", nil), 200)
	w.want(w.call("alice", nil, "GET /tasks/next", "/tasks/next?timezone=Europe/Berlin&context=siri", "", nil), 400)
	w.want(w.call("alice", nil, "PATCH /tasks/{id}", "/tasks/"+id, `{"completed":true,"timezone":"Europe/Berlin"}`, nil), 200)
	w.want(w.call("alice", nil, "PATCH /tasks/{id}", "/tasks/"+id, `{"completed":false,"title":"Buy oat milk","priority":2}`, nil), 200)
	w.want(w.call("bob", nil, "PATCH /tasks/{id}", "/tasks/"+id, `{"completed":true}`, nil), 404)
	marathon := w.want(w.call("alice", nil, "POST /goals", "/goals", `{"title":"Run a marathon","target_date":"2027-06-30"}`, nil), 201)
	// A task that serves the goal: GET /tasks/next reads the candidates' goals (BatchGetItem).
	w.want(w.call("alice", nil, "POST /tasks", "/tasks", `{"title":"Run 10 km","goal_id":"`+str(marathon, "goal", "id")+`"}`, nil), 201)
	w.want(w.call("alice", nil, "POST /tasks", "/tasks", `{"title":"Run 20 km","goal_id":"no-such-goal"}`, nil), 404)
	w.want(w.call("alice", nil, "GET /tasks/next", "/tasks/next?timezone=Europe/Berlin", "", nil), 200)
	w.want(w.call("alice", nil, "GET /goals", "/goals", "", nil), 200)
	w.want(w.call("", nil, "GET /goals", "/goals", "", nil), 401)
	w.want(w.call("alice", nil, "POST /tasks", "/tasks", `{"title":7}`, nil), 400)

	// The command OS.
	w.want(w.call("alice", nil, "POST /intents/preview", "/intents/preview", `{"text":"add water the plants tomorrow 9am p1 #home","timezone":"Europe/Berlin"}`, nil), 200)
	key := func(k string) map[string]string { return map[string]string{"Idempotency-Key": k} }
	ex := w.want(w.call("alice", nil, "POST /intents/execute", "/intents/execute", `{"text":"add water the plants tomorrow 9am","timezone":"Europe/Berlin"}`, key("k1")), 201)
	w.want(w.call("alice", nil, "POST /intents/execute", "/intents/execute", `{"text":"add water the plants tomorrow 9am","timezone":"Europe/Berlin"}`, key("k1")), 201)
	w.want(w.call("alice", nil, "POST /intents/execute", "/intents/execute", `{"text":"new goal learn go by june 30","timezone":"Europe/Berlin"}`, key("k1")), 422)
	w.want(w.call("alice", nil, "POST /intents/execute", "/intents/execute", `{"text":"add x","timezone":"UTC"}`, nil), 400)
	goal := w.want(w.call("alice", nil, "POST /intents/execute", "/intents/execute", `{"intent":{"type":"create_goal","title":"Learn Go"}}`, key("k2")), 201)
	w.want(w.call("alice", nil, "POST /intents/execute", "/intents/execute", `{"intent":{"type":"complete_task","task_ref":"call mum"}}`, key("k3")), 200)
	w.want(w.call("alice", nil, "POST /intents/execute", "/intents/execute", `{"intent":{"type":"reschedule_task","task_ref":"buy oat milk","due":"2026-12-01"}}`, key("k4")), 200)
	risky := w.want(w.call("alice", nil, "POST /intents/execute", "/intents/execute", `{"intent":{"type":"delete_task","task_ref":"buy oat milk"}}`, key("k5")), 428)
	w.want(w.call("alice", nil, "POST /intents/execute", "/intents/execute",
		fmt.Sprintf(`{"intent":{"type":"delete_task","task_ref":"buy oat milk"},"confirmation_token":%q}`, str(risky, "confirmation", "token")), key("k5")), 200)
	w.want(w.call("alice", nil, "POST /intents/execute", "/intents/execute", `{"intent":{"type":"complete_task","task_ref":"nothing like it"}}`, key("k6")), 404)
	w.want(w.call("alice", nil, "GET /intents/log", "/intents/log?limit=2", "", nil), 200)

	// Undo: a task, a goal, again, someone else's, too late.
	w.want(w.call("alice", nil, "POST /undo", "/undo", fmt.Sprintf(`{"token":%q}`, str(ex, "undo", "token")), nil), 200)
	w.want(w.call("alice", nil, "POST /undo", "/undo", fmt.Sprintf(`{"token":%q}`, str(ex, "undo", "token")), nil), 200)
	w.want(w.call("bob", nil, "POST /undo", "/undo", fmt.Sprintf(`{"token":%q}`, str(goal, "undo", "token")), nil), 404)
	w.want(w.call("alice", nil, "POST /undo", "/undo", fmt.Sprintf(`{"token":%q}`, str(goal, "undo", "token")), nil), 200)
	late := w.want(w.call("alice", nil, "POST /intents/execute", "/intents/execute", `{"intent":{"type":"create_task","title":"Late"}}`, key("k7")), 201)
	w.clk.Add(2 * time.Minute)
	w.want(w.call("alice", nil, "POST /undo", "/undo", fmt.Sprintf(`{"token":%q}`, str(late, "undo", "token")), nil), 410)

	// Flow events from the app.
	at := w.clk.Now().Add(-time.Second).Format(time.RFC3339)
	w.want(w.call("alice", nil, "POST /metrics/flows", "/metrics/flows",
		fmt.Sprintf(`{"events":[{"flow":"today_load_client","latency_ms":120,"outcome":"ok","at":%q},{"flow":"nope","latency_ms":1,"outcome":"ok","at":%q}]}`, at, at), nil), 200)

	// Product events: onboarding, once per event_id; a name outside the catalogue is 400.
	w.want(w.call("alice", nil, "POST /events/product", "/events/product",
		fmt.Sprintf(`{"events":[{"event_id":"o1","name":"onboarding_started","at":%q},{"event_id":"o2","name":"onboarding_completed","at":%q}]}`, at, at), nil), 200)
	w.want(w.call("alice", nil, "POST /events/product", "/events/product",
		fmt.Sprintf(`{"events":[{"event_id":"o3","name":"signed_up","at":%q}]}`, at), nil), 400)
	// The next action measured: shown, started within 10 minutes, dismissed; the dismissed
	// task is not suggested again today.
	mum := str(w.want(w.call("alice", nil, "POST /tasks", "/tasks", `{"title":"Plan the week","priority":1}`, nil), 201), "task", "id")
	if next := w.call("alice", nil, "GET /tasks/next", "/tasks/next?timezone=Europe/Berlin&limit=5", "", nil); next.status != 200 || !strings.Contains(next.body, mum) {
		t.Errorf("GET /tasks/next: %d %s, want 200 suggesting %s (undated, open)", next.status, next.body, mum)
	}
	w.want(w.call("alice", nil, "POST /events/product", "/events/product",
		fmt.Sprintf(`{"events":[{"event_id":"n1","name":"next_shown","at":%q,"task_id":%q},{"event_id":"n2","name":"next_started","at":%q,"task_id":%q},{"event_id":"n3","name":"next_dismissed","at":%q,"task_id":%q}]}`, at, mum, at, mum, at, mum), nil), 200)
	if next := w.call("alice", nil, "GET /tasks/next", "/tasks/next?timezone=Europe/Berlin&limit=5", "", nil); next.status != 200 || strings.Contains(next.body, mum) {
		t.Errorf("GET /tasks/next: %d %s, want 200 without %s, dismissed today", next.status, next.body, mum)
	}

	// An outage of create_task: every request fails for ten minutes, the check pages.
	cat, err := slo.Default()
	if err != nil {
		t.Fatal(err)
	}
	var evs []flowmetrics.Event
	for m := range 10 {
		for range 50 {
			evs = append(evs, flowmetrics.Event{Flow: "create_task", LatencyMs: 100, At: w.clk.Now().Add(-time.Duration(m+1) * time.Minute)})
		}
	}
	if err := opsstore.New(w.db, dynamotest.OpsTable).Add(context.Background(), flowmetrics.Aggregate(cat, evs)); err != nil {
		t.Fatal(err)
	}
	w.run("BurnRateCheckFunction")
	alerts := w.want(w.call("oncall", ops, "GET /ops/alerts", "/ops/alerts?state=firing", "", nil), 200)
	list, _ := alerts["alerts"].([]any)
	if len(list) == 0 {
		t.Fatalf("no firing alert after the outage: %v", alerts)
	}
	alertID, _ := list[0].(map[string]any)["id"].(string)
	w.want(w.call("oncall", ops, "POST /ops/alerts/{id}/ack", "/ops/alerts/"+alertID+"/ack", `{"verdict":"true_positive"}`, nil), 200)
	w.want(w.call("oncall", ops, "POST /ops/alerts/{id}/ack", "/ops/alerts/nope/ack", `{}`, nil), 404)
	// The alert's page (pages and tickets link it): as a page, as JSON, unknown, outside ops.
	w.want(w.call("oncall", ops, "GET /ops/alerts/{id}", "/ops/alerts/"+alertID, "", nil), 200)
	if a := w.want(w.call("oncall", ops, "GET /ops/alerts/{id}", "/ops/alerts/"+alertID, "", map[string]string{"Accept": "application/json"}), 200); str(a, "alert", "id") != alertID {
		t.Fatalf("GET /ops/alerts/%s as JSON: %v", alertID, a)
	}
	w.want(w.call("oncall", ops, "GET /ops/alerts/{id}", "/ops/alerts/nope", "", map[string]string{"Accept": "application/json"}), 404)
	w.want(w.call("oncall", ops, "GET /ops/alerts/{id}", "/ops/alerts/nope", "", nil), 404)
	w.want(w.call("alice", nil, "GET /ops/alerts/{id}", "/ops/alerts/"+alertID, "", nil), 403)
	w.want(w.call("", nil, "GET /ops/alerts/{id}", "/ops/alerts/"+alertID, "", nil), 302)
	w.want(w.call("", nil, "GET /ops/alerts/{id}", "/ops/alerts/"+alertID, "", map[string]string{"Accept": "application/json"}), 401)
	// Browser sign-in: to the issuer, a callback without a sign-in in progress, a refused
	// next, and sign-out; the ops routes' authorizer without credentials and with a forged cookie.
	w.want(w.call("", nil, "GET /ops/login", "/ops/login?next=/ops/alerts/"+alertID, "", nil), 302)
	w.want(w.call("", nil, "GET /ops/login", "/ops/login?next=https://evil.example/", "", nil), 400)
	w.want(w.call("", nil, "GET /ops/callback", "/ops/callback?code=x&state=y", "", nil), 400)
	w.want(w.call("oncall", ops, "POST /ops/logout", "/ops/logout", "", nil), 200)
	for _, cookies := range [][]string{nil, {"ops_session=forged"}} {
		w.driven["OpsAuthorizerFunction"] = true
		out, err := w.authz["OpsAuthorizerFunction"](context.Background(), events.APIGatewayV2CustomAuthorizerV2Request{
			Version: "2.0", Type: "REQUEST", RouteKey: "GET /ops", RawPath: "/ops", Cookies: cookies})
		if err != nil || !out.IsAuthorized || len(out.Context) != 0 {
			t.Fatalf("OpsAuthorizerFunction with cookies %v: %+v %v, want allowed without an identity", cookies, out, err)
		}
	}
	w.want(w.call("alice", nil, "GET /ops/slo", "/ops/slo", "", nil), 403)
	w.want(w.call("oncall", ops, "GET /ops/slo", "/ops/slo", "", nil), 200)
	// Healthy again: the alert resolves.
	w.clk.Add(4 * time.Hour)
	w.run("BurnRateCheckFunction")

	// Monday: the weekly digest, then the ops routes that show it.
	w.clk.Set(time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC))
	w.run("WeeklyDigestFunction")
	w.want(w.call("oncall", ops, "GET /ops/digests/latest", "/ops/digests/latest", "", nil), 200)
	w.want(w.call("oncall", ops, "GET /ops/digests/{week}", "/ops/digests/2026-W48", "", nil), 200)
	w.want(w.call("oncall", ops, "GET /ops/digests/{week}", "/ops/digests/2020-W01", "", nil), 404)
	w.want(w.call("oncall", ops, "GET /ops", "/ops", "", nil), 200)
	// The flake gate: CI posts two attempts of one commit, the second passing what the first
	// failed; the ops routes show the week's flake.
	ci := []string{"ci"}
	const sha = "0123456789abcdef0123456789abcdef01234567"
	e2eTest := func(action string) string {
		return `{"Action":"` + action + `","Package":"github.com/lucian-app/phase12/tests/e2e","Test":"TestTasksUnderEmulator"}`
	}
	w.want(w.call("ci-bot", ci, "POST /ci/runs", "/ci/runs?commit="+sha+"&attempt=1", e2eTest("fail"), nil), 200)
	w.want(w.call("ci-bot", ci, "POST /ci/runs", "/ci/runs?commit="+sha+"&attempt=2", e2eTest("pass"), nil), 200)
	w.want(w.call("alice", nil, "POST /ci/runs", "/ci/runs?commit="+sha+"&attempt=3", e2eTest("pass"), nil), 403)
	if fl := w.want(w.call("oncall", ops, "GET /ops/flakes", "/ops/flakes", "", nil), 200); fl["latest"].(map[string]any)["flaky"] != float64(1) {
		t.Fatalf("GET /ops/flakes after a flake: %v", fl)
	}
	// The KPI review of the digest's week: an action, closed; its week's page.
	act := w.want(w.call("oncall", ops, "POST /ops/kpi-review/{week}/actions", "/ops/kpi-review/2026-W48/actions",
		`{"kpi":"onboarding_completion","decision":"shorten the onboarding to three screens","owner":"Amara Okafor","due":"2026-12-04"}`, nil), 201)
	actionID := str(act, "action", "id")
	w.want(w.call("oncall", ops, "PATCH /ops/kpi-review/actions/{id}", "/ops/kpi-review/actions/"+actionID, `{"status":"done"}`, nil), 200)
	w.want(w.call("oncall", ops, "PATCH /ops/kpi-review/actions/{id}", "/ops/kpi-review/actions/2026-W48.nope", `{"status":"done"}`, nil), 404)
	w.want(w.call("oncall", ops, "POST /ops/kpi-review/{week}/actions", "/ops/kpi-review/2026-W48/actions", `{"kpi":"nope"}`, nil), 400)
	if rv := w.want(w.call("oncall", ops, "GET /ops/kpi-review/{week}", "/ops/kpi-review/2026-W48", "", nil), 200); len(rv["kpis"].([]any)) == 0 {
		t.Fatalf("GET /ops/kpi-review/2026-W48 has no KPIs after its digest: %v", rv)
	}
	w.want(w.call("oncall", ops, "GET /ops/alerts", "/ops/alerts?state=resolved&limit=1", "", nil), 200)
	if n := len(w.sns.Messages()); n < 3 {
		t.Fatalf("%d SNS messages, want the page, its resolve and the digest", n)
	}

	// Lucian: settings, a hint, its dismissal, the back-off that follows.
	w.want(w.call("alice", nil, "GET /companion/settings", "/companion/settings", "", nil), 200)
	w.want(w.call("alice", nil, "PUT /companion/settings", "/companion/settings",
		`{"lucian_enabled":true,"hints_enabled":true,"break_invites_enabled":true,"quiet_hours":{"start":"22:00","end":"07:00"},"timezone":"Europe/Berlin"}`, nil), 200)
	next := fmt.Sprintf(`{"context":{"screen":"today","task_in_progress":false,"minutes_active":5},"client_time":%q,"timezone":"Europe/Berlin"}`,
		w.clk.Now().Format(time.RFC3339))
	shown := w.want(w.call("alice", nil, "POST /hints/next", "/hints/next", next, nil), 200)
	if shown["show"] != true {
		t.Fatalf("no hint for alice: %v", shown)
	}
	hintID := str(shown, "hint", "id")
	w.want(w.call("alice", nil, "POST /hints/{id}/events", "/hints/"+hintID+"/events",
		fmt.Sprintf(`{"event_id":"e1","event":"dismissed","at":%q}`, w.clk.Now().Format(time.RFC3339)), nil), 200)
	w.want(w.call("bob", nil, "POST /hints/{id}/events", "/hints/"+hintID+"/events",
		fmt.Sprintf(`{"event_id":"e1","event":"dismissed","at":%q}`, w.clk.Now().Format(time.RFC3339)), nil), 404)
	if again := w.want(w.call("alice", nil, "POST /hints/next", "/hints/next", next, nil), 200); again["reason"] != "dismissal_backoff" {
		t.Fatalf("right after a dismissal: %v", again)
	}
	w.want(w.call("", nil, "POST /hints/next", "/hints/next", next, nil), 401)

	w.reviewTour()
}

// reviewTour drives the weekly review: dave is active in week 46 (his first review), quiet
// in 47 and back in 48 with a task slipped since 46, so his review of 48 is "returning" and
// recommends moving that task (a reschedule through the engine); alice's review of 48 is
// built in her companion settings' zone (Europe/Berlin), dismissed, then adopted (a
// creation); events are taken once; another user's review is 404.
func (w *world) reviewTour() {
	t := w.t
	key := func(k string) map[string]string { return map[string]string{"Idempotency-Key": k} }
	w.clk.Set(time.Date(2026, 11, 12, 10, 0, 0, 0, time.UTC))
	w.want(w.call("dave", nil, "POST /tasks", "/tasks", `{"title":"Renew passport","due":"2026-11-13"}`, nil), 201)
	chore := w.want(w.call("dave", nil, "POST /tasks", "/tasks", `{"title":"Old chore","due":"2026-11-12"}`, nil), 201)
	w.want(w.call("dave", nil, "PATCH /tasks/{id}", "/tasks/"+str(chore, "task", "id"), `{"completed":true}`, nil), 200)
	w.clk.Set(time.Date(2026, 11, 17, 10, 0, 0, 0, time.UTC))
	first := w.want(w.call("dave", nil, "GET /reviews/weekly", "/reviews/weekly?week=2026-W46&timezone=UTC", "", nil), 200)
	if str(first, "review", "week") != "2026-W46" {
		t.Fatalf("dave's first review: %v", first)
	}
	w.clk.Set(time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC))
	back := w.want(w.call("dave", nil, "POST /tasks", "/tasks", `{"title":"Unpack","due":"2026-11-25"}`, nil), 201)
	w.want(w.call("dave", nil, "PATCH /tasks/{id}", "/tasks/"+str(back, "task", "id"), `{"completed":true}`, nil), 200)
	w.clk.Set(time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC))
	rv := w.want(w.call("dave", nil, "GET /reviews/weekly", "/reviews/weekly?timezone=UTC", "", nil), 200)
	if str(rv, "review", "situation", "class") != "returning" {
		t.Fatalf("dave's review of week 48: %v", rv)
	}
	adopted := w.want(w.call("dave", nil, "POST /reviews/weekly/{week}/recommendations/{id}/adopt",
		"/reviews/weekly/2026-W48/recommendations/r1/adopt", "", key("a1")), 200)
	if str(adopted, "execution", "intent", "type") != "reschedule_task" {
		t.Fatalf("dave's adoption: %v", adopted)
	}
	w.want(w.call("dave", nil, "POST /reviews/weekly/{week}/recommendations/{id}/adopt",
		"/reviews/weekly/2026-W48/recommendations/r1/adopt", "", key("a2")), 200)
	w.want(w.call("dave", nil, "POST /reviews/weekly/{week}/recommendations/{id}/dismiss",
		"/reviews/weekly/2026-W48/recommendations/r1/dismiss", "", nil), 409)
	w.want(w.call("bob", nil, "POST /reviews/weekly/{week}/recommendations/{id}/adopt",
		"/reviews/weekly/2026-W48/recommendations/r1/adopt", "", key("a3")), 404)
	w.want(w.call("dave", nil, "POST /reviews/weekly/{week}/recommendations/{id}/adopt",
		"/reviews/weekly/2026-W48/recommendations/r1/adopt", "", nil), 400)

	held := w.want(w.call("carol", nil, "GET /reviews/weekly", "/reviews/weekly?timezone=UTC", "", nil), 200)
	if h, _ := held["review"].(map[string]any); h["holdout"] != true || len(h["recommendations"].([]any)) != 0 {
		t.Fatalf("carol is in the holdout (bucket 0.0313 of 0.05) and got %v", held)
	}
	mine := w.want(w.call("alice", nil, "GET /reviews/weekly", "/reviews/weekly", "", nil), 200)
	if str(mine, "review", "timezone") != "Europe/Berlin" {
		t.Fatalf("alice's review is not in her settings' zone: %v", mine)
	}
	w.want(w.call("alice", nil, "POST /reviews/weekly/{week}/recommendations/{id}/dismiss",
		"/reviews/weekly/2026-W48/recommendations/r1/dismiss", "", nil), 200)
	w.want(w.call("alice", nil, "POST /reviews/weekly/{week}/recommendations/{id}/adopt",
		"/reviews/weekly/2026-W48/recommendations/r1/adopt", "", key("a4")), 200)
	events := `{"events":[{"event_id":"rv-1","name":"review_opened","week":"2026-W48"},{"event_id":"rv-2","name":"rec_shown","week":"2026-W48","rec_id":"r1","visible_ms":2100},{"event_id":"rv-3","name":"rec_opened","week":"2026-W48","rec_id":"r1"}]}`
	w.want(w.call("alice", nil, "POST /reviews/events", "/reviews/events", events, nil), 200)
	if again := w.want(w.call("alice", nil, "POST /reviews/events", "/reviews/events", events, nil), 200); again["duplicates"] != 3.0 {
		t.Fatalf("the same events again: %v", again)
	}
	w.want(w.call("bob", nil, "POST /reviews/events", "/reviews/events", events, nil), 404)
	w.want(w.call("alice", nil, "POST /reviews/events", "/reviews/events", `{"events":[{"event_id":"x","name":"opened","week":"2026-W48"}]}`, nil), 400)
	w.want(w.call("alice", nil, "GET /reviews/weekly", "/reviews/weekly?week=2026-W60", "", nil), 400)
	w.want(w.call("alice", nil, "GET /reviews/weekly", "/reviews/weekly?week=2026-W49", "", nil), 404)
	w.want(w.call("", nil, "GET /reviews/weekly", "/reviews/weekly", "", nil), 401)

	// dave opens a review from New York: the register moves him from UTC's hour to New
	// York's two.
	w.want(w.call("dave", nil, "GET /reviews/weekly", "/reviews/weekly?week=2026-W48&timezone=America/New_York", "", nil), 200)
	w.scheduleTour()
}

// scheduleTour drives WeeklyReviewWorkerFunction: erin, registered in UTC by an open, sets
// Honolulu in her settings; the run of Monday 7 December 06:00 UTC queues the users of
// hours 5 and 6 without a review of week 49 (alice in Berlin, carol and erin in UTC), the
// batch builds alice's and carol's and moves erin to Honolulu's hour (her week 49 has not
// ended there), and a poisoned message is the only failure answered.
func (w *world) scheduleTour() {
	t := w.t
	const fn = "WeeklyReviewWorkerFunction"
	w.want(w.call("erin", nil, "GET /reviews/weekly", "/reviews/weekly?week=2026-W48&timezone=UTC", "", nil), 200)
	w.want(w.call("erin", nil, "PUT /companion/settings", "/companion/settings",
		`{"lucian_enabled":true,"hints_enabled":true,"break_invites_enabled":true,"quiet_hours":null,"timezone":"Pacific/Honolulu"}`, nil), 200)
	w.clk.Set(time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC))
	w.driven[fn] = true
	resp, err := w.workers[fn](context.Background(), wiring.ReviewWorkerEvent{ID: "tour", DetailType: "Scheduled Event", Time: w.clk.Now()})
	if err != nil || resp != nil {
		t.Fatalf("the hourly run: %v, %v", resp, err)
	}
	sent := w.queue.take()
	var got []string
	for _, m := range sent {
		got = append(got, m.Body)
	}
	if want := []string{`{"kind":"review","user":"alice","week":"2026-W49","timezone":"Europe/Berlin"}`,
		`{"kind":"review","user":"carol","week":"2026-W49","timezone":"UTC"}`,
		`{"kind":"review","user":"erin","week":"2026-W49","timezone":"UTC"}`}; strings.Join(sorted(got), " ") != strings.Join(want, " ") {
		t.Fatalf("queued %v, want %v", got, want)
	}
	batch := append(sent, events.SQSMessage{MessageId: "poison", Body: "{"})
	resp, err = w.workers[fn](context.Background(), wiring.ReviewWorkerEvent{Records: batch})
	if err != nil || resp == nil || len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != "poison" {
		t.Fatalf("the batch answered %+v, %v; want only the poisoned message failed", resp, err)
	}
	rv := w.want(w.call("carol", nil, "GET /reviews/weekly", "/reviews/weekly?week=2026-W49", "", nil), 200)
	if str(rv, "review", "week") != "2026-W49" || str(rv, "review", "generated_at") != "2026-12-07T06:00:00Z" {
		t.Fatalf("carol's review of week 49 was not built by the worker at 06:00: %v", rv)
	}
	// Erin's week 49 ends at 10:00 UTC in Honolulu; her zone's run at 16:00 queues her.
	w.clk.Set(time.Date(2026, 12, 7, 16, 0, 0, 0, time.UTC))
	if _, err := w.workers[fn](context.Background(), wiring.ReviewWorkerEvent{ID: "tour-16", DetailType: "Scheduled Event", Time: w.clk.Now()}); err != nil {
		t.Fatal(err)
	}
	if again := w.queue.take(); len(again) != 1 || again[0].Body != `{"kind":"review","user":"erin","week":"2026-W49","timezone":"Pacific/Honolulu"}` {
		t.Fatalf("the 16:00 run queued %v, want erin's week 49", again)
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// queueRecorder is SQS for the tour: it keeps what was sent, as the messages a batch
// delivers.
type queueRecorder struct {
	mu   sync.Mutex
	n    int
	sent []events.SQSMessage
}

func (q *queueRecorder) SendMessageBatch(_ context.Context, in *sqs.SendMessageBatchInput, _ ...func(*sqs.Options)) (*sqs.SendMessageBatchOutput, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := &sqs.SendMessageBatchOutput{}
	for _, e := range in.Entries {
		q.n++
		id := fmt.Sprint("m", q.n)
		attrs := map[string]events.SQSMessageAttribute{}
		for k, v := range e.MessageAttributes {
			attrs[k] = events.SQSMessageAttribute{DataType: aws.ToString(v.DataType), StringValue: v.StringValue}
		}
		q.sent = append(q.sent, events.SQSMessage{MessageId: id, Body: aws.ToString(e.MessageBody), MessageAttributes: attrs})
		out.Successful = append(out.Successful, sqstypes.SendMessageBatchResultEntry{Id: e.Id, MessageId: aws.String(id)})
	}
	return out, nil
}

func (q *queueRecorder) take() []events.SQSMessage {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := q.sent
	q.sent = nil
	return out
}

// leverParameter is SSM with parameters by name.
type leverParameter map[string]string

func (p leverParameter) GetParameter(_ context.Context, in *ssm.GetParameterInput, _ ...func(*ssm.Options)) (*ssm.GetParameterOutput, error) {
	v, ok := p[aws.ToString(in.Name)]
	if !ok {
		return nil, &ssmtypes.ParameterNotFound{Message: aws.String("no parameter " + aws.ToString(in.Name))}
	}
	return &ssm.GetParameterOutput{Parameter: &ssmtypes.Parameter{Name: in.Name, Value: aws.String(v)}}, nil
}
