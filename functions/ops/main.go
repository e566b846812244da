// Command ops is OpsFunction: the ops group's SLO snapshot, incident list and acks.
package main

import (
	"github.com/lucian-app/phase12/shared/wiring"
	"github.com/lucian-app/phase12/shared/wiring/opswire"
	"github.com/lucian-app/phase12/shared/wiring/ssmparam"
)

func main() { wiring.Main("OpsFunction", ssmparam.With(opswire.Ops)) }
