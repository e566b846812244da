// Package metrics writes the functions' own CloudWatch metrics as log lines in CloudWatch's
// Embedded Metric Format (EMF): one JSON object whose "_aws" member tells CloudWatch Logs which
// of its other members are metrics, in which namespace and under which dimensions. CloudWatch
// extracts them from the function's log group; nothing is called on the request path.
//
// The lines go through the function's own slog JSON handler, so they sit in the same log
// stream as the request they describe and carry its request ID. They are handed to the
// handler directly rather than through Logger.Info: a LOG_LEVEL of WARN or ERROR quiets the
// logs, never the metrics.
//
// It deliberately does not aggregate (one line per request or run: CloudWatch sums them),
// does not call PutMetricData (an SDK call, a network round trip and an IAM grant per
// request), and knows nothing of routes or alerts: callers say what to count.
package metrics
