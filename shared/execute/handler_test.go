package execute_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/execute"
	"github.com/lucian-app/phase12/shared/httpapi/httpapitest"
)

func newHandler(t testing.TB) http.Handler {
	e, _, _ := newEngine(t, dynamotest.New(t))
	return execute.Handler(e, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

func post(t testing.TB, h http.Handler, path, key, body, user string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest("POST", path, strings.NewReader(body))
	if key != "" {
		r.Header.Set("Idempotency-Key", key)
	}
	var claims map[string]string
	if user != "" {
		claims = httpapitest.Claims(user)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httpapitest.FromRequest(r, claims))
	return rec
}

func decode(t testing.TB, rec *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	m := map[string]any{}
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("body %q: %v", rec.Body, err)
	}
	return m
}

func TestPreviewRoute(t *testing.T) {
	h := newHandler(t)
	rec := post(t, h, "/intents/preview", "", `{"text":"add buy milk tomorrow 9am p1 #groceries","timezone":"Europe/Berlin","reference_time":"2026-11-28T09:00:00+01:00"}`, "alice")
	body := decode(t, rec)
	in := body["intent"].(map[string]any)
	if rec.Code != 200 || in["type"] != "create_task" || in["title"] != "buy milk" || in["due"] != "2026-11-29T09:00:00+01:00" ||
		in["priority"] != 1.0 || in["project"] != "groceries" || body["risk"] != "safe" || body["undoable"] != true {
		t.Errorf("preview = %d %v", rec.Code, body)
	}
	rec = post(t, h, "/intents/preview", "", `{"text":"delete task old draft","timezone":"UTC"}`, "alice")
	if body = decode(t, rec); body["risk"] != "risky" || body["requires_confirmation"] != true || body["undoable"] != false {
		t.Errorf("risky preview = %v", body)
	}
	for _, bad := range []struct{ body, msg string }{
		{`{"text":"add x","timezone":"Nowhere/City"}`, "timezone: unknown time zone"},
		{`{"text":"add x"}`, "timezone: required"},
		{`{"text":5}`, "text: must be a string"},
		{`{}`, "text (with timezone) or intent is required"},
		{`{"intent":{"type":"launch_rocket"}}`, "intent.type"},
		{`{"intent":{"type":"create_task","priority":9,"title":"x"}}`, "intent.priority"},
		{`{"text":"done","timezone":"UTC"}`, "text:"},
	} {
		rec := post(t, h, "/intents/preview", "", bad.body, "alice")
		e, _ := decode(t, rec)["error"].(map[string]any)
		if rec.Code != 400 || !strings.Contains(e["message"].(string), bad.msg) {
			t.Errorf("preview %s: %d %v, want 400 naming %q", bad.body, rec.Code, e, bad.msg)
		}
	}
}

func TestExecuteRoute(t *testing.T) {
	h := newHandler(t)
	body := `{"text":"add buy milk tomorrow","timezone":"UTC"}`
	if rec := post(t, h, "/intents/execute", "", body, "alice"); rec.Code != 400 || decode(t, rec)["error"].(map[string]any)["code"] != "idempotency_key_missing" {
		t.Errorf("no key: %d %s", rec.Code, rec.Body)
	}
	if rec := post(t, h, "/intents/execute", "k1", body, ""); rec.Code != 401 {
		t.Errorf("no identity: %d", rec.Code)
	}
	first := post(t, h, "/intents/execute", "k1", body, "alice")
	got := decode(t, first)
	if first.Code != 201 || got["status"] != "executed" || got["execution_id"] == "" || got["undo"] == nil ||
		first.Header().Get("Idempotent-Replayed") != "" {
		t.Fatalf("execute: %d %v", first.Code, got)
	}
	again := post(t, h, "/intents/execute", "k1", body, "alice")
	if again.Code != 201 || again.Body.String() != first.Body.String() || again.Header().Get("Idempotent-Replayed") != "true" {
		t.Errorf("replay: %d %s %q", again.Code, again.Body, again.Header().Get("Idempotent-Replayed"))
	}
	if rec := post(t, h, "/intents/execute", "k1", `{"text":"add buy bread","timezone":"UTC"}`, "alice"); rec.Code != 422 {
		t.Errorf("reused key: %d %s", rec.Code, rec.Body)
	}
	del := post(t, h, "/intents/execute", "k2", `{"text":"delete task buy milk","timezone":"UTC"}`, "alice")
	conf, _ := decode(t, del)["confirmation"].(map[string]any)
	if del.Code != 428 || conf["token"] == nil || conf["expires_at"] == nil || !strings.Contains(conf["summary"].(string), "buy milk") {
		t.Fatalf("risky without token: %d %s", del.Code, del.Body)
	}
	ok := post(t, h, "/intents/execute", "k2", `{"text":"delete task buy milk","timezone":"UTC","confirmation_token":"`+conf["token"].(string)+`"}`, "alice")
	if ok.Code != 200 {
		t.Errorf("confirmed delete: %d %s", ok.Code, ok.Body)
	}

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httpapitest.NewRequest("GET", "/intents/log?limit=3", nil, httpapitest.Claims("alice")))
	entries := decode(t, rec)["entries"].([]any)
	var outcomes []string
	for _, e := range entries {
		outcomes = append(outcomes, e.(map[string]any)["outcome"].(string))
	}
	if rec.Code != 200 || strings.Join(outcomes, " ") != "executed confirmation_required rejected" {
		t.Errorf("log = %d %v, want the newest three: executed confirmation_required rejected", rec.Code, outcomes)
	}
	for _, q := range []string{"limit=0", "limit=abc", "limit=201"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httpapitest.NewRequest("GET", "/intents/log?"+q, nil, httpapitest.Claims("alice")))
		if rec.Code != 400 {
			t.Errorf("log?%s: %d, want 400", q, rec.Code)
		}
	}
}

