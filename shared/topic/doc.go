// Package topic is the narrow face of SNS: the one call the functions make
// (Publish), satisfied by the SDK client and by Recorder, the in-process
// topic the local runner and unit tests use instead of AWS.
package topic
