package alert

import (
	"context"
	"errors"
	"time"

	"github.com/lucian-app/phase12/shared/burnrate"
)

// NoData is the objective name of a flow's no-data ticket.
const NoData = "no_data"

// NoDataRunbook is the runbook of every no-data ticket.
const NoDataRunbook = "docs/runbooks/no-data.md"

// Key names one alert state.
type Key struct {
	Flow      string
	Objective string
	Severity  burnrate.Severity
}

func (k Key) String() string { return k.Flow + "/" + k.Objective + "/" + string(k.Severity) }

// DedupKey is the same for every incident of the key, so a paging service can match a
// resolve to its trigger.
func (k Key) DedupKey() string { return "phase12/" + k.String() }

// Status is where an incident is in its life.
type Status string

// The statuses of an incident.
const (
	Firing   Status = "firing"
	Resolved Status = "resolved"
)

// Verdicts an acknowledger may give, to measure alert noise.
const (
	TruePositive  = "true_positive"
	FalsePositive = "false_positive"
)

// RuleRate is one rule's verdict at the time an incident opened.
type RuleRate struct {
	Rule          string            `json:"rule"`
	Severity      burnrate.Severity `json:"severity"`
	Threshold     float64           `json:"threshold"`
	LongWindowMs  int64             `json:"long_window_ms"`
	LongBurnRate  float64           `json:"long_burn_rate"`
	ShortWindowMs int64             `json:"short_window_ms"`
	ShortBurnRate float64           `json:"short_burn_rate"`
	Firing        bool              `json:"firing"`
	LowTraffic    bool              `json:"low_traffic"`
}

// Alert is one incident: what fired, the evidence when it fired, and what people did.
type Alert struct {
	ID        string            `json:"id"`
	Flow      string            `json:"flow"`
	Objective string            `json:"objective"`
	Severity  burnrate.Severity `json:"severity"`
	State     Status            `json:"state"`
	DedupKey  string            `json:"dedup_key"`
	Summary   string            `json:"summary"`

	// The rule quoted (the firing rule of the severity with the highest long burn rate).
	Rule            string     `json:"rule"`
	Threshold       float64    `json:"threshold"`
	LongWindowMs    int64      `json:"long_window_ms"`
	LongBurnRate    float64    `json:"long_burn_rate"`
	ShortWindowMs   int64      `json:"short_window_ms"`
	ShortBurnRate   float64    `json:"short_burn_rate"`
	Bad             uint64     `json:"bad"`
	Total           uint64     `json:"total"`
	BudgetRemaining float64    `json:"budget_remaining"`
	Target          float64    `json:"target"`
	Rules           []RuleRate `json:"rules"`
	Runbook         string     `json:"runbook"`
	SLOVersion      int        `json:"slo_version"`

	TriggeredAt       time.Time  `json:"triggered_at"`
	NotifiedAt        *time.Time `json:"notified_at"`
	ResolvedAt        *time.Time `json:"resolved_at"`
	ResolveNotifiedAt *time.Time `json:"resolve_notified_at"`

	AcknowledgedAt   *time.Time `json:"acknowledged_at"`
	AcknowledgedBy   *string    `json:"acknowledged_by"`
	TimeToAckSeconds *int64     `json:"time_to_ack_seconds"`
	Verdict          *string    `json:"verdict"`
}

// Key is the alert's state key.
func (a Alert) Key() Key { return Key{Flow: a.Flow, Objective: a.Objective, Severity: a.Severity} }

// State is the current incident of a key, as the checker keeps it.
type State struct {
	Alert Alert
	// ClearSince is when the condition of a firing alert was first seen clear.
	ClearSince *time.Time
	// Version increases by one with every write; writes are conditional on it.
	Version int64
}

// ErrStale reports that another run changed the state since it was read.
var ErrStale = errors.New("alert: the state changed since it was read")

// Store keeps alert states and incidents. Only the checker calls it.
type Store interface {
	// States returns every alert state.
	States(ctx context.Context) ([]State, error)
	// Save writes next if the stored state of its key is at next.Version-1 (absent when
	// next.Version is 1), else returns ErrStale. It also writes the incident's record:
	// the whole record when opened, else only the lifecycle fields (state, notified,
	// resolved), never the acknowledgement.
	Save(ctx context.Context, next State, opened bool) error
}

// Message is what the publisher sends.
type Message struct {
	Subject    string
	Body       string
	Attributes map[string]string
}

// Publisher delivers messages to the on-call channel (SNS).
type Publisher interface {
	// Publish returns nil only once the channel accepted the message.
	Publish(ctx context.Context, m Message) error
}

// Actions of a message.
const (
	ActionTrigger = "trigger"
	ActionResolve = "resolve"
)
