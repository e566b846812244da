package ops_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/lucian-app/phase12/shared/alert"
	"github.com/lucian-app/phase12/shared/burnrate"
	"github.com/lucian-app/phase12/shared/digest"
	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/flake"
	"github.com/lucian-app/phase12/shared/flowmetrics"
	"github.com/lucian-app/phase12/shared/httpapi/httpapitest"
	"github.com/lucian-app/phase12/shared/kpi"
	"github.com/lucian-app/phase12/shared/ops"
	"github.com/lucian-app/phase12/shared/opsstore"
	"github.com/lucian-app/phase12/shared/opsstore/opsstoretest"
	"github.com/lucian-app/phase12/shared/slo"
)

// pageFixture is the ops handler with digests, over a store whose reads are counted.
type pageFixture struct {
	*fixture
	svc     *ops.Service
	counter *opsstoretest.ItemCounter
}

func newPageFixture(t *testing.T) *pageFixture {
	t.Helper()
	cat, err := slo.Default()
	if err != nil {
		t.Fatal(err)
	}
	counter := opsstoretest.CountItems(dynamotest.New(t))
	store := opsstore.New(counter, dynamotest.OpsTable)
	clock := func() time.Time { return now }
	blockers, err := flake.DefaultBlockers()
	if err != nil {
		t.Fatal(err)
	}
	svc := &ops.Service{Catalog: cat, Rules: burnrate.Rules(), NoData: alert.DefaultNoDataRule(),
		Metrics: store, States: store, Records: store, Incidents: store, Digests: store,
		Flakes: &flake.Gate{Blockers: blockers, Store: store, Now: clock}, Now: clock}
	return &pageFixture{
		fixture: &fixture{h: ops.Handler(svc, slog.New(slog.DiscardHandler), clock), store: store, cat: cat},
		svc:     svc, counter: counter,
	}
}

// traffic stores a day of events and returns them: every flow but undo reports 20 events an
// hour; create_task failed one event in ten between 6 and 5 hours ago.
func (f *pageFixture) traffic(t *testing.T) []flowmetrics.Event {
	t.Helper()
	var events []flowmetrics.Event
	for h := range 24 {
		for i := range 20 {
			at := now.Add(-time.Duration(h)*time.Hour - time.Duration(i)*time.Minute)
			for _, flow := range []string{"today_load", "create_task", "execute_intent"} {
				ok := !(flow == "create_task" && h == 5 && i%10 == 0)
				events = append(events, flowmetrics.Event{Flow: flow, LatencyMs: 100 + float64(i), OK: ok, At: at})
			}
		}
	}
	if err := f.store.Add(context.Background(), flowmetrics.Aggregate(f.cat, events)); err != nil {
		t.Fatal(err)
	}
	return events
}

// shownBuckets counts the stored buckets the page shows, each at least one item it must
// read: per flow, the minute buckets of the last hour (the 5m and 1h columns), the hour
// buckets of the 3-day window and the day buckets of the budget (the long columns and the
// budget), and, in a Query of their own, the hour buckets of the sparkline's last
// HistoryHours whole hours.
func shownBuckets(events []flowmetrics.Event) int {
	thisHour := flowmetrics.Hour.Start(now)
	seen := map[string]bool{}
	for _, e := range events {
		m := flowmetrics.Minute.Start(e.At)
		if !m.Before(flowmetrics.Minute.Start(now).Add(-59*time.Minute)) && !m.After(now) {
			seen[e.Flow+" minute "+m.String()] = true
		}
		h := flowmetrics.Hour.Start(e.At)
		seen[e.Flow+" hour "+h.String()] = true
		seen[e.Flow+" day "+flowmetrics.Day.Start(e.At).String()] = true
		if !h.Before(thisHour.Add(-ops.HistoryHours*time.Hour)) && h.Before(thisHour) {
			seen[e.Flow+" history hour "+h.String()] = true
		}
	}
	return len(seen)
}

