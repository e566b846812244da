package flake_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/clock"
	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/flake"
	"github.com/lucian-app/phase12/shared/httpapi/httpapitest"
	"github.com/lucian-app/phase12/shared/opsstore"
)

const commit = "0123456789abcdef0123456789abcdef01234567"

func gate(t *testing.T) (http.Handler, *clock.Manual, *dynamotest.Counter) {
	t.Helper()
	b, err := flake.DefaultBlockers()
	if err != nil {
		t.Fatal(err)
	}
	db := dynamotest.Count(dynamotest.New(t))
	clk := clock.NewManual(time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC))
	g := &flake.Gate{Blockers: b, Store: opsstore.New(db, dynamotest.OpsTable), Now: clk.Now}
	return flake.Handler(g, slog.New(slog.DiscardHandler), clk.Now), clk, db
}

func postRun(t *testing.T, h http.Handler, groups []string, commit string, attempt int, file string) (int, map[string]any) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return do(h, http.MethodPost, fmt.Sprintf("/ci/runs?commit=%s&attempt=%d", commit, attempt), string(b), groups)
}

func do(h http.Handler, method, target, body string, groups []string) (int, map[string]any) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httpapitest.NewRequest(method, target, strings.NewReader(body), httpapitest.Claims("ci-bot", groups...)))
	var out map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	return rec.Code, out
}

func TestAFailedThenPassedBlockerTestIsAFlakeOfTheWeek(t *testing.T) {
	h, _, _ := gate(t)
	// Attempt 1 (go test -json): the e2e TestTasksUnderEmulator fails, TestIntentsUnderEmulator
	// passes; command.TestParse fails but is no blocker; TestTour is skipped.
	status, run := postRun(t, h, []string{"ci"}, commit, 1, "testdata/attempt1.jsonl")
	if status != 200 || run["results"] != float64(4) || run["blocker_tests"] != float64(3) || run["new_blocker_tests"] != float64(2) || run["new_flakes"] != float64(0) {
		t.Fatalf("attempt 1: %d %v", status, run)
	}
	// Attempt 2 (JUnit): both pass; the failed one is now a flake.
	status, run = postRun(t, h, []string{"ci"}, commit, 2, "testdata/attempt2.xml")
	if status != 200 || run["format"] != "junit" || run["new_flakes"] != float64(1) || run["new_blocker_tests"] != float64(0) {
		t.Fatalf("attempt 2: %d %v", status, run)
	}
	// The same post again changes nothing.
	if _, again := postRun(t, h, []string{"ci"}, commit, 2, "testdata/attempt2.xml"); again["new_flakes"] != float64(0) {
		t.Fatalf("attempt 2 again: %v", again)
	}
	status, trend := do(h, http.MethodGet, "/ops/flakes", "", []string{"ops"})
	if status != 200 {
		t.Fatalf("GET /ops/flakes: %d %v", status, trend)
	}
	weeks := trend["weeks"].([]any)
	latest := trend["latest"].(map[string]any)
	if len(weeks) != flake.TrendWeeks || latest["week"] != "2026-W49" || latest["tests"] != float64(2) || latest["flaky"] != float64(1) ||
		latest["rate"] != 0.5 || latest["met"] != false {
		t.Errorf("trend: %v", trend)
	}
	if first := weeks[0].(map[string]any); first["week"] != "2026-W42" || first["rate"] != nil {
		t.Errorf("the oldest week: %v, want 2026-W42 with no rate", first)
	}
	flaky := trend["flaky_tests"].([]any)
	if len(flaky) != 1 || flaky[0].(map[string]any)["test"] != "TestTasksUnderEmulator" || flaky[0].(map[string]any)["attempt"] != float64(2) {
		t.Errorf("flaky tests: %v", flaky)
	}
}

func TestOnlyCIOrOpsMayPostAndBadRunsAreNamed(t *testing.T) {
	h, _, db := gate(t)
	if status, _ := postRun(t, h, []string{"users"}, commit, 1, "testdata/attempt1.jsonl"); status != 403 {
		t.Errorf("a user: %d, want 403", status)
	}
	if status, _ := postRun(t, h, []string{"ops"}, commit, 1, "testdata/attempt1.jsonl"); status != 200 {
		t.Errorf("ops: %d, want 200", status)
	}
	if status, _ := do(h, http.MethodGet, "/ops/flakes", "", []string{"ci"}); status != 403 {
		t.Errorf("GET /ops/flakes by ci: %d, want 403", status)
	}
	db.Reset()
	for _, c := range []struct{ target, body, field string }{
		{"/ci/runs?commit=XYZ&attempt=1", "", "commit"},
		{"/ci/runs?commit=" + commit + "&attempt=0", "", "attempt"},
		{"/ci/runs?commit=" + commit + "&attempt=1", "{\"Action\":\"pass\"}\n{oops\n", "body"},
		{"/ci/runs?commit=" + commit + "&attempt=1", "<html/>", "body"},
	} {
		status, out := do(h, http.MethodPost, c.target, c.body, []string{"ci"})
		msg, _ := out["error"].(map[string]any)["message"].(string)
		if status != 400 || !strings.HasPrefix(msg, c.field) {
			t.Errorf("%s %q: %d %v, want 400 naming %s", c.target, c.body, status, out, c.field)
		}
	}
	if n := db.Calls(""); n != 0 {
		t.Errorf("%d DynamoDB calls for refused runs, want 0", n)
	}
}

func TestARunCostsTwoCallsAChunkOfBlockerTests(t *testing.T) {
	h, _, db := gate(t)
	var lines []string
	for i := range 100 {
		lines = append(lines, fmt.Sprintf(`{"Action":"pass","Package":"github.com/lucian-app/phase12/tests/e2e","Test":"Test%03d"}`, i))
	}
	db.Reset()
	status, out := do(h, http.MethodPost, "/ci/runs?commit="+commit+"&attempt=1", strings.Join(lines, "\n"), []string{"ci"})
	if status != 200 || out["new_blocker_tests"] != float64(100) {
		t.Fatalf("%d %v", status, out)
	}
	// 100 tests are 3 chunks of at most 45: a BatchGetItem and a transaction each.
	if b, tx := db.Calls("BatchGetItem"), db.Calls("TransactWriteItems"); b != 3 || tx != 3 {
		t.Errorf("%d BatchGetItem and %d TransactWriteItems, want 3 and 3", b, tx)
	}
}
