package wiring

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/lucian-app/phase12/shared/degrade"
	"github.com/lucian-app/phase12/shared/dynamo"
)

// EnvDeadlineScale multiplies every deadline budget, per-attempt timeout and slow-call
// threshold (1 to 100, default 1). The budgets are cut to DynamoDB's single-digit
// milliseconds; DynamoDB Local on a laptop or a busy CI host answers its first calls (a
// cold JVM) in hundreds of milliseconds, so the local runner with DYNAMODB=local and the
// test harness run with a larger scale. Deployed functions leave it unset.
const EnvDeadlineScale = "DEADLINE_SCALE"

// deadlineScale reads EnvDeadlineScale.
func deadlineScale(d Deps) (float64, error) {
	v := strings.TrimSpace(d.Getenv(EnvDeadlineScale))
	if v == "" {
		return 1, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 1 || f > 100 {
		return 0, fmt.Errorf("configuration: %s=%q is not a number from 1 to 100", EnvDeadlineScale, v)
	}
	return f, nil
}

func scaled(t time.Duration, f float64) time.Duration { return time.Duration(float64(t) * f) }

// budgeted gives each request of h its route's deadline budget (degrade.DefaultBudgets:
// the SLO threshold less a margin; other routes degrade.DefaultOtherRoutes), times the
// deadline scale.
func budgeted(d Deps, h http.Handler) (http.Handler, error) {
	f, err := deadlineScale(d)
	if err != nil {
		return nil, err
	}
	routes := degrade.DefaultBudgets()
	for k, b := range routes {
		routes[k] = degrade.Budget{SLO: scaled(b.SLO, f), Margin: scaled(b.Margin, f)}
	}
	return degrade.Deadlines{Routes: routes, Other: scaled(degrade.DefaultOtherRoutes, f)}.Wrap(h), nil
}

// guard is a table's circuit breaker in this warm instance, with a timeout on each
// attempt, both times the deadline scale.
func guard(d Deps, api dynamo.API, name string) (*dynamo.Guard, error) {
	f, err := deadlineScale(d)
	if err != nil {
		return nil, err
	}
	s := degrade.DefaultBreakerSettings(name)
	s.SlowCall = scaled(s.SlowCall, f)
	return &dynamo.Guard{API: api, Breaker: degrade.NewBreaker(s, dynamo.Transient, nil),
		AttemptTimeout: scaled(dynamo.DefaultAttemptTimeout, f)}, nil
}
