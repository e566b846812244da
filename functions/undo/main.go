// Command undo is UndoFunction: takes back a creation within its window.
package main

import "github.com/lucian-app/phase12/shared/wiring"

func main() { wiring.Main("UndoFunction", wiring.Undo) }
