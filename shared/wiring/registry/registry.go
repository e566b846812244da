// Package registry maps each function of template.yaml to its builder: the local runner
// and the tests that tour every function import it. A deployed function never does: its
// main.go imports its own builder only, so its binary links only what it serves
// (TestEachFunctionLinksOnlyItsOwnClients).
package registry

import (
	"github.com/lucian-app/phase12/shared/wiring"
	"github.com/lucian-app/phase12/shared/wiring/authwire"
	"github.com/lucian-app/phase12/shared/wiring/digestwire"
	"github.com/lucian-app/phase12/shared/wiring/fanoutwire"
	"github.com/lucian-app/phase12/shared/wiring/opswire"
	"github.com/lucian-app/phase12/shared/wiring/reviewwire"
)

// Functions maps each template logical ID to its builder. A function added to
// template.yaml is served by the local runner once it is listed here.
func Functions() map[string]wiring.Builder {
	return map[string]wiring.Builder{
		"TasksFunction":              wiring.Tasks,
		"ExecuteIntentFunction":      wiring.ExecuteIntent,
		"UndoFunction":               wiring.Undo,
		"FlowMetricsFunction":        wiring.FlowMetrics,
		"BurnRateCheckFunction":      wiring.BurnRateCheck,
		"OpsFunction":                opswire.Ops,
		"OpsAuthorizerFunction":      authwire.OpsAuthorizer,
		"WeeklyDigestFunction":       digestwire.WeeklyDigest,
		"HintCooldownFunction":       wiring.HintCooldown,
		"WeeklyReviewFunction":       reviewwire.WeeklyReview,
		"WeeklyReviewWorkerFunction": fanoutwire.WeeklyReviewWorker,
	}
}
