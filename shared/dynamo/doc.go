// Package dynamo is the narrow face of DynamoDB the stores use: the client
// interface (satisfied by the SDK client and by the in-process minidyn
// used locally and in unit tests), the key schema both tables share, and
// the translation of SDK errors into the project's vocabulary, so that a
// throttled or unreachable table answers 503 and never 500.
package dynamo
