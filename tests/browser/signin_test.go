//go:build browser

package browser

import (
	"context"
	"encoding/json"
	"flag"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

var alertScreenshot = flag.String("alert-screenshot", "", "also save a 1280x1600 screenshot of an alert's page to this PNG file")

// TestSignInAndAckInChromium is issue 14's whole flow in a real browser: the runner with
// its development OIDC issuer (LOCAL_OIDC=dev, keys generated at start), an alert paged
// through SNS, and on-call opening the link the message carries: sent to sign in at the
// issuer, back on the alert's page with the session cookie (HttpOnly, Secure, SameSite=Lax,
// Path=/ops: Chromium keeps a Secure cookie from http://127.0.0.1, a potentially trustworthy
// origin), one click on Acknowledge (a form post with the session's CSRF token), and the
// page shows the alert acknowledged by the signed-in user.
func TestSignInAndAckInChromium(t *testing.T) {
	chrome := chromium(t)
	r := startRunner(t, "LOCAL_NOW=2026-11-29T21:00:00Z", "LOCAL_SCHEDULES=off", "LOCAL_OIDC=dev")
	m := regexp.MustCompile(`Sign-in: development OIDC issuer on (http://127\.0\.0\.1:\d+) `).FindStringSubmatch(r.Output())
	if m == nil {
		t.Fatalf("the runner's banner names no development issuer:\n%s", r.Output())
	}
	issuer := m[1]
	c := newClient(t, r.URL)

	// An outage the app reports: the burn-rate check tickets it through the AlertTopic.
	sunday := time.Date(2026, 11, 29, 21, 0, 0, 0, time.UTC)
	c.report(traffic(sunday.Add(-23*time.Hour-50*time.Minute), sunday, 0.2))
	c.report(outage(sunday, 15))
	c.invoke("BurnRateCheckFunction", sunday)

	// The link on-call follows: the "Open:" line of the message SNS carried.
	status, _, b := c.do("GET", "/_local/sns/messages", "", nil, nil)
	var msgs struct {
		Messages []struct{ Topic, Subject, Message string }
	}
	if status != 200 || json.Unmarshal(b, &msgs) != nil {
		t.Fatalf("GET /_local/sns/messages: %d %s", status, b)
	}
	var link *url.URL
	for _, msg := range msgs.Messages {
		if mm := regexp.MustCompile(`(?m)^Open:\s+(\S+)`).FindStringSubmatch(msg.Message); msg.Topic == "AlertTopic" && mm != nil {
			if link, _ = url.Parse(mm[1]); link != nil {
				break
			}
		}
	}
	if link == nil || !strings.HasPrefix(link.Path, "/ops/alerts/") {
		t.Fatalf("no AlertTopic message with an Open: link to an alert's page among %d messages", len(msgs.Messages))
	}
	alertID := strings.TrimPrefix(link.Path, "/ops/alerts/")
	// The message's link names the deployed API's domain; locally the same path is on the runner.
	page := r.URL + link.Path

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	br, err := chrome.StartBrowser(ctx, 1280, 1600)
	if err != nil {
		t.Fatal(err)
	}
	defer br.Close()
	if err := br.Navigate(page); err != nil {
		t.Fatal(err)
	}
	// No session: to /ops/login, then the issuer's sign-in form.
	if _, err := br.WaitFor(ctx, issuer+"/authorize?"); err != nil {
		t.Fatal(err)
	}
	if title, _ := br.Eval(`document.title`); title != "Development sign-in" {
		t.Fatalf("at the issuer the page is %q, want its sign-in form", title)
	}
	if _, err := br.Eval(`document.getElementById("user").value = "oncall"; document.getElementById("groups").value = "ops"; document.getElementById("sign-in").click(); "ok"`); err != nil {
		t.Fatal(err)
	}
	// Back on the page asked for, signed in.
	if _, err := br.WaitFor(ctx, page); err != nil {
		t.Fatal(err)
	}
	if s, _ := br.Eval(`document.getElementById("acknowledged").textContent`); !strings.Contains(s, "not yet") {
		t.Fatalf("the alert's page says %q under Acknowledged, want not yet", s)
	}
	if s, _ := br.Eval(`document.querySelector("#runbook h1").textContent`); !strings.HasPrefix(s, "Runbook: ") {
		t.Errorf("the page shows no rendered runbook (h1 %q)", s)
	}
	if s, _ := br.Eval(`document.querySelectorAll("#burn-rates tbody tr").length`); s == "0" || s == "" {
		t.Errorf("the page shows %s burn-rate rows", s)
	}
	cookies, err := br.Cookies(r.URL + "/ops")
	if err != nil {
		t.Fatal(err)
	}
	var session bool
	for _, ck := range cookies {
		if ck.Name == "ops_session" {
			session = true
			if !ck.HTTPOnly || !ck.Secure || ck.SameSite != "Lax" || ck.Path != "/ops" {
				t.Errorf("session cookie %+v: want HttpOnly, Secure, SameSite=Lax, Path=/ops", ck)
			}
		}
	}
	if !session {
		t.Fatalf("the browser keeps no ops_session cookie for %s (cookies %+v)", r.URL, cookies)
	}
	if s, _ := br.Eval(`document.cookie`); strings.Contains(s, "ops_session") {
		t.Error("the page's script can read the session cookie; it must be HttpOnly")
	}
	if *alertScreenshot != "" {
		png, err := br.Screenshot(1280, 1600)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(*alertScreenshot, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// Acknowledge: the form posts with the CSRF token; the answer returns to the page.
	if _, err := br.Eval(`document.getElementById("ack").click(); "ok"`); err != nil {
		t.Fatal(err)
	}
	if _, err := br.WaitFor(ctx, page+"?acked="); err != nil {
		t.Fatal(err)
	}
	if s, _ := br.Eval(`document.getElementById("acknowledged").textContent`); !strings.Contains(s, "acknowledged by oncall after") {
		t.Errorf("after the click the page says %q, want acknowledged by oncall", s)
	}
	got, ok := c.alerts()[alertID]
	if !ok || got.AcknowledgedBy == nil || *got.AcknowledgedBy != "oncall" {
		t.Errorf("GET /ops/alerts: alert %s acknowledged by %v, want oncall (the signed-in user)", alertID, deref(got.AcknowledgedBy))
	}
}
