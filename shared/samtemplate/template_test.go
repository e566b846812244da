package samtemplate

import (
	"fmt"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

const sample = `
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage:
    Type: String
    Default: dev
  Origins:
    Type: CommaDelimitedList
    Default: [https://a.example, https://b.example]
  NoDefault:
    Type: String
  FnTimeout:
    Type: Number
    Default: 7
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Globals:
  Function:
    Runtime: provided.al2023
    Architectures: [arm64]
    Handler: bootstrap
    Timeout: 10
    MemorySize: 256
    Environment:
      Variables:
        LOG_LEVEL: INFO
        SHARED: from-globals
Resources:
  Api:
    Type: AWS::Serverless::HttpApi
  AppTable:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions:
        - {AttributeName: PK, AttributeType: S}
        - {AttributeName: SK, AttributeType: S}
        - {AttributeName: GSI1PK, AttributeType: S}
      KeySchema:
        - {AttributeName: PK, KeyType: HASH}
        - {AttributeName: SK, KeyType: RANGE}
      GlobalSecondaryIndexes:
        - IndexName: ByStatus
          KeySchema:
            - {AttributeName: GSI1PK, KeyType: HASH}
          Projection: {ProjectionType: ALL}
      TimeToLiveSpecification:
        AttributeName: expires_at
        Enabled: true
  PlainTable:
    Type: AWS::DynamoDB::Table
    Properties:
      AttributeDefinitions:
        - {AttributeName: id, AttributeType: N}
      KeySchema:
        - {AttributeName: id, KeyType: HASH}
      TimeToLiveSpecification:
        AttributeName: gone_at
        Enabled: false
  AlertsTopic:
    Type: AWS::SNS::Topic
  DigestTopic:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: !Sub "${AWS::StackName}-digest"
  Queue:
    Type: AWS::SQS::Queue
  ApiFunction:
    Type: AWS::Serverless::Function
    Metadata:
      BuildMethod: makefile
    Properties:
      CodeUri: .
      Timeout: 20
      Environment:
        Variables:
          SHARED: from-function
          TABLE: !Ref AppTable
          TABLE_ARN: !GetAtt AppTable.Arn
          TOPIC_ARN: {Ref: AlertsTopic}
          QUEUE_ARN: {"Fn::GetAtt": [Queue, Arn]}
          STAGE: !Ref Stage
          ORIGINS: !Ref Origins
          URL: !Sub "https://${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}/${Stage}"
          NAMED: !Sub ["${Prefix}-${AppTable.Arn}-${!Literal}", {Prefix: !Ref Stage}]
          JOINED: !Join [":", [a, !Ref Stage, c]]
          MAYBE: !If [IsProd, x, y]
          EMPTY: ""
          NUMBER: 5
      Events:
        Get:
          Type: HttpApi
          Properties:
            ApiId: !Ref Api
            Path: /tasks/{id}
            Method: get
        Catch:
          Type: HttpApi
        Queue:
          Type: SQS
          Properties:
            Queue: !GetAtt Queue.Arn
  JobFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: ./job
      Runtime: go1.x
      Architectures: [x86_64]
      MemorySize: 512
      Timeout: !Ref FnTimeout
      Events:
        EveryMinute:
          Type: Schedule
          Properties:
            Schedule: rate(1 minute)
        Weekly:
          Type: ScheduleV2
          Properties:
            ScheduleExpression: cron(0 8 ? * MON *)
            ScheduleExpressionTimezone: Europe/Berlin
            Input: '{"kind":"weekly"}'
        Off:
          Type: Schedule
          Properties:
            Schedule: rate(1 hour)
            Enabled: false
        OffV2:
          Type: ScheduleV2
          Properties:
            ScheduleExpression: rate(2 days)
            State: DISABLED
  BareFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: ./bare
`

func parseSample(t *testing.T) *Template {
	t.Helper()
	tpl, err := Parse([]byte(sample))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return tpl
}

func TestParseResources(t *testing.T) {
	tpl := parseSample(t)
	if got, want := tpl.FunctionIDs(), []string{"ApiFunction", "BareFunction", "JobFunction"}; !reflect.DeepEqual(got, want) {
		t.Errorf("functions = %v, want %v", got, want)
	}
	if got, want := tpl.Topics, []string{"AlertsTopic", "DigestTopic"}; !reflect.DeepEqual(got, want) {
		t.Errorf("topics = %v, want %v", got, want)
	}
	if got, want := tpl.HTTPAPIs, []string{"Api"}; !reflect.DeepEqual(got, want) {
		t.Errorf("HTTP APIs = %v, want %v", got, want)
	}
	if got, want := tpl.ResourceTypes["Queue"], "AWS::SQS::Queue"; got != want {
		t.Errorf("type of Queue = %q, want %q", got, want)
	}
	wantTables := []Table{
		{
			LogicalID:   "AppTable",
			BillingMode: "PAY_PER_REQUEST",
			KeySchema:   []KeyElement{{"PK", "HASH"}, {"SK", "RANGE"}},
			AttributeDefinitions: []AttributeDefinition{
				{"PK", "S"}, {"SK", "S"}, {"GSI1PK", "S"},
			},
			GlobalSecondaryIndexes: []Index{{IndexName: "ByStatus", KeySchema: []KeyElement{{"GSI1PK", "HASH"}}}},
			TTLAttribute:           "expires_at",
		},
		{
			LogicalID:            "PlainTable",
			KeySchema:            []KeyElement{{"id", "HASH"}},
			AttributeDefinitions: []AttributeDefinition{{"id", "N"}},
		},
	}
	if !reflect.DeepEqual(tpl.Tables, wantTables) {
		t.Errorf("tables =\n%+v\nwant\n%+v", tpl.Tables, wantTables)
	}
	if _, ok := tpl.Table("PlainTable"); !ok {
		t.Errorf("Table(PlainTable) not found")
	}
	if got, want := tpl.Parameters["Origins"], (Parameter{Type: "CommaDelimitedList", Default: "https://a.example,https://b.example", HasDefault: true}); got != want {
		t.Errorf("parameter Origins = %+v, want %+v", got, want)
	}
}

func TestParseFunctions(t *testing.T) {
	tpl := parseSample(t)
	tests := []struct {
		id   string
		want Function
	}{
		{"ApiFunction", Function{
			LogicalID: "ApiFunction", CodeURI: ".", Handler: "bootstrap", Runtime: "provided.al2023",
			Architectures: []string{"arm64"}, Timeout: 20 * time.Second, MemorySize: 256, BuildMethod: "makefile",
			Routes: []Route{
				{EventName: "Get", Method: "GET", Path: "/tasks/{id}", APIID: "Api"},
				{EventName: "Catch", Method: "ANY", Path: DefaultRoutePath},
			},
			OtherEvents: map[string]string{"Queue": "SQS"},
		}},
		{"JobFunction", Function{
			LogicalID: "JobFunction", CodeURI: "./job", Handler: "bootstrap", Runtime: "go1.x",
			Architectures: []string{"x86_64"}, Timeout: 7 * time.Second, MemorySize: 512,
			Schedules: []Schedule{
				{EventName: "EveryMinute", Type: "Schedule", Expression: "rate(1 minute)", Enabled: true},
				{EventName: "Weekly", Type: "ScheduleV2", Expression: "cron(0 8 ? * MON *)", Enabled: true,
					Input: `{"kind":"weekly"}`, Timezone: "Europe/Berlin"},
				{EventName: "Off", Type: "Schedule", Expression: "rate(1 hour)", Enabled: false},
				{EventName: "OffV2", Type: "ScheduleV2", Expression: "rate(2 days)", Enabled: false},
			},
			OtherEvents: map[string]string{},
		}},
		{"BareFunction", Function{
			LogicalID: "BareFunction", CodeURI: "./bare", Handler: "bootstrap", Runtime: "provided.al2023",
			Architectures: []string{"arm64"}, Timeout: 10 * time.Second, MemorySize: 256,
			OtherEvents: map[string]string{},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			got := tpl.Functions[tt.id]
			got.Env = nil // checked in TestEnvironment
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestParseDefaults(t *testing.T) {
	tpl, err := Parse([]byte("Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties: {CodeUri: .}\n"))
	if err != nil {
		t.Fatal(err)
	}
	f := tpl.Functions["F"]
	if f.Timeout != DefaultTimeout || f.MemorySize != DefaultMemorySize || !reflect.DeepEqual(f.Architectures, []string{"x86_64"}) {
		t.Errorf("defaults: timeout %v memory %d architectures %v, want %v %d [x86_64]",
			f.Timeout, f.MemorySize, f.Architectures, DefaultTimeout, DefaultMemorySize)
	}
}

func TestEnvironment(t *testing.T) {
	tpl := parseSample(t)
	resolver := func(id, attr string) (string, bool) {
		switch id + "/" + attr {
		case "AppTable/":
			return "app-table", true
		case "AppTable/Arn":
			return "arn:table/app-table", true
		case "AlertsTopic/":
			return "arn:topic:alerts", true
		case "Queue/Arn":
			return "arn:queue", true
		case "Api/":
			return "abc123", true
		}
		return "", false
	}
	fn := tpl.Functions["ApiFunction"]
	tests := []struct {
		name    string
		want    string
		wantErr string
	}{
		{"LOG_LEVEL", "INFO", ""},
		{"SHARED", "from-function", ""},
		{"TABLE", "app-table", ""},
		{"TABLE_ARN", "arn:table/app-table", ""},
		{"TOPIC_ARN", "arn:topic:alerts", ""},
		{"QUEUE_ARN", "arn:queue", ""},
		{"STAGE", "dev", ""},
		{"ORIGINS", "https://a.example,https://b.example", ""},
		{"URL", "https://abc123.execute-api.us-east-1.amazonaws.com/dev", ""},
		{"NAMED", "dev-arn:table/app-table-${Literal}", ""},
		{"JOINED", "a:dev:c", ""},
		{"EMPTY", "", ""},
		{"NUMBER", "5", ""},
		{"MAYBE", "", "!If cannot be resolved"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, ok := fn.Env[tt.name]
			if !ok {
				t.Fatalf("variable %s not parsed", tt.name)
			}
			got, err := tpl.Resolve(v, resolver)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Resolve(%s): %v", v, err)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	if _, err := tpl.Environment(fn, resolver); err == nil || !strings.Contains(err.Error(), "ApiFunction: variable MAYBE") {
		t.Errorf("Environment err = %v, want one naming ApiFunction's MAYBE", err)
	}
}

func TestResolveErrors(t *testing.T) {
	tpl := parseSample(t)
	tests := []struct {
		v    Value
		want string
	}{
		{Value{Kind: Ref, Name: "Nowhere"}, "!Ref Nowhere: unresolved reference"},
		{Value{Kind: Ref, Name: "NoDefault"}, "!Ref NoDefault: the parameter has no Default"},
		{Value{Kind: GetAtt, Name: "AppTable", Attr: "StreamArn"}, "!GetAtt AppTable.StreamArn: unresolved reference"},
		{Value{Kind: Sub, Text: "x-${Nowhere}"}, "!Ref Nowhere: unresolved reference"},
		{Value{Kind: Sub, Text: "x-${Stage"}, "unclosed ${"},
	}
	for _, tt := range tests {
		t.Run(tt.v.String(), func(t *testing.T) {
			_, err := tpl.Resolve(tt.v, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	fn := func(props string) string {
		return "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n" + props
	}
	tests := []struct {
		name string
		doc  string
		want string
	}{
		{"not yaml", "Resources: [", "template:"},
		{"empty", "", "empty document"},
		{"no resources", "Parameters: {}\n", "no Resources"},
		{"no type", "Resources:\n  X:\n    Properties: {}\n", "resource X: no Type"},
		{"bad timeout", fn("      Timeout: soon\n"), `F: Timeout: line 5: "soon" is not a positive whole number`},
		{"timeout from if", fn("      Timeout: !If [C, 1, 2]\n"), "F: Timeout: line 5: !If: only a literal"},
		{"path without method", fn("      Events:\n        E:\n          Type: HttpApi\n          Properties: {Path: /x}\n"),
			"F: event E: an HttpApi event needs both Path and Method"},
		{"relative path", fn("      Events:\n        E:\n          Type: HttpApi\n          Properties: {Path: x, Method: GET}\n"),
			`F: event E: Path "x" must start with /`},
		{"schedule without expression", fn("      Events:\n        E:\n          Type: Schedule\n          Properties: {}\n"),
			"F: event E: Schedule is required"},
		{"bad enabled", fn("      Events:\n        E:\n          Type: Schedule\n          Properties: {Schedule: rate(1 hour), Enabled: maybe}\n"),
			`F: event E: Enabled: "maybe" is not a boolean`},
		{"bad state", fn("      Events:\n        E:\n          Type: ScheduleV2\n          Properties: {ScheduleExpression: rate(1 hour), State: OFF}\n"),
			`F: event E: State: "OFF" is neither ENABLED nor DISABLED`},
		{"bad getatt", fn("      Environment:\n        Variables:\n          X: !GetAtt NoDot\n"),
			"F: Environment variable X: line 7: GetAtt must be LogicalID.Attribute"},
		{"list variable", fn("      Environment:\n        Variables:\n          X: [a, b]\n"),
			"F: Environment variable X: line 7: expected a string or an intrinsic function"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// TestProjectTemplate reads the project's own template.yaml, so a change
// that this package cannot read fails here first.
func TestProjectTemplate(t *testing.T) {
	data, err := os.ReadFile("../../template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := Parse(data)
	if err != nil {
		t.Fatalf("Parse(template.yaml): %v", err)
	}
	fn, ok := tpl.Functions["TasksFunction"]
	if !ok {
		t.Fatalf("TasksFunction not found; functions: %v", tpl.FunctionIDs())
	}
	if fn.Timeout <= 0 || fn.Handler != "bootstrap" || fn.Runtime != "provided.al2023" || !reflect.DeepEqual(fn.Architectures, []string{"arm64"}) {
		t.Errorf("TasksFunction = timeout %v handler %q runtime %q architectures %v; want bootstrap on provided.al2023 arm64",
			fn.Timeout, fn.Handler, fn.Runtime, fn.Architectures)
	}
	if len(fn.Routes) == 0 {
		t.Errorf("TasksFunction has no routes")
	}
	for _, tbl := range tpl.Tables {
		if tbl.TTLAttribute == "" {
			t.Errorf("table %s has no TTL (DESIGN §6: TTL on)", tbl.LogicalID)
		}
	}
}

// Least privilege, checked on the template: every permission template.yaml grants, whatever
// form it takes (inline statements, resource lists, SAM policy templates, managed policies,
// topic and queue policies), is held to the rules below. privilegeProblems is tested on
// small templates that break each rule, then run on template.yaml.

const (
	typeQueue       = "AWS::SQS::Queue"
	typeAlarm       = "AWS::CloudWatch::Alarm"
	typeTopicPolicy = "AWS::SNS::TopicPolicy"
	typeQueuePolicy = "AWS::SQS::QueuePolicy"
)

// unscopedActions may be granted on Resource "*", each because its service has no
// resource-level permission for it.
var unscopedActions = map[string]string{
	"xray:PutTraceSegments":    "X-Ray has no resource-level permissions (Tracing: Active)",
	"xray:PutTelemetryRecords": "X-Ray has no resource-level permissions (Tracing: Active)",
	"cloudwatch:PutMetricData": "CloudWatch metrics have no ARNs (scope with the cloudwatch:namespace condition)",
}

// forbiddenActions are never granted to a function, whatever the resource.
var forbiddenActions = map[string]string{
	"dynamodb:Scan":                 "reads every user's items; every read here is keyed by user or flow",
	"dynamodb:DeleteTable":          "the stack owns the tables",
	"dynamodb:UpdateTable":          "the stack owns the tables",
	"dynamodb:CreateTable":          "the stack owns the tables",
	"sns:Subscribe":                 "subscriptions are the stack's (email parameters)",
	"sns:SetTopicAttributes":        "the topic policy is the stack's",
	"sns:AddPermission":             "the topic policy is the stack's",
	"sqs:SetQueueAttributes":        "the queue policy is the stack's",
	"sqs:PurgeQueue":                "the dead letters are evidence",
	"sqs:DeleteQueue":               "the stack owns the queues",
	"secretsmanager:PutSecretValue": "the secret's value is the operator's, set out of band",
	"secretsmanager:UpdateSecret":   "the secret's value is the operator's, set out of band",
	"secretsmanager:DeleteSecret":   "the secret is the operator's",
	"secretsmanager:CreateSecret":   "the secret is the operator's",
	"ssm:PutParameter":              "the levers are flipped by the operator, never by a function",
	"ssm:DeleteParameter":           "the stack owns the levers parameter",
}

// serviceKinds is the resource type each service's actions may name. kindSecretParameter is a
// parameter that holds a secret's ARN (its AllowedPattern allows only Secrets Manager ARNs):
// the secret is the operator's, created out of band, and the template names it by parameter.
var serviceKinds = map[string]string{"dynamodb": TypeTable, "sns": TypeTopic, "sqs": typeQueue, "secretsmanager": kindSecretParameter,
	"kms": typeKey, "ssm": typeSSMParameter, "bedrock": kindModelParameter}

// kindModelParameter is a parameter that names one Bedrock foundation model (its
// AllowedPattern admits a model id and the empty string, never a wildcard): a function that
// rephrases may invoke that model, and only with bedrock:InvokeModel (which the Converse API
// is authorised as).
const kindModelParameter = "parameter naming a Bedrock model"

var modelActions = []string{"bedrock:InvokeModel"}

var subModelARN = regexp.MustCompile(`^arn:\$\{AWS::Partition\}:bedrock:\$\{AWS::Region\}::foundation-model/\$\{([A-Za-z0-9]+)\}$`)

// typeMapping is an event source mapping: a function polling a queue.
const typeMapping = "AWS::Lambda::EventSourceMapping"

// pollActions are what a function needs on the queue its mapping polls.
var pollActions = []string{"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"}

const typeSSMParameter = "AWS::SSM::Parameter"

// keyActions are what a function may do with a key: encrypt what it publishes to a topic
// encrypted with it (SNS asks KMS for a data key, and decrypts it).
var keyActions = []string{"kms:GenerateDataKey", "kms:Decrypt"}

const typeKey = "AWS::KMS::Key"

const kindSecretParameter = "parameter holding a Secrets Manager ARN"

const typeSecret = "AWS::SecretsManager::Secret"

// managedPolicies may be attached by name, each with why it is narrow enough.
var managedPolicies = map[string]string{
	"AWSLambdaBasicExecutionRole": "writes the function's own logs; SAM attaches it anyway",
}

// samPolicyTemplates expands the SAM policy templates into the actions they grant (SAM's
// policy_templates.json) and the parameter that names their resource: !Ref for a table
// (its name), !GetAtt X.TopicName or X.QueueName for a topic or a queue.
var samPolicyTemplates = map[string]struct {
	param, attr, kind string
	actions           []string
}{
	"DynamoDBCrudPolicy": {"TableName", "", TypeTable, []string{"dynamodb:GetItem", "dynamodb:DeleteItem", "dynamodb:PutItem",
		"dynamodb:Scan", "dynamodb:Query", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem", "dynamodb:BatchGetItem",
		"dynamodb:DescribeTable", "dynamodb:ConditionCheckItem"}},
	"DynamoDBReadPolicy": {"TableName", "", TypeTable, []string{"dynamodb:GetItem", "dynamodb:Scan", "dynamodb:Query",
		"dynamodb:BatchGetItem", "dynamodb:DescribeTable"}},
	"DynamoDBWritePolicy":     {"TableName", "", TypeTable, []string{"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem"}},
	"SNSPublishMessagePolicy": {"TopicName", "TopicName", TypeTopic, []string{"sns:Publish"}},
	// SAM grants sqs:SendMessage*, which is these two.
	"SQSSendMessagePolicy": {"QueueName", "QueueName", typeQueue, []string{"sqs:SendMessage", "sqs:SendMessageBatch"}},
	"SQSPollerPolicy": {"QueueName", "QueueName", typeQueue, []string{"sqs:ChangeMessageVisibility", "sqs:ChangeMessageVisibilityBatch",
		"sqs:DeleteMessage", "sqs:DeleteMessageBatch", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"}},
	"CloudWatchPutMetricPolicy": {"", "", "", []string{"cloudwatch:PutMetricData"}},
}

// grantTarget is one resource of a grant: "*", or a resource of the template (index: one of a
// table's indexes).
type grantTarget struct {
	star  bool
	id    string
	index bool
}

type privilegeChecker struct {
	types    map[string]string // logical ID -> Type
	params   *yaml.Node        // the template's Parameters
	res      *yaml.Node
	globals  *yaml.Node
	problems []string
}

func (c *privilegeChecker) problem(format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

// privilegeProblems lists what template data grants beyond least privilege.
func privilegeProblems(data []byte) ([]string, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	root := deref(doc.Content[0])
	c := &privilegeChecker{types: map[string]string{}, res: get(root, "Resources"), globals: get(get(root, "Globals"), "Function"),
		params: get(root, "Parameters")}
	for id, r := range pairs(c.res) {
		c.types[id] = get(r, "Type").Value
	}
	for id, r := range pairs(c.res) {
		props := get(r, "Properties")
		switch typ := c.types[id]; {
		case typ == TypeFunction:
			c.function(id, props)
		case typ == typeTopicPolicy:
			c.topicPolicy(id, props)
		case typ == typeQueuePolicy:
			c.queuePolicy(id, props)
		case typ == typeKey:
			c.keyPolicy(id, props)
		case typ == typeMapping:
			c.mapping(id, props)
		case strings.HasPrefix(typ, "AWS::IAM::"), typ == "AWS::Serverless::Connector", typ == "AWS::Lambda::Permission",
			strings.HasSuffix(typ, "Policy"):
			c.problem("%s (%s) grants permissions this test does not check: check it here", id, typ)
		}
	}
	return c.problems, nil
}

// refs are the logical IDs a property value refers to (!Ref, !GetAtt, ${X} and ${X.Attr} in
// !Sub, and all of these inside lists and mappings).
func refs(n *yaml.Node) []string {
	n = deref(n)
	if n == nil {
		return nil
	}
	if v, err := parseValue(n); err == nil {
		switch v.Kind {
		case Ref, GetAtt:
			return []string{v.Name}
		case Sub:
			var out []string
			for _, m := range subVar.FindAllStringSubmatch(v.Text, -1) {
				if !strings.HasPrefix(m[1], "AWS::") {
					out = append(out, m[1])
				}
			}
			for _, vv := range v.Vars {
				if vv.Kind == Ref || vv.Kind == GetAtt {
					out = append(out, vv.Name)
				}
			}
			return out
		}
	}
	var out []string
	for _, child := range n.Content {
		out = append(out, refs(child)...)
	}
	return out
}

var subVar = regexp.MustCompile(`\$\{([A-Za-z0-9:]+)(?:\.[A-Za-z0-9]+)?\}`)

// function checks a function's Policies against the tables, topics and queues it uses: those
// its environment names, and its destinations and dead-letter queue.
func (c *privilegeChecker) function(id string, props *yaml.Node) {
	if get(props, "Role") != nil {
		c.problem("%s: an explicit Role grants what this test cannot see; use Policies", id)
	}
	used := map[string]bool{}
	for _, n := range []*yaml.Node{
		get(get(c.globals, "Environment"), "Variables"), get(get(props, "Environment"), "Variables"),
		get(props, "EventInvokeConfig"), get(props, "DeadLetterQueue"),
	} {
		for _, r := range refs(n) {
			used[r] = true
		}
	}
	// A function publishing to an encrypted topic uses the topic's key.
	for r := range used {
		if c.types[r] == TypeTopic {
			for _, k := range refs(get(get(get(c.res, r), "Properties"), "KmsMasterKeyId")) {
				used[k] = true
			}
		}
	}
	pols := get(props, "Policies")
	list := items(pols)
	if pols != nil && pols.Kind != yaml.SequenceNode {
		list = []*yaml.Node{pols}
	}
	for i := 0; i < len(list); i++ {
		p := list[i]
		if v, err := parseValue(p); err == nil && v.Kind == Ref && v.Name == "AWS::NoValue" {
			continue // the branch of an !If that grants nothing
		}
		if branches, ok := ifBranches(p); ok {
			list = append(list, branches...) // both branches may be deployed: check each
			continue
		}
		switch {
		case p.Kind == yaml.ScalarNode:
			if _, ok := managedPolicies[p.Value]; !ok {
				c.problem("%s: managed policy %s is not in the allowlist of narrow managed policies", id, p.Value)
			}
		case get(p, "Statement") != nil:
			for i, st := range items(get(p, "Statement")) {
				c.statement(fmt.Sprintf("%s statement %d", id, i+1), used, st)
			}
		case p.Kind == yaml.MappingNode && len(p.Content) == 2:
			c.samTemplate(id, used, p.Content[0].Value, deref(p.Content[1]))
		default:
			c.problem("%s: a policy at line %d is neither a managed policy, a statement list nor a SAM policy template", id, p.Line)
		}
	}
}

// ifBranches returns the two values of an !If [condition, then, else] (short or long form).
func ifBranches(n *yaml.Node) ([]*yaml.Node, bool) {
	n = deref(n)
	var args *yaml.Node
	switch {
	case n.Tag == "!If":
		args = n
	case n.Kind == yaml.MappingNode && len(n.Content) == 2 && n.Content[0].Value == "Fn::If":
		args = deref(n.Content[1])
	default:
		return nil, false
	}
	if args.Kind != yaml.SequenceNode || len(args.Content) != 3 {
		return nil, false
	}
	return []*yaml.Node{deref(args.Content[1]), deref(args.Content[2])}, true
}

// kind is a logical ID's resource type, or kindSecretParameter for a parameter whose
// AllowedPattern admits only Secrets Manager ARNs (and the empty string).
func (c *privilegeChecker) kind(id string) string {
	if t, ok := c.types[id]; ok {
		if t == typeSecret {
			// A secret of the template (the ops session key): its Ref is its ARN.
			return kindSecretParameter
		}
		return t
	}
	p := get(c.params, id)
	if p == nil {
		return ""
	}
	pat := get(p, "AllowedPattern")
	if pat != nil && strings.Contains(pat.Value, ":secretsmanager:") && strings.HasPrefix(pat.Value, "^$|^arn:") {
		return kindSecretParameter
	}
	if pat != nil && strings.HasPrefix(pat.Value, "^$|^[a-z0-9-]+") && !strings.Contains(pat.Value, "*") {
		return kindModelParameter
	}
	return "parameter without an AllowedPattern of Secrets Manager ARNs"
}

func (c *privilegeChecker) samTemplate(fn string, used map[string]bool, name string, args *yaml.Node) {
	tpl, ok := samPolicyTemplates[name]
	where := fn + " " + name
	if !ok {
		c.problem("%s: unknown SAM policy template: add its actions and resource to samPolicyTemplates", where)
		return
	}
	if tpl.param == "" {
		c.grant(where, used, tpl.actions, []grantTarget{{star: true}})
		return
	}
	v, err := parseValue(get(args, tpl.param))
	switch {
	case err != nil:
		c.problem("%s: %s: %v", where, tpl.param, err)
	case tpl.attr == "" && v.Kind == Ref && c.types[v.Name] == tpl.kind,
		tpl.attr != "" && v.Kind == GetAtt && v.Attr == tpl.attr && c.types[v.Name] == tpl.kind:
		c.grant(where, used, tpl.actions, []grantTarget{{id: v.Name}})
	default:
		c.problem("%s: %s = %s, want a %s of the template (!Ref for a table, !GetAtt X.%s otherwise)", where, tpl.param, v, tpl.kind, tpl.param)
	}
}

// statement checks one statement of a function's policy.
func (c *privilegeChecker) statement(where string, used map[string]bool, st *yaml.Node) {
	switch effect := get(st, "Effect").Value; effect {
	case "Deny":
		return // it only takes away
	case "Allow":
	default:
		c.problem("%s: Effect %q", where, effect)
		return
	}
	for _, k := range []string{"NotAction", "NotResource", "NotPrincipal"} {
		if get(st, k) != nil {
			c.problem("%s: %s grants everything it does not name", where, k)
		}
	}
	var targets []grantTarget
	for _, n := range scalarsOrList(get(st, "Resource")) {
		t, ok := c.target(n)
		if !ok {
			c.problem("%s: Resource %s is neither \"*\" nor the ARN of a table, topic or queue of the template", where, describe(n))
			continue
		}
		targets = append(targets, t)
	}
	if len(targets) == 0 && get(st, "Resource") == nil {
		c.problem("%s: no Resource", where)
	}
	var actions []string
	for _, n := range scalarsOrList(get(st, "Action")) {
		actions = append(actions, n.Value)
	}
	c.grant(where, used, actions, targets)
}

// target reads one Resource: "*", !GetAtt X.Arn, !Ref of a topic (its ARN), or !Sub
// "${X.Arn}" or "${X.Arn}/index/..." of a table.
func (c *privilegeChecker) target(n *yaml.Node) (grantTarget, bool) {
	v, err := parseValue(n)
	if err != nil {
		return grantTarget{}, false
	}
	switch v.Kind {
	case Literal:
		return grantTarget{star: true}, v.Text == "*"
	case GetAtt:
		return grantTarget{id: v.Name}, v.Attr == "Arn" && c.types[v.Name] != ""
	case Ref:
		// A topic's Ref is its ARN; a table's is its name and a queue's its URL. A parameter's
		// is what the operator passed: an ARN only if its AllowedPattern says so.
		return grantTarget{id: v.Name}, c.types[v.Name] == TypeTopic || c.kind(v.Name) == kindSecretParameter
	case Sub:
		if m := subARN.FindStringSubmatch(v.Text); m != nil && len(v.Vars) == 0 {
			return grantTarget{id: m[1], index: m[2] != ""}, c.types[m[1]] == TypeTable || m[2] == ""
		}
		// An SSM parameter's Ref is its name, which starts with "/": the ARN is
		// ...:parameter${Name} of a parameter of the template, never a prefix of names.
		if m := subParameterARN.FindStringSubmatch(v.Text); m != nil && len(v.Vars) == 0 {
			return grantTarget{id: m[1]}, c.types[m[1]] == typeSSMParameter
		}
		// A Bedrock model: the foundation model the parameter names, never a pattern.
		if m := subModelARN.FindStringSubmatch(v.Text); m != nil && len(v.Vars) == 0 {
			return grantTarget{id: m[1]}, c.kind(m[1]) == kindModelParameter
		}
	}
	return grantTarget{}, false
}

var subParameterARN = regexp.MustCompile(`^arn:\$\{AWS::Partition\}:ssm:\$\{AWS::Region\}:\$\{AWS::AccountId\}:parameter\$\{([A-Za-z0-9]+)\}$`)

var subARN = regexp.MustCompile(`^\$\{([A-Za-z0-9]+)\.Arn\}(/index/(?:\*|[A-Za-z0-9_.-]+))?$`)

// grant checks actions on targets: no wildcard or forbidden action, "*" only for the
// actions that cannot be scoped, and each resource one the function uses, of the kind the
// action's service acts on.
func (c *privilegeChecker) grant(where string, used map[string]bool, actions []string, targets []grantTarget) {
	if len(actions) == 0 {
		c.problem("%s: no Action", where)
	}
	for _, a := range actions {
		if strings.Contains(a, "*") {
			c.problem("%s: wildcard action %s: name the actions", where, a)
		}
		if why, bad := forbiddenActions[a]; bad {
			c.problem("%s: %s is never granted (%s)", where, a, why)
		}
	}
	for _, a := range actions {
		if strings.HasPrefix(a, "kms:") && !slices.Contains(keyActions, a) {
			c.problem("%s: %s: a function may only %v with a key", where, a, keyActions)
		}
		if strings.HasPrefix(a, "bedrock:") && !slices.Contains(modelActions, a) {
			c.problem("%s: %s: a function may only %v a model", where, a, modelActions)
		}
	}
	for _, t := range targets {
		if t.star {
			for _, a := range actions {
				if _, ok := unscopedActions[a]; !ok {
					c.problem("%s: Resource \"*\" for %s, which can be scoped to a resource", where, a)
				}
			}
			continue
		}
		kind := c.kind(t.id)
		if !used[t.id] {
			c.problem("%s: %s (%s) is not a table, topic or queue the function uses (its environment, destinations and dead-letter queue name none such)", where, t.id, kind)
		}
		for _, a := range actions {
			svc, _, _ := strings.Cut(a, ":")
			if want, ok := serviceKinds[svc]; !ok || want != kind {
				c.problem("%s: %s on %s, a %s", where, a, t.id, kind)
			}
		}
	}
}

// mapping: a function polls one queue of the template, answers partial batch responses (so a
// failed message does not bring its batch back), is granted the polling on that queue (by
// its own statements: a SAM SQS event would attach a managed policy on every queue), and
// the queue moves what keeps failing to a dead-letter queue that an alarm watches.
func (c *privilegeChecker) mapping(id string, props *yaml.Node) {
	fn, err := parseValue(get(props, "FunctionName"))
	if err != nil || fn.Kind != Ref || c.types[fn.Name] != TypeFunction {
		c.problem("%s: FunctionName %s, want !Ref of a function of the template", id, describe(get(props, "FunctionName")))
		return
	}
	q, err := parseValue(get(props, "EventSourceArn"))
	if err != nil || q.Kind != GetAtt || q.Attr != "Arn" || c.types[q.Name] != typeQueue {
		c.problem("%s: EventSourceArn %s, want !GetAtt of a queue of the template", id, describe(get(props, "EventSourceArn")))
		return
	}
	if !slices.ContainsFunc(scalarsOrList(get(props, "FunctionResponseTypes")), func(n *yaml.Node) bool { return n.Value == "ReportBatchItemFailures" }) {
		c.problem("%s: no FunctionResponseTypes [ReportBatchItemFailures]: one failed message would bring back its whole batch", id)
	}
	granted := map[string]bool{}
	for _, p := range items(get(get(get(c.res, fn.Name), "Properties"), "Policies")) {
		for _, st := range items(get(p, "Statement")) {
			if get(st, "Effect").Value != "Allow" || !slices.ContainsFunc(scalarsOrList(get(st, "Resource")), func(n *yaml.Node) bool {
				v, err := parseValue(n)
				return err == nil && v.Kind == GetAtt && v.Name == q.Name
			}) {
				continue
			}
			for _, a := range scalarsOrList(get(st, "Action")) {
				granted[a.Value] = true
			}
		}
	}
	for _, a := range pollActions {
		if !granted[a] {
			c.problem("%s: %s is not granted %s on %s, which its mapping polls", id, fn.Name, a, q.Name)
		}
	}
	redrive := get(get(get(c.res, q.Name), "Properties"), "RedrivePolicy")
	dlq, err := parseValue(get(redrive, "deadLetterTargetArn"))
	if err != nil || dlq.Kind != GetAtt || c.types[dlq.Name] != typeQueue || get(redrive, "maxReceiveCount") == nil {
		c.problem("%s: %s has no RedrivePolicy to a dead-letter queue of the template: a poisoned message would come back until it expires", id, q.Name)
		return
	}
	watched := false
	for aid, r := range pairs(c.res) {
		if c.types[aid] == typeAlarm && slices.Contains(refs(get(get(r, "Properties"), "Dimensions")), dlq.Name) {
			watched = true
		}
	}
	if !watched {
		c.problem("%s: no alarm watches %s, the dead-letter queue of %s", id, dlq.Name, q.Name)
	}
}

// alarmsNaming lists the template's alarms whose actions publish to topic.
func (c *privilegeChecker) alarmsNaming(topic string) []string {
	var out []string
	for id, r := range pairs(c.res) {
		if c.types[id] != typeAlarm {
			continue
		}
		props := get(r, "Properties")
		for _, k := range []string{"AlarmActions", "OKActions", "InsufficientDataActions"} {
			if slices.Contains(refs(get(props, k)), topic) {
				out = append(out, id)
				break
			}
		}
	}
	return out
}

// topicPolicy allows only CloudWatch to publish, and only from the template's alarms whose
// actions name the topic (aws:SourceArn is each of those alarms' ARN).
func (c *privilegeChecker) topicPolicy(id string, props *yaml.Node) {
	var topics, alarms []string
	for _, n := range items(get(props, "Topics")) {
		v, err := parseValue(n)
		if err != nil || v.Kind != Ref || c.types[v.Name] != TypeTopic {
			c.problem("%s: Topics lists %s, want !Ref of a topic of the template", id, describe(n))
			continue
		}
		topics = append(topics, v.Name)
		alarms = append(alarms, c.alarmsNaming(v.Name)...)
	}
	slices.Sort(alarms)
	alarms = slices.Compact(alarms)
	for i, st := range items(get(get(props, "PolicyDocument"), "Statement")) {
		where := fmt.Sprintf("%s statement %d", id, i+1)
		if get(st, "Effect").Value == "Deny" {
			continue
		}
		if !c.resourcePolicyShape(where, st, "cloudwatch.amazonaws.com", []string{"sns:Publish"}) {
			continue
		}
		for _, n := range scalarsOrList(get(st, "Resource")) {
			if v, err := parseValue(n); err != nil || v.Kind != Ref || !slices.Contains(topics, v.Name) {
				c.problem("%s: Resource %s, want !Ref of the policy's topic", where, describe(n))
			}
		}
		var got []string
		for _, n := range sourceArns(st, "ArnEquals", "ArnLike", "StringEquals") {
			if v, err := parseValue(n); err == nil && v.Kind == GetAtt && v.Attr == "Arn" && c.types[v.Name] == typeAlarm {
				got = append(got, v.Name)
			} else {
				got = append(got, "other source "+describe(n))
			}
		}
		slices.Sort(got)
		if len(alarms) == 0 || !slices.Equal(got, alarms) {
			c.problem("%s: aws:SourceArn = %v, want exactly the ARNs of the alarms that publish to %v: %v", where, got, topics, alarms)
		}
	}
}

// keyPolicy: the account itself may administer the key and delegate its use through IAM (the
// statement AWS creates by default; without it nobody could manage the key), and a service may
// only encrypt and decrypt, for this account, when it needs to: CloudWatch, when an alarm
// notifies a topic encrypted with the key.
func (c *privilegeChecker) keyPolicy(id string, props *yaml.Node) {
	cloudwatchNeeded := false
	for topic, r := range pairs(c.res) {
		if c.types[topic] == TypeTopic && slices.Contains(refs(get(get(r, "Properties"), "KmsMasterKeyId")), id) && len(c.alarmsNaming(topic)) > 0 {
			cloudwatchNeeded = true
		}
	}
	for i, st := range items(get(get(props, "KeyPolicy"), "Statement")) {
		where := fmt.Sprintf("%s key policy statement %d", id, i+1)
		if get(st, "Effect").Value == "Deny" {
			continue
		}
		p := get(st, "Principal")
		if v, err := parseValue(get(p, "AWS")); err == nil && len(p.Content) == 2 && v.Kind == Sub && v.Text == "arn:${AWS::Partition}:iam::${AWS::AccountId}:root" {
			continue // the account: administration, and use only through IAM policies checked above
		}
		if !c.resourcePolicyShape(where, st, "cloudwatch.amazonaws.com", []string{"kms:Decrypt", "kms:GenerateDataKey*"}) {
			continue
		}
		if !cloudwatchNeeded {
			c.problem("%s: CloudWatch may use the key, but no alarm notifies a topic encrypted with it", where)
		}
		v, err := parseValue(get(get(get(st, "Condition"), "StringEquals"), "aws:SourceAccount"))
		if err != nil || v.Kind != Ref || v.Name != "AWS::AccountId" {
			c.problem("%s: CloudWatch may use the key for any account's alarms; want Condition StringEquals aws:SourceAccount: !Ref AWS::AccountId", where)
		}
	}
}

// queuePolicy allows only EventBridge to send, to a queue that is a schedule's dead-letter
// queue, from exactly the rules of the schedules whose dead-letter queue it is.
func (c *privilegeChecker) queuePolicy(id string, props *yaml.Node) {
	var queues, rules []string
	for _, n := range items(get(props, "Queues")) {
		v, err := parseValue(n)
		if err != nil || v.Kind != Ref || c.types[v.Name] != typeQueue {
			c.problem("%s: Queues lists %s, want !Ref of a queue of the template", id, describe(n))
			continue
		}
		rs := c.scheduleRules(v.Name)
		if len(rs) == 0 {
			c.problem("%s: %s is no schedule's dead-letter queue: no service is meant to send to it", id, v.Name)
		}
		queues, rules = append(queues, v.Name), append(rules, rs...)
	}
	for i, st := range items(get(get(props, "PolicyDocument"), "Statement")) {
		where := fmt.Sprintf("%s statement %d", id, i+1)
		if get(st, "Effect").Value == "Deny" {
			continue
		}
		if !c.resourcePolicyShape(where, st, "events.amazonaws.com", []string{"sqs:SendMessage"}) {
			continue
		}
		for _, n := range scalarsOrList(get(st, "Resource")) {
			if v, err := parseValue(n); err != nil || v.Kind != GetAtt || v.Attr != "Arn" || !slices.Contains(queues, v.Name) {
				c.problem("%s: Resource %s, want !GetAtt of the policy's queue's Arn", where, describe(n))
			}
		}
		// A schedule's rule is one SAM generates, named <Function><Event> (SAM documents the
		// logical IDs it generates), so the policy names it by !GetAtt.
		var got []string
		for _, n := range sourceArns(st, "ArnEquals", "ArnLike", "StringEquals") {
			if v, err := parseValue(n); err == nil && v.Kind == GetAtt && v.Attr == "Arn" && slices.Contains(rules, v.Name) {
				got = append(got, v.Name)
			} else {
				got = append(got, "other source "+describe(n))
			}
		}
		slices.Sort(got)
		want := slices.Sorted(slices.Values(rules))
		if !slices.Equal(got, want) {
			c.problem("%s: aws:SourceArn = %v, want exactly the ARNs of the rules whose dead letters go to %v: %v", where, got, queues, want)
		}
	}
}

// scheduleRules are the logical IDs SAM gives the EventBridge rules (<Function><Event>) of the
// Schedule events whose dead-letter queue is queue.
func (c *privilegeChecker) scheduleRules(queue string) []string {
	var out []string
	for id, r := range pairs(c.res) {
		if c.types[id] != TypeFunction {
			continue
		}
		for name, ev := range pairs(get(get(r, "Properties"), "Events")) {
			if t := get(ev, "Type").Value; t == "Schedule" &&
				slices.Contains(refs(get(get(get(ev, "Properties"), "DeadLetterConfig"), "Arn")), queue) {
				out = append(out, id+name)
			}
		}
	}
	return out
}

// resourcePolicyShape checks a resource policy's statement: Allow, one service principal,
// the intended one (the allowlist says why), and only the intended actions.
func (c *privilegeChecker) resourcePolicyShape(where string, st *yaml.Node, service string, actions []string) bool {
	ok := true
	if e := get(st, "Effect").Value; e != "Allow" {
		c.problem("%s: Effect %q", where, e)
		return false
	}
	for _, k := range []string{"NotAction", "NotResource", "NotPrincipal"} {
		if get(st, k) != nil {
			c.problem("%s: %s grants everything it does not name", where, k)
			ok = false
		}
	}
	p := get(st, "Principal")
	svc := scalarsOrList(get(p, "Service"))
	if p == nil || p.Kind != yaml.MappingNode || len(p.Content) != 2 || len(svc) != 1 || svc[0].Value != service {
		c.problem("%s: Principal %s, want only {Service: %s}", where, describe(p), service)
		ok = false
	}
	var got []string
	for _, n := range scalarsOrList(get(st, "Action")) {
		got = append(got, n.Value)
	}
	if !slices.Equal(got, actions) {
		c.problem("%s: Action %v, want %v", where, got, actions)
		ok = false
	}
	return ok
}

// sourceArns returns the aws:SourceArn values of the statement's conditions of the given
// operators.
func sourceArns(st *yaml.Node, ops ...string) []*yaml.Node {
	var out []*yaml.Node
	for op, m := range pairs(get(st, "Condition")) {
		if !slices.Contains(ops, op) {
			continue
		}
		for k, v := range pairs(m) {
			if strings.EqualFold(k, "aws:SourceArn") {
				out = append(out, scalarsOrList(v)...)
			}
		}
	}
	return out
}

// scalarsOrList returns a list's items, or the node itself when it is not a list.
func scalarsOrList(n *yaml.Node) []*yaml.Node {
	n = deref(n)
	if n == nil {
		return nil
	}
	if n.Kind == yaml.SequenceNode {
		return items(n)
	}
	return []*yaml.Node{n}
}

func describe(n *yaml.Node) string {
	n = deref(n)
	if n == nil {
		return "(none)"
	}
	if v, err := parseValue(n); err == nil {
		return v.String()
	}
	b, _ := yaml.Marshal(n)
	return strings.TrimSpace(string(b))
}

// privilegeBase is a small template that grants what it should; each case below breaks it
// in one place.
const privilegeBase = `
Parameters:
  HookSecretArn: {Type: String, Default: "", AllowedPattern: "^$|^arn:aws:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+$"}
  OtherSecretArn: {Type: String, Default: "", AllowedPattern: "^$|^arn:aws:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+$"}
  FreeArn: {Type: String, Default: ""}
  ModelId: {Type: String, Default: "", AllowedPattern: "^$|^[a-z0-9-]+\\.[A-Za-z0-9._:-]+$"}
Conditions:
  HasHook: !Not [!Equals [!Ref HookSecretArn, ""]]
Resources:
  AppTable: {Type: AWS::DynamoDB::Table}
  OtherTable: {Type: AWS::DynamoDB::Table}
  Alerts: {Type: AWS::SNS::Topic, Properties: {KmsMasterKeyId: !Ref Key}}
  OtherKey: {Type: AWS::KMS::Key}
  Key:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Statement:
          - Effect: Allow
            Principal: {AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}
            Action: kms:*
            Resource: "*"
          - Effect: Allow
            Principal: {Service: cloudwatch.amazonaws.com}
            Action: [kms:Decrypt, kms:GenerateDataKey*]
            Resource: "*"
            Condition: {StringEquals: {aws:SourceAccount: !Ref AWS::AccountId}}
  OtherTopic: {Type: AWS::SNS::Topic}
  Levers: {Type: AWS::SSM::Parameter, Properties: {Type: String, Value: "{}"}}
  OtherLevers: {Type: AWS::SSM::Parameter, Properties: {Type: String, Value: "{}"}}
  DLQ: {Type: AWS::SQS::Queue}
  Work:
    Type: AWS::SQS::Queue
    Properties: {RedrivePolicy: {deadLetterTargetArn: !GetAtt DLQ.Arn, maxReceiveCount: 3}}
  DLQAlarm:
    Type: AWS::CloudWatch::Alarm
    Properties: {Dimensions: [{Name: QueueName, Value: !GetAtt DLQ.QueueName}]}
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties: {FunctionName: !Ref Fn, EventSourceArn: !GetAtt Work.Arn, FunctionResponseTypes: [ReportBatchItemFailures]}
  Alarm:
    Type: AWS::CloudWatch::Alarm
    Properties: {AlarmActions: [!Ref Alerts]}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Environment:
        Variables: {APP_TABLE: !Ref AppTable, TOPIC: !Ref Alerts, HOOK_SECRET_ARN: !Ref HookSecretArn, FREE: !Ref FreeArn, LEVERS: !Ref Levers, MODEL: !Ref ModelId, WORK: !Ref Work}
      Policies:
        - Statement:
            - Effect: Allow
              Action: [dynamodb:GetItem, dynamodb:Query]
              Resource: [!GetAtt AppTable.Arn, !Sub "${AppTable.Arn}/index/*"]
            - Effect: Allow
              Action: sns:Publish
              Resource: !Ref Alerts
            - Effect: Allow
              Action: [xray:PutTraceSegments, xray:PutTelemetryRecords]
              Resource: "*"
            - Effect: Allow
              Action: [kms:GenerateDataKey, kms:Decrypt]
              Resource: !GetAtt Key.Arn
            - Effect: Allow
              Action: bedrock:InvokeModel
              Resource: !Sub arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/${ModelId}
            - Effect: Allow
              Action: [sqs:SendMessage, sqs:ReceiveMessage, sqs:DeleteMessage, sqs:GetQueueAttributes]
              Resource: !GetAtt Work.Arn
            - Effect: Allow
              Action: ssm:GetParameter
              Resource: !Sub arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${Levers}
        - DynamoDBWritePolicy: {TableName: !Ref AppTable}
        - SNSPublishMessagePolicy: {TopicName: !GetAtt Alerts.TopicName}
        - CloudWatchPutMetricPolicy: {}
        - !If
          - HasHook
          - Statement:
              - Effect: Allow
                Action: secretsmanager:GetSecretValue
                Resource: !Ref HookSecretArn
          - !Ref AWS::NoValue
      Events:
        Tick:
          Type: Schedule
          Properties: {Schedule: rate(1 minute), DeadLetterConfig: {Arn: !GetAtt DLQ.Arn}}
  AlertsPolicy:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [!Ref Alerts]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: cloudwatch.amazonaws.com}
            Action: sns:Publish
            Resource: !Ref Alerts
            Condition: {ArnEquals: {aws:SourceArn: [!GetAtt Alarm.Arn]}}
  DLQPolicy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref DLQ]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: events.amazonaws.com}
            Action: sqs:SendMessage
            Resource: !GetAtt DLQ.Arn
            Condition: {ArnEquals: {aws:SourceArn: !GetAtt FnTick.Arn}}
`

func TestPrivilegeRulesCatchEachKindOfGrant(t *testing.T) {
	if got, err := privilegeProblems([]byte(privilegeBase)); err != nil || len(got) != 0 {
		t.Fatalf("the base template: got problems %q (%v), want none", got, err)
	}
	tests := []struct {
		name, old, new, want string
	}{
		{"Resource \"*\" for a scopable action", "Resource: [!GetAtt AppTable.Arn, !Sub \"${AppTable.Arn}/index/*\"]", `Resource: "*"`,
			`Resource "*" for dynamodb:GetItem, which can be scoped`},
		{"a resource list naming a table the function does not use", "Resource: [!GetAtt AppTable.Arn,", "Resource: [!GetAtt OtherTable.Arn,",
			"OtherTable (AWS::DynamoDB::Table) is not a table, topic or queue the function uses"},
		{"a hard-coded ARN in a list", "Resource: [!GetAtt AppTable.Arn,", "Resource: [\"arn:aws:dynamodb:us-east-1:1:table/x\",",
			"Resource arn:aws:dynamodb:us-east-1:1:table/x is neither"},
		{"a table's Ref, which is its name", "Resource: [!GetAtt AppTable.Arn,", "Resource: [!Ref AppTable,", "Resource !Ref AppTable is neither"},
		{"a parameter grant on every parameter", "parameter${Levers}", "parameter/*", "parameter/* is neither"},
		{"a parameter grant on a parameter the function does not read", "parameter${Levers}", "parameter${OtherLevers}",
			"OtherLevers (AWS::SSM::Parameter) is not a table, topic or queue the function uses"},
		{"a write to the levers", "Action: ssm:GetParameter\n", "Action: [ssm:GetParameter, ssm:PutParameter]\n", "ssm:PutParameter"},
		{"a wildcard action", "Action: [dynamodb:GetItem, dynamodb:Query]", "Action: [dynamodb:*]", "wildcard action dynamodb:*"},
		{"an action on a resource of another kind", "Action: sns:Publish\n", "Action: sqs:SendMessage\n", "sqs:SendMessage on Alerts, a AWS::SNS::Topic"},
		{"NotAction", "Action: sns:Publish\n", "NotAction: sns:Publish\n", "NotAction grants everything it does not name"},
		{"a SAM template that grants Scan", "DynamoDBWritePolicy: {TableName: !Ref AppTable}", "DynamoDBCrudPolicy: {TableName: !Ref AppTable}",
			"Fn DynamoDBCrudPolicy: dynamodb:Scan is never granted"},
		{"a SAM template on a table the function does not use", "DynamoDBWritePolicy: {TableName: !Ref AppTable}", "DynamoDBWritePolicy: {TableName: !Ref OtherTable}",
			"Fn DynamoDBWritePolicy: OtherTable (AWS::DynamoDB::Table) is not a table, topic or queue the function uses"},
		{"a SAM template on a topic the function does not use", "TopicName: !GetAtt Alerts.TopicName", "TopicName: !GetAtt OtherTopic.TopicName",
			"Fn SNSPublishMessagePolicy: OtherTopic (AWS::SNS::Topic) is not"},
		{"a SAM template naming a resource outside the stack", "TopicName: !GetAtt Alerts.TopicName", "TopicName: some-topic",
			"TopicName = some-topic, want a AWS::SNS::Topic of the template"},
		{"an unknown SAM template", "CloudWatchPutMetricPolicy: {}", "S3CrudPolicy: {BucketName: b}", "Fn S3CrudPolicy: unknown SAM policy template"},
		{"a broad managed policy", "- CloudWatchPutMetricPolicy: {}", "- AmazonDynamoDBFullAccess", "managed policy AmazonDynamoDBFullAccess is not in the allowlist"},
		{"a topic policy open to everyone", "Principal: {Service: cloudwatch.amazonaws.com}", `Principal: "*"`, `Principal *, want only {Service: cloudwatch.amazonaws.com}`},
		{"a topic policy for another service", "Principal: {Service: cloudwatch.amazonaws.com}", "Principal: {Service: events.amazonaws.com}",
			"want only {Service: cloudwatch.amazonaws.com}"},
		{"a topic policy letting any alarm of the account publish", "{ArnEquals: {aws:SourceArn: [!GetAtt Alarm.Arn]}}",
			`{ArnLike: {aws:SourceArn: !Sub "arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:*"}}`,
			"want exactly the ARNs of the alarms that publish to [Alerts]: [Alarm]"},
		{"a topic policy without a source", "Condition: {ArnEquals: {aws:SourceArn: [!GetAtt Alarm.Arn]}}", "Sid: NoCondition", "aws:SourceArn = [], want exactly"},
		{"a topic policy granting more than Publish", "            Action: sns:Publish\n            Resource: !Ref Alerts", "            Action: [sns:Publish, sns:Subscribe]\n            Resource: !Ref Alerts",
			"Action [sns:Publish sns:Subscribe], want [sns:Publish]"},
		{"a queue policy open to everyone", "Principal: {Service: events.amazonaws.com}", `Principal: {AWS: "*"}`, "want only {Service: events.amazonaws.com}"},
		{"a queue policy with no source", "Condition: {ArnEquals: {aws:SourceArn: !GetAtt FnTick.Arn}}",
			"Sid: NoCondition", "aws:SourceArn = [], want exactly the ARNs of the rules whose dead letters go to [DLQ]: [FnTick]"},
		{"a queue policy letting any rule of the account send", "{ArnEquals: {aws:SourceArn: !GetAtt FnTick.Arn}}",
			`{ArnLike: {aws:SourceArn: !Sub "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/*"}}`,
			"aws:SourceArn = [other source !Sub arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/*], want exactly"},
		{"a secret grant on a parameter the function does not read", "Resource: !Ref HookSecretArn", "Resource: !Ref OtherSecretArn",
			"OtherSecretArn (parameter holding a Secrets Manager ARN) is not a"},
		{"a secret grant on a parameter that may hold any ARN", "Resource: !Ref HookSecretArn", "Resource: !Ref FreeArn", "Resource !Ref FreeArn is neither"},
		{"a secret grant on every secret", "Resource: !Ref HookSecretArn", `Resource: "*"`, `Resource "*" for secretsmanager:GetSecretValue`},
		{"a secret grant that writes the secret", "Action: secretsmanager:GetSecretValue", "Action: [secretsmanager:GetSecretValue, secretsmanager:PutSecretValue]",
			"secretsmanager:PutSecretValue is never granted"},
		{"the other branch of an !If granting Scan", "- !Ref AWS::NoValue", "- Statement: [{Effect: Allow, Action: dynamodb:Scan, Resource: !GetAtt AppTable.Arn}]",
			"dynamodb:Scan is never granted"},
		{"a key grant on a key of no topic the function uses", "Resource: !GetAtt Key.Arn", "Resource: !GetAtt OtherKey.Arn",
			"OtherKey (AWS::KMS::Key) is not a table, topic or queue the function uses"},
		{"a function that may schedule a key's deletion", "Action: [kms:GenerateDataKey, kms:Decrypt]", "Action: [kms:GenerateDataKey, kms:Decrypt, kms:ScheduleKeyDeletion]",
			"kms:ScheduleKeyDeletion: a function may only [kms:GenerateDataKey kms:Decrypt] with a key"},
		{"a key policy for another account", `Principal: {AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}`, `Principal: {AWS: "arn:aws:iam::999999999999:root"}`,
			"Key key policy statement 1: Principal"},
		{"a key policy letting any account's alarms use it", "            Condition: {StringEquals: {aws:SourceAccount: !Ref AWS::AccountId}}", "            Sid: Open",
			"CloudWatch may use the key for any account's alarms"},
		{"a key policy letting CloudWatch re-encrypt", "Action: [kms:Decrypt, kms:GenerateDataKey*]", "Action: [kms:Decrypt, kms:GenerateDataKey*, kms:ReEncrypt*]",
			"Action [kms:Decrypt kms:GenerateDataKey* kms:ReEncrypt*], want [kms:Decrypt kms:GenerateDataKey*]"},
		{"a model grant on every model", "foundation-model/${ModelId}", "foundation-model/*", "foundation-model/* is neither"},
		{"a model grant on a parameter that may name any model", `ModelId: {Type: String, Default: "", AllowedPattern: "^$|^[a-z0-9-]+\\.[A-Za-z0-9._:-]+$"}`,
			`ModelId: {Type: String, Default: ""}`, "foundation-model/${ModelId} is neither"},
		{"a model action beyond invoking it", "Action: bedrock:InvokeModel", "Action: [bedrock:InvokeModel, bedrock:CreateModelCustomizationJob]",
			"bedrock:CreateModelCustomizationJob: a function may only [bedrock:InvokeModel] a model"},
		{"a mapping without partial batch responses", "FunctionResponseTypes: [ReportBatchItemFailures]", "BatchSize: 10",
			"Mapping: no FunctionResponseTypes [ReportBatchItemFailures]"},
		{"a mapping whose function may not poll its queue", "sqs:ReceiveMessage, sqs:DeleteMessage, ", "",
			"Mapping: Fn is not granted sqs:ReceiveMessage on Work"},
		{"a polled queue without a dead-letter queue", "Properties: {RedrivePolicy: {deadLetterTargetArn: !GetAtt DLQ.Arn, maxReceiveCount: 3}}", "Properties: {}",
			"Work has no RedrivePolicy to a dead-letter queue"},
		{"a dead-letter queue no alarm watches", "Dimensions: [{Name: QueueName, Value: !GetAtt DLQ.QueueName}]", "Dimensions: []",
			"no alarm watches DLQ, the dead-letter queue of Work"},
		{"an IAM policy beside the functions", "  DLQPolicy:", "  Extra:\n    Type: AWS::IAM::Policy\n  DLQPolicy:", "Extra (AWS::IAM::Policy) grants permissions this test does not check"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(privilegeBase, tt.old) {
				t.Fatalf("the base template lacks %q", tt.old)
			}
			got, err := privilegeProblems([]byte(strings.Replace(privilegeBase, tt.old, tt.new, 1)))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(got, func(p string) bool { return strings.Contains(p, tt.want) }) {
				t.Errorf("problems = %q, want one containing %q", got, tt.want)
			}
		})
	}
}

func TestProjectTemplateGrantsLeastPrivilege(t *testing.T) {
	data, err := os.ReadFile("../../template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	got, err := privilegeProblems(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range got {
		t.Errorf("template.yaml: %s", p)
	}
}
