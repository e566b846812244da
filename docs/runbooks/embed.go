// Package runbooks holds the runbooks (docs/runbooks/*.md) in the binary, so the alert page
// (GET /ops/alerts/{id}) shows the one its alert names without reaching the repository.
package runbooks

import "embed"

// FS holds every runbook, by file name (create_task-availability.md, no-data.md, ...).
//
//go:embed *.md
var FS embed.FS
