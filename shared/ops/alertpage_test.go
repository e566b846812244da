package ops_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lucian-app/phase12/shared/alert"
	"github.com/lucian-app/phase12/shared/burnrate"
	"github.com/lucian-app/phase12/shared/httpapi/httpapitest"
	"github.com/lucian-app/phase12/shared/ops"
)

// openWithEvidence stores a firing page with the rules' burn rates as the check records them.
func (f *fixture) openWithEvidence(t *testing.T, id string) {
	t.Helper()
	k := alert.Key{Flow: "create_task", Objective: "availability", Severity: burnrate.Page}
	a := alert.Alert{ID: id, Flow: k.Flow, Objective: k.Objective, Severity: k.Severity, State: alert.Firing,
		DedupKey: k.DedupKey(), TriggeredAt: opened, Summary: "create_task availability is burning its budget",
		Rule: "page-1h-5m", Threshold: 14.4, Target: 0.999, SLOVersion: 3, Bad: 300, Total: 1000, BudgetRemaining: 0.4,
		Runbook: "docs/runbooks/create_task-availability.md",
		Rules: []alert.RuleRate{
			{Rule: "page-1h-5m", Severity: burnrate.Page, Threshold: 14.4, LongWindowMs: 3600000, LongBurnRate: 300, ShortWindowMs: 300000, ShortBurnRate: 280, Firing: true},
			{Rule: "ticket-3d-6h", Severity: burnrate.Ticket, Threshold: 1, LongWindowMs: 259200000, LongBurnRate: 0.5, ShortWindowMs: 21600000, ShortBurnRate: 0.9},
		}}
	if err := f.store.Save(context.Background(), alert.State{Alert: a, Version: 1}, true); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) page(t *testing.T, target, accept string, lambda map[string]any) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest("GET", target, nil)
	r.Header.Set("Accept", accept)
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, httpapitest.FromAuthorizer(r, lambda))
	return rec
}

var oncallSession = map[string]any{"sub": "oncall", "groups": `["ops"]`, "via": "session", "csrf": "tok-123"}

