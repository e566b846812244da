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
		"Objective:   latency, target 95% (SLO catalogue v3)",
		"Severity:    page",
		"Rule:        page-1h-5m: both windows must burn at 14.4x or more",
		"1h window:   20.0x burn rate (1000 bad of 1000 events)",
		"5m window:   20.0x burn rate",
		"Budget left: -1900% of the 30-day error budget",
		"page-1h-5m    threshold  14.4x    1h    20.0x    5m    20.0x  FIRING",
		"page-6h-30m   threshold   6.0x    6h    20.0x   30m    20.0x  FIRING",
		"Open:        https://api.example.com/ops/alerts/A0001 (the alert, its runbook and the ack buttons)",
		"Runbook:     https://git.example.com/phase12/blob/main/docs/runbooks/today_load-latency.md",
		"Acknowledge: POST https://api.example.com/ops/alerts/A0001/ack",
		"Dedup key:   phase12/today_load/latency/page",
	} {
		if !strings.Contains(page.Message, want) {
			t.Errorf("page body lacks %q:\n%s", want, page.Message)
		}
	}
}

// TestReadsPerCheckAreBoundedWhateverTheData: the items a check reads, counted exactly.
// Buckets are sharded by caller (a store of 4 shards here, to keep minidyn, which scans its
// whole table per Query, quick; the template's 32 read the same way), so a check reads, per
// flow and bucket range, one Query per shard and shard 0, and one item per bucket in each
// shard that was written:
//
//   - the same sparse minutes read the same items at 1k and at 100k events, and 4 callers
//     in 4 shards read exactly 4 times what one unsharded item per bucket reads;
//   - an event in every minute of the last 72 hours (unsharded) reads 259 items: 65
//     minutes, 73 hours, 30 edge minutes for each of the 2h, 6h and 24h windows and 1 for
//     the 3-day window (nothing was reported before its first minute), and 30 days;
//   - every bucket a check can read, written in every shard and in shard 0, reads the
//     bound: (shards+1) x flowmetrics.MaxBuckets (60 minutes and the MaxAhead ones after
//     the clock, 30 edge minutes per window over an hour, the hours of the 3-day window and
//     the current one, the 30 days of the budget: 288) = 1,440 here, 9,504 with 32 shards,
//     plus at most 5 alert states (2 objectives times 2 severities, and no-data; none yet).
//
// The Queries are exactly 7 ranges (minutes, hours, 4 edges, days) x (shards+1) and one
// for the alert states, whatever the data. Flows are read one by one, so one flow
// (today_load) shows the per-flow bound.
func TestReadsPerCheckAreBoundedWhateverTheData(t *testing.T) {
	def, err := slo.Default()
	if err != nil {
		t.Fatal(err)
	}
	cat := def
	cat.Flows = cat.Flows[:1]
	if cat.Flows[0].Name != "today_load" || len(cat.Flows[0].Objectives) != 3 {
		t.Fatalf("the default catalogue's first flow is %+v, want today_load with three objectives", cat.Flows[0])
	}
	// The bounds below are for latency and availability; degraded reads the same buckets.
	cat.Flows[0].Objectives = cat.Flows[0].Objectives[:2]
	const shards = 4
	// Half past the hour, less one minute: every window over an hour starts 30 minutes into
	// its edge hour, where the most edge minutes are read.
	now := start.Add(72*time.Hour + 29*time.Minute)
	// sparse: the same 250 minutes spread over three days whatever n, each holding n/250
	// events of the same 4 callers (none: unsharded).
	sparse := func(n int, callers []string) func(*opsstore.Store) error {
		return func(s *opsstore.Store) error {
			byCaller := make([][]flowmetrics.Event, len(callers))
			for i := range n {
				at := now.Add(-time.Duration((i%250)*17) * time.Minute)
				c := (i / 250) % len(callers)
				byCaller[c] = append(byCaller[c], flowmetrics.Event{Flow: "today_load", LatencyMs: float64(50 + i%2000), OK: i%50 != 0, At: at})
			}
			for c, events := range byCaller {
				ds := flowmetrics.Aggregate(cat, events)
				for j := range ds {
					ds[j].Caller = callers[c]
				}
				if err := s.Add(context.Background(), ds); err != nil {
					return err
				}
			}
			return nil
		}
	}
	// dense: an event in every minute from 72 hours before the clock to MaxAhead after it,
	// and one on each day of the budget before that.
	dense := func(s *opsstore.Store) error {
		var events []flowmetrics.Event
		for at := now.Add(-72 * time.Hour); !at.After(now.Add(flowmetrics.MaxAhead)); at = at.Add(time.Minute) {
			events = append(events, flowmetrics.Event{Flow: "today_load", LatencyMs: 120, OK: at.Minute()%50 != 0, At: at})
		}
		for d := range 30 {
			events = append(events, flowmetrics.Event{Flow: "today_load", LatencyMs: 120, OK: true, At: now.Add(-72*time.Hour - time.Duration(d+1)*24*time.Hour)})
		}
		return s.Add(context.Background(), flowmetrics.Aggregate(cat, events))
	}
	// full: every bucket a check can read, the MaxAhead minutes included, in every shard
	// and shard 0.
	full := func(s *opsstore.Store) error {
		var ds []flowmetrics.Delta
		add := func(res flowmetrics.Resolution, at time.Time) {
			ds = append(ds, flowmetrics.Delta{Flow: "today_load", Resolution: res, Start: res.Start(at),
				Bucket: flowmetrics.Bucket{Total: 10, Good: map[string]uint64{"latency": 10, "availability": 10}, Latency: map[string]uint64{"b300": 10}}})
		}
		m := flowmetrics.Minute.Start(now)
		for i := -59; i <= int(flowmetrics.MaxAhead/time.Minute); i++ {
			add(flowmetrics.Minute, m.Add(time.Duration(i)*time.Minute))
		}
		for _, win := range []time.Duration{2 * time.Hour, 6 * time.Hour, 24 * time.Hour, 72 * time.Hour} {
			for at := flowmetrics.Hour.Start(m.Add(-win + time.Minute)); at.Before(m.Add(-win + time.Minute)); at = at.Add(time.Minute) {
				add(flowmetrics.Minute, at)
			}
		}
		for i := range 73 {
			add(flowmetrics.Hour, m.Add(-time.Duration(i)*time.Hour))
		}
		for i := range 30 {
			add(flowmetrics.Day, m.AddDate(0, 0, -i))
		}
		for _, c := range append([]string{""}, callersInShards(s)...) {
			for i := range ds {
				ds[i].Caller = c
			}
			if err := s.Add(context.Background(), ds); err != nil {
				return err
			}
		}
		return nil
	}
	q := flowmetrics.Query{Windows: alert.Windows(burnrate.Rules(), alert.DefaultNoDataRule()), Budget: cat.BudgetingWindow}
	if flowmetrics.MaxBuckets(q) != 288 {
		t.Fatalf("MaxBuckets = %d, want 288", flowmetrics.MaxBuckets(q))
	}

	probe := opsstore.New(nil, "")
	probe.Shards = shards
	four := callersInShards(probe)
	type result struct{ items, queries int }
	check := func(name string, shards int, fill func(*opsstore.Store) error) result {
		w := newWorld(t)
		w.now = now
		w.checker.Catalog = cat
		calls := dynamotest.Count(w.db)
		w.store.DB = calls
		w.store.Shards = shards
		if err := fill(w.store); err != nil {
			t.Fatal(err)
		}
		w.db.Reset()
		calls.Reset()
		w.mustCheck()
		r := result{w.db.Items(), calls.Calls("Query")}
		if want := 7*(shards+1) + 1; r.queries != want {
			t.Errorf("%s: %d Queries, want %d: 7 bucket ranges x %d partition keys, and the alert states", name, r.queries, want, shards+1)
		}
		if bound := (shards+1)*flowmetrics.MaxBuckets(q) + 5; r.items > bound {
			t.Errorf("%s: %d items read, more than the bound %d", name, r.items, bound)
		}
		t.Logf("%s: %d items read in %d Queries", name, r.items, r.queries)
		return r
	}
	one := check("sparse, 1k events, unsharded", 0, sparse(1_000, []string{""}))
	for _, tt := range []struct {
		name string
		fill func(*opsstore.Store) error
		want int
	}{
		{"sparse, 1k events of 4 callers in 4 shards", sparse(1_000, four), 4 * one.items},
		{"sparse, 100k events of the same 4 callers", sparse(100_000, four), 4 * one.items},
		{"dense, every minute of 72h, unsharded", dense, 65 + 73 + 3*30 + 1 + 30},
		{"every bucket a check can read, in every shard", full, (shards + 1) * flowmetrics.MaxBuckets(q)},
	} {
		if got := check(tt.name, shards, tt.fill); got.items != tt.want {
			t.Errorf("%s: %d items read per check, want %d", tt.name, got.items, tt.want)
		}
	}
}
