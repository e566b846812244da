package samtemplate

import "testing"

func TestNamesResolveAsCloudFormationWouldNameTheResources(t *testing.T) {
	tpl := &Template{ResourceTypes: map[string]string{
		"AppTable": TypeTable, "AlertTopic": TypeTopic, "TasksFunction": TypeFunction, "Queue": "AWS::SQS::Queue",
		"Levers": "AWS::SSM::Parameter", "Key": "AWS::SecretsManager::Secret", "Api": TypeHTTPAPI, "Role": "AWS::IAM::Role",
	}}
	r := Names(tpl, map[string]string{"AlertTopic": "arn:aws:sns:us-east-1:123456789012:made"},
		map[string]string{"Key": "arn:aws:secretsmanager:us-east-1:123456789012:secret:key-AbCdEf"})
	for _, tt := range []struct{ id, attr, want string }{
		{"AppTable", "", "AppTable"},
		{"AppTable", "Arn", "arn:aws:dynamodb:us-east-1:123456789012:table/AppTable"},
		{"AlertTopic", "", "arn:aws:sns:us-east-1:123456789012:made"},
		{"AlertTopic", "TopicName", "AlertTopic"},
		{"TasksFunction", "Arn", "arn:aws:lambda:us-east-1:123456789012:function:TasksFunction"},
		{"Queue", "", "https://sqs.us-east-1.amazonaws.com/123456789012/Queue"},
		{"Queue", "Arn", "arn:aws:sqs:us-east-1:123456789012:Queue"},
		{"Levers", "", "Levers"},
		{"Key", "", "arn:aws:secretsmanager:us-east-1:123456789012:secret:key-AbCdEf"},
		{"Api", "", "local"},
	} {
		if got, ok := r(tt.id, tt.attr); !ok || got != tt.want {
			t.Errorf("%s %s = %q, %v; want %q", tt.id, tt.attr, got, ok, tt.want)
		}
	}
	for _, ref := range [][2]string{{"Role", ""}, {"AppTable", "StreamArn"}, {"Nothing", ""}} {
		if got, ok := r(ref[0], ref[1]); ok {
			t.Errorf("%v resolved to %q, want unresolved", ref, got)
		}
	}
	if _, ok := Names(tpl, nil, nil)("Key", ""); ok {
		t.Errorf("a secret that was not made resolved")
	}
}
