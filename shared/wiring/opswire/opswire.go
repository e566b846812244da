// Package opswire builds OpsFunction (the ops routes, the ops page, an alert's page, the
// browser sign-in): the only binary that links the ops page's templates and runbooks.
package opswire

import (
	"net/http"

	"github.com/lucian-app/phase12/shared/alert"
	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/burnrate"
	"github.com/lucian-app/phase12/shared/flake"
	"github.com/lucian-app/phase12/shared/httpapi"
	"github.com/lucian-app/phase12/shared/kpi"
	"github.com/lucian-app/phase12/shared/ops"
	"github.com/lucian-app/phase12/shared/opsauth"
	"github.com/lucian-app/phase12/shared/wiring"
	"github.com/lucian-app/phase12/shared/wiring/authwire"
	"github.com/lucian-app/phase12/shared/wiring/secret"
)

// Clients are the clients these builders use beyond wiring.Deps; a nil one is made from
// the SDK configuration (deployed) or absent (the local runner). Tests give fakes here.
type Clients struct {
	// Secrets reads the session key's secret (OPS_SESSION_SECRET_ARN).
	Secrets secret.API
}

// Ops builds OpsFunction.
func Ops(d wiring.Deps) (any, error) { return Clients{}.Ops(d) }

// Ops builds OpsFunction with c.
func (c Clients) Ops(d wiring.Deps) (any, error) {
	store, cat, err := wiring.OpsStore(d)
	if err != nil {
		return nil, err
	}
	blockers, err := flake.DefaultBlockers()
	if err != nil {
		return nil, err
	}
	gate := &flake.Gate{Blockers: blockers, Store: store, Now: d.Now}
	levers, err := wiring.Levers(d)
	if err != nil {
		return nil, err
	}
	svc := &ops.Service{Catalog: cat, Rules: burnrate.Rules(), NoData: alert.DefaultNoDataRule(),
		Metrics: store, States: store, Records: store, Incidents: store, Digests: store, Levers: levers, Flakes: gate, Now: d.Now}
	mux := http.NewServeMux()
	mux.Handle("/", ops.Handler(svc, d.Log, d.Now))
	fh := flake.Handler(gate, d.Log, d.Now)
	mux.Handle("POST /ci/runs", fh)
	mux.Handle("GET /ops/flakes", fh)
	kcat, err := kpi.Default()
	if err != nil {
		return nil, err
	}
	review := &kpi.Review{Catalog: kcat, Actions: store, Report: wiring.PastKPI(store), Now: d.Now, NewID: d.NewID}
	kh := kpi.Handler(review, d.Log, d.Now)
	mux.Handle("POST /ops/kpi-review/{week}/actions", kh)
	mux.Handle("PATCH /ops/kpi-review/actions/{id}", kh)
	mux.Handle("GET /ops/kpi-review/{week}", kh)
	h, err := c.signInRoutes(d, mux, mux)
	if err != nil {
		return nil, err
	}
	return wiring.HTTPFunction(d, h), nil
}

// signInRoutes adds the sign-in routes to mux (answering 404 naming the setting when
// sign-in is off) and returns h behind the CSRF check.
func (c Clients) signInRoutes(d wiring.Deps, mux *http.ServeMux, h http.Handler) (http.Handler, error) {
	a, err := authwire.Clients{Secrets: c.Secrets}.Auth(d)
	if err != nil {
		return nil, err
	}
	wrap := func(f http.HandlerFunc) http.Handler { return httpapi.Wrap(f, d.Log, d.Now) }
	if a == nil {
		off := wrap(func(w http.ResponseWriter, r *http.Request) {
			httpapi.WriteError(w, r, apperr.New(apperr.NotFound, "browser sign-in is not configured (%s is unset); locally, start the runner with LOCAL_OIDC=dev", wiring.EnvOIDCIssuer))
		})
		mux.Handle("GET "+opsauth.LoginPath, off)
		mux.Handle("GET "+opsauth.CallbackPath, off)
		mux.Handle("POST "+opsauth.LogoutPath, off)
	} else {
		mux.Handle("GET "+opsauth.LoginPath, wrap(a.Login))
		mux.Handle("GET "+opsauth.CallbackPath, wrap(a.Callback))
		mux.Handle("POST "+opsauth.LogoutPath, wrap(a.Logout))
	}
	return opsauth.RequireCSRF(h), nil
}
