//go:build e2e

package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/lucian-app/phase12/tests/harness"
)

func TestTasksFunctionUnderEmulator(t *testing.T) {
	table := "AppTable-e2e-tasks"
	ensureTables(t, table)
	fn := startFunction(t, "tasks", "APP_TABLE="+table)

	status, body, _ := invokeHTTP(t, fn, loadEvent(t, "tasks-create.json"))
	if status != 201 {
		t.Fatalf("create: status %d, body %v", status, body)
	}
	task := body["task"].(map[string]any)
	id := task["id"].(string)
	if task["title"] != "Buy milk" || task["version"] != 1.0 || task["priority"] != 1.0 {
		t.Errorf("created task = %v", task)
	}

	status, body, resp := invokeHTTP(t, fn, loadEvent(t, "tasks-today.json"))
	if status != 200 {
		t.Fatalf("today: status %d, body %v", status, body)
	}
	if list := body["tasks"].([]any); len(list) != 1 || list[0].(map[string]any)["id"] != id {
		t.Errorf("today = %v, want the created task", body)
	}
	if resp.Headers["X-Request-Id"] != "JKJaXmPLvHcESHA=" {
		t.Errorf("X-Request-Id = %q, want API Gateway's request id", resp.Headers["X-Request-Id"])
	}

	update := loadEvent(t, "tasks-update.json")
	update.RawPath, update.RequestContext.HTTP.Path = "/tasks/"+id, "/tasks/"+id
	update.PathParameters = map[string]string{"id": id}
	status, body, _ = invokeHTTP(t, fn, update)
	if status != 200 {
		t.Fatalf("update: status %d, body %v", status, body)
	}
	if got := body["task"].(map[string]any); got["completed"] != true || got["version"] != 2.0 {
		t.Errorf("updated task = %v", got)
	}
	// The sample's version 1 is stale now: optimistic concurrency refuses it.
	if status, body, _ = invokeHTTP(t, fn, update); status != 409 {
		t.Errorf("stale update: status %d, body %v, want 409", status, body)
	}

	status, body, _ = invokeHTTP(t, fn, loadEvent(t, "tasks-today.json"))
	if list := body["tasks"].([]any); status != 200 || len(list) != 0 {
		t.Errorf("today after completing: %d %v, want no tasks", status, body)
	}

	if status, body, _ = invokeHTTP(t, fn, loadEvent(t, "goals-create.json")); status != 201 {
		t.Errorf("create goal: %d %v", status, body)
	}
	status, body, _ = invokeHTTP(t, fn, loadEvent(t, "goals-list.json"))
	if list := body["goals"].([]any); status != 200 || len(list) != 1 {
		t.Errorf("goals: %d %v, want one goal", status, body)
	}

	foreign := loadEvent(t, "tasks-update.json")
	foreign.RequestContext.Authorizer.JWT.Claims["sub"] = "someone-else"
	foreign.RawPath, foreign.PathParameters = "/tasks/"+id, map[string]string{"id": id}
	if status, body, _ = invokeHTTP(t, fn, foreign); status != 404 || body["error"].(map[string]any)["code"] != "not_found" {
		t.Errorf("another user's task: %d %v, want 404 not_found", status, body)
	}

	anonymous := loadEvent(t, "tasks-today.json")
	anonymous.RequestContext.Authorizer = nil
	if status, body, _ = invokeHTTP(t, fn, anonymous); status != 401 {
		t.Errorf("no identity: %d %v, want 401", status, body)
	}

	recordInit(t, fn)
}

// recordInit keeps the emulator's INIT duration for docs/benchmarks.md
// (written only when E2E_REPORT names a file).
func recordInit(t *testing.T, fn *harness.Emulator) {
	ms, ok := fn.InitDuration()
	if !ok {
		t.Fatalf("the emulator reported no INIT duration:\n%s", fn.Output())
	}
	t.Logf("INIT duration under the emulator: %.2f ms", ms)
	if path := os.Getenv("E2E_REPORT"); path != "" {
		b, _ := json.Marshal(map[string]any{"test": t.Name(), "init_ms": ms})
		f, err := os.OpenFile(filepath.Clean(path), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err == nil {
			_, _ = f.Write(append(b, '\n'))
			f.Close()
		}
	}
}