// FuzzExecuteBody throws arbitrary bodies at POST /intents/execute: no
// input may panic or answer 5xx.
func FuzzExecuteBody(f *testing.F) {
	for _, seed := range []string{
		`{"text":"add buy milk tomorrow 9am p1 #groceries","timezone":"Europe/Berlin"}`,
		`{"intent":{"type":"create_task","title":"x","priority":2}}`,
		`{"intent":{"type":"delete_task","task_ref":"x"},"confirmation_token":"abc"}`,
		`{"text":"move dentist to friday 3pm","timezone":"America/New_York","reference_time":"2026-03-07T12:00:00Z"}`,
		`{"intent":null,"text":null}`, `{"reference_time":"yesterday"}`, `[]`, `"x"`, `{`, ``, "\xff",
		`{"intent":{"type":"create_goal","title":"g","target_date":"2027-02-30"}}`,
	} {
		f.Add(seed)
	}
	h := newHandler(f)
	f.Fuzz(func(t *testing.T, body string) {
		rec := post(t, h, "/intents/execute", "fuzz-key", body, "fuzzer")
		if rec.Code >= 500 {
			t.Fatalf("body %q: %d %s", body, rec.Code, rec.Body)
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("body %q: answer is not JSON: %s", body, rec.Body)
		}
	})
}

// BenchmarkExecute is one in-process execution of a create_task on
// minidyn, each with a new key. minidyn copies a table to run a
// transaction, so the store is renewed (off the clock) every 100
// executions to measure the execution, not the emulator's growth.
func BenchmarkExecute(b *testing.B) {
	body := `{"intent":{"type":"create_task","title":"Buy milk","priority":2}}`
	var h http.Handler
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i%100 == 0 {
			b.StopTimer()
			h = newHandler(b)
			b.StartTimer()
		}
		i++
		if rec := post(b, h, "/intents/execute", "bench-"+strconv.Itoa(i), body, "alice"); rec.Code != 201 {
			b.Fatal(rec.Code, rec.Body)
		}
	}
}
