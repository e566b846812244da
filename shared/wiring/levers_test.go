package wiring_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/lucian-app/phase12/shared/clock"
	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/ids"
	"github.com/lucian-app/phase12/shared/topic"
	"github.com/lucian-app/phase12/shared/wiring"
	"github.com/lucian-app/phase12/shared/wiring/registry"
	"github.com/lucian-app/phase12/shared/wiring/ssmparam"
)

// flippableParameter is SSM holding one parameter an operator can put-parameter over; it
// counts the reads.
type flippableParameter struct {
	mu    sync.Mutex
	name  string
	value string
	reads int
}

func (p *flippableParameter) GetParameter(_ context.Context, in *ssm.GetParameterInput, _ ...func(*ssm.Options)) (*ssm.GetParameterOutput, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.reads++
	if aws.ToString(in.Name) != p.name {
		return nil, &ssmtypes.ParameterNotFound{}
	}
	return &ssm.GetParameterOutput{Parameter: &ssmtypes.Parameter{Name: in.Name, Value: aws.String(p.value)}}, nil
}

func (p *flippableParameter) put(v string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.value = v
}

// leverWorld is the undo, execute and hint functions over one store, one clock and one
// levers parameter, as deployed.
type leverWorld struct {
	clk   *clock.Manual
	param *flippableParameter
	fns   map[string]apiHandler
}

func newLeverWorld(t *testing.T, env map[string]string) *leverWorld {
	t.Helper()
	w := &leverWorld{clk: clock.NewManual(time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)),
		param: &flippableParameter{name: "/stack/levers", value: `{}`}, fns: map[string]apiHandler{}}
	all := map[string]string{wiring.EnvAppTable: dynamotest.AppTable, wiring.EnvOpsTable: dynamotest.OpsTable,
		wiring.EnvHintTable: dynamotest.HintTable, wiring.EnvLeversParameter: w.param.name}
	for k, v := range env {
		all[k] = v
	}
	db := dynamotest.New(t)
	for _, id := range []string{"ExecuteIntentFunction", "UndoFunction", "HintCooldownFunction"} {
		d := wiring.Deps{DynamoDB: db, SNS: &topic.Recorder{}, HTTP: &http.Client{}, Parameters: ssmparam.Reader{API: w.param},
			Getenv: func(k string) string { return all[k] }, Now: w.clk.Now, NewID: ids.New(w.clk.Now, nil),
			Log: wiring.NewLogger(io.Discard, ""), Function: id}
		h, err := registry.Functions()[id](d)
		if err != nil {
			t.Fatalf("build %s: %v", id, err)
		}
		w.fns[id] = h.(apiHandler)
	}
	return w
}

var alice = map[string]string{"sub": "alice"}

// create executes "add <title>" and returns its undo token ("" when none came).
func (w *leverWorld) create(t *testing.T, title string) string {
	t.Helper()
	resp := apiCall{method: "POST", route: "/intents/execute", path: "/intents/execute", claims: alice,
		header: map[string]string{"Idempotency-Key": "k-" + title}, body: `{"text":"add ` + title + `","timezone":"UTC"}`}.do(t, w.fns["ExecuteIntentFunction"])
	if resp.StatusCode != 201 {
		t.Fatalf("execute: %d %s", resp.StatusCode, resp.Body)
	}
	var body struct {
		Undo *struct{ Token string } `json:"undo"`
	}
	if err := json.Unmarshal([]byte(resp.Body), &body); err != nil {
		t.Fatal(err)
	}
	if body.Undo == nil {
		return ""
	}
	return body.Undo.Token
}

func (w *leverWorld) undo(t *testing.T, token string) (int, string) {
	t.Helper()
	resp := apiCall{method: "POST", route: "/undo", path: "/undo", claims: alice, body: `{"token":"` + token + `"}`}.do(t, w.fns["UndoFunction"])
	return resp.StatusCode, resp.Body
}

func TestTheUndoLeverTurnsUndoOffWithinAMinuteWithoutADeploy(t *testing.T) {
	w := newLeverWorld(t, nil)
	before := w.create(t, "milk")
	if before == "" {
		t.Fatal("no undo token with the undo lever on")
	}
	w.param.put(`{"undo":false}`)
	w.clk.Add(60 * time.Second)
	if tok := w.create(t, "bread"); tok != "" {
		t.Errorf("a creation with the undo lever off got an undo token %q", tok)
	}
	status, body := w.undo(t, before)
	if status != 403 || !strings.Contains(body, `"undo_disabled"`) {
		t.Errorf("undo with the lever off: %d %s, want 403 undo_disabled", status, body)
	}
	w.param.put(`{"undo":true}`)
	w.clk.Add(5 * time.Second)
	if status, _ := w.undo(t, before); status != 403 {
		t.Errorf("undo 5 s after the lever went back on: %d, want still 403 (the 60 s cache)", status)
	}
	w.clk.Add(55 * time.Second)
	if status, body := w.undo(t, w.create(t, "eggs")); status != 200 {
		t.Errorf("undo a minute after the lever went back on: %d %s, want 200", status, body)
	}
	// At most one read a minute per function: execute at 0, 60 and 120 s, undo (first
	// called at 60 s) at 60 and 120 s.
	if w.param.reads != 5 {
		t.Errorf("parameter reads = %d, want 5 (once a minute per warm instance)", w.param.reads)
	}
}

