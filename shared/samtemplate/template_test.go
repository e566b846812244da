package samtemplate

import (
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
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
