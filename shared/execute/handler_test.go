package execute_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/execute"
	"github.com/lucian-app/phase12/shared/httpapi"
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
		{`{"text":"x","timezone":"UTC","locale":"fr"}`, "locale:"},
		{`{"text":"x","timezone":"UTC","date_order":"DDMM"}`, "date_order:"},
		{`{"text":"x","timezone":"UTC","locale":5}`, "locale: must be a string"},
	} {
		rec := post(t, h, "/intents/preview", "", bad.body, "alice")
		e, _ := decode(t, rec)["error"].(map[string]any)
		if rec.Code != 400 || !strings.Contains(e["message"].(string), bad.msg) {
			t.Errorf("preview %s: %d %v, want 400 naming %q", bad.body, rec.Code, e, bad.msg)
		}
	}
}

// A preview of German text answers in the same intent model, with the
// parts it understood as entities (UTF-16 offsets) and warnings as a list.
func TestPreviewRouteReadsGermanAndNamesEntities(t *testing.T) {
	h := newHandler(t)
	rec := post(t, h, "/intents/preview", "", `{"text":"Müll rausbringen jeden Montag um 7 Uhr","timezone":"Europe/Berlin","locale":"de","reference_time":"2026-12-01T10:00:00+01:00"}`, "alice")
	body := decode(t, rec)
	in, _ := body["intent"].(map[string]any)
	ents, _ := json.Marshal(body["entities"])
	if rec.Code != 200 || in["type"] != "create_task" || in["title"] != "Müll rausbringen" || in["due"] != "2026-12-07T07:00:00+01:00" ||
		in["recurrence"] != "FREQ=WEEKLY;BYDAY=MO" || body["summary"] != `Create task "Müll rausbringen" due Mon 7 Dec 2026 07:00 (+01:00), repeats every Monday` ||
		string(ents) != `[{"end":29,"kind":"recurrence","start":17,"text":"jeden Montag"},{"end":38,"kind":"time","start":30,"text":"um 7 Uhr"}]` {
		t.Errorf("preview = %d %v entities %s", rec.Code, body, ents)
	}
	rec = post(t, h, "/intents/preview", "", `{"intent":{"type":"query_tasks","range":"today"},"timezone":"UTC"}`, "alice")
	if body = decode(t, rec); rec.Code != 200 || body["summary"] != "List tasks due today" || body["risk"] != "safe" ||
		fmt.Sprint(body["entities"]) != "[]" || fmt.Sprint(body["warnings"]) != "[]" {
		t.Errorf("query preview = %d %v", rec.Code, body)
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
	if id, _ := got["execution_id"].(string); first.Code != 201 || got["status"] != "executed" || id == "" || got["undo"] == nil ||
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
	// The rest of the trail, page by page: every entry once, newest first.
	next, _ := decode(t, rec)["next"].(string)
	firstCursor, all := next, len(entries)
	for pages := 0; next != ""; pages++ {
		if pages > 20 {
			t.Fatal("no last page")
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httpapitest.NewRequest("GET", "/intents/log?limit=3&cursor="+url.QueryEscape(next), nil, httpapitest.Claims("alice")))
		body := decode(t, rec)
		page, _ := body["entries"].([]any)
		all += len(page)
		next, _ = body["next"].(string)
	}
	full := httptest.NewRecorder()
	h.ServeHTTP(full, httpapitest.NewRequest("GET", "/intents/log?limit=200", nil, httpapitest.Claims("alice")))
	if want := len(decode(t, full)["entries"].([]any)); all != want || want < 6 {
		t.Errorf("paged through %d entries, want all %d", all, want)
	}
	for _, q := range []string{"limit=0", "limit=abc", "limit=201", "cursor=abc", "cursor=" + url.QueryEscape(firstCursor) + "x"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httpapitest.NewRequest("GET", "/intents/log?"+q, nil, httpapitest.Claims("alice")))
		if rec.Code != 400 {
			t.Errorf("log?%s: %d, want 400", q, rec.Code)
		}
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httpapitest.NewRequest("GET", "/intents/log?limit=3&cursor="+url.QueryEscape(firstCursor), nil, httpapitest.Claims("bob")))
	if rec.Code != 400 {
		t.Errorf("bob with alice's cursor: %d %s, want 400", rec.Code, rec.Body)
	}
}

// errorCodes are the codes DESIGN §3 allows for each status POST /intents/execute can
// answer an authenticated caller with a key.
var errorCodes = map[int][]string{
	400: {"invalid_request"},
	404: {"not_found"},
	409: {"conflict", "quota_exceeded"},
	413: {"payload_too_large"},
	422: {"idempotency_key_reused"},
	428: {"confirmation_required"},
}

