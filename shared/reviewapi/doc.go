// Package reviewapi serves the weekly review (DESIGN §7): it reads a user's week
// (AppTable, bounded by the week), builds the review (shared/review), keeps it once
// (shared/reviewstore), adopts a recommendation by executing its action through the
// command OS's engine (shared/execute) exactly once, and takes the client's events. The
// schedule's worker (worker.go) generates the same reviews through the same Generate.
//
// It holds no item layout and no rule of the review: those are the store's and the
// review package's.
package reviewapi
