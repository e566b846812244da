// Command execute-intent is ExecuteIntentFunction: intent preview,
// confirm-gated execution with idempotency keys, and the audit trail.
package main

import "github.com/lucian-app/phase12/shared/wiring"

func main() { wiring.Main("ExecuteIntentFunction", wiring.ExecuteIntent) }
