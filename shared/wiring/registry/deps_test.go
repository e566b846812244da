package registry_test

import (
	"os/exec"
	"sort"
	"strings"
	"testing"

	"github.com/lucian-app/phase12/shared/wiring/registry"
)

// heavy are the packages that only some functions serve with: each is a client or a
// library whose package init and code a function that does not use it should not pay for
// (docs/benchmarks.md: the SSM client's init alone was 7 ms of every cold start).
var heavy = map[string]string{
	"ssm":            "github.com/aws/aws-sdk-go-v2/service/ssm",
	"secretsmanager": "github.com/aws/aws-sdk-go-v2/service/secretsmanager",
	"bedrock":        "github.com/aws/aws-sdk-go-v2/service/bedrockruntime",
	"sqs":            "github.com/aws/aws-sdk-go-v2/service/sqs",
	"goldmark":       "github.com/yuin/goldmark",
	"oidc":           "github.com/coreos/go-oidc/v3/oidc",
	"ops page":       "github.com/lucian-app/phase12/shared/ops",
}

// serves is what each function's binary may link of heavy, and must: its own clients.
var serves = map[string][]string{
	"TasksFunction":              nil,
	"BurnRateCheckFunction":      nil,
	"ExecuteIntentFunction":      {"ssm"},
	"UndoFunction":               {"ssm"},
	"FlowMetricsFunction":        {"ssm"},
	"HintCooldownFunction":       {"ssm"},
	"OpsFunction":                {"ssm", "secretsmanager", "goldmark", "oidc", "ops page"},
	"OpsAuthorizerFunction":      {"secretsmanager", "oidc"},
	"WeeklyDigestFunction":       {"secretsmanager"},
	"WeeklyReviewFunction":       {"ssm", "bedrock"},
	"WeeklyReviewWorkerFunction": {"ssm", "bedrock", "sqs"},
}

// dirs maps a function to its main package (the Makefile's FN_DIR_<LogicalId>).
var dirs = map[string]string{
	"TasksFunction": "tasks", "BurnRateCheckFunction": "burn-rate-check", "ExecuteIntentFunction": "execute-intent",
	"UndoFunction": "undo", "FlowMetricsFunction": "flow-metrics", "HintCooldownFunction": "hint-cooldown",
	"OpsFunction": "ops", "OpsAuthorizerFunction": "ops-authorizer", "WeeklyDigestFunction": "weekly-digest",
	"WeeklyReviewFunction": "weekly-review", "WeeklyReviewWorkerFunction": "weekly-review-worker",
}

// TestEachFunctionLinksOnlyItsOwnClients: `go list -deps` of every function's main package
// (what its binary links, package inits included) holds exactly the heavy packages that
// function serves with: a builder that moved back into package wiring, or a client made in
// wiring.FromEnvironment, would put them into every binary and fail this.
func TestEachFunctionLinksOnlyItsOwnClients(t *testing.T) {
	if len(serves) != len(registry.Functions()) {
		t.Fatalf("serves lists %d functions, the registry %d: list the new one", len(serves), len(registry.Functions()))
	}
	for id, want := range serves {
		t.Run(id, func(t *testing.T) {
			dir, ok := dirs[id]
			if !ok {
				t.Fatalf("no main package listed for %s", id)
			}
			out, err := exec.Command("go", "list", "-tags", "lambda.norpc", "-deps", "github.com/lucian-app/phase12/functions/"+dir).CombinedOutput()
			if err != nil {
				t.Fatalf("go list: %v\n%s", err, out)
			}
			deps := map[string]bool{}
			for _, p := range strings.Fields(string(out)) {
				deps[p] = true
			}
			var got []string
			for name, pkg := range heavy {
				if deps[pkg] {
					got = append(got, name)
				}
			}
			sort.Strings(got)
			w := append([]string(nil), want...)
			sort.Strings(w)
			if strings.Join(got, ",") != strings.Join(w, ",") {
				t.Errorf("%s links %v, want %v", id, got, w)
			}
		})
	}
}
