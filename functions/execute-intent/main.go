// Command execute-intent is ExecuteIntentFunction: intent preview,
// confirm-gated execution with idempotency keys, and the audit trail.
package main

import (
	"github.com/lucian-app/phase12/shared/wiring"
	"github.com/lucian-app/phase12/shared/wiring/ssmparam"
)

func main() { wiring.Main("ExecuteIntentFunction", ssmparam.With(wiring.ExecuteIntent)) }
