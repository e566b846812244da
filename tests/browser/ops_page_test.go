//go:build browser

package browser

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/lucian-app/phase12/shared/slo"
)

// TestOpsPageInChromium seeds a week through the local runner, loads /ops in headless
// Chromium (the runner's default identity is an ops user: a browser sends no X-Dev-User)
// and checks the rendered DOM: a table row per flow and objective, a burn-rate SVG with
// points per flow, an ack form posting to each firing alert, and the digest of 2026-W48.
func TestOpsPageInChromium(t *testing.T) {
	browser := chromium(t)
	// Schedules off: the clock jumps, and only the seeding's own invocations may run the
	// burn-rate check and the digest.
	r := startRunner(t, "LOCAL_NOW=2026-11-29T21:00:00Z", "LOCAL_DEV_USER=ops-viewer", "LOCAL_DEV_GROUPS=ops", "LOCAL_SCHEDULES=off")
	if out := r.Output(); !strings.Contains(out, "Schedules: off (LOCAL_SCHEDULES=off)") {
		t.Fatalf("the runner's banner does not say the schedules are off:\n%s", out)
	}
	c := newClient(t, r.URL)
	acks := seedWeek(t, c)
	// A CI job posts two attempts of one commit: a blocker test fails, then passes (a flake,
	// 1 of 2 blocker tests: 50%, over the 2% target).
	for attempt, out := range []string{"fail", "pass"} {
		body := fmt.Appendf(nil, `{"Action":"run","Package":"github.com/lucian-app/phase12/tests/e2e","Test":"TestFlaky"}
{"Action":%q,"Package":"github.com/lucian-app/phase12/tests/e2e","Test":"TestFlaky","Elapsed":0.1}
{"Action":"pass","Package":"github.com/lucian-app/phase12/tests/e2e","Test":"TestSteady","Elapsed":0.1}
`, out)
		if status, _, b := c.do("POST", fmt.Sprintf("/ci/runs?commit=c0ffee1&attempt=%d", attempt+1), "application/x-ndjson", body,
			map[string]string{"X-Dev-User": "ci-bot", "X-Dev-Groups": "ci"}); status != 200 {
			t.Fatalf("POST /ci/runs attempt %d: %d %s", attempt+1, status, b)
		}
	}

	// Both acknowledgements the page's forms posted are stored: the create_task_client ticket
	// as real, today_load_client's latency alert as a false positive, each by oncall-1.
	kinds := map[string]bool{}
	stored := c.alerts()
	for _, a := range acks {
		kinds[a.Flow+" "+a.Objective] = true
		got, ok := stored[a.ID]
		switch {
		case !ok:
			t.Errorf("acknowledged alert %s (%s %s %s) is not listed by GET /ops/alerts", a.ID, a.Flow, a.Objective, a.Severity)
		case got.AcknowledgedAt == nil || got.Verdict == nil || *got.Verdict != a.Verdict || got.AcknowledgedBy == nil || *got.AcknowledgedBy != "oncall-1":
			t.Errorf("alert %s (%s %s %s) after its ack: acknowledged_at %v, by %v, verdict %v; want a time, oncall-1, %s",
				a.ID, a.Flow, a.Objective, a.Severity, got.AcknowledgedAt, deref(got.AcknowledgedBy), deref(got.Verdict), a.Verdict)
		}
	}
	if !kinds["create_task_client availability"] || !kinds["today_load_client latency"] {
		t.Errorf("acknowledged %v, want the create_task_client availability ticket and today_load_client's latency alert", kinds)
	}

	// Once per week: two invocations, one message on the DigestTopic.
	status, _, b := c.do("GET", "/_local/sns/messages", "", nil, nil)
	var msgs struct {
		Messages []struct{ Topic, Subject, Message string }
	}
	if status != 200 || json.Unmarshal(b, &msgs) != nil {
		t.Fatalf("GET /_local/sns/messages: %d %s", status, b)
	}
	var digests []string
	for _, m := range msgs.Messages {
		if m.Topic == "DigestTopic" {
			digests = append(digests, m.Subject)
		}
	}
	if len(digests) != 1 || !strings.HasPrefix(digests[0], "Weekly SLO digest 2026-W48") {
		t.Errorf("DigestTopic messages = %q, want one digest of 2026-W48", digests)
	}
	firing := c.firing()
	if len(firing) == 0 {
		t.Fatal("nothing is firing after the seeded outage")
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dom, err := browser.Run(ctx, "--dump-dom", r.URL+"/ops")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(dom))
	if err != nil {
		t.Fatalf("the dumped DOM is not HTML: %v", err)
	}

	rows := map[string]int{}
	for _, tr := range find(doc, func(n *html.Node) bool { return n.Data == "tr" && attr(n, "data-flow") != "" && inside(n, "slo-table") }) {
		rows[attr(tr, "data-flow")]++
	}
	// One row per objective of each flow of the catalogue (latency and availability, and
	// degraded for the server-measured flows).
	cat, err := slo.Default()
	if err != nil {
		t.Fatal(err)
	}
	if len(cat.Flows) != 6 {
		t.Errorf("catalogue has %d flows, want the 6 this test seeds", len(cat.Flows))
	}
	for _, f := range cat.Flows {
		if rows[f.Name] != len(f.Objectives) || rows[f.Name] < 2 {
			t.Errorf("rendered SLO table: %d rows for %s, want %d (one per objective)", rows[f.Name], f.Name, len(f.Objectives))
		}
	}

	svgs := find(doc, func(n *html.Node) bool { return n.Data == "svg" })
	if len(svgs) != 6 {
		t.Errorf("%d SVGs in the rendered DOM, want one per flow", len(svgs))
	}
	for _, svg := range svgs {
		polys := find(svg, func(n *html.Node) bool { return n.Data == "polyline" })
		if len(polys) == 0 || len(strings.Fields(attr(polys[0], "points"))) != 25 {
			t.Errorf("an SVG without a 25-point polyline: %d polylines", len(polys))
		}
		if len(find(svg, func(n *html.Node) bool { return n.Data == "line" && attr(n, "class") == "threshold" })) != 1 {
			t.Errorf("an SVG without the threshold line")
		}
	}

	actions := map[string]bool{}
	for _, f := range find(doc, func(n *html.Node) bool { return n.Data == "form" }) {
		actions[attr(f, "action")] = strings.EqualFold(attr(f, "method"), "post")
	}
	for _, a := range firing {
		if !actions["/ops/alerts/"+a.ID+"/ack"] {
			t.Errorf("no POST form for firing alert %s (%s %s %s); forms: %v", a.ID, a.Flow, a.Objective, a.Severity, actions)
		}
	}
	if s := textOf(doc); !strings.Contains(s, "Weekly digest 2026-W48") || !strings.Contains(s, "missed its objective") {
		t.Errorf("the rendered page lacks the 2026-W48 digest and its decisions")
	}

	// The release gates: the blocker flake rate over its target with 8 weeks of trend, and
	// the phase gate as the 2026-W48 digest judged it (no onboarding events: not met).
	gates := map[string]*html.Node{}
	for _, tr := range find(doc, func(n *html.Node) bool {
		return n.Data == "tr" && attr(n, "data-gate") != "" && inside(n, "gates-table")
	}) {
		gates[attr(tr, "data-gate")] = tr
	}
	if g := gates["release-blocker"]; g == nil {
		t.Error("no release-blocker row in the rendered page")
	} else {
		weeks := find(g, func(n *html.Node) bool { return n.Data == "li" && attr(n, "data-week") != "" })
		if s := textOf(g); attr(g, "data-state") != "bad" || !strings.Contains(s, "50%") || !strings.Contains(s, "1 of 2 flaky") || len(weeks) != 8 {
			t.Errorf("release-blocker row: state %q, %d trend weeks, text %q; want bad, 8 weeks, 50%% (1 of 2 flaky)", attr(g, "data-state"), len(weeks), s)
		}
	}
	if g := gates["phase"]; g == nil {
		t.Error("no phase gate row in the rendered page")
	} else if s := textOf(g); attr(g, "data-state") != "bad" || !strings.Contains(s, "2026-W48") || !strings.Contains(s, "Onboarding completion") {
		t.Errorf("phase gate row: state %q, text %q; want not met as 2026-W48's digest judged it, naming onboarding completion", attr(g, "data-state"), s)
	}

	if *screenshot != "" {
		path, err := filepath.Abs(*screenshot)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := browser.Run(ctx, "--screenshot="+path, "--window-size=1280,1600", r.URL+"/ops"); err != nil {
			t.Fatal(err)
		}
		st, err := os.Stat(path)
		if err != nil || st.Size() < 10_000 {
			t.Fatalf("screenshot %s: %v (%v bytes)", path, err, st)
		}
		t.Logf("saved %s (%d bytes)", path, st.Size())
	}
}

func deref(s *string) string {
	if s == nil {
		return "(none)"
	}
	return *s
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

func find(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	for c := range n.Descendants() {
		if c.Type == html.ElementNode && match(c) {
			out = append(out, c)
		}
	}
	return out
}

// inside reports whether n is under the element with that id.
func inside(n *html.Node, id string) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if attr(p, "id") == id {
			return true
		}
	}
	return false
}

func textOf(n *html.Node) string {
	var b strings.Builder
	for c := range n.Descendants() {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return b.String()
}
