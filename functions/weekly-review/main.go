// Command weekly-review is WeeklyReviewFunction: the caller's weekly review (built on
// demand when the schedule has not built it yet), adopting and dismissing its
// recommendations, and the review's events.
package main

import (
	"github.com/lucian-app/phase12/shared/wiring"
	"github.com/lucian-app/phase12/shared/wiring/reviewwire"
	"github.com/lucian-app/phase12/shared/wiring/ssmparam"
)

func main() { wiring.Main("WeeklyReviewFunction", ssmparam.With(reviewwire.WeeklyReview)) }
