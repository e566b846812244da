// Command tasks is TasksFunction: tasks and goals, the today_load and
// create_task flows.
package main

import "github.com/lucian-app/phase12/shared/wiring"

func main() { wiring.Main("TasksFunction", wiring.Tasks) }