// blockerRuns posts CI runs of blocker tests: this week (now's) 40 blocker tests on one
// commit, one of them flaky (failed in attempt 1, passed in attempt 2: 2.5%, over the 2%
// target), and three weeks earlier 10 tests, none flaky. It returns how many week counters
// it stored.
func (f *pageFixture) blockerRuns(t *testing.T) int {
	t.Helper()
	const suite = "github.com/lucian-app/phase12/tests/e2e"
	run := func(commit string, attempt, n int, failing string, at time.Time) {
		var rs []flake.Result
		for i := range n {
			name := fmt.Sprintf("TestBlocker%02d", i)
			o := flake.Pass
			if name == failing {
				o = flake.Fail
			}
			rs = append(rs, flake.Result{Suite: suite, Test: name, Outcome: o})
		}
		if _, err := f.store.RecordRun(context.Background(), commit, attempt, rs, at); err != nil {
			t.Fatal(err)
		}
	}
	run("abcdef1", 1, 40, "TestBlocker07", now)
	run("abcdef1", 2, 40, "", now)
	run("0123456", 1, 10, "", now.AddDate(0, 0, -21))
	return 2
}

// kpiSection is a digest's KPI section whose phase gate is closed on onboarding completion.
func kpiSection() *kpi.Report {
	return &kpi.Report{Version: 1, KPIs: []kpi.Value{}, Actions: []kpi.Action{},
		Gate: kpi.Gate{Missing: []string{"Onboarding completion (40%, target >= 60%) this week"}}}
}

func (f *pageFixture) storeDigest(t *testing.T, week string) {
	t.Helper()
	f.storeDigestKPI(t, week, nil)
}

func (f *pageFixture) storeDigestKPI(t *testing.T, week string, rep *kpi.Report) {
	t.Helper()
	w, err := digest.ParseWeek(week)
	if err != nil {
		t.Fatal(err)
	}
	att := 0.9
	d := digest.Digest{Week: week, From: w.Start(), To: w.End(), GeneratedAt: w.End().Add(8 * time.Hour), SLOVersion: 1,
		BudgetingWindowMs: (30 * 24 * time.Hour).Milliseconds(),
		Flows: []digest.FlowDigest{{Flow: "create_task", Events: 100, Objectives: []digest.ObjectiveDigest{
			{Objective: "availability", Kind: "availability", Target: 0.999, Good: 90, Total: 100, Attainment: &att, BudgetRemaining: -99}}}},
		NeedsDecision: []digest.Decision{{Kind: digest.ObjectiveMissed, Flow: "create_task", Objective: "availability",
			Message: "create_task availability missed its objective: 90% ok against a target of 99.9%"}}, KPI: rep}
	if _, err := f.store.Create(context.Background(), d); err != nil {
		t.Fatal(err)
	}
}

// parse reads a page and fails the test if it is not HTML.
func parse(t *testing.T, body []byte) *html.Node {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("not HTML: %v", err)
	}
	return doc
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

// findAll returns the elements under n that match.
func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	for c := range n.Descendants() {
		if c.Type == html.ElementNode && match(c) {
			out = append(out, c)
		}
	}
	return out
}

func tag(name string) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.Data == name }
}

func byID(doc *html.Node, id string) *html.Node {
	found := findAll(doc, func(n *html.Node) bool { return attr(n, "id") == id })
	if len(found) != 1 {
		return nil
	}
	return found[0]
}

