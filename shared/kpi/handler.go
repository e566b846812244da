package kpi

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/httpapi"
)

// MaxActionsPerWeek bounds a week's review log (and so every read of it).
const MaxActionsPerWeek = 50

// Field bounds of an action.
const (
	maxDecision = 500
	maxOwner    = 100
)

// Actions keeps the review's action log (shared/opsstore).
type Actions interface {
	// CreateAction stores a new action; past MaxActionsPerWeek in its week, quota_exceeded.
	CreateAction(ctx context.Context, a Action) error
	// SetActionStatus closes or reopens an action; unknown id, not_found.
	SetActionStatus(ctx context.Context, id, status string, at time.Time) (Action, error)
	// ListActions returns a week's actions, oldest first (at most MaxActionsPerWeek).
	ListActions(ctx context.Context, week string) ([]Action, error)
}

// Review is the KPI review's service.
type Review struct {
	Catalog Catalog
	Actions Actions
	// Report returns the KPI section of the week's digest, nil before it exists.
	Report func(ctx context.Context, week string) (*Report, error)
	Now    func() time.Time
	NewID  func() string
}

var weekRE = regexp.MustCompile(`^(\d{4})-W(\d{2})$`)

// ParseWeek checks an ISO week such as 2026-W49.
func ParseWeek(s string) (string, error) {
	m := weekRE.FindStringSubmatch(s)
	if m == nil {
		return "", apperr.Field("week", "%q is not an ISO week such as 2026-W49", clip(s))
	}
	y, _ := strconv.Atoi(m[1])
	n, _ := strconv.Atoi(m[2])
	// The Thursday of week n lies in year y for every real week.
	jan4 := time.Date(y, 1, 4, 0, 0, 0, 0, time.UTC)
	thu := jan4.AddDate(0, 0, -int((jan4.Weekday()+6)%7)+3+7*(n-1))
	if yy, nn := thu.ISOWeek(); n < 1 || yy != y || nn != n {
		return "", apperr.Field("week", "%d has no week %d", y, n)
	}
	return s, nil
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

type actionRequest struct {
	KPI      *string `json:"kpi"`
	Decision *string `json:"decision"`
	Owner    *string `json:"owner"`
	Due      *string `json:"due"`
}

type statusRequest struct {
	Status *string `json:"status"`
}

// ReviewPage is GET /ops/kpi-review/{week}.
type ReviewPage struct {
	Week           string   `json:"week"`
	CatalogVersion int      `json:"catalog_version"`
	P1Definition   string   `json:"p1_definition"`
	KPIs           []Value  `json:"kpis"`
	PhaseGate      *Gate    `json:"phase_gate"`
	Actions        []Action `json:"actions"`
}

func text(field string, v *string, max int) (string, error) {
	if v == nil || strings.TrimSpace(*v) == "" {
		return "", apperr.Field(field, "required")
	}
	if utf8.RuneCountInString(*v) > max {
		return "", apperr.Field(field, "at most %d characters", max)
	}
	return strings.TrimSpace(*v), nil
}

// Handler serves the review's routes (ops group).
func Handler(rv *Review, log *slog.Logger, now func() time.Time) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST /ops/kpi-review/{week}/actions", httpapi.WithGroup(httpapi.OpsGroup, func(w http.ResponseWriter, r *http.Request, id httpapi.Identity) {
		a, err := rv.create(r, id.UserID)
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusCreated, map[string]Action{"action": a})
	}))
	mux.Handle("PATCH /ops/kpi-review/actions/{id}", httpapi.WithGroup(httpapi.OpsGroup, func(w http.ResponseWriter, r *http.Request, _ httpapi.Identity) {
		var in statusRequest
		if err := httpapi.DecodeJSON(r, &in); err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		if in.Status == nil || (*in.Status != Open && *in.Status != Done && *in.Status != Dropped) {
			httpapi.WriteError(w, r, apperr.Field("status", "must be %q, %q or %q", Open, Done, Dropped))
			return
		}
		id := r.PathValue("id")
		if len(id) > 128 {
			httpapi.WriteError(w, r, apperr.New(apperr.NotFound, "no action %q", clip(id)))
			return
		}
		a, err := rv.Actions.SetActionStatus(r.Context(), id, *in.Status, rv.Now())
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		a.Overdue = a.IsOverdue(rv.Now())
		httpapi.WriteJSON(w, http.StatusOK, map[string]Action{"action": a})
	}))
	mux.Handle("GET /ops/kpi-review/{week}", httpapi.WithGroup(httpapi.OpsGroup, func(w http.ResponseWriter, r *http.Request, _ httpapi.Identity) {
		week, err := ParseWeek(r.PathValue("week"))
		if err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		page := ReviewPage{Week: week, CatalogVersion: rv.Catalog.Version, P1Definition: rv.Catalog.P1, KPIs: []Value{}}
		if rep, err := rv.Report(r.Context(), week); err != nil {
			httpapi.WriteError(w, r, err)
			return
		} else if rep != nil {
			page.KPIs, page.PhaseGate = rep.KPIs, &rep.Gate
		}
		if page.Actions, err = rv.Actions.ListActions(r.Context(), week); err != nil {
			httpapi.WriteError(w, r, err)
			return
		}
		for i := range page.Actions {
			page.Actions[i].Overdue = page.Actions[i].IsOverdue(rv.Now())
		}
		httpapi.WriteJSON(w, http.StatusOK, page)
	}))
	return httpapi.Wrap(mux, log, now)
}

func (rv *Review) create(r *http.Request, user string) (Action, error) {
	week, err := ParseWeek(r.PathValue("week"))
	if err != nil {
		return Action{}, err
	}
	var in actionRequest
	if err := httpapi.DecodeJSON(r, &in); err != nil {
		return Action{}, err
	}
	a := Action{Week: week, Status: Open, CreatedBy: user, CreatedAt: rv.Now().UTC()}
	if in.KPI == nil || !rv.known(*in.KPI) {
		return Action{}, apperr.Field("kpi", "must be a KPI of the catalogue (%s)", strings.Join(rv.ids(), ", "))
	}
	a.KPI = *in.KPI
	if a.Decision, err = text("decision", in.Decision, maxDecision); err != nil {
		return Action{}, err
	}
	if a.Owner, err = text("owner", in.Owner, maxOwner); err != nil {
		return Action{}, err
	}
	if in.Due == nil {
		return Action{}, apperr.Field("due", "required: a date YYYY-MM-DD")
	}
	if _, err := time.Parse(time.DateOnly, *in.Due); err != nil {
		return Action{}, apperr.Field("due", "must be a date YYYY-MM-DD, not %q", clip(*in.Due))
	}
	a.Due = *in.Due
	a.ID = fmt.Sprintf("%s.%s", week, rv.NewID())
	if err := rv.Actions.CreateAction(r.Context(), a); err != nil {
		return Action{}, err
	}
	return a, nil
}

func (rv *Review) known(id string) bool {
	for _, k := range rv.Catalog.KPIs {
		if k.ID == id {
			return true
		}
	}
	return false
}

func (rv *Review) ids() []string {
	out := make([]string, len(rv.Catalog.KPIs))
	for i, k := range rv.Catalog.KPIs {
		out[i] = k.ID
	}
	return out
}

// ActionsWeekOf is the week an action id belongs to ("" when it names none).
func ActionsWeekOf(id string) string {
	w, _, ok := strings.Cut(id, ".")
	if !ok || !weekRE.MatchString(w) {
		return ""
	}
	return w
}
