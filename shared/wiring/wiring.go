package wiring

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/lucian-app/phase12/shared/appstore"
	"github.com/lucian-app/phase12/shared/degrade"
	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/eventstore"
	"github.com/lucian-app/phase12/shared/execute"
	"github.com/lucian-app/phase12/shared/hintstore"
	"github.com/lucian-app/phase12/shared/httpapi"
	"github.com/lucian-app/phase12/shared/ids"
	"github.com/lucian-app/phase12/shared/nextaction"
	"github.com/lucian-app/phase12/shared/tasks"
	"github.com/lucian-app/phase12/shared/topic"
	"github.com/lucian-app/phase12/shared/undo"
)

// Deps is everything a function may need from outside its own code.
type Deps struct {
	DynamoDB dynamo.API
	SNS      topic.API
	// AWS is the SDK configuration a builder makes the clients only it needs from (Secrets
	// Manager, Bedrock, SQS, SSM: see the packages beside this one), so a function's binary
	// links no client it does not use; nil in the local runner and the unit tests.
	AWS *aws.Config
	// Parameters reads the emergency levers' SSM parameter (package ssmparam gives it to
	// the functions that read levers); nil in the local runner, which serves them from a
	// file or the environment (see leverSource).
	Parameters ParameterReader
	HTTP       *http.Client
	// Getenv reads the function's configuration (its environment in
	// Lambda; the template's variables in the local runner).
	Getenv func(string) string
	Now    func() time.Time
	NewID  ids.Generator
	Log    *slog.Logger
	// Function is the function's logical ID in template.yaml: the Function dimension of
	// its metrics.
	Function string
}

// Builder makes a function's handler: any handler lambda.Start accepts.
type Builder func(Deps) (any, error)

// Environment variable names, set by template.yaml.
const (
	EnvAppTable = "APP_TABLE"
	EnvOpsTable = "OPS_TABLE"
	// EnvUndoEnabled "false" switches undo off: no tokens, /undo is 403.
	EnvUndoEnabled = "UNDO_ENABLED"
	// EnvUndoWindowSeconds is how long an undo token is good for (30).
	EnvUndoWindowSeconds = "UNDO_WINDOW_SECONDS"
	// EnvGroupsClaim names the JWT claim that holds the caller's groups
	// (default cognito:groups).
	EnvGroupsClaim = "GROUPS_CLAIM"
	// EnvOpenTaskQuota and EnvGoalQuota are the per-user quotas (10,000
	// open tasks and 1,000 goals when unset).
	EnvOpenTaskQuota = "OPEN_TASK_QUOTA"
	EnvGoalQuota     = "GOAL_QUOTA"
)

// AppStore is AppTable's store with the configured quotas.
func AppStore(d Deps) (*appstore.Store, error) {
	table, err := Required(d, EnvAppTable)
	if err != nil {
		return nil, err
	}
	// AppTable's circuit breaker in this warm instance, with a timeout on each attempt.
	g, err := guard(d, d.DynamoDB, "dynamodb AppTable")
	if err != nil {
		return nil, err
	}
	s := appstore.New(g, table)
	for _, q := range []struct {
		name string
		dst  *int
	}{{EnvOpenTaskQuota, &s.MaxOpenTasks}, {EnvGoalQuota, &s.MaxGoals}} {
		if v := strings.TrimSpace(d.Getenv(q.name)); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 1000000 {
				return nil, fmt.Errorf("configuration: %s=%q is not a number from 1 to 1000000", q.name, v)
			}
			*q.dst = n
		}
	}
	return s, nil
}

// ClaimsConfig reads where the identity is in the authorizer's claims: GROUPS_CLAIM, or
// httpapi.DefaultGroupsClaim when it is unset. The local runner reads it too, to put
// X-Dev-Groups under the same name.
func ClaimsConfig(getenv func(string) string) httpapi.Claims {
	name := strings.TrimSpace(getenv(EnvGroupsClaim))
	if name == "" {
		name = httpapi.DefaultGroupsClaim
	}
	return httpapi.Claims{GroupsClaim: name}
}

// HTTPFunction is the Lambda handler of an HTTP function: h behind API Gateway's payload 2.0
// adapter, with the claims configuration read here, once, and handed to every request
// (httpapi.Claims.Wrap), and one metrics line per request (measured). Every HTTP builder ends
// here, so none can read another claim or go unmeasured.
func HTTPFunction(d Deps, h http.Handler) any {
	return httpadapter.NewV2(ClaimsConfig(d.Getenv).Wrap(measured(d, h))).ProxyWithContext
}

// Required reads a variable the function cannot run without.
func Required(d Deps, name string) (string, error) {
	v := d.Getenv(name)
	if v == "" {
		return "", fmt.Errorf("configuration: %s is not set", name)
	}
	return v, nil
}

