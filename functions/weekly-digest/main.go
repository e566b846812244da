// Command weekly-digest is WeeklyDigestFunction: every Monday at 08:00 UTC, the SLO digest of
// the week before, to the DigestTopic and, when configured, a Slack-compatible webhook.
package main

import (
	"github.com/lucian-app/phase12/shared/wiring"
	"github.com/lucian-app/phase12/shared/wiring/digestwire"
)

func main() { wiring.Main("WeeklyDigestFunction", digestwire.WeeklyDigest) }
