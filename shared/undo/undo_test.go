package undo_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/appstore"
	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/undo/undotest"
)

func TestUndoOutcomesOnMinidyn(t *testing.T) {
	undotest.RunOutcomes(t, func() *appstore.Store { return appstore.New(dynamotest.New(t), dynamotest.AppTable) })
}

func TestUndoRacesOnMinidyn(t *testing.T) {
	undotest.RunRaces(t, appstore.New(dynamotest.New(t), dynamotest.AppTable))
}

func TestUndoIsOneCallForEveryOutcome(t *testing.T) {
	db := dynamotest.Count(dynamotest.New(t))
	undotest.RunOneCallPerOutcome(t, undotest.New(t, appstore.New(db, dynamotest.AppTable)), db)
}

func TestDisabledUndo(t *testing.T) {
	f := undotest.New(t, appstore.New(dynamotest.New(t), dynamotest.AppTable))
	f.Engine.UndoEnabled, f.Undo.Enabled = false, false
	r, err := f.Engine.Execute(context.Background(), "alice", "k", undotest.CreateTask("x"))
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	_ = json.Unmarshal(r.Body, &body)
	if _, ok := body["undo"]; ok {
		t.Errorf("execute with undo off issued a token: %s", r.Body)
	}
	if _, err := f.Undo.Undo(context.Background(), "alice", "anything"); apperr.CodeOf(err) != apperr.UndoDisabled {
		t.Errorf("undo when disabled: %v, want undo_disabled", err)
	}
}