// Tasks builds TasksFunction. It measures its two flows itself, as the server flows they
// are: today_load (GET /tasks/today) and create_task (POST /tasks). GET /tasks/next is
// here too: it ranks the same today range of the same table, so it needs no grant,
// cold start or copy of the range reads of its own; it reads the companion settings
// from HintTable (GetItem only) for context=lucian.
func Tasks(d Deps) (any, error) {
	store, err := AppStore(d)
	if err != nil {
		return nil, err
	}
	svc := &tasks.Service{Repo: store, Now: d.Now, NewID: d.NewID, LastGood: degrade.NewLastGood(d.Now)}
	next := &nextaction.Service{Tasks: store, Stats: store, Goals: store, Now: d.Now, Companion: defaultCompanion{},
		// Today's next_dismissed events, in the user's own AppTable partition.
		Dismissals: nextaction.EventDismissals{Events: &eventstore.Store{DB: d.DynamoDB, Table: store.Table}}}
	if table := d.Getenv(EnvHintTable); table != "" {
		next.Companion = companion{hintstore.New(d.DynamoDB, table)}
	}
	mux := http.NewServeMux()
	mux.Handle(nextaction.Route, httpapi.Wrap(nextaction.Handler(next), d.Log, time.Now))
	mux.Handle("/", reviewRegister(d, firstValue(d, tasks.Handler(svc, d.Log))))
	b, err := budgeted(d, mux)
	if err != nil {
		return nil, err
	}
	h, err := observed(d, b, serverFlowsOf("GET /tasks/today", "POST /tasks"))
	if err != nil {
		return nil, err
	}
	return HTTPFunction(d, h), nil
}

// Main is the whole of a function's main: build the deployed
// dependencies, build the handler, start the Lambda runtime. Setup errors
// are logged once and end the process, so Lambda reports a failed INIT.
func Main(name string, build Builder) {
	d, err := FromEnvironment(context.Background())
	d.Function = name
	if err == nil {
		var h any
		if h, err = build(d); err == nil {
			lambda.Start(h)
			return
		}
	}
	slog.Error("setup failed", "function", name, "err", err)
	os.Exit(1)
}

// undoConfig reads the undo switch and window.
func undoConfig(d Deps) (enabled bool, window time.Duration, err error) {
	enabled = true
	if v := strings.TrimSpace(d.Getenv(EnvUndoEnabled)); v != "" {
		if enabled, err = strconv.ParseBool(v); err != nil {
			return false, 0, fmt.Errorf("configuration: %s=%q is not true or false", EnvUndoEnabled, v)
		}
	}
	window = undo.DefaultWindow
	if v := strings.TrimSpace(d.Getenv(EnvUndoWindowSeconds)); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 3600 {
			return false, 0, fmt.Errorf("configuration: %s=%q is not a number of seconds from 1 to 3600", EnvUndoWindowSeconds, v)
		}
		window = time.Duration(n) * time.Second
	}
	return enabled, window, nil
}

// ExecuteEngine is the command OS's engine over store, with the configured undo window:
// ExecuteIntentFunction's, and the weekly review's for adopting a recommendation.
func ExecuteEngine(d Deps, store *appstore.Store, levers degrade.Reader) (*execute.Engine, error) {
	enabled, window, err := undoConfig(d)
	if err != nil {
		return nil, err
	}
	return &execute.Engine{Store: store, Now: d.Now, NewID: d.NewID,
		UndoEnabled: enabled, UndoWindow: window, Levers: levers}, nil
}

// ExecuteIntent builds ExecuteIntentFunction.
func ExecuteIntent(d Deps) (any, error) {
	store, err := AppStore(d)
	if err != nil {
		return nil, err
	}
	levers, err := Levers(d)
	if err != nil {
		return nil, err
	}
	e, err := ExecuteEngine(d, store, levers)
	if err != nil {
		return nil, err
	}
	e.Completed = firstValueRecorder(d)
	b, err := budgeted(d, execute.Handler(e, d.Log))
	if err != nil {
		return nil, err
	}
	h, err := observed(d, b, serverFlowsOf("POST /intents/execute"))
	if err != nil {
		return nil, err
	}
	return HTTPFunction(d, h), nil
}

// Undo builds UndoFunction.
func Undo(d Deps) (any, error) {
	store, err := AppStore(d)
	if err != nil {
		return nil, err
	}
	enabled, _, err := undoConfig(d)
	if err != nil {
		return nil, err
	}
	levers, err := Levers(d)
	if err != nil {
		return nil, err
	}
	s := &undo.Service{Store: store, Now: d.Now, NewID: d.NewID, Enabled: enabled, Levers: levers}
	b, err := budgeted(d, undo.Handler(s, d.Log))
	if err != nil {
		return nil, err
	}
	h, err := observed(d, b, serverFlowsOf("POST /undo"))
	if err != nil {
		return nil, err
	}
	return HTTPFunction(d, h), nil
}
