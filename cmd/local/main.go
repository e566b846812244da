package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/lucian-app/phase12/shared/samtemplate"
	"github.com/lucian-app/phase12/shared/wiring"
	"github.com/lucian-app/phase12/shared/wiring/registry"
)

// DefaultPort is where the runner listens unless PORT says otherwise.
const DefaultPort = "3000"

// shutdownGrace is how long in-flight requests get to finish on SIGINT or
// SIGTERM before the server closes their connections.
const shutdownGrace = 15 * time.Second

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "local:", err)
		os.Exit(1)
	}
}

// run is the whole runner: read the template, set up storage, build every
// function, serve until ctx ends. Start-up problems are returned before
// anything listens.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("local", flag.ContinueOnError)
	flags.SetOutput(stderr)
	templatePath := flags.String("template", "template.yaml", "the SAM template to serve")
	dynamodbMode, err := dynamoFlag(flags, getenv)
	if err != nil {
		return err
	}
	if err := flags.Parse(args); err != nil {
		return err
	}
	port := getenv("PORT")
	if port == "" {
		port = DefaultPort
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("PORT %q is not a port number", port)
	}

	data, err := os.ReadFile(*templatePath)
	if err != nil {
		return err
	}
	tmpl, err := samtemplate.Parse(data)
	if err != nil {
		return fmt.Errorf("%s: %w", *templatePath, err)
	}
	log := wiring.NewLogger(stderr, getenv("LOG_LEVEL"))
	clock, err := newLocalClock(getenv("LOCAL_NOW"), time.Now)
	if err != nil {
		return err
	}
	identity := devIdentity{user: strings.TrimSpace(getenv("LOCAL_DEV_USER")), groups: getenv("LOCAL_DEV_GROUPS")}
	schedulesOn, err := schedulesSetting(getenv("LOCAL_SCHEDULES"))
	if err != nil {
		return err
	}
	// The builders are checked against the template before any storage is
	// touched, so a mismatch is reported without a running moto.
	if err := checkBuilders(tmpl, registry.Functions()); err != nil {
		return err
	}
	// .tools, where `make tools` puts DynamoDB Local, is beside the template.
	localDynamo, stopDynamo, err := startDynamoDB(ctx, *dynamodbMode, filepath.Dir(*templatePath), getenv, log)
	if err != nil {
		return err
	}
	defer stopDynamo()
	if localDynamo != "" {
		getenv = withDefault(getenv, wiring.EnvDeadlineScale, localDynamoDeadlineScale)
	}
	b, err := newBackends(ctx, tmpl, getenv, log, localDynamo)
	if err != nil {
		return err
	}
	signIn, issuer, err := devSignIn(getenv("LOCAL_OIDC"), getenv, clock.Now)
	if err != nil {
		return err
	}
	if issuer != nil {
		defer func() { _ = issuer.Close() }()
	}
	rn, err := newRunner(tmpl, b, options{
		builders:  registry.Functions(),
		getenv:    getenv,
		logOut:    stderr,
		log:       log,
		clock:     clock,
		identity:  identity,
		overrides: signIn,
	})
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", port))
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: trustOnlyItself(rn, ln.Addr()), ReadHeaderTimeout: 10 * time.Second}
	printBanner(stdout, *templatePath, "http://"+ln.Addr().String(), rn, b, schedulesOn)
	if issuer != nil {
		fmt.Fprintf(stdout, "Sign-in: development OIDC issuer on %s (LOCAL_OIDC=dev; any user, any groups); open http://%s/ops\n", issuer.URL, ln.Addr())
	} else {
		fmt.Fprintln(stdout, "Sign-in: off (LOCAL_OIDC=dev serves a development OIDC issuer for /ops/login)")
	}

	schedCtx, stopSchedules := context.WithCancel(ctx)
	defer stopSchedules()
	var wg sync.WaitGroup
	if schedulesOn {
		rn.startSchedules(schedCtx, &wg, clock.sleepUntil)
	}

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		stopSchedules()
		wg.Wait()
		return err
	case <-ctx.Done():
	}
	fmt.Fprintln(stdout, "shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	err = srv.Shutdown(shutdownCtx)
	stopSchedules()
	wg.Wait()
	rn.background.Wait()
	if serveErr := <-served; !errors.Is(serveErr, http.ErrServerClosed) && err == nil {
		err = serveErr
	}
	return err
}

