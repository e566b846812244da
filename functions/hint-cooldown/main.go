// Command hint-cooldown is HintCooldownFunction: may Lucian speak now (POST /hints/next),
// feedback on his hints, and the companion settings.
package main

import (
	"github.com/lucian-app/phase12/shared/wiring"
	"github.com/lucian-app/phase12/shared/wiring/ssmparam"
)

func main() { wiring.Main("HintCooldownFunction", ssmparam.With(wiring.HintCooldown)) }
