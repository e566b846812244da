package wiring

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/lucian-app/phase12/shared/hint"
	"github.com/lucian-app/phase12/shared/hintguard"
	"github.com/lucian-app/phase12/shared/hintstore"
)

// Environment variables of HintCooldownFunction, set by template.yaml.
const (
	// EnvHintTable is HintTable, the companion's own table.
	EnvHintTable = "HINT_TABLE"
	// EnvHintsEnabled "false" silences every hint (reason flag_off); default true.
	EnvHintsEnabled = "HINTS_ENABLED"
	// EnvBreakInviteRolloutPercent is the share of users, 0 (the default: off) to 100, who
	// get break invites, bucketed stably on their sub (bucketing.Bucket).
	EnvBreakInviteRolloutPercent = "BREAK_INVITE_ROLLOUT_PERCENT"
	// EnvLucianHoldoutPercent is the share of users, 0 (the default) to 100, held out of
	// every hint, the baseline of the retention comparison.
	EnvLucianHoldoutPercent = "LUCIAN_HOLDOUT_PERCENT"
)

// experiment reads the flag and the experiment's shares.
func experiment(d Deps) (hint.Experiment, error) {
	e := hint.DefaultExperiment()
	if v := strings.TrimSpace(d.Getenv(EnvHintsEnabled)); v != "" {
		on, err := strconv.ParseBool(v)
		if err != nil {
			return e, fmt.Errorf("configuration: %s=%q is not true or false", EnvHintsEnabled, v)
		}
		e.Enabled = on
	}
	for _, p := range []struct {
		name string
		dst  *float64
	}{{EnvBreakInviteRolloutPercent, &e.BreakRollout}, {EnvLucianHoldoutPercent, &e.Holdout}} {
		v := strings.TrimSpace(d.Getenv(p.name))
		if v == "" {
			continue
		}
		n, err := strconv.ParseFloat(v, 64)
		if err != nil || n < 0 || n > 100 {
			return e, fmt.Errorf("configuration: %s=%q is not a percentage from 0 to 100", p.name, v)
		}
		*p.dst = n / 100
	}
	return e, nil
}

// HintCooldown builds HintCooldownFunction: POST /hints/next, POST /hints/{id}/events and
// GET and PUT /companion/settings over HintTable, with the guardrail that tightens a
// cohort's caps. A broken copy catalogue fails INIT.
func HintCooldown(d Deps) (any, error) {
	table, err := Required(d, EnvHintTable)
	if err != nil {
		return nil, err
	}
	exp, err := experiment(d)
	if err != nil {
		return nil, err
	}
	cat, err := hint.DefaultCatalog()
	if err != nil {
		return nil, err
	}
	levers, err := Levers(d)
	if err != nil {
		return nil, err
	}
	store := hintstore.New(d.DynamoDB, table)
	svc := &hint.Service{Store: store, Catalog: cat, Limits: hint.DefaultLimits(),
		Experiment: exp, Levers: levers, Now: d.Now, NewID: d.NewID, Log: d.Log,
		// The guardrail: a cohort's caps tighten on the days its last week says so.
		Guard: &hintguard.Keeper{Source: store, Rule: hintguard.DefaultRule()}}
	return HTTPFunction(d, hint.Handler(svc, d.Log, d.Now)), nil
}

// companion is the Lucian settings GET /tasks/next?context=lucian respects, read from
// HintTable (one projected GetItem).
type companion struct{ store *hintstore.Store }

func (c companion) Silenced(ctx context.Context, user string, now time.Time, device *time.Location) (bool, error) {
	set, err := c.store.Settings(ctx, user)
	if err != nil {
		return false, err
	}
	return set.Silences(now, device), nil
}

// defaultCompanion stands in where HINT_TABLE is not set (the template always sets it
// for TasksFunction; tests that build the function alone may not): every user has the
// settings of one who never saved any, hint.DefaultSettings.
type defaultCompanion struct{}

func (defaultCompanion) Silenced(_ context.Context, _ string, now time.Time, device *time.Location) (bool, error) {
	return hint.DefaultSettings().Silences(now, device), nil
}
