//go:build contract

package contract

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/lucian-app/phase12/shared/apigw"
	"github.com/lucian-app/phase12/shared/barrier"
	"github.com/lucian-app/phase12/shared/dynamo"
	"github.com/lucian-app/phase12/shared/ids"
	"github.com/lucian-app/phase12/shared/topic"
	"github.com/lucian-app/phase12/shared/wiring"
	"github.com/lucian-app/phase12/shared/wiring/registry"
)

// TestConcurrentCIRunTwinsCountOnce: 20 twins of one POST /ci/runs (the same commit and
// attempt: a CI job's post retried while the first is still in flight), started together
// behind a barrier against the wired OpsFunction on DynamoDB Local. The run's two blocker
// tests are counted once and its flake (TestCheckout failed, then passed on the runner's
// retry in the same attempt) once: the week's counters say 2 tests, 1 flaky, and the twins'
// answers add up to 2 new tests and 1 new flake. Every twin answers 200, or 503
// dependency_unavailable after its retries lost to the others; none 500.
func TestConcurrentCIRunTwinsCountOnce(t *testing.T) {
	ctx := context.Background()
	db, app := newDynamo(t)
	opsTable := app + "-ops"
	if err := dynamo.EnsureTable(ctx, db, opsTable); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	env := map[string]string{wiring.EnvOpsTable: opsTable}
	h, err := registry.Functions()["OpsFunction"](wiring.Deps{DynamoDB: db, SNS: &topic.Recorder{}, HTTP: &http.Client{},
		Getenv: func(k string) string { return env[k] }, Now: clock, NewID: ids.New(clock, nil),
		Log: wiring.NewLogger(io.Discard, ""), Function: "OpsFunction"})
	if err != nil {
		t.Fatal(err)
	}
	opsFn := h.(lambdaHTTP)
	call := func(method, path, body string, groups string) events.APIGatewayV2HTTPResponse {
		r := httptest.NewRequest(method, path, strings.NewReader(body))
		route, _, _ := strings.Cut(path, "?")
		ev, err := apigw.NewEvent(r, apigw.Match{Route: apigw.Route{Method: method, Path: route}},
			apigw.Options{Claims: map[string]string{"sub": "ci-bot", "cognito:groups": "[" + groups + "]"}})
		if err != nil {
			t.Error(err)
			return events.APIGatewayV2HTTPResponse{}
		}
		resp, err := opsFn(ctx, ev)
		if err != nil {
			t.Error(err)
		}
		return resp
	}
	const pkg = "github.com/lucian-app/phase12/tests/e2e"
	body := `{"Action":"run","Package":"` + pkg + `","Test":"TestCheckout"}
{"Action":"fail","Package":"` + pkg + `","Test":"TestCheckout","Elapsed":0.3}
{"Action":"run","Package":"` + pkg + `","Test":"TestCheckout"}
{"Action":"pass","Package":"` + pkg + `","Test":"TestCheckout","Elapsed":0.2}
{"Action":"pass","Package":"` + pkg + `","Test":"TestLogin","Elapsed":0.1}
{"Action":"fail","Package":"github.com/lucian-app/phase12/shared/ids","Test":"TestNotABlocker","Elapsed":0}
`
	const twins = 20
	type answer struct {
		status int
		body   string
	}
	answers := make([]answer, twins)
	var mu sync.Mutex
	barrier.Run(twins, func(i int) {
		resp := call("POST", "/ci/runs?commit=c0ffee1234&attempt=1", body, "ci")
		mu.Lock()
		answers[i] = answer{resp.StatusCode, resp.Body}
		mu.Unlock()
	})
	var newTests, newFlakes, ok int
	for i, a := range answers {
		switch a.status {
		case 200:
			ok++
			var run struct {
				BlockerTests    int `json:"blocker_tests"`
				NewBlockerTests int `json:"new_blocker_tests"`
				NewFlakes       int `json:"new_flakes"`
			}
			if err := json.Unmarshal([]byte(a.body), &run); err != nil || run.BlockerTests != 2 {
				t.Errorf("twin %d: %s, want 2 blocker tests", i, a.body)
			}
			newTests += run.NewBlockerTests
			newFlakes += run.NewFlakes
		case 503:
			if !strings.Contains(a.body, "dependency_unavailable") {
				t.Errorf("twin %d: 503 %s, want dependency_unavailable", i, a.body)
			}
		default:
			t.Errorf("twin %d: %d %s, want 200 (or 503 after losing its retries)", i, a.status, a.body)
		}
	}
	if ok == 0 || newTests != 2 || newFlakes != 1 {
		t.Errorf("%d twins answered 200, reporting %d new blocker tests and %d new flakes in all; want at least one, 2 and 1", ok, newTests, newFlakes)
	}
	t.Logf("%d of %d twins answered 200", ok, twins)

	resp := call("GET", "/ops/flakes", "", "ops")
	var trend struct {
		Latest struct {
			Week         string
			Tests, Flaky int64
		}
		FlakyTests []struct{ Test, Commit string } `json:"flaky_tests"`
	}
	if resp.StatusCode != 200 || json.Unmarshal([]byte(resp.Body), &trend) != nil {
		t.Fatalf("GET /ops/flakes: %d %s", resp.StatusCode, resp.Body)
	}
	if l := trend.Latest; l.Week != "2026-W48" || l.Tests != 2 || l.Flaky != 1 {
		t.Errorf("week counters after %d twins: %+v, want 2026-W48 with 2 tests, 1 flaky", twins, l)
	}
	if len(trend.FlakyTests) != 1 || trend.FlakyTests[0].Test != "TestCheckout" || trend.FlakyTests[0].Commit != "c0ffee1234" {
		t.Errorf("flaky tests listed: %+v, want TestCheckout on c0ffee1234 once", trend.FlakyTests)
	}
}
