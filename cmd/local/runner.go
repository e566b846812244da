package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/lucian-app/phase12/shared/apigw"
	"github.com/lucian-app/phase12/shared/ids"
	"github.com/lucian-app/phase12/shared/samtemplate"
	"github.com/lucian-app/phase12/shared/schedule"
	"github.com/lucian-app/phase12/shared/topic"
	"github.com/lucian-app/phase12/shared/wiring"
)

// options are what newRunner takes besides the template and backends.
type options struct {
	builders map[string]wiring.Builder
	// getenv is the process environment, which overrides the template's
	// variables.
	getenv func(string) string
	logOut io.Writer    // where the functions' JSON logs go
	log    *slog.Logger // the runner's own log
	now    func() time.Time
	// clock, when set, is the runner's movable clock (now is its Now), served at
	// /_local/clock.
	clock *localClock
	// identity is the default identity of requests without X-Dev-User (local only).
	identity devIdentity
	// overrides set function variables over the template's (even to ""), unless the
	// process environment sets them: the browser sign-in's (devSignIn).
	overrides map[string]string
}

// runner holds the built functions and serves them (see server.go).
type runner struct {
	functions map[string]*function
	order     []string // logical IDs, sorted
	router    *apigw.Router
	routeFunc map[string]string // route key -> logical ID
	// routeAuth is each route's authorizer: "" the JWT authorizer (X-Dev-User stands in
	// for it), samtemplate.NoAuthorizer none, else the logical ID of its Lambda authorizer.
	routeAuth map[string]string
	schedules []*scheduled
	recorder  *topic.Recorder
	log       *slog.Logger
	now       func() time.Time
	clock     *localClock
	identity  devIdentity
	// background tracks invocations of InvocationType Event, which outlive
	// the request that started them.
	background sync.WaitGroup
}

// function is one template function with its handler, wrapped as Lambda
// wraps it.
type function struct {
	id      string
	spec    samtemplate.Function
	handler lambda.Handler
	timeout time.Duration
	arn     string
	log     *slog.Logger
	// groupsClaim is where X-Dev-Groups goes among the claims: the claim the function
	// reads its groups from (GROUPS_CLAIM, as wiring reads it).
	groupsClaim string
}

// scheduled is one enabled Schedule or ScheduleV2 event.
type scheduled struct {
	fn    *function
	event samtemplate.Schedule
	sched schedule.Schedule
	rule  string // the EventBridge rule's name: <Function>-<EventName>
}

// servedRoute is a route and the function behind it.
type servedRoute struct {
	Method, Path, Function string
}

// checkBuilders reports every function the template declares that
// registry.Functions() cannot build, and every builder the template does
// not declare: either way the local run and the deployment would differ.
func checkBuilders(tmpl *samtemplate.Template, builders map[string]wiring.Builder) error {
	var errs []error
	for _, id := range tmpl.FunctionIDs() {
		if builders[id] == nil {
			errs = append(errs, fmt.Errorf("template function %s has no builder in registry.Functions()", id))
		}
	}
	extra := make([]string, 0)
	for id := range builders {
		if _, ok := tmpl.Functions[id]; !ok {
			extra = append(extra, id)
		}
	}
	sort.Strings(extra)
	for _, id := range extra {
		errs = append(errs, fmt.Errorf("registry.Functions() has a builder for %s, which the template does not declare", id))
	}
	return errors.Join(errs...)
}