// allowedStatuses are the statuses the contract allows for body as the first request of
// its key on an empty store: a body over 64 KiB is 413; one that is not a JSON object in
// UTF-8 is 400; any other may execute (201 creations, 200 otherwise) or be refused (400
// bad field, 404 no such task or goal, 409 ambiguous or over a quota, 428 risky without a
// token). 422 needs an earlier request with the same key, which a fresh key never has.
func allowedStatuses(body string) []int {
	var obj map[string]json.RawMessage
	switch {
	case len(body) > httpapi.MaxBodyBytes:
		return []int{413}
	case !utf8.ValidString(body) || json.Unmarshal([]byte(body), &obj) != nil || obj == nil:
		return []int{400}
	}
	return []int{200, 201, 400, 404, 409, 428}
}

// FuzzExecuteBody throws arbitrary bodies at POST /intents/execute, each with its own key
// (derived from the body) on an empty store: no input may panic, every answer is JSON with
// a status the contract allows for that body, a success has the shape of section 4 and
// every refusal the error shape with the code of its status.
func FuzzExecuteBody(f *testing.F) {
	for _, seed := range []string{
		`{"text":"add buy milk tomorrow 9am p1 #groceries","timezone":"Europe/Berlin"}`,
		`{"intent":{"type":"create_task","title":"x","priority":2}}`,
		`{"intent":{"type":"delete_task","task_ref":"x"},"confirmation_token":"abc"}`,
		`{"intent":{"type":"complete_task","task_ref":"nothing like it"}}`,
		`{"text":"delete task old draft","timezone":"UTC"}`,
		`{"text":"move dentist to friday 3pm","timezone":"America/New_York","reference_time":"2026-03-07T12:00:00Z"}`,
		`{"intent":null,"text":null}`, `{"reference_time":"yesterday"}`, `[]`, `"x"`, `null`, `{`, ``, "\xff",
		"{\"text\":\"add caf\xe9\",\"timezone\":\"UTC\"}", // invalid UTF-8 inside a string
		`{"intent":{"type":"create_goal","title":"g","target_date":"2027-02-30"}}`,
		`{"text":"` + strings.Repeat("a", httpapi.MaxBodyBytes) + `","timezone":"UTC"}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		h := newHandler(t) // a fresh store: the answer depends on this body alone
		sum := sha256.Sum256([]byte(body))
		key := "fuzz-" + hex.EncodeToString(sum[:8])
		rec := post(t, h, "/intents/execute", key, body, "fuzzer")
		allowed := allowedStatuses(body)
		if !slices.Contains(allowed, rec.Code) {
			t.Fatalf("body %.200q: status %d, want one of %v: %.300s", body, rec.Code, allowed, rec.Body)
		}
		var got struct {
			ExecutionID *string `json:"execution_id"`
			Status      string  `json:"status"`
			Intent      struct {
				Type string `json:"type"`
			} `json:"intent"`
			Error *struct {
				Code      *string `json:"code"`
				Message   *string `json:"message"`
				RequestID *string `json:"request_id"`
			} `json:"error"`
			Confirmation *struct {
				Token string `json:"token"`
			} `json:"confirmation"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
			t.Fatalf("body %.200q: answer %d is not a JSON object (%v): %.300s", body, rec.Code, err, rec.Body)
		}
		if rec.Code < 300 {
			creation := got.Intent.Type == "create_task" || got.Intent.Type == "create_goal"
			if got.ExecutionID == nil || *got.ExecutionID == "" || got.Status != "executed" || got.Error != nil || creation != (rec.Code == 201) {
				t.Fatalf("body %.200q: %d %.300s, want {execution_id, status: executed, intent} with 201 for a creation and 200 otherwise", body, rec.Code, rec.Body)
			}
			return
		}
		e := got.Error
		if e == nil || e.Code == nil || e.Message == nil || *e.Message == "" || e.RequestID == nil || *e.RequestID != httpapitest.RequestID {
			t.Fatalf("body %.200q: %d %.300s, want {\"error\":{\"code\",\"message\",\"request_id\":%q}}", body, rec.Code, rec.Body, httpapitest.RequestID)
		}
		if !slices.Contains(errorCodes[rec.Code], *e.Code) {
			t.Fatalf("body %.200q: status %d with code %q, want one of %v", body, rec.Code, *e.Code, errorCodes[rec.Code])
		}
		if rec.Code == 428 && (got.Confirmation == nil || got.Confirmation.Token == "") {
			t.Fatalf("body %.200q: 428 without a confirmation token: %.300s", body, rec.Body)
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
