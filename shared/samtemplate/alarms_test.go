package samtemplate

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// Issue 12, point 2: alarms that reach someone.

// alarmMetric is one metric an alarm reads, directly or as an input of its metric math.
type alarmMetric struct {
	namespace, name, stat string
	dims                  map[string]string // name -> logical ID of the !Ref, or the literal
}

func dimValue(v any) string {
	if r := refName(v); r != "" {
		return r
	}
	s, _ := v.(string)
	return s
}

func dims(v any) map[string]string {
	out := map[string]string{}
	for _, d := range anys(v) {
		n, _ := path(d, "Name").(string)
		out[n] = dimValue(path(d, "Value"))
	}
	return out
}

// metricsOf lists the metrics an alarm reads and, for metric math, the expression it alarms on.
func metricsOf(a cfnResource) (ms []alarmMetric, expr string) {
	p := a.Properties
	if p["MetricName"] != nil {
		stat, _ := p["Statistic"].(string)
		if es, ok := p["ExtendedStatistic"].(string); ok {
			stat = es
		}
		return []alarmMetric{{namespace: p["Namespace"].(string), name: p["MetricName"].(string), stat: stat, dims: dims(p["Dimensions"])}}, ""
	}
	for _, m := range anys(p["Metrics"]) {
		if e, ok := path(m, "Expression").(string); ok {
			if path(m, "ReturnData") == true {
				expr = e
			}
			continue
		}
		ms = append(ms, alarmMetric{
			namespace: fmt.Sprint(path(m, "MetricStat", "Metric", "Namespace")),
			name:      fmt.Sprint(path(m, "MetricStat", "Metric", "MetricName")),
			stat:      fmt.Sprint(path(m, "MetricStat", "Stat")),
			dims:      dims(path(m, "MetricStat", "Metric", "Dimensions")),
		})
	}
	return ms, expr
}

func actionsOf(a cfnResource) []string {
	var out []string
	for _, v := range anys(a.Properties["AlarmActions"]) {
		out = append(out, refName(v))
	}
	return out
}

// findAlarms returns the alarms all of whose metrics satisfy match (and that read at least one).
func findAlarms(c *cfnTemplate, match func(alarmMetric) bool) map[string]cfnResource {
	out := map[string]cfnResource{}
	for id, a := range c.ofType("AWS::CloudWatch::Alarm") {
		ms, _ := metricsOf(a)
		if len(ms) > 0 && !slices.ContainsFunc(ms, func(m alarmMetric) bool { return !match(m) }) {
			out[id] = a
		}
	}
	return out
}

func TestEveryFunctionHasErrorsAndThrottlesAlarmsToTheAlertTopic(t *testing.T) {
	c := samExpanded(t)
	fns := c.ofType("AWS::Lambda::Function")
	if len(fns) < 7 {
		t.Fatalf("%d functions, want at least 7", len(fns))
	}
	for fn := range fns {
		for _, metric := range []string{"Errors", "Throttles"} {
			found := findAlarms(c, func(m alarmMetric) bool {
				return m.namespace == "AWS/Lambda" && m.name == metric && m.stat == "Sum" && len(m.dims) == 1 && m.dims["FunctionName"] == fn
			})
			ok := false
			for _, a := range found {
				ok = ok || slices.Contains(actionsOf(a), "AlertTopic")
			}
			if !ok {
				t.Errorf("%s: no alarm on AWS/Lambda %s (Sum, FunctionName) notifies the AlertTopic: add one to template.yaml", fn, metric)
			}
		}
	}
}

func TestTheAPIAlarmsOnItsServerErrorRateAndP95Latency(t *testing.T) {
	c := samExpanded(t)
	api := func(name, stat string) func(alarmMetric) bool {
		return func(m alarmMetric) bool {
			return m.namespace == "AWS/ApiGateway" && m.name == name && m.stat == stat && len(m.dims) == 1 && m.dims["ApiId"] == "HttpApi"
		}
	}
	rate := false
	for id, a := range findAlarms(c, func(m alarmMetric) bool { return api("5xx", "Sum")(m) || api("Count", "Sum")(m) }) {
		ms, expr := metricsOf(a)
		if len(ms) == 2 && expr != "" && slices.Contains(actionsOf(a), "AlertTopic") {
			rate = true
			t.Logf("%s: %s", id, expr)
		}
	}
	if !rate {
		t.Error("no alarm on the API's 5xx rate (metric math over AWS/ApiGateway 5xx and Count of HttpApi) notifies the AlertTopic")
	}
	p95 := false
	for _, a := range findAlarms(c, api("Latency", "p95")) {
		p95 = p95 || slices.Contains(actionsOf(a), "AlertTopic")
	}
	if !p95 {
		t.Error("no alarm on the API's p95 Latency (AWS/ApiGateway, ApiId of HttpApi) notifies the AlertTopic")
	}
}

