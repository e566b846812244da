package review

import (
	"time"

	"github.com/lucian-app/phase12/shared/intent"
)

// Completion is one task completed: the completion-by-day item AppTable writes in the
// transaction that completes the task (appstore, DONE#).
type Completion struct {
	TaskID string
	Title  string
	// Due is the task's due when it was completed ("" undated).
	Due string
	At  time.Time
}

// OpenTask is a task still open when the review is generated.
type OpenTask struct {
	ID        string
	Title     string
	Due       string // "" undated
	CreatedAt time.Time
}

// Command is one entry of the command OS's audit trail.
type Command struct {
	At      time.Time
	Type    string
	Outcome string
}

// Goal is one of the user's goals.
type Goal struct {
	ID         string
	Title      string
	TargetDate string // "" none
}

// History is what the reviews stored before this week say.
type History struct {
	// PriorReviews counts the user's stored reviews of earlier weeks; LastActiveWeek is the
	// newest of them that was not empty ("" none).
	PriorReviews   int
	LastActiveWeek string
	// Prev is the stored review of the week before, nil if there is none: the source of
	// the previous values of state cards (carry-over, goals, streak).
	Prev *Review
}

// Facts are everything one review is built from, all of it bounded by the week: the store
// reads completions and commands of this week and the one before, the open tasks due by the
// week's end (bounded by the open-task quota, and capped, see Truncated), the goals
// (bounded by the goal quota) and two review items.
type Facts struct {
	User string
	Week Week
	// Completions and Commands lie in [Week.Prev().Start(), Week.End()).
	Completions []Completion
	Commands    []Command
	// Open are the open tasks due before Week.End() or undated.
	Open  []OpenTask
	Goals []Goal
	// Truncated says the store stopped reading open tasks at its cap: carry-over counts
	// are then lower bounds ("at least").
	Truncated bool
	History   History
}

// Review is one user's review of one week (DESIGN §7 GET /reviews/weekly).
type Review struct {
	ID              string           `json:"id"`
	Week            string           `json:"week"`
	From            time.Time        `json:"from"`
	To              time.Time        `json:"to"`
	Timezone        string           `json:"timezone"`
	Summary         string           `json:"summary"`
	Situation       Situation        `json:"situation"`
	Cards           []Card           `json:"cards"`
	Recommendations []Recommendation `json:"recommendations"`
	Holdout         bool             `json:"holdout"`
	GeneratedAt     time.Time        `json:"generated_at"`
}

// Situation is the class the rules put the week in, and why.
type Situation struct {
	Class       string `json:"class"`
	RuleVersion string `json:"rule_version"`
	Why         string `json:"why"`
}

// Card is one piece of evidence: a value, last week's, the change, and the window the data
// came from. Parts break the value down (planned and completed, slipped and never
// scheduled, one per weekday ...).
type Card struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Metric   string `json:"metric"`
	Value    int    `json:"value"`
	Previous *int   `json:"previous"`
	Delta    *int   `json:"delta"`
	Window   Window `json:"window"`
	Parts    []Part `json:"parts"`
	AtLeast  bool   `json:"at_least,omitempty"`
	Unit     string `json:"unit"`
}

// Part is one number of a card's breakdown.
type Part struct {
	Name     string `json:"name"`
	Value    int    `json:"value"`
	Previous *int   `json:"previous"`
}

// Window is the data window of a card, [From, To).
type Window struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// Recommendation is one suggestion, the evidence it rests on, and the action adopting it runs.
type Recommendation struct {
	ID     string        `json:"id"`
	RuleID string        `json:"rule_id"`
	Text   string        `json:"text"`
	Cites  []Cite        `json:"cites"`
	Action intent.Intent `json:"action"`
	State  string        `json:"state"`
	// Rephrased is true when Text is the AI rephrase's (kept by Keeps), false when it is
	// the deterministic text: the variant the digest compares adoption by. Not part of
	// the answer; reviewstore keeps it beside the review.
	Rephrased bool `json:"-"`
}

// Cite is one number a recommendation rests on: a card's value or one of its parts.
type Cite struct {
	Card  string `json:"card"`
	Part  string `json:"part,omitempty"`
	Value int    `json:"value"`
}

// Recommendation states.
const (
	StateOpen      = "open"
	StateAdopted   = "adopted"
	StateDismissed = "dismissed"
)

// Card ids.
const (
	CardPlanned  = "planned_vs_completed"
	CardCarry    = "carry_over"
	CardWeekday  = "completion_by_weekday"
	CardGoals    = "goal_progress"
	CardStreak   = "streak"
	CardCommands = "command_use"
)

// Situation classes.
const (
	ClassEmpty      = "empty_week"
	ClassNewUser    = "new_user"
	ClassReturning  = "returning"
	ClassOverloaded = "overloaded"
	ClassDrifting   = "drifting"
	ClassSteady     = "steady"
)

// Part returns the named part of c and whether it exists.
func (c Card) Part(name string) (Part, bool) {
	for _, p := range c.Parts {
		if p.Name == name {
			return p, true
		}
	}
	return Part{}, false
}

// Card returns the review's card id, if it has one.
func (r Review) Card(id string) (Card, bool) {
	for _, c := range r.Cards {
		if c.ID == id {
			return c, true
		}
	}
	return Card{}, false
}
