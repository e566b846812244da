// Package webhook posts JSON to a Slack-compatible incoming webhook (Slack, Mattermost,
// Rocket.Chat and others accept the same payload), with retries.
//
// The URL of an incoming webhook is a bearer credential: whoever has it can post to the
// channel. It is configuration only (never in the repository), and this package never
// writes it into an error or a log line; errors name the host at most.
//
// Retries: transport errors, 408, 429 and 5xx answers are retried with exponential backoff
// (honouring a short Retry-After); other answers are final, since resending a payload the
// receiver refused (400 invalid_payload, 404 no_service) cannot succeed. The sleep between
// attempts is injected so tests do not wait.
package webhook
