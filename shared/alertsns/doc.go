// Package alertsns delivers alert messages through an SNS topic: the subject and text for
// email subscribers, and the message attributes (severity, flow, objective, action,
// dedup_key, alert_id) for filter policies and paging integrations.
package alertsns
