package samtemplate

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// projectTemplate parses the project's template.yaml with this package.
func projectTemplate(t *testing.T) *Template {
	t.Helper()
	data, err := os.ReadFile("../../template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

// Issue 12, point 1: the API throttles every route, and the two routes that write the most
// per request harder; the scheduled functions have concurrency of their own.

// hotRoutes are the routes with limits of their own below the default route's.
var hotRoutes = []string{"POST /metrics/flows", "POST /intents/execute"}

func TestTheAPIThrottlesEveryRouteAndTheHotRoutesHarder(t *testing.T) {
	c := samExpanded(t)
	var stage cfnResource
	for _, s := range c.ofType("AWS::ApiGatewayV2::Stage") {
		if refName(s.Properties["ApiId"]) == "HttpApi" {
			stage = s
		}
	}
	if stage.Properties == nil {
		t.Fatal("no stage of HttpApi")
	}
	def := path(stage.Properties, "DefaultRouteSettings")
	if def == nil {
		t.Fatal("the stage has no DefaultRouteSettings: no route is throttled")
	}
	defBurst, defRate := c.number(t, path(def, "ThrottlingBurstLimit")), c.number(t, path(def, "ThrottlingRateLimit"))
	if defBurst < 1 || defRate < 1 {
		t.Errorf("default route throttling burst %v rate %v, want both at least 1", defBurst, defRate)
	}
	routes := map[string]bool{}
	for _, fn := range projectTemplate(t).Functions {
		for _, r := range fn.Routes {
			routes[r.Method+" "+r.Path] = true
		}
	}
	settings, _ := stage.Properties["RouteSettings"].(map[string]any)
	for key := range settings {
		if !routes[key] {
			t.Errorf("RouteSettings names %q, which is no route of the template (a deploy fails on it)", key)
		}
	}
	for _, key := range hotRoutes {
		rs := settings[key]
		if rs == nil {
			t.Errorf("%s has no throttling of its own", key)
			continue
		}
		burst, rate := c.number(t, path(rs, "ThrottlingBurstLimit")), c.number(t, path(rs, "ThrottlingRateLimit"))
		if burst < 1 || rate < 1 || burst >= defBurst || rate >= defRate {
			t.Errorf("%s: burst %v rate %v, want at least 1 and below the default route's %v and %v", key, burst, rate, defBurst, defRate)
		}
	}
}

func TestTheScheduledFunctionsHaveConcurrencyOfTheirOwn(t *testing.T) {
	c := samExpanded(t)
	scheduled := 0
	for id, fn := range projectTemplate(t).Functions {
		if len(fn.Schedules) == 0 {
			continue
		}
		scheduled++
		r, ok := c.Resources[id]
		if !ok || r.Type != "AWS::Lambda::Function" {
			t.Fatalf("%s is not an AWS::Lambda::Function once expanded", id)
		}
		v, ok := r.Properties["ReservedConcurrentExecutions"]
		if !ok {
			t.Errorf("%s runs on a schedule without reserved concurrency: user traffic can take every execution it needs", id)
			continue
		}
		if n := c.number(t, v); n < 1 {
			t.Errorf("%s: ReservedConcurrentExecutions %v, want at least 1 (0 stops the function)", id, n)
		}
	}
	if scheduled < 2 {
		t.Errorf("%d scheduled functions, want at least the burn-rate check and the weekly digest", scheduled)
	}
}

// Issue 12, point 3: the API's access log is JSON with what on-call needs to trace a request,
// in a log group kept as long as the functions' logs.

// accessLogFields are the access log's fields and the $context variable each must carry.
var accessLogFields = map[string]string{
	"requestId":        "$context.requestId",
	"routeKey":         "$context.routeKey",
	"status":           "$context.status",
	"responseLatency":  "$context.responseLatency",
	"integrationError": "$context.integrationErrorMessage",
	"authorizerError":  "$context.authorizer.error",
	"sub":              "$context.authorizer.claims.sub",
	// The ops routes' Lambda authorizer passes the caller in its context (issue 14).
	"opsSub": "$context.authorizer.sub",
}

func TestTheAPIWritesJSONAccessLogsWithTheCallersSub(t *testing.T) {
	c := samExpanded(t)
	var settings any
	for _, s := range c.ofType("AWS::ApiGatewayV2::Stage") {
		if refName(s.Properties["ApiId"]) == "HttpApi" {
			settings = s.Properties["AccessLogSettings"]
		}
	}
	if settings == nil {
		t.Fatal("the HttpApi stage has no AccessLogSettings: authorizer 401s and integration errors are invisible")
	}
	group, attr := getAtt(path(settings, "DestinationArn"))
	lg, ok := c.Resources[group]
	if attr != "Arn" || !ok || lg.Type != "AWS::Logs::LogGroup" {
		t.Fatalf("DestinationArn = %v, want !GetAtt of a log group of the template", path(settings, "DestinationArn"))
	}
	if p := refName(lg.Properties["RetentionInDays"]); p != "LogRetentionDays" {
		t.Errorf("%s: RetentionInDays %v, want !Ref LogRetentionDays", group, lg.Properties["RetentionInDays"])
	}
	format, _ := path(settings, "Format").(string)
	var fields map[string]any
	if err := json.Unmarshal([]byte(format), &fields); err != nil {
		t.Fatalf("Format %q is not a JSON object: %v", format, err)
	}
	for name, want := range accessLogFields {
		if got := fields[name]; got != want {
			t.Errorf("access log field %q = %v, want %q", name, got, want)
		}
	}
}

// Issue 12, point 5: the tables survive a mistaken delete, of the stack or of the table.
func TestTheTablesAreProtectedFromDeletion(t *testing.T) {
	c := samExpanded(t)
	tables := c.ofType("AWS::DynamoDB::Table")
	if len(tables) < 2 {
		t.Fatalf("%d tables, want at least AppTable and OpsTable", len(tables))
	}
	for id, r := range tables {
		if r.Properties["DeletionProtectionEnabled"] != true {
			t.Errorf("%s: DeletionProtectionEnabled %v, want true (DeleteTable refused, whoever asks)", id, r.Properties["DeletionProtectionEnabled"])
		}
		if r.DeletionPolicy != "Retain" || r.UpdateReplacePolicy != "Retain" {
			t.Errorf("%s: DeletionPolicy %q UpdateReplacePolicy %q, want Retain and Retain (a stack delete or a replacement keeps the data)",
				id, r.DeletionPolicy, r.UpdateReplacePolicy)
		}
		if path(r.Properties, "PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled") != true {
			t.Errorf("%s: point-in-time recovery is off", id)
		}
	}
}

// Issue 12, point 5: every topic is encrypted at rest with a key of the stack that its
// publishers may use: CloudWatch (alarms cannot use the AWS-managed SNS key) through the key
// policy, the functions through their roles.
func TestTheTopicsAreEncryptedWithAKeyTheirPublishersMayUse(t *testing.T) {
	c := samExpanded(t)
	keyOf := map[string]string{} // topic -> key
	for id, topic := range c.ofType("AWS::SNS::Topic") {
		k := refName(topic.Properties["KmsMasterKeyId"])
		if ka, attr := getAtt(topic.Properties["KmsMasterKeyId"]); ka != "" && attr == "Arn" {
			k = ka
		}
		if c.Resources[k].Type != "AWS::KMS::Key" {
			t.Errorf("%s: KmsMasterKeyId %v, want a customer-managed key of the template (CloudWatch cannot publish with alias/aws/sns)", id, topic.Properties["KmsMasterKeyId"])
			continue
		}
		keyOf[id] = k
		if c.Resources[k].Properties["EnableKeyRotation"] != true {
			t.Errorf("%s: key rotation is off", k)
		}
	}
	// CloudWatch: the key of every topic an alarm notifies lets cloudwatch.amazonaws.com
	// encrypt, for this account only.
	for id, alarm := range c.ofType("AWS::CloudWatch::Alarm") {
		for _, a := range alarm.Properties["AlarmActions"].([]any) {
			k := keyOf[refName(a)]
			if k == "" {
				continue
			}
			if !keyPolicyLetsCloudWatchEncrypt(c.Resources[k].Properties["KeyPolicy"]) {
				t.Errorf("%s notifies %s, whose key %s does not let cloudwatch.amazonaws.com use kms:Decrypt and kms:GenerateDataKey* for this account", id, refName(a), k)
			}
		}
	}
	// The functions: a role that publishes to an encrypted topic may use its key.
	for id, role := range c.ofType("AWS::IAM::Role") {
		allowed := roleGrants(role)
		for topic, k := range keyOf {
			if !allowed["sns:Publish "+topic] {
				continue
			}
			for _, a := range []string{"kms:GenerateDataKey", "kms:Decrypt"} {
				if !allowed[a+" "+k] {
					t.Errorf("%s publishes to %s but may not %s with its key %s: every publish would fail", id, topic, a, k)
				}
			}
		}
	}
	if len(keyOf) == 0 {
		t.Fatal("no topic is encrypted")
	}
}

// roleGrants lists a role's inline grants as "action resource" (resource: the logical ID of a
// !Ref or !GetAtt).
func roleGrants(role cfnResource) map[string]bool {
	out := map[string]bool{}
	pols, _ := role.Properties["Policies"].([]any)
	for _, p := range pols {
		if branches, ok := path(p, "Fn::If").([]any); ok && len(branches) == 3 {
			pols = append(pols, branches[1], branches[2])
			continue
		}
		sts, _ := path(p, "PolicyDocument", "Statement").([]any)
		for _, st := range sts {
			if path(st, "Effect") != "Allow" {
				continue
			}
			for _, a := range strs(path(st, "Action")) {
				for _, r := range anys(path(st, "Resource")) {
					id := refName(r)
					if g, _ := getAtt(r); g != "" {
						id = g
					}
					out[a+" "+id] = true
				}
			}
		}
	}
	return out
}

func keyPolicyLetsCloudWatchEncrypt(policy any) bool {
	sts, _ := path(policy, "Statement").([]any)
	for _, st := range sts {
		if path(st, "Effect") != "Allow" || !slices.Contains(strs(path(st, "Principal", "Service")), "cloudwatch.amazonaws.com") {
			continue
		}
		actions := strs(path(st, "Action"))
		if slices.Contains(actions, "kms:Decrypt") && slices.Contains(actions, "kms:GenerateDataKey*") &&
			refName(path(st, "Condition", "StringEquals", "aws:SourceAccount")) == "AWS::AccountId" {
			return true
		}
	}
	return false
}

// anys is a list, or the value alone.
func anys(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	if v == nil {
		return nil
	}
	return []any{v}
}

// strs is a string or a list of strings.
func strs(v any) []string {
	var out []string
	for _, x := range anys(v) {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// Issue 12, point 4: nothing secret reaches a function's environment (which anyone with
// lambda:GetFunctionConfiguration reads) or samconfig.toml: secrets are read from Secrets
// Manager at INIT, through a grant on the one ARN, and the template passes only ARNs.
func TestNoSecretReachesTheEnvironmentOrSamconfig(t *testing.T) {
	c := samExpanded(t)
	secretish := regexp.MustCompile(`(?i)(secret|password|token|webhook|api_?key)`)
	for id, fn := range c.ofType("AWS::Lambda::Function") {
		vars, _ := path(fn.Properties, "Environment", "Variables").(map[string]any)
		for name, v := range vars {
			if p := refName(v); p != "" && c.Parameters[p]["NoEcho"] == true {
				t.Errorf("%s: %s is the NoEcho parameter %s: a secret in the environment", id, name, p)
			}
			if secretish.MatchString(name) && !strings.HasSuffix(name, "_ARN") {
				t.Errorf("%s: %s looks like a secret in the environment; pass the ARN of a Secrets Manager secret instead", id, name)
			}
		}
	}
	for name, p := range c.Parameters {
		if secretish.MatchString(name) && !strings.HasSuffix(name, "Arn") {
			t.Errorf("parameter %s looks like a secret: parameters end up in shell history and samconfig.toml; take a secret's ARN", name)
		}
		if p["NoEcho"] == true {
			t.Errorf("parameter %s is NoEcho: a secret passed as a parameter; take a secret's ARN", name)
		}
	}
	// The digest's one secret: read through a grant on exactly that ARN, only when set.
	role := c.Resources["WeeklyDigestFunctionRole"]
	found := false
	for _, p := range anys(role.Properties["Policies"]) {
		branches, _ := path(p, "Fn::If").([]any)
		if len(branches) != 3 || branches[0] != "HasDigestWebhook" || refName(branches[2]) != "AWS::NoValue" {
			continue
		}
		for _, st := range anys(path(branches[1], "PolicyDocument", "Statement")) {
			if slices.Equal(strs(path(st, "Action")), []string{"secretsmanager:GetSecretValue"}) && refName(path(st, "Resource")) == "DigestWebhookSecretArn" {
				found = true
			}
		}
	}
	if !found {
		t.Error("WeeklyDigestFunctionRole: want secretsmanager:GetSecretValue on exactly !Ref DigestWebhookSecretArn, under HasDigestWebhook")
	}
	samconfig, err := os.ReadFile("../../samconfig.toml")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`(\w+)=`).FindAllStringSubmatch(string(samconfig), -1) {
		if secretish.MatchString(m[1]) && !strings.HasSuffix(m[1], "Arn") {
			t.Errorf("samconfig.toml overrides %s, which looks like a secret", m[1])
		}
	}
}