// schedulesSetting reads LOCAL_SCHEDULES: empty or "on" runs the template's schedules,
// "off" leaves them to the Invoke API, so a test that moves the clock decides alone when a
// scheduled function runs.
func schedulesSetting(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "on":
		return true, nil
	case "off":
		return false, nil
	}
	return false, fmt.Errorf("LOCAL_SCHEDULES %q: want on or off", v)
}

func printBanner(w io.Writer, templatePath, baseURL string, rn *runner, b *backends, schedulesOn bool) {
	fmt.Fprintf(w, "Serving %s on %s\n", templatePath, baseURL)
	fmt.Fprintf(w, "DynamoDB: %s\n", b.dynamoDesc)
	fmt.Fprintf(w, "SNS: %s\n", b.snsDesc)
	fmt.Fprintln(w, "Routes:")
	routes := rn.routes()
	if len(routes) == 0 {
		fmt.Fprintln(w, "  (none)")
	}
	for _, r := range routes {
		fmt.Fprintf(w, "  %-7s %s -> %s\n", r.Method, r.Path, r.Function)
	}
	if schedulesOn {
		fmt.Fprintln(w, "Schedules:")
	} else {
		fmt.Fprintln(w, "Schedules: off (LOCAL_SCHEDULES=off); invoke the functions through the Invoke API:")
	}
	if len(rn.schedules) == 0 {
		fmt.Fprintln(w, "  (none)")
	}
	for _, s := range rn.schedules {
		tz := ""
		if s.event.Timezone != "" {
			tz = " " + s.event.Timezone
		}
		fmt.Fprintf(w, "  %s%s -> %s (%s)\n", s.event.Expression, tz, s.fn.id, s.event.EventName)
	}
	var skipped []string
	for _, id := range rn.order {
		for name, typ := range rn.functions[id].spec.OtherEvents {
			skipped = append(skipped, fmt.Sprintf("%s.%s (%s)", id, name, typ))
		}
	}
	if len(skipped) > 0 {
		sort.Strings(skipped)
		fmt.Fprintf(w, "Not run locally: %s\n", strings.Join(skipped, ", "))
	}
	fmt.Fprintf(w, "Lambda Invoke API: POST %s/2015-03-31/functions/{LogicalId}/invocations\n", baseURL)
	if b.recorder != nil {
		fmt.Fprintf(w, "Published SNS messages: GET %s/_local/sns/messages\n", baseURL)
	}
	fmt.Fprintln(w, "Identity: X-Dev-User (sub) and X-Dev-Groups (comma-separated; the GROUPS_CLAIM claim, default cognito:groups)")
	if rn.identity.user != "" {
		fmt.Fprintf(w, "  requests without X-Dev-User act as %q (groups %q): LOCAL_DEV_USER, LOCAL_DEV_GROUPS\n", rn.identity.user, rn.identity.groups)
	}
	if rn.clock != nil {
		fmt.Fprintf(w, "Clock: %s (GET or POST {\"now\": ...} %s/_local/clock; LOCAL_NOW sets it at start)\n",
			rn.clock.Now().UTC().Format(time.RFC3339), baseURL)
	}
}

// localDynamoDeadlineScale stretches the functions' deadline budgets on DynamoDB Local,
// whose cold JVM answers its first calls in hundreds of milliseconds where DynamoDB takes
// a few (wiring.EnvDeadlineScale); DEADLINE_SCALE in the environment still wins.
const localDynamoDeadlineScale = "10"

// withDefault is getenv with name defaulting to value when unset.
func withDefault(getenv func(string) string, name, value string) func(string) string {
	return func(k string) string {
		if v := getenv(k); v != "" || k != name {
			return v
		}
		return value
	}
}
