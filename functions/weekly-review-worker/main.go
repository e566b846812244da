// Command weekly-review-worker is WeeklyReviewWorkerFunction: every hour it queues the users
// whose week became ready (Monday 06:00 on their clock) on WeeklyReviewQueue, and it builds
// the queued reviews, answering SQS with the messages that failed.
package main

import (
	"github.com/lucian-app/phase12/shared/wiring"
	"github.com/lucian-app/phase12/shared/wiring/fanoutwire"
	"github.com/lucian-app/phase12/shared/wiring/ssmparam"
)

func main() { wiring.Main("WeeklyReviewWorkerFunction", ssmparam.With(fanoutwire.WeeklyReviewWorker)) }
