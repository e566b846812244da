// Package samtemplate reads the parts of template.yaml that running the
// functions needs: functions (with their Globals applied, environment,
// HttpApi routes and schedules), DynamoDB tables, SNS topics and HTTP APIs.
//
// template.yaml stays the single source of truth; the local runner and the
// tests that hold code and template together read it through here instead
// of keeping a second list. It decodes yaml.v3 nodes rather than structs
// because CloudFormation's short-form intrinsics (!Ref, !GetAtt, !Sub,
// !If...) are YAML tags that struct decoding rejects. goformation is not
// used: it resolves intrinsics its own way and pulls in the whole
// CloudFormation schema for the handful of properties read here.
//
// Only what the local runner can honour is interpreted. References are kept
// as Values and resolved later by the caller, who knows what a table or a
// topic is called where it runs; parameters resolve to their Default.
package samtemplate
