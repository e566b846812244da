//go:build e2e

package e2e

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
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
	resolve := coldStartResolver(tpl, secrets)
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

// coldStartResolver resolves the template's references the way CloudFormation would name
// them in this run: a table by its logical ID, a topic, queue or parameter by an ARN, URL or
// name in moto's account, a secret by the ARN of the one made for this run. A reference to a type it does not know fails the test, so a new
// kind of resource is noticed here.
func coldStartResolver(tpl *samtemplate.Template, secrets map[string]string) samtemplate.Resolver {
	const region, account = "us-east-1", "123456789012"
	arn := func(service, resource string) string {
		return fmt.Sprintf("arn:aws:%s:%s:%s:%s", service, region, account, resource)
	}
	return func(id, attr string) (string, bool) {
		switch id {
		case "AWS::Region":
			return region, true
		case "AWS::AccountId":
			return account, true
		case "AWS::StackName":
			return "coldstart", true
		}
		switch tpl.ResourceTypes[id] + "/" + attr {
		case samtemplate.TypeTable + "/":
			return id, true
		case samtemplate.TypeTable + "/Arn":
			return arn("dynamodb", "table/"+id), true
		case samtemplate.TypeTopic + "/", samtemplate.TypeTopic + "/TopicArn":
			return arn("sns", id), true
		case samtemplate.TypeTopic + "/TopicName":
			return id, true
		case samtemplate.TypeFunction + "/":
			return id, true
		case samtemplate.TypeFunction + "/Arn":
			return arn("lambda", "function:"+id), true
		case "AWS::SQS::Queue/":
			return fmt.Sprintf("https://sqs.%s.amazonaws.com/%s/%s", region, account, id), true
		case "AWS::SQS::Queue/Arn":
			return arn("sqs", id), true
		case "AWS::SQS::Queue/QueueName":
			return id, true
		case "AWS::SSM::Parameter/":
			return id, true
		case "AWS::SecretsManager::Secret/":
			a, ok := secrets[id]
			return a, ok
		case samtemplate.TypeHTTPAPI + "/":
			return "coldstart", true
		}
		return "", false
	}
}