func TestTheHintLeversSilenceLucian(t *testing.T) {
	w := newLeverWorld(t, map[string]string{wiring.EnvBreakInviteRolloutPercent: "100", wiring.EnvLeversCacheSeconds: "10"})
	next := func() (bool, string) {
		resp := apiCall{method: "POST", route: "/hints/next", path: "/hints/next", body: wiredNext, claims: alice}.do(t, w.fns["HintCooldownFunction"])
		var got struct {
			Show   bool   `json:"show"`
			Reason string `json:"reason"`
			Hint   struct {
				Kind string `json:"kind"`
			} `json:"hint"`
		}
		if err := json.Unmarshal([]byte(resp.Body), &got); err != nil {
			t.Fatalf("%d %s", resp.StatusCode, resp.Body)
		}
		return got.Show, got.Reason + "/" + got.Hint.Kind
	}
	w.param.put(`{"hints":false}`)
	if show, why := next(); show || why != "flag_off/" {
		t.Errorf("hints lever off: show %v %s, want no hint, flag_off", show, why)
	}
	w.param.put(`{"break_invites":false}`)
	w.clk.Add(10 * time.Second)
	if show, why := next(); !show || why != "eligible/tip" {
		t.Errorf("break invites lever off, user in the break-invite arm: show %v %s, want a tip", show, why)
	}
}

func TestLeverConfiguration(t *testing.T) {
	for _, tt := range []struct {
		name, v, wantErr string
	}{{"a minute", "60", ""}, {"a second", "1", ""}, {"over a minute", "61", `LEVERS_CACHE_SECONDS="61"`}, {"zero", "0", "from 1 to 60"}, {"words", "soon", "from 1 to 60"}} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := wiring.Undo(deps(t, map[string]string{wiring.EnvAppTable: dynamotest.AppTable, wiring.EnvLeversCacheSeconds: tt.v}))
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

// TestEveryFunctionThatReadsTheLeversMayReadThem: a function given LEVERS_PARAMETER is
// granted ssm:GetParameter on exactly that parameter, and no other function is.
func TestEveryFunctionThatReadsTheLeversMayReadThem(t *testing.T) {
	w := newWorld(t)
	granted := grants(t)
	const arn = "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${LeversParameter}"
	for _, fn := range w.tmpl.FunctionIDs() {
		_, reads := w.tmpl.Functions[fn].Env[wiring.EnvLeversParameter]
		may := false
		for res, actions := range granted[fn] {
			if actions["ssm:GetParameter"] {
				if res != arn {
					t.Errorf("%s may read parameter %s, want only %s", fn, res, arn)
				}
				may = true
			}
		}
		if reads != may {
			t.Errorf("%s: has %s %v, granted ssm:GetParameter %v; want both or neither", fn, wiring.EnvLeversParameter, reads, may)
		}
	}
}

func TestTheOpsPageShowsTheLevers(t *testing.T) {
	h := buildHTTP(t, "OpsFunction", map[string]string{wiring.EnvOpsTable: dynamotest.OpsTable,
		wiring.EnvLevers: `{"undo":false,"metric_ingest_sampling":0.25}`})
	resp := apiCall{method: "GET", route: "/ops", path: "/ops", claims: map[string]string{"sub": "oncall", "cognito:groups": "[ops]"}}.do(t, h)
	if resp.StatusCode != 200 {
		t.Fatalf("GET /ops: %d %s", resp.StatusCode, resp.Body)
	}
	for _, want := range []string{
		`<section id="levers">`, "From environment LEVERS, read",
		`<tr data-lever="undo" class="flipped"><td><code>undo</code></td><td>off</td><td>on</td></tr>`,
		`<tr data-lever="hints"><td><code>hints</code></td><td>on</td><td>on</td></tr>`,
		`<tr data-lever="metric_ingest_sampling" class="flipped"><td><code>metric_ingest_sampling</code></td><td>0.25</td><td>1</td></tr>`,
	} {
		if !strings.Contains(resp.Body, want) {
			t.Errorf("the ops page lacks %q", want)
		}
	}
}
