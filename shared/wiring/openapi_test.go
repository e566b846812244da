package wiring_test

import (
	"slices"
	"testing"

	"github.com/lucian-app/phase12/shared/apispec"
)

// TestTheTourConformsToTheAPIDescription: every answer the functions give in the tour (the
// successes and the errors of the contract) is documented in docs/openapi.yaml for its route
// and status, and its body and headers conform to the schema there; every described route is
// called at least once, so no part of the description goes unchecked.
func TestTheTourConformsToTheAPIDescription(t *testing.T) {
	spec, err := apispec.Load("../../docs/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	w := newWorld(t)
	w.tour()
	called := map[string]bool{}
	for _, x := range w.exchange {
		called[x.route] = true
		if err := spec.CheckResponse(x.route, x.status, x.header, []byte(x.body)); err != nil {
			t.Errorf("%v\n  body: %.300s", err, x.body)
		}
	}
	for _, r := range spec.Routes() {
		if !called[r] {
			t.Errorf("the tour never calls %s: its description is unchecked", r)
		}
	}
	if !slices.Contains(spec.Routes(), "POST /intents/execute") {
		t.Fatal("the description lacks POST /intents/execute")
	}
}