// newRunner builds every function of the template with its builder.
func newRunner(tmpl *samtemplate.Template, b *backends, o options) (*runner, error) {
	if err := checkBuilders(tmpl, o.builders); err != nil {
		return nil, err
	}
	if o.clock != nil {
		o.now = o.clock.Now
	}
	if o.overrides == nil {
		o.overrides = map[string]string{wiring.EnvOIDCIssuer: ""} // browser sign-in off (devSignIn)
	}
	if o.now == nil {
		o.now = time.Now
	}
	if o.log == nil {
		o.log = wiring.NewLogger(o.logOut, "")
	}
	rn := &runner{
		functions: map[string]*function{},
		order:     tmpl.FunctionIDs(),
		routeFunc: map[string]string{},
		routeAuth: map[string]string{},
		recorder:  b.recorder,
		log:       o.log,
		now:       o.now,
		clock:     o.clock,
		identity:  o.identity,
	}
	var routes []apigw.Route
	var errs []error
	resolve := b.resolver(tmpl)
	for _, id := range rn.order {
		spec := tmpl.Functions[id]
		env, err := functionEnv(tmpl, spec, resolve, withDefaults(o.getenv, b.envDefaults))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		env = withOverrides(env, o.getenv, o.overrides)
		log := wiring.NewLogger(o.logOut, env("LOG_LEVEL")).With("function", id)
		deps := wiring.Deps{
			DynamoDB: b.db,
			SNS:      b.sns,
			HTTP:     &http.Client{Timeout: 5 * time.Second},
			Getenv:   env,
			Now:      o.now,
			NewID:    ids.New(o.now, rand.Reader),
			Log:      log,
			Function: id,
		}
		h, err := o.builders[id](deps)
		if err != nil {
			errs = append(errs, fmt.Errorf("build %s: %w", id, err))
			continue
		}
		fn := &function{
			id:      id,
			spec:    spec,
			handler: lambda.NewHandler(h),
			timeout: spec.Timeout,
			arn:     fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", localRegion, localAccount, id),
			log:     log,

			groupsClaim: wiring.ClaimsConfig(env).GroupsClaim,
		}
		rn.functions[id] = fn
		for _, r := range spec.Routes {
			route := apigw.Route{Method: r.Method, Path: r.Path}
			if other, ok := rn.routeFunc[route.Key()]; ok {
				errs = append(errs, fmt.Errorf("route %s is declared by both %s and %s", route.Key(), other, id))
				continue
			}
			rn.routeFunc[route.Key()] = id
			switch {
			case r.Authorizer == "" || r.Authorizer == samtemplate.NoAuthorizer:
				rn.routeAuth[route.Key()] = r.Authorizer
			case tmpl.LambdaAuthorizers[r.Authorizer] != "":
				rn.routeAuth[route.Key()] = tmpl.LambdaAuthorizers[r.Authorizer]
			default:
				errs = append(errs, fmt.Errorf("route %s: authorizer %s is not a Lambda authorizer of the template", route.Key(), r.Authorizer))
			}
			routes = append(routes, route)
		}
		for _, ev := range spec.Schedules {
			if !ev.Enabled {
				continue
			}
			loc := time.UTC
			if ev.Timezone != "" {
				if loc, err = time.LoadLocation(ev.Timezone); err != nil {
					errs = append(errs, fmt.Errorf("%s event %s: %w", id, ev.EventName, err))
					continue
				}
			}
			s, err := schedule.ParseIn(ev.Expression, loc)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s event %s: %w", id, ev.EventName, err))
				continue
			}
			rn.schedules = append(rn.schedules, &scheduled{fn: fn, event: ev, sched: s, rule: id + "-" + ev.EventName})
		}
	}
	router, err := apigw.NewRouter(routes)
	if err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	rn.router = router
	return rn, nil
}

// withOverrides is env with overrides over it, unless the process environment sets the name.
func withOverrides(env, process func(string) string, overrides map[string]string) func(string) string {
	return func(name string) string {
		if v, ok := overrides[name]; ok && process(name) == "" {
			return v
		}
		return env(name)
	}
}

// withDefaults is getenv, with defaults for the names it leaves unset.
func withDefaults(getenv func(string) string, defaults map[string]string) func(string) string {
	return func(name string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return defaults[name]
	}
}

