package wiring_test

import (
	"strings"
	"testing"

	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/httpapi/httpapitest"
	"github.com/lucian-app/phase12/shared/wiring"
	"github.com/lucian-app/phase12/shared/wiring/registry"
)

// The quotas come from OPEN_TASK_QUOTA and GOAL_QUOTA in the three
// functions that write AppTable; a value that is not a count fails INIT.
func TestQuotasAreConfiguration(t *testing.T) {
	env := map[string]string{wiring.EnvAppTable: dynamotest.AppTable, wiring.EnvOpsTable: dynamotest.OpsTable,
		wiring.EnvOpenTaskQuota: "1", wiring.EnvGoalQuota: "1"}
	h := buildHTTP(t, "TasksFunction", env)
	post := func(route, body string) int {
		return apiCall{method: "POST", route: route, path: route, body: body, claims: httpapitest.Claims("alice")}.do(t, h).StatusCode
	}
	if got := post("/tasks", `{"title":"one"}`); got != 201 {
		t.Fatalf("first task: %d", got)
	}
	if got := post("/tasks", `{"title":"two"}`); got != 409 {
		t.Errorf("second task with OPEN_TASK_QUOTA=1: %d, want 409", got)
	}
	if got := post("/goals", `{"title":"one"}`); got != 201 {
		t.Fatalf("first goal: %d", got)
	}
	if got := post("/goals", `{"title":"two"}`); got != 409 {
		t.Errorf("second goal with GOAL_QUOTA=1: %d, want 409", got)
	}
	for _, id := range []string{"TasksFunction", "ExecuteIntentFunction", "UndoFunction"} {
		for _, bad := range []string{"0", "lots", "-5"} {
			env := map[string]string{wiring.EnvAppTable: dynamotest.AppTable, wiring.EnvOpsTable: dynamotest.OpsTable, wiring.EnvOpenTaskQuota: bad}
			_, err := registry.Functions()[id](deps(t, env))
			if err == nil || !strings.Contains(err.Error(), wiring.EnvOpenTaskQuota) {
				t.Errorf("%s with %s=%q: %v, want a setup error naming it", id, wiring.EnvOpenTaskQuota, bad, err)
			}
		}
	}
}