func TestAlertPageShowsTheAlertItsBurnRatesTheRunbookAndTheAckButtons(t *testing.T) {
	f := newFixture(t)
	f.openWithEvidence(t, "A0001")
	rec := f.page(t, "/ops/alerts/A0001", "text/html", oncallSession)
	body := rec.Body.String()
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("status %d %s, want 200 HTML", rec.Code, rec.Header().Get("Content-Type"))
	}
	for _, want := range []string{
		`<section id="alert" data-alert="A0001" data-state="firing">`,
		`<h2>create_task availability is burning its budget</h2>`,
		`<td id="acknowledged"><span class="warn">not yet</span>`,
		// every rule against its threshold, the firing one marked
		`<tr data-rule="page-1h-5m"><td>page-1h-5m</td><td>page</td><td class="num">14.4x</td><td>1h</td><td class="num firing">300x</td><td>5m</td><td class="num firing">280x</td><td><span class="firing">firing</span>`,
		`<tr data-rule="ticket-3d-6h"><td>ticket-3d-6h</td><td>ticket</td><td class="num">1.0x</td><td>3d</td><td class="num">0.5x</td>`,
		// the ack form: the session's CSRF token and the way back here
		`<form class="ack" method="post" action="/ops/alerts/A0001/ack"`,
		`<input type="hidden" name="csrf" value="tok-123">`,
		`<input type="hidden" name="back" value="alert">`,
		`<button type="submit" id="ack">Acknowledge</button>`,
		// the runbook, rendered from the embedded Markdown
		`<h1>Runbook: create_task availability</h1>`,
		`<h2>First checks</h2>`,
		`<strong>Objective:</strong>`,
		`<form class="logout" method="post" action="/ops/logout"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Contains(body, "**Objective:**") {
		t.Error("the runbook is shown as Markdown source, not rendered")
	}
}

func TestAlertPageAsJSONAndUnknownAlerts(t *testing.T) {
	f := newFixture(t)
	f.openWithEvidence(t, "A0001")
	rec := f.page(t, "/ops/alerts/A0001", "application/json", oncallSession)
	var out struct {
		Alert alert.Alert `json:"alert"`
	}
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &out) != nil || out.Alert.ID != "A0001" || len(out.Alert.Rules) != 2 {
		t.Fatalf("JSON: %d %s", rec.Code, rec.Body)
	}
	if rec := f.page(t, "/ops/alerts/NOPE", "application/json", oncallSession); rec.Code != 404 || !strings.Contains(rec.Body.String(), `"not_found"`) {
		t.Errorf("unknown alert as JSON: %d %s, want 404 not_found", rec.Code, rec.Body)
	}
	if rec := f.page(t, "/ops/alerts/NOPE", "text/html", oncallSession); rec.Code != 404 || !strings.Contains(rec.Body.String(), `<p id="not-found">There is no alert <code>NOPE</code>`) {
		t.Errorf("unknown alert as a page: %d %.200s, want a 404 page", rec.Code, rec.Body)
	}
	// Without a session the browser goes to sign in and back; a user outside ops gets 403.
	if rec := f.page(t, "/ops/alerts/A0001", "text/html", nil); rec.Code != 302 || rec.Header().Get("Location") != "/ops/login?next=%2Fops%2Falerts%2FA0001" {
		t.Errorf("no session: %d to %q, want 302 to sign-in and back", rec.Code, rec.Header().Get("Location"))
	}
	outsider := map[string]any{"sub": "bob", "groups": `["users"]`, "via": "session", "csrf": "x"}
	if rec := f.page(t, "/ops/alerts/A0001", "text/html", outsider); rec.Code != 403 || !strings.Contains(rec.Body.String(), `id="forbidden"`) {
		t.Errorf("user without the ops group: %d, want the 403 page", rec.Code)
	}
}

func TestAckFromTheAlertPageReturnsToIt(t *testing.T) {
	f := newFixture(t)
	f.openWithEvidence(t, "A0001")
	r := httptest.NewRequest("POST", "https://api.example.com/ops/alerts/A0001/ack", strings.NewReader("csrf=tok-123&back=alert&verdict=true_positive"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, httpapitest.FromAuthorizer(r, oncallSession))
	if rec.Code != 303 || rec.Header().Get("Location") != "/ops/alerts/A0001?acked=A0001" {
		t.Fatalf("ack: %d to %q, want 303 back to the alert's page", rec.Code, rec.Header().Get("Location"))
	}
	body := f.page(t, "/ops/alerts/A0001?acked=A0001", "text/html", oncallSession).Body.String()
	for _, want := range []string{`<p class="notice" role="status">Alert acknowledged.</p>`,
		`<td id="acknowledged"><span class="ok">acknowledged</span> by oncall after`, "verdict real problem"} {
		if !strings.Contains(body, want) {
			t.Errorf("after the ack the page lacks %q", want)
		}
	}
	if strings.Contains(body, `id="ack"`) || strings.Contains(body, `action="/ops/alerts/A0001/ack"`) {
		t.Error("an acknowledged alert with a verdict still shows ack buttons")
	}
}

func TestRunbookHTMLIsNotPassedThrough(t *testing.T) {
	got := ops.RenderMarkdown([]byte("# T\n\n<script>alert(1)</script>\n\n<b onclick=x>b</b> [x](javascript:alert(1))\n"))
	for _, bad := range []string{"<script", "onclick", "javascript:"} {
		if strings.Contains(got, bad) {
			t.Errorf("rendered runbook keeps %q: %s", bad, got)
		}
	}
	// A link into the repository leads nowhere from the page: its text stays, the link goes;
	// a link to elsewhere stays a link.
	got2 := ops.RenderMarkdown([]byte("See [the latency runbook](create_task-latency.md) and [AWS](https://health.aws.amazon.com/).\n"))
	if strings.Contains(got2, `href="create_task-latency.md"`) || !strings.Contains(got2, "See the latency runbook and") ||
		!strings.Contains(got2, `<a href="https://health.aws.amazon.com/">AWS</a>`) {
		t.Errorf("links rendered as %s", got2)
	}
	if !strings.Contains(got, "<h1>T</h1>") {
		t.Errorf("rendered runbook %q lacks its heading", got)
	}
}
