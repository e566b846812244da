package alert_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/alert"
	"github.com/lucian-app/phase12/shared/alertsns"
	"github.com/lucian-app/phase12/shared/burnrate"
	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/flowmetrics"
	"github.com/lucian-app/phase12/shared/ids"
	"github.com/lucian-app/phase12/shared/opsstore"
	"github.com/lucian-app/phase12/shared/opsstore/opsstoretest"
	"github.com/lucian-app/phase12/shared/slo"
	"github.com/lucian-app/phase12/shared/topic"
)

const topicARN = "arn:aws:sns:us-east-1:123456789012:AlertTopic"

var start = time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)

// world is the burn-rate check wired as in Lambda, over minidyn and an in-process SNS, with
// a clock the test moves.
type world struct {
	t       *testing.T
	now     time.Time
	db      *opsstoretest.ItemCounter
	store   *opsstore.Store
	sns     *topic.Recorder
	ingest  *flowmetrics.Service
	checker *alert.Checker
	callers int
}

func newWorld(t *testing.T) *world {
	t.Helper()
	cat, err := slo.Default()
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, now: start}
	clock := func() time.Time { return w.now }
	w.db = opsstoretest.CountItems(dynamotest.New(t))
	w.store = opsstore.New(w.db, dynamotest.OpsTable)
	w.sns = &topic.Recorder{Now: clock, Names: map[string]string{topicARN: "AlertTopic"}}
	w.ingest = &flowmetrics.Service{Catalog: cat, Writer: w.store, Now: clock,
		Limiter: w.store, PerCallerPerMinute: flowmetrics.DefaultPerCallerPerMinute}
	w.checker = &alert.Checker{
		Catalog: cat, Rules: burnrate.Rules(), NoData: alert.DefaultNoDataRule(),
		Metrics: w.store, Store: w.store,
		Publisher:    &alertsns.Publisher{SNS: w.sns, TopicARN: topicARN},
		Links:        alert.Links{AckBaseURL: "https://api.example.com", RunbookBaseURL: "https://git.example.com/phase12/blob/main"},
		ResolveAfter: alert.DefaultResolveAfter,
		Now:          clock, NewID: ids.Sequence("A"),
		Log: slog.New(slog.DiscardHandler),
	}
	return w
}

// report records n events of flow at the current time, bad of them failed, the way the flow
// is measured: a server flow's as its function's Observer writes them, a client flow's
// through ingest, as the app posts them (at most 500 a request, one caller per request).
func (w *world) report(flow string, n, bad int, latencyMs float64) {
	w.t.Helper()
	f, ok := w.ingest.Catalog.Flow(flow)
	if !ok {
		w.t.Fatalf("unknown flow %s", flow)
	}
	at := w.now.Add(-time.Second)
	if f.Source == slo.Server {
		events := make([]flowmetrics.Event, n)
		for i := range events {
			events[i] = flowmetrics.Event{Flow: flow, LatencyMs: latencyMs, OK: i >= bad, At: at}
		}
		if err := w.store.Add(context.Background(), flowmetrics.Aggregate(w.ingest.Catalog, events)); err != nil {
			w.t.Fatalf("record: %v", err)
		}
		return
	}
	for len := 0; n > 0; n -= len {
		len = min(n, flowmetrics.MaxEvents)
		var raw []json.RawMessage
		for i := range len {
			outcome := "ok"
			if i < bad {
				outcome = "error"
			}
			raw = append(raw, json.RawMessage(fmt.Sprintf(`{"flow":%q,"latency_ms":%v,"outcome":%q,"at":%q}`,
				flow, latencyMs, outcome, at.Format(time.RFC3339))))
		}
		bad = max(bad-len, 0)
		w.callers++
		res, err := w.ingest.Ingest(context.Background(), fmt.Sprintf("app-%d", w.callers), raw)
		if err != nil || len != res.Accepted {
			w.t.Fatalf("ingest: %+v, %v", res, err)
		}
	}
}

func (w *world) check() (alert.Report, error) {
	return w.checker.Run(context.Background())
}