// tableOperations are the DynamoDB operations (the Operation dimension) whose throttles and
// system errors the table alarms add up: every call the functions make.
var tableOperations = []string{"GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "BatchGetItem", "TransactWriteItems"}

func TestEveryTableHasThrottleAndSystemErrorAlarmsOverEveryOperation(t *testing.T) {
	c := samExpanded(t)
	for table := range c.ofType("AWS::DynamoDB::Table") {
		for _, metric := range []string{"ThrottledRequests", "SystemErrors"} {
			ok := false
			for _, a := range findAlarms(c, func(m alarmMetric) bool {
				return m.namespace == "AWS/DynamoDB" && m.name == metric && m.stat == "Sum" && len(m.dims) == 2 && m.dims["TableName"] == table
			}) {
				ms, expr := metricsOf(a)
				var ops []string
				for _, m := range ms {
					ops = append(ops, m.dims["Operation"])
				}
				// The metric has no per-table total: the alarm adds up every operation.
				covered := !slices.ContainsFunc(tableOperations, func(op string) bool { return !slices.Contains(ops, op) })
				ok = ok || covered && strings.HasPrefix(expr, "SUM(") && slices.Contains(actionsOf(a), "AlertTopic")
			}
			if !ok {
				t.Errorf("%s: no alarm adds up AWS/DynamoDB %s over %v (TableName, Operation) and notifies the AlertTopic", table, metric, tableOperations)
			}
		}
	}
}

// TestTheMetaAlarmsAlsoReachASecondSubscription: the alarms that say the alerting itself is
// broken (a dead-letter queue with messages, the check not running) go to the AlertTopic and to
// a second topic with a subscription of its own, since the first may be what is broken.
func TestTheMetaAlarmsAlsoReachASecondSubscription(t *testing.T) {
	c := samExpanded(t)
	meta := findAlarms(c, func(m alarmMetric) bool {
		return m.namespace == "AWS/SQS" && m.name == "ApproximateNumberOfMessagesVisible" ||
			m.namespace == "AWS/Lambda" && m.name == "Invocations"
	})
	if len(meta) < 3 {
		t.Fatalf("%d meta-alarms, want the two dead-letter queues' and the check's dead man's switch", len(meta))
	}
	subscribed := map[string]bool{}
	for _, s := range c.ofType("AWS::SNS::Subscription") {
		subscribed[refName(s.Properties["TopicArn"])] = true
	}
	for id, a := range meta {
		acts := actionsOf(a)
		second := slices.ContainsFunc(acts, func(topic string) bool { return topic != "AlertTopic" && subscribed[topic] })
		if !slices.Contains(acts, "AlertTopic") || !second {
			t.Errorf("%s notifies %v, want the AlertTopic and a second topic with a subscription", id, acts)
		}
	}
}

// evalCondition evaluates the intrinsic functions CloudFormation allows in Conditions and
// Rules, for the given parameter values.
func evalCondition(t *testing.T, c *cfnTemplate, v any, params map[string]string) any {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		return v // a literal
	}
	if len(m) != 1 {
		t.Fatalf("cannot evaluate %v", v)
	}
	for fn, arg := range m {
		args := anys(arg)
		switch fn {
		case "Ref":
			p := arg.(string)
			if v, ok := params[p]; ok {
				return v
			}
			d, ok := c.Parameters[p]["Default"]
			if !ok {
				t.Fatalf("parameter %s has no value and no Default", p)
			}
			return fmt.Sprint(d)
		case "Condition":
			return evalCondition(t, c, c.Conditions[arg.(string)], params)
		case "Fn::Equals":
			return fmt.Sprint(evalCondition(t, c, args[0], params)) == fmt.Sprint(evalCondition(t, c, args[1], params))
		case "Fn::Not":
			return !evalCondition(t, c, args[0], params).(bool)
		case "Fn::And", "Fn::Or":
			all, any := true, false
			for _, a := range args {
				b := evalCondition(t, c, a, params).(bool)
				all, any = all && b, any || b
			}
			if fn == "Fn::And" {
				return all
			}
			return any
		}
		t.Fatalf("cannot evaluate %s", fn)
	}
	return nil
}

// refused reports whether the template's Rules refuse a deploy with params, and why.
func refused(t *testing.T, c *cfnTemplate, params map[string]string) []string {
	var why []string
	for name, r := range c.Rules {
		if rc, ok := r["RuleCondition"]; ok && !evalCondition(t, c, rc, params).(bool) {
			continue
		}
		for _, a := range anys(r["Assertions"]) {
			if !evalCondition(t, c, path(a, "Assert"), params).(bool) {
				why = append(why, fmt.Sprintf("%s: %v", name, path(a, "AssertDescription")))
			}
		}
	}
	return why
}

// TestADeployWithoutAnOnCallSubscriberIsRefused: the template's Rules refuse a deploy (before
// anything is created) whose AlertTopic would have no subscriber, unless the operator says the
// topic is subscribed outside the stack; then the stack's outputs say so in capitals.
func TestADeployWithoutAnOnCallSubscriberIsRefused(t *testing.T) {
	c := samExpanded(t)
	warning := func(params map[string]string) []string {
		var out []string
		for name, o := range c.Outputs {
			cond, ok := o["Condition"].(string)
			if ok && evalCondition(t, c, c.Conditions[cond], params).(bool) && strings.Contains(fmt.Sprint(o["Value"]), "NO ON-CALL") {
				out = append(out, name)
			}
		}
		return out
	}
	tests := []struct {
		name        string
		params      map[string]string
		wantRefused bool
		wantWarning bool
	}{
		{"the defaults: nobody", map[string]string{}, true, false},
		{"an on-call email", map[string]string{"OnCallEmail": "oncall@example.com"}, false, false},
		{"subscribed outside the stack, said so", map[string]string{"AllowNoOnCallSubscriber": "true"}, false, true},
		{"both", map[string]string{"OnCallEmail": "oncall@example.com", "AllowNoOnCallSubscriber": "true"}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			why := refused(t, c, tt.params)
			if (len(why) > 0) != tt.wantRefused {
				t.Errorf("refused = %q, want refused %v", why, tt.wantRefused)
			}
			if tt.wantRefused {
				return // no stack, no outputs
			}
			if w := warning(tt.params); (len(w) > 0) != tt.wantWarning {
				t.Errorf("warning outputs %v, want a warning %v", w, tt.wantWarning)
			}
		})
	}
}
