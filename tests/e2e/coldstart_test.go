//go:build e2e

package e2e

import (
	"crypto/rand"
	"encoding/hex"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/lucian-app/phase12/shared/samtemplate"
	"github.com/lucian-app/phase12/tests/harness"
)

// TestEveryFunctionStartsWithItsTemplateEnvironment: every function of template.yaml, built by
// its SAM target (`make build-<LogicalId>`, for this machine's architecture so the emulator can
// run it) and started under the emulator with exactly the variables the template gives it
// (references resolved to this run's moto and DynamoDB Local names, parameters at their
// defaults), completes INIT: no configuration the template forgot, no INIT that needs a call
// the stack does not allow. The emulator's INIT duration is logged (docs/benchmarks.md).
func TestEveryFunctionStartsWithItsTemplateEnvironment(t *testing.T) {
	root, tpl := repoTemplate(t)
	ids := tpl.FunctionIDs()
	sort.Strings(ids)
	// A generated secret (GenerateSecretString) exists in moto with a random value, as
	// CloudFormation would create it.
	secrets := map[string]string{}
	for id, typ := range tpl.ResourceTypes {
		if typ == "AWS::SecretsManager::Secret" {
			value := make([]byte, 32)
			if _, err := rand.Read(value); err != nil {
				t.Fatal(err)
			}
			secrets[id] = createSecret(t, "coldstart/"+id, hex.EncodeToString(value))
		}
	}
	topics := map[string]string{}
	for _, id := range tpl.Topics {
		topics[id] = "arn:aws:sns:us-east-1:123456789012:" + id
	}
	resolve := samtemplate.Names(tpl, topics, secrets)
	for _, id := range ids {
		t.Run(id, func(t *testing.T) {
			env, err := tpl.Environment(tpl.Functions[id], resolve)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			cmd := exec.Command("make", "--no-print-directory", "build-"+id, "ARTIFACTS_DIR="+dir,
				"LAMBDA_BUILD=GOOS=linux GOARCH="+runtime.GOARCH+` CGO_ENABLED=0 go build -tags lambda.norpc -trimpath -ldflags "-s -w"`)
			cmd.Dir = root
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("make build-%s: %v\n%s", id, err, out)
			}
			vars := backends.Env()
			for k, v := range env {
				vars = append(vars, k+"="+v)
			}
			vars = append(vars, "AWS_LAMBDA_FUNCTION_NAME="+id)
			fn, err := harness.StartEmulator(filepath.Join(dir, "bootstrap"), vars)
			if err != nil {
				t.Fatal(err)
			}
			defer fn.Stop()
			// INIT runs at the first invocation; what the function answers to an event
			// it does not serve is not this test's concern, only that it started.
			out, _ := fn.Invoke([]byte(`{}`))
			if strings.Contains(string(out), "Runtime.ExitError") || strings.Contains(fn.Output(), "setup failed") {
				t.Fatalf("INIT failed: %s\n%s", out, fn.Output())
			}
			ms, ok := fn.InitDuration()
			if !ok {
				t.Fatalf("the emulator reported no INIT:\n%s", fn.Output())
			}
			t.Logf("%s INIT duration under the emulator: %.2f ms", id, ms)
		})
	}
}
