package nextaction

import (
	"context"
	"time"

	"github.com/lucian-app/phase12/shared/bucketing"
	"github.com/lucian-app/phase12/shared/tasks"
)

// Bounds of one GET /tasks/next.
const (
	DefaultLimit = 3
	MaxLimit     = 20
	// MaxCandidates is how much of the today view is ranked: its first page of this
	// size, in today order (overdue first, oldest due first). The store reads at most
	// the candidates plus one page of items for it.
	MaxCandidates = 200
	// MaxDismissed is how many of today's dismissals are read: enough for any day a
	// person has, and a bound on the read.
	MaxDismissed = 200
	// MaxGoalLookups is how many distinct goals of the candidates are read: the first
	// ones in today order, so one BatchGetItem (100 keys a call) reads them all; a
	// candidate whose goal is past the first 100 distinct ones gets no goal rule.
	MaxGoalLookups = 100
)

// The holdout: a stable HoldoutShare of users, bucketed on their sub with GrowthBook's
// hash (shared/bucketing) and HoldoutSeed, served the rules order alone, so the digest
// can compare the start rate of suggestions with and without the tie-breakers. Changing
// the seed reshuffles the holdout, so it is a constant.
const (
	HoldoutSeed  = "next-action-holdout-v1"
	HoldoutShare = 0.05
)

// InHoldout reports whether user is in the holdout.
func InHoldout(user string) bool { return bucketing.In(HoldoutSeed, user, HoldoutShare) }

// Candidates reads one page of the today view (the store's today range).
type Candidates interface {
	TodayTasks(ctx context.Context, owner string, w tasks.TodayWindow, p tasks.Page) ([]tasks.Task, string, error)
}

// StatsReader reads a user's statistics as of now: one item.
type StatsReader interface {
	NextStats(ctx context.Context, owner string, now time.Time) (Stats, error)
}

// GoalReader reads those of the owner's goals ids names that exist (one BatchGetItem for
// up to 100 ids; appstore.Store.GoalsByID).
type GoalReader interface {
	GoalsByID(ctx context.Context, owner string, ids []string) (map[string]tasks.Goal, error)
}

// Companion says whether the user's Lucian settings silence suggestions at now (Lucian
// off, or quiet hours in the settings' zone, else the device's).
type Companion interface {
	Silenced(ctx context.Context, user string, now time.Time, device *time.Location) (bool, error)
}

// Dismissals lists the tasks the user dismissed from a suggestion in [from, to).
type Dismissals interface {
	Dismissed(ctx context.Context, user string, from, to time.Time, limit int) (map[string]bool, error)
}

// Service answers GET /tasks/next.
type Service struct {
	Tasks Candidates
	Stats StatsReader
	// Goals, when set, reads the candidates' goals for the goal rule (nil: no goal rule).
	Goals GoalReader
	// Companion is asked only for context=lucian; Dismissals may be nil (none).
	Companion  Companion
	Dismissals Dismissals
	Now        func() time.Time
	// Holdout places a user (nil: InHoldout).
	Holdout func(user string) bool
}

// Request is one GET /tasks/next.
type Request struct {
	Loc   *time.Location
	Limit int
	// Lucian: the app asks on Lucian's behalf (context=lucian), so his quiet hours apply.
	Lucian bool
}

// Answer is GET /tasks/next's body.
type Answer struct {
	Next         []Suggestion `json:"next"`
	RulesVersion string       `json:"rules_version"`
	Holdout      bool         `json:"holdout"`
	// Quiet: asked with context=lucian while the companion settings say quiet (or Lucian
	// is off): no suggestion, and nothing else was read.
	Quiet bool `json:"quiet,omitempty"`
}

// Next ranks the user's today candidates. Reads: the companion settings (context=lucian
// only, first, so a quiet answer reads nothing more), one page of MaxCandidates of the
// today view, the statistics item, today's dismissals and the candidates' distinct goals
// (one BatchGetItem of at most MaxGoalLookups, only when a candidate has a goal).
func (s *Service) Next(ctx context.Context, user string, r Request) (Answer, error) {
	now := s.Now()
	holdout := s.Holdout
	if holdout == nil {
		holdout = InHoldout
	}
	ans := Answer{Next: []Suggestion{}, RulesVersion: Version, Holdout: holdout(user)}
	if r.Lucian && s.Companion != nil {
		quiet, err := s.Companion.Silenced(ctx, user, now, r.Loc)
		if err != nil {
			return Answer{}, err
		}
		if quiet {
			ans.Quiet = true
			return ans, nil
		}
	}
	w := tasks.TodayWindowAt(r.Loc, now)
	cands, _, err := s.Tasks.TodayTasks(ctx, user, w, tasks.Page{Limit: MaxCandidates})
	if err != nil {
		return Answer{}, err
	}
	if len(cands) == 0 {
		return ans, nil
	}
	var st Stats
	if !ans.Holdout {
		// The holdout's answer does not depend on its statistics: not read.
		if st, err = s.Stats.NextStats(ctx, user, now); err != nil {
			return Answer{}, err
		}
	}
	var dismissed map[string]bool
	if s.Dismissals != nil {
		y, m, d := now.In(r.Loc).Date()
		start := time.Date(y, m, d, 0, 0, 0, 0, r.Loc) // today, in the user's zone
		if dismissed, err = s.Dismissals.Dismissed(ctx, user, start, now.Add(time.Second), MaxDismissed); err != nil {
			return Answer{}, err
		}
	}
	var goals map[string]tasks.Goal
	if ids := GoalIDs(cands); s.Goals != nil && len(ids) > 0 {
		// A rule, not a tie-breaker: the holdout gets it too.
		if goals, err = s.Goals.GoalsByID(ctx, user, ids); err != nil {
			return Answer{}, err
		}
	}
	ans.Next = Rank(Input{Now: now, Loc: r.Loc, Candidates: cands, Stats: st, Holdout: ans.Holdout, Dismissed: dismissed,
		Goals: goals, Limit: r.Limit})
	return ans, nil
}

// GoalIDs are the distinct goal ids of cands, in their order, at most MaxGoalLookups.
func GoalIDs(cands []tasks.Task) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range cands {
		if t.GoalID == nil || seen[*t.GoalID] {
			continue
		}
		if len(out) == MaxGoalLookups {
			break
		}
		seen[*t.GoalID] = true
		out = append(out, *t.GoalID)
	}
	return out
}
