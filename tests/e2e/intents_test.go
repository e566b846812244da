//go:build e2e

package e2e

import (
	"encoding/json"
	"testing"

	"github.com/lucian-app/phase12/shared/flowmetrics"
)

func TestExecuteIntentAndUndoUnderEmulator(t *testing.T) {
	table, opsTable := "AppTable-e2e-intents", "OpsTable-e2e-intents"
	ensureTables(t, table, opsTable)
	intents := startFunction(t, "execute-intent", "APP_TABLE="+table, "OPS_TABLE="+opsTable, "UNDO_WINDOW_SECONDS=30")
	undoFn := startFunction(t, "undo", "APP_TABLE="+table, "OPS_TABLE="+opsTable)

	status, body, _ := invokeHTTP(t, intents, loadEvent(t, "intents-preview.json"))
	in, _ := body["intent"].(map[string]any)
	if status != 200 || in["type"] != "create_task" || in["due"] != "2026-11-29T09:00:00+01:00" || body["undoable"] != true {
		t.Fatalf("preview: %d %v", status, body)
	}

	status, first, resp := invokeHTTP(t, intents, loadEvent(t, "intents-execute.json"))
	if status != 201 || first["status"] != "executed" || resp.Headers["Idempotent-Replayed"] != "" {
		t.Fatalf("execute: %d %v", status, first)
	}
	status, again, resp := invokeHTTP(t, intents, loadEvent(t, "intents-execute.json"))
	if status != 201 || again["execution_id"] != first["execution_id"] || resp.Headers["Idempotent-Replayed"] != "true" {
		t.Errorf("replay: %d %v %v", status, again, resp.Headers)
	}

	status, body, _ = invokeHTTP(t, intents, loadEvent(t, "intents-log.json"))
	entries, _ := body["entries"].([]any)
	if status != 200 || len(entries) != 2 || entries[0].(map[string]any)["outcome"] != "replayed" {
		t.Errorf("log: %d %v, want replayed then executed", status, body)
	}

	// Undo with the token the execution issued (the sample's is a placeholder).
	token := first["undo"].(map[string]any)["token"].(string)
	undoEvent := loadEvent(t, "undo.json")
	b, _ := json.Marshal(map[string]string{"token": token})
	undoEvent.Body = string(b)
	status, body, _ = invokeHTTP(t, undoFn, undoEvent)
	if status != 200 || body["already_undone"] != false || body["undone"].(map[string]any)["type"] != "task" {
		t.Errorf("undo: %d %v", status, body)
	}
	if status, body, _ = invokeHTTP(t, undoFn, undoEvent); status != 200 || body["already_undone"] != true {
		t.Errorf("second undo: %d %v", status, body)
	}
	if status, body, _ = invokeHTTP(t, undoFn, loadEvent(t, "undo.json")); status != 404 {
		t.Errorf("the sample's placeholder token: %d %v, want 404", status, body)
	}
	// Both server flows reported themselves: one event per request to the
	// watched route (the execution and its replay; the three undos), counted
	// at every resolution, however many minutes the run straddled.
	for flow, want := range map[string]uint64{"execute_intent": 2, "undo": 3} {
		for _, res := range []flowmetrics.Resolution{flowmetrics.Minute, flowmetrics.Hour, flowmetrics.Day} {
			if got := flowTotal(t, opsTable, flow, res); got != want {
				t.Errorf("%s: %d events in %s buckets, want %d", flow, got, res, want)
			}
		}
	}
	recordInit(t, intents)
}

func TestUndoDisabledUnderEmulator(t *testing.T) {
	table := "AppTable-e2e-undo-off"
	ensureTables(t, table)
	undoFn := startFunction(t, "undo", "APP_TABLE="+table, "UNDO_ENABLED=false")
	status, body, _ := invokeHTTP(t, undoFn, loadEvent(t, "undo.json"))
	if status != 403 || body["error"].(map[string]any)["code"] != "undo_disabled" {
		t.Errorf("undo when disabled: %d %v, want 403 undo_disabled", status, body)
	}
}