// functionEnv is a function's Getenv: the process environment first, then
// the template's variables (Globals and the function's, references
// resolved), then what Lambda itself sets. A template variable the process
// sets is not resolved, so an override can stand in for a reference the
// runner cannot resolve.
func functionEnv(tmpl *samtemplate.Template, fn samtemplate.Function, resolve samtemplate.Resolver, getenv func(string) string) (func(string) string, error) {
	vars := map[string]string{}
	var errs []error
	for name, v := range fn.Env {
		if getenv(name) != "" {
			continue
		}
		s, err := tmpl.Resolve(v, resolve)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: variable %s (%s): %w; set %s in the environment to run it locally", fn.LogicalID, name, v, err, name))
			continue
		}
		vars[name] = s
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	lambdaVars := map[string]string{
		"AWS_LAMBDA_FUNCTION_NAME":        fn.LogicalID,
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": strconv.Itoa(fn.MemorySize),
		"AWS_LAMBDA_FUNCTION_VERSION":     "$LATEST",
		"AWS_REGION":                      localRegion,
		"AWS_DEFAULT_REGION":              localRegion,
	}
	return func(name string) string {
		if v := getenv(name); v != "" {
			return v
		}
		if v, ok := vars[name]; ok {
			return v
		}
		return lambdaVars[name]
	}, nil
}

// routes lists what is served, sorted by path then method.
func (rn *runner) routes() []servedRoute {
	var out []servedRoute
	for _, r := range rn.router.Routes() {
		out = append(out, servedRoute{Method: r.Method, Path: r.Path, Function: rn.routeFunc[r.Key()]})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Method < out[j].Method
	})
	return out
}

// Lambda's limit on a synchronous invocation's request and response.
const maxInvokePayload = 6 << 20

// invokeError is a failed invocation as Lambda reports it.
type invokeError struct {
	Message  string `json:"errorMessage"`
	Type     string `json:"errorType"`
	timedOut bool
}

func (e *invokeError) Error() string { return e.Type + ": " + e.Message }

// invoke runs the function once with payload, as Lambda would: a context
// with the template Timeout as deadline and a Lambda context with the
// request ID. A handler still running at the deadline is abandoned.
func (f *function) invoke(ctx context.Context, requestID string, payload []byte) ([]byte, *invokeError) {
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	ctx = lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{AwsRequestID: requestID, InvokedFunctionArn: f.arn})
	type result struct {
		out []byte
		err *invokeError
	}
	done := make(chan result, 1) // buffered: an abandoned handler must not block forever
	go func() {
		defer func() {
			if p := recover(); p != nil {
				f.log.Error("handler panicked", "request_id", requestID, "panic", fmt.Sprint(p))
				done <- result{err: &invokeError{Message: fmt.Sprint(p), Type: typeName(p)}}
			}
		}()
		out, err := f.handler.Invoke(ctx, payload)
		if err != nil {
			done <- result{err: &invokeError{Message: err.Error(), Type: typeName(err)}}
			return
		}
		done <- result{out: out}
	}()
	var res result
	select {
	case res = <-done:
	case <-ctx.Done():
	}
	// A result that arrives after the deadline is one Lambda would have
	// discarded: the function had already been stopped.
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return nil, &invokeError{
			Type:     "Sandbox.Timedout",
			Message:  fmt.Sprintf("RequestId: %s Error: Task timed out after %.2f seconds", requestID, f.timeout.Seconds()),
			timedOut: true,
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, &invokeError{Type: "Canceled", Message: err.Error()}
	}
	if res.err == nil && len(res.out) > maxInvokePayload {
		return nil, &invokeError{Type: "Function.ResponseSizeTooLarge",
			Message: fmt.Sprintf("Response payload size (%d bytes) exceeded maximum allowed payload size (%d bytes).", len(res.out), maxInvokePayload)}
	}
	return res.out, res.err
}

// typeName names an error as the Lambda Go runtime does: the type's name,
// without the pointer ("errorString", "Error").
func typeName(v any) string {
	t := reflect.TypeOf(v)
	if t == nil {
		return "error"
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Name()
}

// newRequestID returns a Lambda request ID (a random UUID).
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand does not fail on supported platforms
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
