// Command undo is UndoFunction: takes back a creation within its window.
package main

import (
	"github.com/lucian-app/phase12/shared/wiring"
	"github.com/lucian-app/phase12/shared/wiring/ssmparam"
)

func main() { wiring.Main("UndoFunction", ssmparam.With(wiring.Undo)) }