func text(n *html.Node) string {
	var b strings.Builder
	for c := range n.Descendants() {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return b.String()
}

func TestOpsPage(t *testing.T) {
	f := newPageFixture(t)
	events := f.traffic(t)
	f.open(t, "A0001", alert.Key{Flow: "create_task", Objective: "availability", Severity: burnrate.Page}, opened)
	f.open(t, "A0002", alert.Key{Flow: "today_load", Objective: "latency", Severity: burnrate.Ticket}, opened.Add(time.Minute))
	f.storeDigestKPI(t, "2026-W47", kpiSection())
	flakeWeeks := f.blockerRuns(t)

	f.counter.Reset()
	rec := f.do("GET", "/ops", "", opsman)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	for name, want := range map[string]string{
		"Content-Type":  "text/html; charset=utf-8",
		"Cache-Control": "no-store",
	} {
		if got := rec.Header().Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") {
		t.Errorf("Content-Security-Policy = %q, want no scripts", csp)
	}
	doc := parse(t, rec.Body.Bytes())

	t.Run("SLO table: a row per flow and objective", func(t *testing.T) {
		table := byID(doc, "slo-table")
		if table == nil {
			t.Fatal("no table#slo-table")
		}
		rows := findAll(table, func(n *html.Node) bool { return n.Data == "tr" && attr(n, "data-flow") != "" })
		perFlow := map[string][]string{}
		for _, r := range rows {
			perFlow[attr(r, "data-flow")] = append(perFlow[attr(r, "data-flow")], attr(r, "data-objective"))
			if cells := findAll(r, tag("td")); len(cells) < 12 {
				t.Errorf("row %s/%s has %d cells", attr(r, "data-flow"), attr(r, "data-objective"), len(cells))
			}
		}
		for _, fl := range f.cat.Flows {
			var want []string
			for _, o := range fl.Objectives {
				want = append(want, o.Name)
			}
			if got := strings.Join(perFlow[fl.Name], ","); got != strings.Join(want, ",") {
				t.Errorf("rows of %s: %q, want %s", fl.Name, got, strings.Join(want, ","))
			}
		}
		if len(perFlow) != len(f.cat.Flows) {
			t.Errorf("rows for %d flows, want %d", len(perFlow), len(f.cat.Flows))
		}
		heads := findAll(table, tag("th"))
		var names []string
		for _, h := range heads {
			names = append(names, strings.TrimSpace(text(h)))
		}
		for _, want := range []string{"Target", "Attainment", "Budget left", "5m", "1h", "3d"} {
			if !strings.Contains(strings.Join(names, "|"), want) {
				t.Errorf("header %v lacks %q", names, want)
			}
		}
		row := findAll(table, func(n *html.Node) bool {
			return attr(n, "data-flow") == "create_task" && attr(n, "data-objective") == "availability"
		})[0]
		if s := text(row); !strings.Contains(s, "99.9%") || !strings.Contains(s, "page") {
			t.Errorf("create_task availability row = %q, want the target and the firing page", s)
		}
	})

	t.Run("burn-rate widget: an SVG per flow with points and the threshold", func(t *testing.T) {
		burn := byID(doc, "burn")
		figs := findAll(burn, tag("figure"))
		if len(figs) != len(f.cat.Flows) {
			t.Fatalf("%d figures, want %d", len(figs), len(f.cat.Flows))
		}
		for _, fig := range figs {
			svgs := findAll(fig, tag("svg"))
			if len(svgs) != 1 {
				t.Fatalf("%s: %d svg", attr(fig, "data-flow"), len(svgs))
			}
			lines := findAll(svgs[0], func(n *html.Node) bool { return n.Data == "line" && attr(n, "class") == "threshold" })
			if len(lines) != 1 || attr(lines[0], "y1") == "" {
				t.Errorf("%s: no threshold line", attr(fig, "data-flow"))
			}
			polys := findAll(svgs[0], tag("polyline"))
			fl, _ := f.cat.Flow(attr(fig, "data-flow"))
			if len(polys) != len(fl.Objectives) {
				t.Fatalf("%s: %d polylines, want one per objective", attr(fig, "data-flow"), len(polys))
			}
			for _, p := range polys {
				if pts := strings.Fields(attr(p, "points")); len(pts) != ops.HistoryHours+1 {
					t.Errorf("%s %s: %d points, want %d", attr(fig, "data-flow"), attr(p, "data-objective"), len(pts), ops.HistoryHours+1)
				}
			}
		}
	})

	t.Run("firing alerts: each with an ack form posting to it", func(t *testing.T) {
		forms := findAll(byID(doc, "alerts"), tag("form"))
		if len(forms) != 2 {
			t.Fatalf("%d forms, want 2", len(forms))
		}
		got := map[string]bool{}
		for _, fm := range forms {
			if strings.ToLower(attr(fm, "method")) != "post" {
				t.Errorf("form method %q, want post", attr(fm, "method"))
			}
			got[attr(fm, "action")] = true
			var fp []*html.Node
			for _, b := range findAll(fm, tag("button")) {
				if attr(b, "name") == "verdict" && attr(b, "value") == alert.FalsePositive && attr(b, "type") == "submit" {
					fp = append(fp, b)
				}
			}
			if len(fp) != 1 {
				t.Errorf("form %s: %d false-positive buttons, want one (one click)", attr(fm, "action"), len(fp))
			}
		}
		for _, want := range []string{"/ops/alerts/A0001/ack", "/ops/alerts/A0002/ack"} {
			if !got[want] {
				t.Errorf("no form posting to %s (forms: %v)", want, got)
			}
		}
	})

	t.Run("the latest digest", func(t *testing.T) {
		sec := byID(doc, "digest")
		if s := text(sec); !strings.Contains(s, "2026-W47") || !strings.Contains(s, "create_task availability missed its objective") {
			t.Errorf("digest section = %q", s)
		}
		if rows := findAll(byID(doc, "digest-table"), func(n *html.Node) bool { return attr(n, "data-flow") == "create_task" }); len(rows) != 1 {
			t.Errorf("%d digest rows for create_task, want 1", len(rows))
		}
	})

	t.Run("release-blocker row: this week's blocker flake rate against 2%, with 8 weeks of trend", func(t *testing.T) {
		rows := findAll(byID(doc, "gates-table"), func(n *html.Node) bool { return attr(n, "data-gate") == "release-blocker" })
		if len(rows) != 1 {
			t.Fatalf("%d release-blocker rows, want 1", len(rows))
		}
		row := rows[0]
		if st := attr(row, "data-state"); st != "bad" {
			t.Errorf("release-blocker state %q, want bad (2.5%% > 2%%)", st)
		}
		if s := text(row); !strings.Contains(s, "2.5%") || !strings.Contains(s, "1 of 40 flaky") || !strings.Contains(s, "2%") || !strings.Contains(s, "2026-W48") {
			t.Errorf("release-blocker row = %q, want week 2026-W48's 2.5%% (1 of 40 flaky) against 2%%", s)
		}
		weeks := findAll(row, tag("li"))
		if len(weeks) != flake.TrendWeeks {
			t.Fatalf("%d trend weeks, want %d", len(weeks), flake.TrendWeeks)
		}
		var got []string
		for _, w := range weeks {
			got = append(got, attr(w, "data-week")+"="+attr(w, "class")+" "+strings.TrimSpace(text(w)))
		}
		want := "2026-W41=muted W41 -|2026-W42=muted W42 -|2026-W43=muted W43 -|2026-W44=muted W44 -|" +
			"2026-W45=ok W45 0%|2026-W46=muted W46 -|2026-W47=muted W47 -|2026-W48=bad W48 2.5%"
		if strings.Join(got, "|") != want {
			t.Errorf("trend\n got %s\nwant %s", strings.Join(got, "|"), want)
		}
	})

	t.Run("phase gate row: the latest digest's verdict, naming the KPI not met", func(t *testing.T) {
		rows := findAll(byID(doc, "gates-table"), func(n *html.Node) bool { return attr(n, "data-gate") == "phase" })
		if len(rows) != 1 {
			t.Fatalf("%d phase rows, want 1", len(rows))
		}
		if st := attr(rows[0], "data-state"); st != "bad" {
			t.Errorf("phase gate state %q, want bad", st)
		}
		if s := text(rows[0]); !strings.Contains(s, "Onboarding completion (40%, target >= 60%) this week") || !strings.Contains(s, "2026-W47") {
			t.Errorf("phase gate row = %q, want the missing KPI and the digest's week", s)
		}
	})

	t.Run("no scripts, nothing external", func(t *testing.T) {
		if s := findAll(doc, tag("script")); len(s) != 0 {
			t.Errorf("%d script elements", len(s))
		}
		for _, n := range findAll(doc, func(*html.Node) bool { return true }) {
			for _, a := range []string{"src", "href"} {
				// A link to an alert's own page loads nothing; nothing else may be there.
				if v := attr(n, a); v != "" && (n.Data != "a" || a != "href" || !strings.HasPrefix(v, "/ops/alerts/")) {
					t.Errorf("<%s %s=%q>: the page loads nothing", n.Data, a, v)
				}
			}
		}
	})

	// The page reads what the snapshot reads (bounded per flow, as the burn-rate check),
	// one Query of at most 24 hour buckets per flow, the states twice (snapshot, firing
	// list), the firing incidents, one digest (the phase gate is in it) and at most
	// flake.TrendWeeks flake week counters: not the traffic, not the CI runs.
	var bound int
	for _, fl := range f.cat.Flows {
		bound += flowmetrics.MaxBuckets(flowmetrics.Query{Flow: fl.Name, Windows: alert.Windows(f.svc.Rules, f.svc.NoData),
			Budget: f.cat.BudgetingWindow}) + ops.HistoryHours
	}
	bound += 2*2 + 2 + 1 + flake.TrendWeeks
	// And at least every stored bucket it shows, the two firing alerts' states and incident
	// records, the digest and the flake weeks it shows: a page that skips a read it
	// displays (or reads nothing) reads fewer.
	lower := shownBuckets(events) + 2*2 + 1 + flakeWeeks
	if got := f.counter.Items(); got < lower || got > bound {
		t.Errorf("the page read %d items, want between %d and %d", got, lower, bound)
	} else {
		t.Logf("the page read %d items (want between %d and %d)", got, lower, bound)
	}
}

func TestOpsPageWithoutAlertsOrDigest(t *testing.T) {
	f := newPageFixture(t)
	rec := f.do("GET", "/ops", "", opsman)
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	doc := parse(t, rec.Body.Bytes())
	if s := text(byID(doc, "alerts")); !strings.Contains(s, "Nothing is firing") {
		t.Errorf("alerts section = %q", s)
	}
	if s := text(byID(doc, "digest")); !strings.Contains(s, "No digest yet") {
		t.Errorf("digest section = %q", s)
	}
	for gate, want := range map[string]string{"release-blocker": "no blocker runs", "phase": "No weekly digest with a KPI section yet"} {
		rows := findAll(byID(doc, "gates-table"), func(n *html.Node) bool { return attr(n, "data-gate") == gate })
		if len(rows) != 1 || attr(rows[0], "data-state") != "none" || !strings.Contains(text(rows[0]), want) {
			t.Errorf("%s row: %d rows, want one in state none saying %q", gate, len(rows), want)
		}
	}
	objectives := 0
	for _, fl := range f.cat.Flows {
		objectives += len(fl.Objectives)
	}
	if byID(doc, "slo-table") == nil || len(findAll(byID(doc, "burn"), tag("polyline"))) != objectives {
		t.Errorf("the table and the widget must show without traffic too")
	}
}

// TestPhaseGateOpen: a digest whose KPI section has every P0 KPI met two weeks running
// shows the gate open.
func TestPhaseGateOpen(t *testing.T) {
	f := newPageFixture(t)
	f.storeDigestKPI(t, "2026-W47", &kpi.Report{Version: 1, KPIs: []kpi.Value{}, Actions: []kpi.Action{}, Gate: kpi.Gate{Open: true, Missing: []string{}}})
	rec := f.do("GET", "/ops", "", opsman)
	rows := findAll(byID(parse(t, rec.Body.Bytes()), "gates-table"), func(n *html.Node) bool { return attr(n, "data-gate") == "phase" })
	if len(rows) != 1 || attr(rows[0], "data-state") != "ok" || !strings.Contains(text(rows[0]), "every P0 KPI met this week and the week before") {
		t.Fatalf("phase gate rows = %d, want one open (page %d)", len(rows), rec.Code)
	}
}

func TestSparklineRates(t *testing.T) {
	f := newPageFixture(t)
	f.traffic(t)
	p, err := f.svc.Page(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var ct ops.Sparkline
	for _, s := range p.Burn {
		if s.Flow == "create_task" {
			ct = s
		}
	}
	if ct.Threshold != 14.4 {
		t.Errorf("threshold = %v, want the 1 h page's 14.4", ct.Threshold)
	}
	av := ct.Series[1]
	if av.Objective != "availability" || len(av.Rates) != ops.HistoryHours+1 {
		t.Fatalf("series = %+v", av)
	}
	// The points are the whole hours ending 10:00 yesterday ... 09:00 today (now is
	// 09:07:30), then now. Work out each hour's burn rate from the events traffic stored.
	bad := map[int]int{}
	total := map[int]int{}
	for h := range 24 {
		for i := range 20 {
			at := now.Add(-time.Duration(h)*time.Hour - time.Duration(i)*time.Minute)
			idx := int(at.Sub(now.Truncate(time.Hour).Add(-ops.HistoryHours*time.Hour)) / time.Hour)
			if idx < 0 || idx >= ops.HistoryHours {
				continue
			}
			total[idx]++
			if h == 5 && i%10 == 0 {
				bad[idx]++
			}
		}
	}
	for i := range ops.HistoryHours {
		rate := 0.0
		if total[i] > 0 {
			rate = float64(bad[i]) / float64(total[i]) / (1 - 0.999)
		}
		if got := av.Rates[i]; got < rate-1e-6 || got > rate+1e-6 {
			t.Errorf("hour %d: burn rate %v, want %v (%d bad of %d)", i, got, rate, bad[i], total[i])
		}
	}
	// The failing stretch straddles two hours, each with 1 bad event of 20: 5% against a
	// 0.1% budget is 50x; the scale goes a tenth above the peak (under its 5x-threshold cap).
	if ct.Peak < 49.99 || ct.Peak > 50.01 || ct.YMax < 54.99 || ct.YMax > 55.01 {
		t.Errorf("peak %v, ymax %v; want 50 and 55", ct.Peak, ct.YMax)
	}
	if last := av.Rates[len(av.Rates)-1]; last != 0 {
		t.Errorf("now: %v, want 0 (no errors in the last hour)", last)
	}
}

func TestDigestRoutes(t *testing.T) {
	f := newPageFixture(t)
	type step struct {
		target string
		status int
		want   string // the week, or the error code and message
	}
	check := func(t *testing.T, steps []step) {
		for _, s := range steps {
			rec := f.do("GET", s.target, "", opsman)
			if rec.Code != s.status {
				t.Fatalf("%s: status %d, want %d: %s", s.target, rec.Code, s.status, rec.Body)
			}
			if s.status != 200 {
				code, msg := errorCode(t, rec)
				if got := string(code) + ": " + msg; got != s.want {
					t.Errorf("%s: %q, want %q", s.target, got, s.want)
				}
				continue
			}
			var body struct {
				Digest struct {
					Week     string                     `json:"week"`
					Flows    []map[string]any           `json:"flows"`
					Delivery map[string]json.RawMessage `json:"delivery"`
				} `json:"digest"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatal(err)
			}
			if body.Digest.Week != s.want || len(body.Digest.Flows) != 1 || body.Digest.Delivery["sns_sent_at"] == nil {
				t.Errorf("%s: %s", s.target, rec.Body)
			}
		}
	}
	check(t, []step{
		{"/ops/digests/latest", 404, "not_found: no digest yet: the first is sent on the first Monday after deployment"},
		{"/ops/digests/2026-W47", 404, "not_found: no digest for week 2026-W47"},
	})
	f.storeDigest(t, "2026-W47")
	f.storeDigest(t, "2026-W48")
	check(t, []step{
		{"/ops/digests/latest", 200, "2026-W48"},
		{"/ops/digests/2026-W47", 200, "2026-W47"},
		{"/ops/digests/2026-W46", 404, "not_found: no digest for week 2026-W46"},
		{"/ops/digests/2026-48", 400, `invalid_request: week: "2026-48" is not an ISO week such as 2026-W48`},
		{"/ops/digests/2027-W53", 400, "invalid_request: week: 2027 has no week 53"},
		{"/ops/digests/last", 400, `invalid_request: week: "last" is not an ISO week such as 2026-W48`},
	})
}

func TestPageAndDigestsNeedTheOpsGroup(t *testing.T) {
	f := newPageFixture(t)
	f.storeDigest(t, "2026-W47")
	for _, target := range []string{"/ops/digests/latest", "/ops/digests/2026-W47"} {
		for _, tt := range []struct {
			name   string
			claims map[string]string
			status int
			code   string
		}{
			{"no identity", nil, 401, "unauthorized"},
			{"a user", httpapitest.Claims("user-1"), 403, "forbidden"},
			{"another group", httpapitest.Claims("user-1", "users"), 403, "forbidden"},
		} {
			t.Run(target+" "+tt.name, func(t *testing.T) {
				rec := f.do("GET", target, "", tt.claims)
				if rec.Code != tt.status {
					t.Fatalf("status %d, want %d", rec.Code, tt.status)
				}
				if code, _ := errorCode(t, rec); code != tt.code {
					t.Errorf("code %q, want %q", code, tt.code)
				}
			})
		}
	}
}

// TestThePageSendsABrowserToSignIn: the ops page without an identity (no session, or an
// expired one, which the authorizer passes on as none) redirects to sign-in and back; a JSON
// caller gets 401; a signed-in user outside the ops group gets a 403 page saying so.
func TestThePageSendsABrowserToSignIn(t *testing.T) {
	f := newPageFixture(t)
	for _, tt := range []struct {
		name, target, accept string
		claims               map[string]string
		status               int
		location, body       string
	}{
		{"browser without identity", "/ops", "text/html,application/xhtml+xml,*/*;q=0.8", nil, 302, "/ops/login?next=%2Fops", ""},
		{"a page with a query", "/ops?acked=A1", "", nil, 302, "/ops/login?next=%2Fops%3Facked%3DA1", ""},
		{"JSON without identity", "/ops", "application/json", nil, 401, "", `"code":"unauthorized"`},
		{"a user outside the group", "/ops", "text/html", httpapitest.Claims("user-1", "users"), 403, "", `<p id="forbidden">You are signed in as <code>user-1</code>, who is not in the <code>ops</code> group`},
		{"JSON outside the group", "/ops", "application/json", httpapitest.Claims("user-1"), 403, "", `"code":"forbidden"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", tt.target, nil)
			if tt.accept != "" {
				r.Header.Set("Accept", tt.accept)
			}
			rec := httptest.NewRecorder()
			f.h.ServeHTTP(rec, httpapitest.FromRequest(r, tt.claims))
			if rec.Code != tt.status || rec.Header().Get("Location") != tt.location || !strings.Contains(rec.Body.String(), tt.body) {
				t.Fatalf("got %d to %q: %.300s; want %d to %q with %q", rec.Code, rec.Header().Get("Location"), rec.Body, tt.status, tt.location, tt.body)
			}
		})
	}
}

func TestAckByForm(t *testing.T) {
	f := newPageFixture(t)
	f.open(t, "A0001", alert.Key{Flow: "create_task", Objective: "availability", Severity: burnrate.Page}, opened)
	f.open(t, "A0002", alert.Key{Flow: "undo", Objective: "latency", Severity: burnrate.Ticket}, opened)
	post := func(id, contentType, body string, claims map[string]string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("POST", "/ops/alerts/"+id+"/ack", strings.NewReader(body))
		r.Header.Set("Content-Type", contentType)
		r.Header.Set("Sec-Fetch-Site", "same-origin") // as the page's own buttons post
		rec := httptest.NewRecorder()
		f.h.ServeHTTP(rec, httpapitest.FromRequest(r, claims))
		return rec
	}
	const form = "application/x-www-form-urlencoded"
	steps := []struct {
		name         string
		id, ct, body string
		claims       map[string]string
		status       int
		location     string
		wantVerdict  string // "-" = not checked
		wantCode     string
	}{
		{"a user cannot", "A0001", form, "verdict=false_positive", httpapitest.Claims("user-1"), 403, "", "-", "forbidden"},
		{"a bad verdict names the field", "A0001", form, "verdict=maybe", opsman, 400, "", "-", "invalid_request"},
		{"two verdicts", "A0001", form, "verdict=true_positive&verdict=false_positive", opsman, 400, "", "-", "invalid_request"},
		{"a bad form", "A0001", form, "verdict=%zz", opsman, 400, "", "-", "invalid_request"},
		{"an unknown alert", "A9999", form, "verdict=false_positive", opsman, 404, "", "-", "not_found"},
		{"false positive in one click", "A0001", form, "verdict=false_positive", opsman, 303, "/ops?acked=A0001", alert.FalsePositive, ""},
		{"a plain acknowledge (no verdict)", "A0002", form + "; charset=UTF-8", "", opsman, 303, "/ops?acked=A0002", "", ""},
		{"JSON still answers JSON", "A0002", "application/json", `{"verdict":"true_positive"}`, opsman, 200, "", alert.TruePositive, ""},
		{"JSON labelled as a form (curl -d) is JSON", "A0002", form, `{"verdict":"false_positive"}`, opsman, 200, "", alert.FalsePositive, ""},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			rec := post(s.id, s.ct, s.body, s.claims)
			if rec.Code != s.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, s.status, rec.Body)
			}
			if s.wantCode != "" {
				code, msg := errorCode(t, rec)
				if code != s.wantCode {
					t.Errorf("code %q, want %q", code, s.wantCode)
				}
				if s.wantCode == "invalid_request" && !strings.Contains(msg, "verdict") && !strings.Contains(msg, "form") {
					t.Errorf("message %q names neither the field nor the form", msg)
				}
				return
			}
			if got := rec.Header().Get("Location"); got != s.location {
				t.Errorf("Location = %q, want %q", got, s.location)
			}
			a, err := f.store.Get(context.Background(), s.id)
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if a.Verdict != nil {
				got = *a.Verdict
			}
			if a.AcknowledgedAt == nil || *a.AcknowledgedBy != "oncall-1" || got != s.wantVerdict {
				t.Errorf("stored alert acknowledged %v by %v verdict %q, want verdict %q", a.AcknowledgedAt, a.AcknowledgedBy, got, s.wantVerdict)
			}
		})
	}
	// The redirect target shows the acknowledgement.
	rec := f.do("GET", "/ops?acked=A0001", "", opsman)
	if doc := parse(t, rec.Body.Bytes()); !strings.Contains(text(doc), "Alert A0001 acknowledged by oncall-1.") {
		t.Errorf("the page after the redirect does not confirm the ack")
	}
}