func (w *world) mustCheck() alert.Report {
	w.t.Helper()
	rep, err := w.check()
	if err != nil {
		w.t.Fatalf("check at %v: %v", w.now, err)
	}
	return rep
}

// count counts the published messages whose attributes include every pair of want.
func (w *world) count(want map[string]string) int {
	n := 0
	for _, m := range w.sns.Messages() {
		match := true
		for k, v := range want {
			match = match && m.Attributes[k] == v
		}
		if match {
			n++
		}
	}
	return n
}

func attrs(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// TestSustainedBurnPagesOnceThenResolvesOnce: create_task fails 10% of the time for three
// hours (100x the availability budget), then recovers. Traffic arrives in a batch every five
// minutes (minidyn scans its whole table per query, so fewer buckets keep the test fast);
// the check runs every minute for the first hour and every five minutes after.
func TestSustainedBurnPagesOnceThenResolvesOnce(t *testing.T) {
	w := newWorld(t)
	runs := 0
	for i := range 180 {
		if i%5 == 0 {
			w.report("create_task", 500, 50, 120)
		}
		if i < 60 || i%5 == 0 {
			rep := w.mustCheck()
			runs++
			if i == 0 && rep.Triggered == 0 {
				t.Errorf("first run triggered nothing; a 100x burn with enough traffic should page at once")
			}
		}
		w.now = w.now.Add(time.Minute)
	}
	page := attrs("flow", "create_task", "objective", "availability", "severity", "page")
	if got := w.count(merge(page, "action", "trigger")); got != 1 {
		t.Errorf("page triggers after %d runs of a sustained burn = %d, want exactly 1", runs, got)
	}
	if got := w.count(attrs("objective", "latency")); got != 0 {
		t.Errorf("latency messages = %d, want 0 (the errors were fast)", got)
	}
	if got := w.count(attrs("action", "resolve")); got != 0 {
		t.Errorf("resolves during the burn = %d, want 0", got)
	}
	during := len(w.sns.Messages())

	// Recovery: clean traffic for seven hours, longer than the slowest rule's short window
	// (6h) plus ResolveAfter.
	for i := range 7 * 60 {
		if i%5 == 0 {
			w.report("create_task", 500, 0, 120)
			w.mustCheck()
		}
		w.now = w.now.Add(time.Minute)
	}
	for _, sev := range []string{"page", "ticket"} {
		key := attrs("flow", "create_task", "objective", "availability", "severity", sev)
		if got := w.count(merge(key, "action", "trigger")); got != 1 {
			t.Errorf("%s triggers = %d, want 1", sev, got)
		}
		if got := w.count(merge(key, "action", "resolve")); got != 1 {
			t.Errorf("%s resolves = %d, want 1", sev, got)
		}
	}
	if got := len(w.sns.Messages()); got != during+2 {
		t.Errorf("messages after recovery = %d, want %d (one resolve per alert)", got, during+2)
	}
	firing, err := w.store.List(context.Background(), alert.Firing, 10)
	if err != nil || len(firing) != 0 {
		t.Errorf("firing alerts after recovery = %+v, %v; want none", firing, err)
	}
}

func merge(m map[string]string, kv ...string) map[string]string {
	out := attrs(kv...)
	for k, v := range m {
		out[k] = v
	}
	return out
}

func TestLowTrafficBlipDoesNotPage(t *testing.T) {
	w := newWorld(t)
	w.report("undo", 5, 5, 50) // every event failed, but there are only five
	for range 90 {
		rep := w.mustCheck()
		if rep.Triggered != 0 {
			t.Fatalf("at %v: triggered %d alerts from five events", w.now, rep.Triggered)
		}
		w.now = w.now.Add(time.Minute)
	}
	if got := len(w.sns.Messages()); got != 0 {
		t.Errorf("published %d messages, want none", got)
	}
}

// TestClientFlowsTicketButNeverPage: a total outage of what the app sees, reported by
// callers for an hour, burns the client flow's budget at 100x: both its ticket rules fire
// once, neither page rule is even evaluated (any signed-in caller can report a client
// flow), and the server flows stay quiet.
func TestClientFlowsTicketButNeverPage(t *testing.T) {
	w := newWorld(t)
	for i := range 60 {
		if i%5 == 0 {
			w.report("create_task_client", 500, 500, 300)
		}
		if i%5 == 0 || i < 5 {
			w.mustCheck()
		}
		w.now = w.now.Add(time.Minute)
	}
	if got := w.count(attrs("severity", "page")); got != 0 {
		t.Errorf("pages = %d, want none from a client flow", got)
	}
	ticket := attrs("flow", "create_task_client", "objective", "availability", "severity", "ticket", "action", "trigger")
	if got := w.count(ticket); got != 1 {
		t.Errorf("create_task_client availability tickets = %d, want exactly 1", got)
	}
	if got, want := len(w.sns.Messages()), 1; got != want {
		t.Errorf("messages = %d, want %d (the ticket)", got, want)
	}
	st, errs := alert.AssessAll(context.Background(), w.store, w.checker.Catalog, w.checker.Rules, w.checker.NoData, w.now)
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	for _, fs := range st {
		for _, o := range fs.Objectives {
			var sevs []burnrate.Severity
			for _, e := range o.Evals {
				sevs = append(sevs, e.Rule.Severity)
			}
			want := 4
			if fs.Flow.Source == slo.Client {
				want = 2
			}
			if len(o.Evals) != want || (want == 2 && (sevs[0] != burnrate.Ticket || sevs[1] != burnrate.Ticket)) {
				t.Errorf("%s %s is judged by rules of %v, want %d rules (client flows: tickets only)", fs.Flow.Name, o.Objective.Name, sevs, want)
			}
		}
	}
}

func TestSilentFlowRaisesOneNoDataTicket(t *testing.T) {
	w := newWorld(t)
	// Three days of 300 events every half hour, checked every six hours: well above the
	// no-data floor of ten an hour.
	var last time.Time
	for i := range 72 * 60 {
		if i%30 == 0 {
			w.report("today_load", 300, 0, 300)
			last = w.now.Add(-time.Second).Truncate(time.Minute)
		}
		if i%360 == 0 {
			w.mustCheck()
		}
		w.now = w.now.Add(time.Minute)
	}
	if got := len(w.sns.Messages()); got != 0 {
		t.Fatalf("published %d messages while the flow was healthy, want none", got)
	}
	// Silence for two hours, checked every minute around the hour mark.
	var firstTicket time.Time
	for i := range 2 * 60 {
		if since := w.now.Sub(last); (since < 50*time.Minute || since > 70*time.Minute) && i%10 != 0 {
			w.now = w.now.Add(time.Minute)
			continue
		}
		w.mustCheck()
		if firstTicket.IsZero() && w.count(attrs("objective", alert.NoData)) > 0 {
			firstTicket = w.now
		}
		w.now = w.now.Add(time.Minute)
	}
	nd := attrs("flow", "today_load", "objective", alert.NoData, "severity", "ticket")
	if got := w.count(merge(nd, "action", "trigger")); got != 1 {
		t.Errorf("no-data tickets = %d, want exactly 1", got)
	}
	if got, want := firstTicket.Sub(last), time.Hour; got != want {
		t.Errorf("ticket raised %v after the minute of the last event, want %v", got, want)
	}
	if got := len(w.sns.Messages()); got != 1 {
		t.Errorf("messages = %d, want only the no-data ticket", got)
	}
	for _, m := range w.sns.Messages() {
		if !strings.Contains(m.Message, "docs/runbooks/no-data.md") {
			t.Errorf("no-data ticket does not link its runbook:\n%s", m.Message)
		}
	}
	// Events again: the ticket resolves once.
	for range 20 {
		w.report("today_load", 30, 0, 300)
		w.mustCheck()
		w.now = w.now.Add(time.Minute)
	}
	if got := w.count(merge(nd, "action", "resolve")); got != 1 {
		t.Errorf("no-data resolves = %d, want 1", got)
	}
}

func TestSNSOutageDelaysThePageButNeverLosesOrDuplicatesIt(t *testing.T) {
	w := newWorld(t)
	outage := errors.New("sns: service unavailable")
	w.sns.SetFailure(outage)
	for i := range 15 {
		w.report("execute_intent", 200, 200, 80) // a total outage of the flow
		_, err := w.check()
		if !errors.Is(err, outage) {
			t.Fatalf("run %d during the SNS outage: error = %v, want it to report the publish failure", i, err)
		}
		w.now = w.now.Add(time.Minute)
	}
	if got := len(w.sns.Messages()); got != 0 {
		t.Fatalf("%d messages delivered during the outage", got)
	}
	firing, err := w.store.List(context.Background(), alert.Firing, 10)
	if err != nil || len(firing) == 0 {
		t.Fatalf("firing alerts = %v, %v; want the incident recorded although unsent", firing, err)
	}
	for _, a := range firing {
		if a.NotifiedAt != nil {
			t.Errorf("alert %s marked notified while SNS was down", a.ID)
		}
	}

	w.sns.SetFailure(nil)
	for range 30 {
		w.report("execute_intent", 200, 200, 80)
		w.mustCheck()
		w.now = w.now.Add(time.Minute)
	}
	page := attrs("flow", "execute_intent", "objective", "availability", "severity", "page", "action", "trigger")
	if got := w.count(page); got != 1 {
		t.Errorf("page triggers after recovery = %d, want exactly 1", got)
	}
	msgs := w.sns.Messages()
	if len(msgs) == 0 {
		t.Fatal("no message after recovery")
	}
	first := msgs[0]
	if !first.PublishedAt.Equal(start.Add(15 * time.Minute)) {
		t.Errorf("first delivery at %v, want the first run after the outage (%v)", first.PublishedAt, start.Add(15*time.Minute))
	}
	// The delivered page is the incident opened during the outage, with its evidence.
	if first.Attributes["alert_id"] != "A0001" || !strings.Contains(first.Message, "Triggered:   "+start.Format(time.RFC3339)) {
		t.Errorf("delivered page is not the one opened at the start of the outage:\n%v\n%s", first.Attributes, first.Message)
	}
}

func TestPageContent(t *testing.T) {
	w := newWorld(t)
	w.report("today_load", 1000, 0, 3000) // every event slower than 1500 ms, none failed
	w.mustCheck()
	var page *topic.Message
	for _, m := range w.sns.Messages() {
		if m.Attributes["severity"] == "page" {
			page = &m
		}
	}
	if page == nil {
		t.Fatalf("no page; messages %+v", w.sns.Messages())
	}
	t.Logf("subject: %s\n%s", page.Subject, page.Message)
	wantAttrs := map[string]string{"severity": "page", "flow": "today_load", "objective": "latency", "action": "trigger",
		"dedup_key": "phase12/today_load/latency/page", "alert_id": "A0001"}
	for k, v := range wantAttrs {
		if page.Attributes[k] != v {
			t.Errorf("attribute %s = %q, want %q", k, page.Attributes[k], v)
		}
	}
	if page.Topic != "AlertTopic" || page.Subject != "[PAGE] today_load latency burning its error budget at 20.0x over 1h (threshold 14.4x)" {
		t.Errorf("topic %q subject %q", page.Topic, page.Subject)
	}
	for _, want := range []string{
		"Flow:        today_load",
		"Objective:   latency, target 95% (SLO catalogue v2)",
		"Severity:    page",
		"Rule:        page-1h-5m: both windows must burn at 14.4x or more",
		"1h window:   20.0x burn rate (1000 bad of 1000 events)",
		"5m window:   20.0x burn rate",
		"Budget left: -1900% of the 30-day error budget",
		"page-1h-5m    threshold  14.4x    1h    20.0x    5m    20.0x  FIRING",
		"page-6h-30m   threshold   6.0x    6h    20.0x   30m    20.0x  FIRING",
		"Runbook:     https://git.example.com/phase12/blob/main/docs/runbooks/today_load-latency.md",
		"Acknowledge: POST https://api.example.com/ops/alerts/A0001/ack",
		"Dedup key:   phase12/today_load/latency/page",
	} {
		if !strings.Contains(page.Message, want) {
			t.Errorf("page body lacks %q:\n%s", want, page.Message)
		}
	}
}

// TestReadsPerCheckAreBoundedWhateverTheData: a check reads the same number of items at
// 1k and at 100k events in the same sparse buckets, and no more than one bound whether the
// buckets are sparse or dense (every minute of the last 72 hours populated, and every hour
// and day rolled up). The bound is, per flow, flowmetrics.MaxBuckets (60 minutes and the
// MaxAhead ones after the clock, 30 edge minutes per window over an hour, the hours of the
// 3-day window and the current one, the 30 days of the budget) plus 5 alert states (2
// objectives times 2 severities, and no-data).
//
// Flows are read one by one, so one flow (today_load) shows the per-flow bound; with every
// flow dense the embedded store, which scans its whole table per Query, takes seconds.
func TestReadsPerCheckAreBoundedWhateverTheData(t *testing.T) {
	def, err := slo.Default()
	if err != nil {
		t.Fatal(err)
	}
	cat := def
	cat.Flows = cat.Flows[:1]
	if cat.Flows[0].Name != "today_load" || len(cat.Flows[0].Objectives) != 2 {
		t.Fatalf("the default catalogue's first flow is %+v, want today_load with two objectives", cat.Flows[0])
	}
	// Half past the hour, less one minute: every window over an hour starts 30 minutes into
	// its edge hour, where the most edge minutes are read.
	now := start.Add(72*time.Hour + 29*time.Minute)
	// sparse: the same 250 minutes spread over three days whatever n, each holding n/250
	// events.
	sparse := func(n int) []flowmetrics.Event {
		var events []flowmetrics.Event
		for i := range n {
			at := now.Add(-time.Duration((i%250)*17) * time.Minute)
			events = append(events, flowmetrics.Event{Flow: "today_load", LatencyMs: float64(50 + i%2000), OK: i%50 != 0, At: at})
		}
		return events
	}
	// dense: an event in every minute from 72 hours before the clock to MaxAhead after it,
	// and one on each day of the budget before that.
	dense := func() []flowmetrics.Event {
		var events []flowmetrics.Event
		for at := now.Add(-72 * time.Hour); !at.After(now.Add(flowmetrics.MaxAhead)); at = at.Add(time.Minute) {
			events = append(events, flowmetrics.Event{Flow: "today_load", LatencyMs: 120, OK: at.Minute()%50 != 0, At: at})
		}
		for d := range 30 {
			events = append(events, flowmetrics.Event{Flow: "today_load", LatencyMs: 120, OK: true, At: now.Add(-72*time.Hour - time.Duration(d+1)*24*time.Hour)})
		}
		return events
	}
	q := flowmetrics.Query{Windows: alert.Windows(burnrate.Rules(), alert.DefaultNoDataRule()), Budget: cat.BudgetingWindow}
	bound := len(cat.Flows) * (flowmetrics.MaxBuckets(q) + 5)

	reads := map[string]int{}
	for _, tt := range []struct {
		name   string
		events []flowmetrics.Event
	}{
		{"sparse, 1k events", sparse(1_000)},
		{"sparse, 100k events", sparse(100_000)},
		{"dense, every minute of 72h", dense()},
	} {
		w := newWorld(t)
		w.now = now
		w.checker.Catalog = cat
		if err := w.store.Add(context.Background(), flowmetrics.Aggregate(cat, tt.events)); err != nil {
			t.Fatal(err)
		}
		w.db.Reset()
		w.mustCheck()
		reads[tt.name] = w.db.Items()
		if got := reads[tt.name]; got == 0 || got > bound {
			t.Errorf("%s: got %d items read per check, want between 1 and the bound %d", tt.name, got, bound)
		}
	}
	if a, b := reads["sparse, 1k events"], reads["sparse, 100k events"]; a != b {
		t.Errorf("items read per check in the same sparse buckets: got %d at 1k events and %d at 100k, want equal", a, b)
	}
	// Dense data fills every bucket a check can read, so it reads more than sparse data
	// (the dense case does reach for the bound) and still no more than the bound.
	if d, s := reads["dense, every minute of 72h"], reads["sparse, 100k events"]; d <= s {
		t.Errorf("items read per check: got %d on dense data and %d on sparse, want dense above sparse", d, s)
	}
	t.Logf("items read per check: %v (bound %d)", reads, bound)
}
