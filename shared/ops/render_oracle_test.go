package ops

import (
	"fmt"
	"html/template"
	"math"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/lucian-app/phase12/shared/alert"
	"github.com/lucian-app/phase12/shared/burnrate"
	"github.com/lucian-app/phase12/shared/digest"
	"github.com/lucian-app/phase12/shared/flowmetrics"
)

// The html/template page that renderPage replaced, kept here as the oracle: renderPage must
// write the same bytes for the same PageData. (html/template wrote '+' as &#43;, which
// html.EscapeString leaves alone; the data below has none.)

func oldPageTemplate() (*template.Template, error) {
	return template.New("ops").Funcs(template.FuncMap{
		"when": func(t time.Time) string { return t.UTC().Format("Mon 2 Jan 15:04 UTC") },
		"day":  func(t time.Time) string { return t.UTC().Format("Mon 2 Jan 2006") },
		"lastDay": func(t time.Time) string {
			return t.UTC().AddDate(0, 0, -1).Format("Mon 2 Jan 2006")
		},
		"ago":    func(now, at time.Time) string { return digest.Seconds(int64(max(now.Sub(at), 0) / time.Second)) },
		"window": func(ms int64) string { return burnrate.WindowName(time.Duration(ms) * time.Millisecond) },
		"pct": func(v any) string {
			switch f := v.(type) {
			case float64:
				return digest.Percent(f)
			case *float64:
				if f != nil {
					return digest.Percent(*f)
				}
			}
			return "-"
		},
		"count": func(n uint64) string { return fmt.Sprint(n) },
		"plural": func(n int, one, many string) string {
			if n == 1 {
				return "1 " + one
			}
			return fmt.Sprintf("%d %s", n, many)
		},
		"attClass": func(att *float64, target float64) string {
			if att != nil && *att < target {
				return "bad"
			}
			return "ok"
		},
		"budget": func(r float64) string {
			if r < 0 {
				return "overspent " + digest.Percent(-r)
			}
			return digest.Percent(r)
		},
		"budgetClass": func(r float64) string {
			switch {
			case r < digest.LowBudget:
				return "bad"
			case r < 0.5:
				return "warn"
			}
			return "ok"
		},
		"clamp01": func(r float64) string { return fmt.Sprintf("%.4f", math.Min(math.Max(r, 0), 1)) },
		"rate": func(r float64) string {
			if r == 0 {
				return "0"
			}
			if r >= 1e6 {
				return "huge"
			}
			if r >= 100 {
				return fmt.Sprintf("%.0fx", r)
			}
			return fmt.Sprintf("%.1fx", r)
		},
		"ms": digest.Latency,
		"secs": func(s *int64) string {
			if s == nil {
				return "-"
			}
			return digest.Seconds(*s)
		},
		"str": func(s *string) string {
			if s == nil {
				return ""
			}
			return *s
		},
		"verdict": func(v *string) string {
			switch {
			case v == nil:
				return "none"
			case *v == alert.FalsePositive:
				return "false positive"
			case *v == alert.TruePositive:
				return "real problem"
			}
			return *v
		},
		"sent": func(t *time.Time) string {
			if t == nil {
				return "not sent (or not configured)"
			}
			return "sent " + t.UTC().Format("Mon 15:04")
		},
		"mtta": func(s digest.AlertStats) string {
			if s.MTTAMedianSeconds == nil {
				if s.Pages == 0 {
					return "- (no pages)"
				}
				return "- (none acknowledged)"
			}
			return digest.Seconds(*s.MTTAMedianSeconds) + " median, " + digest.Seconds(*s.MTTAWorstSeconds) + " worst"
		},
		"fp": func(s digest.AlertStats) string {
			if s.Verdicts == 0 {
				return "no verdicts"
			}
			return fmt.Sprintf("%d of %d (%s)", s.FalsePositives, s.Verdicts, digest.Percent(*s.FalsePositiveRate))
		},
		"firstWindows": func(s Snapshot) []WindowSnapshot {
			for _, f := range s.Flows {
				for _, o := range f.Objectives {
					return o.Windows
				}
			}
			return nil
		},
		"windowClass": func(o ObjectiveSnapshot, w WindowSnapshot) string {
			for _, r := range o.Rules {
				if r.Firing && (r.LongWindowMs == w.WindowMs || r.ShortWindowMs == w.WindowMs) {
					return "firing"
				}
			}
			if w.BurnRate >= 1 {
				return "burning"
			}
			return ""
		},
		"anyFiring": func(o ObjectiveSnapshot) bool {
			for _, r := range o.Alerts {
				if r.State == string(alert.Firing) {
					return true
				}
			}
			return false
		},
		"seriesClass": func(objective string) string {
			switch objective {
			case "latency", "availability":
				return objective
			}
			return "other"
		},
		"historyHours": func() int { return HistoryHours },
		"sparkWidth":   func() int { return SparkWidth },
		"sparkHeight":  func() int { return SparkHeight },
	}).Parse(oldPageSource)
}

// oldPageSource is the template (page.html) as it was.
const oldPageSource = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="60; url=/ops">
<title>Ops · reliability control tower</title>
<style>
:root { --ink: #1d232b; --muted: #5d6875; --line: #d9dee4; --bg: #f6f7f9; --ok: #1b7f4b; --warn: #a15c00; --bad: #b3261e; --lat: #2f6fdd; --avail: #d9731a; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: var(--bg); }
header { background: #17202b; color: #fff; padding: 14px 24px; }
header h1 { margin: 0; font-size: 20px; font-weight: 600; }
header p { margin: 2px 0 0; color: #b8c2cc; font-size: 13px; }
main { padding: 8px 24px 32px; max-width: 1400px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 6px; margin: 16px 0; padding: 12px 16px 16px; }
h2 { font-size: 16px; margin: 0 0 10px; }
h2 small, .muted { color: var(--muted); font-weight: normal; font-size: 13px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; color: var(--muted); font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody tr.first td { border-top: 2px solid var(--line); }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.ok { color: var(--ok); }
.warn { color: var(--warn); font-weight: 600; }
.bad, .firing { color: var(--bad); font-weight: 600; }
td.firing { background: #fdecea; }
td.burning { background: #fff4e0; }
.badge { display: inline-block; padding: 0 6px; border-radius: 10px; font-size: 12px; font-weight: 600; }
.badge.page { background: #fdecea; color: var(--bad); }
.badge.ticket { background: #fff4e0; color: var(--warn); }
.notice { background: #e8f5ee; border: 1px solid #b7dfc8; padding: 8px 12px; border-radius: 6px; margin: 16px 0 0; }
form.ack { display: flex; gap: 6px; flex-wrap: wrap; margin: 0; }
form.ack button { font: inherit; font-size: 13px; padding: 3px 10px; border-radius: 4px; border: 1px solid #9aa5b1; background: #fff; cursor: pointer; }
form.ack button.fp { border-color: var(--bad); color: var(--bad); }
.sparks { display: grid; grid-template-columns: repeat(auto-fill, minmax(280px, 1fr)); gap: 12px 20px; }
.nowrap { white-space: nowrap; }
.scroll { overflow-x: auto; }
figure { margin: 0; }
figcaption { font-size: 13px; margin-bottom: 2px; }
svg.spark { width: 100%; max-width: 360px; height: 64px; background: #fbfcfd; border: 1px solid var(--line); border-radius: 4px; }
svg.spark .threshold { stroke: var(--bad); stroke-width: 1; stroke-dasharray: 4 3; }
svg.spark polyline { fill: none; stroke-width: 1.8; stroke-linejoin: round; }
svg.spark .latency { stroke: var(--lat); }
svg.spark .availability { stroke: var(--avail); }
svg.spark .other { stroke: #6b4fbb; }
.key { font-size: 12px; color: var(--muted); }
.key i { display: inline-block; width: 14px; height: 3px; vertical-align: middle; margin: 0 3px 0 8px; }
.key i.latency { background: var(--lat); } .key i.availability { background: var(--avail); } .key i.other { background: #6b4fbb; }
.key i.threshold { background: var(--bad); }
ul.decisions { margin: 4px 0 12px; padding-left: 20px; }
ul.decisions li { margin: 2px 0; }
meter { width: 70px; vertical-align: middle; }
</style>
</head>
<body>
<header>
<h1>Reliability control tower</h1>
<p>Generated {{when .Snapshot.GeneratedAt}} · SLO catalogue v{{.Snapshot.SLOVersion}} · error budgets over {{window .Snapshot.BudgetingWindowMs}} · refreshes every minute</p>
</header>
<main>
{{with .Acked}}<p class="notice" role="status">Alert <code>{{.ID}}</code> acknowledged{{with .AcknowledgedBy}} by {{.}}{{end}}.</p>{{end}}

<section id="alerts">
<h2>Firing alerts <small>({{len .Firing}})</small></h2>
{{if .Firing}}
<table id="alerts-table">
<thead><tr><th>Alert</th><th>Severity</th><th>Since</th><th class="num">Burn rate</th><th>Acknowledged</th><th>Verdict</th><th>Acknowledge</th></tr></thead>
<tbody>
{{range .Firing}}
<tr data-alert="{{.ID}}">
<td><strong>{{.Flow}} {{.Objective}}</strong><br><span class="muted">{{.Summary}}</span><br><a href="/ops/alerts/{{.ID}}"><code>{{.ID}}</code></a> · runbook <code>{{.Runbook}}</code></td>
<td><span class="badge {{.Severity}}">{{.Severity}}</span></td>
<td>{{when .TriggeredAt}}<br><span class="muted">{{ago $.Snapshot.GeneratedAt .TriggeredAt}} ago</span></td>
<td class="num">{{if eq .Objective "no_data"}}-{{else}}{{rate .LongBurnRate}} <span class="muted">/ {{rate .Threshold}}</span>{{end}}</td>
<td>{{if .AcknowledgedAt}}{{str .AcknowledgedBy}}<br><span class="muted">after {{secs .TimeToAckSeconds}}</span>{{else}}<span class="warn">not yet</span>{{end}}</td>
<td>{{if .Verdict}}{{verdict .Verdict}}{{else}}<span class="muted">none</span>{{end}}</td>
<td>
<form class="ack" method="post" action="/ops/alerts/{{.ID}}/ack">
<button type="submit">Acknowledge</button>
<button type="submit" name="verdict" value="true_positive">Real problem</button>
<button type="submit" name="verdict" value="false_positive" class="fp">False positive</button>
</form>
</td>
</tr>
{{end}}
</tbody>
</table>
{{else}}
<p class="ok">Nothing is firing.</p>
{{end}}
</section>

<section id="slo">
<h2>SLOs <small>attainment and budget over {{window .Snapshot.BudgetingWindowMs}}; burn rate = error ratio ÷ error budget, per window ending now</small></h2>
<div class="scroll">
<table id="slo-table">
<thead><tr>
<th>Flow</th><th>Objective</th><th class="num">Target</th><th class="num">Attainment</th><th class="num">p95 1h<br>{{window .Snapshot.BudgetingWindowMs}}</th><th>Budget left</th>
{{with firstWindows .Snapshot}}{{range .}}<th class="num">{{window .WindowMs}}</th>{{end}}{{end}}
<th>Alerts</th>
</tr></thead>
<tbody>
{{range $f := .Snapshot.Flows}}{{range $i, $o := $f.Objectives}}
<tr data-flow="{{$f.Flow}}" data-objective="{{$o.Objective}}"{{if eq $i 0}} class="first"{{end}}>
{{if eq $i 0}}<td rowspan="{{len $f.Objectives}}"><strong>{{$f.Flow}}</strong>{{if eq $f.NoData.State "firing"}}<br><span class="firing">no data</span>{{end}}</td>{{end}}
<td class="nowrap">{{$o.Objective}}{{with $o.ThresholdMs}} <span class="muted">≤ {{.}} ms</span>{{end}}</td>
<td class="num">{{pct $o.Target}}</td>
<td class="num">{{if $o.Attainment}}<span class="{{attClass $o.Attainment $o.Target}}">{{pct $o.Attainment}}</span>{{else}}<span class="muted">no events</span>{{end}}<br><span class="muted">{{count $o.Total}} events</span></td>
<td class="num">{{if eq $i 0}}{{ms $f.Latency.LastHour.P95}}<br><span class="muted">{{ms $f.Latency.BudgetWindow.P95}}</span>{{end}}</td>
<td><span class="{{budgetClass $o.BudgetRemaining}}">{{budget $o.BudgetRemaining}}</span><br><meter min="0" max="1" low="0.25" high="0.5" optimum="1" value="{{clamp01 $o.BudgetRemaining}}"></meter></td>
{{range $o.Windows}}<td class="num {{windowClass $o .}}">{{rate .BurnRate}}</td>{{end}}
<td>{{range $sev, $ref := $o.Alerts}}{{if eq $ref.State "firing"}}<span class="badge {{$sev}}">{{$sev}}</span> {{end}}{{end}}{{if not (anyFiring $o)}}<span class="ok">ok</span>{{end}}</td>
</tr>
{{end}}{{end}}
</tbody>
</table>
</div>
</section>

<section id="burn">
<h2>1 h burn rate, last {{historyHours}} hours <small>one point per hour and one now; dashed line: the page threshold</small></h2>
<div class="sparks">
{{range .Burn}}
<figure data-flow="{{.Flow}}">
<figcaption><strong>{{.Flow}}</strong> <span class="muted">now {{range $i, $s := .Series}}{{if $i}}, {{end}}{{$s.Objective}} {{rate $s.Last}}{{end}}{{if gt .Peak .YMax}} · peak {{rate .Peak}} (clipped){{end}}</span></figcaption>
<svg class="spark" viewBox="0 0 {{sparkWidth}} {{sparkHeight}}" preserveAspectRatio="none" role="img" aria-label="{{.Flow}}: 1-hour burn rate over the last {{historyHours}} hours against the page threshold {{rate .Threshold}}">
<title>{{.Flow}} 1 h burn rate, {{when .From}} to {{when .To}}; page threshold {{rate .Threshold}}</title>
<line class="threshold" x1="0" x2="{{sparkWidth}}" y1="{{.ThresholdY}}" y2="{{.ThresholdY}}"></line>
{{range .Series}}<polyline class="{{seriesClass .Objective}}" data-objective="{{.Objective}}" points="{{.Points}}"></polyline>
{{end}}</svg>
<div class="key">{{range .Series}}<i class="{{seriesClass .Objective}}"></i>{{.Objective}}{{end}}<i class="threshold"></i>page at {{rate .Threshold}}; scale 0 to {{rate .YMax}}</div>
</figure>
{{end}}
</div>
</section>

<section id="digest">
{{with .Digest}}
<h2>Weekly digest {{.Week}} <small>{{day .From}} to {{lastDay .To}} (UTC) · generated {{when .GeneratedAt}} · SNS {{sent .Delivery.SNSSentAt}} · webhook {{sent .Delivery.WebhookSentAt}}</small></h2>
<p><strong>Needs a decision</strong></p>
{{if .NeedsDecision}}<ul class="decisions">{{range .NeedsDecision}}<li>{{.Message}}</li>{{end}}</ul>{{else}}<p class="ok">Nothing: every objective met, every budget above 25%, alert noise at most 25%.</p>{{end}}
<p>{{plural .Totals.Pages "page" "pages"}} · {{plural .Totals.Tickets "ticket" "tickets"}} ({{.Totals.NoDataTickets}} no-data) · MTTA (pages) {{mtta .Totals.AlertStats}} · false positives {{fp .Totals.AlertStats}}</p>
<table id="digest-table">
<thead><tr><th>Flow</th><th>Objective</th><th class="num">Attained</th><th class="num">Target</th><th class="num">p50 / p95 / p99</th><th class="num">Budget left</th><th class="num">Pages</th><th class="num">Tickets</th><th>MTTA median / worst</th><th>False positives</th></tr></thead>
<tbody>
{{range $f := .Flows}}{{range $i, $o := $f.Objectives}}
<tr data-flow="{{$f.Flow}}" data-objective="{{$o.Objective}}"{{if eq $i 0}} class="first"{{end}}>
{{if eq $i 0}}<td rowspan="{{len $f.Objectives}}"><strong>{{$f.Flow}}</strong><br><span class="muted">{{count $f.Events}} events{{if $f.NoData.Tickets}} · {{$f.NoData.Tickets}} no-data tickets{{end}}</span></td>{{end}}
<td>{{$o.Objective}}</td>
<td class="num">{{if $o.Attainment}}<span class="{{attClass $o.Attainment $o.Target}}">{{pct $o.Attainment}}</span>{{else}}<span class="muted">no events</span>{{end}}</td>
<td class="num">{{pct $o.Target}}</td>
<td class="num">{{if eq $i 0}}{{ms $f.LatencyMs.P50}} / {{ms $f.LatencyMs.P95}} / {{ms $f.LatencyMs.P99}}{{end}}</td>
<td class="num"><span class="{{budgetClass $o.BudgetRemaining}}">{{budget $o.BudgetRemaining}}</span></td>
<td class="num">{{$o.Alerts.Pages}}</td>
<td class="num">{{$o.Alerts.Tickets}}</td>
<td>{{if $o.Alerts.MTTAMedianSeconds}}{{secs $o.Alerts.MTTAMedianSeconds}} / {{secs $o.Alerts.MTTAWorstSeconds}}{{else}}<span class="muted">-</span>{{end}}</td>
<td>{{fp $o.Alerts}}</td>
</tr>
{{end}}{{end}}
</tbody>
</table>
{{else}}
<h2>Weekly digest</h2>
<p class="muted">No digest yet: the first is made on the first Monday at 08:00 UTC after deployment.</p>
{{end}}
</section>
</main>
</body>
</html>
`

func oldRender(t *testing.T, p PageData) string {
	t.Helper()
	tpl, err := oldPageTemplate()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := tpl.Execute(&b, p); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func ptr[T any](v T) *T { return &v }

// hostile is text a flow name, summary, user or digest line could carry.
const hostile = `<script>alert("x")</script> & 'quoted' "double" </title><b>`

// richPages are PageData values that reach every branch of the page.
func richPages() map[string]PageData {
	now := time.Date(2026, 11, 25, 14, 7, 0, 0, time.UTC)
	s := &Service{Rules: burnrate.Rules()}
	windows := func(rates ...float64) []WindowSnapshot {
		var out []WindowSnapshot
		for i, d := range []time.Duration{5 * time.Minute, time.Hour, 6 * time.Hour, 3 * 24 * time.Hour} {
			out = append(out, WindowSnapshot{WindowMs: d.Milliseconds(), Good: 90, Total: 100, BurnRate: rates[i]})
		}
		return out
	}
	flows := []FlowSnapshot{
		{Flow: "create_task", Latency: LatencySnapshot{LastHour: Quantiles{Count: 20, Quantiles: flowmetrics.Quantiles{P95: ptr(412.5)}},
			BudgetWindow: Quantiles{Count: 900, Quantiles: flowmetrics.Quantiles{P95: ptr(1234.0)}}},
			NoData: AlertRef{State: "firing", AlertID: "N1"},
			Objectives: []ObjectiveSnapshot{
				{Objective: "availability", Target: 0.999, Attainment: ptr(0.9), Total: 100, BudgetRemaining: -99, Windows: windows(0, 100, 14.4, 1234567),
					Rules:  []alert.RuleRate{{Firing: true, LongWindowMs: time.Hour.Milliseconds(), ShortWindowMs: (5 * time.Minute).Milliseconds()}},
					Alerts: map[string]AlertRef{"page": {State: "firing", AlertID: "A1"}, "ticket": {State: "firing", AlertID: "A2"}}},
				{Objective: "latency", Target: 0.95, ThresholdMs: ptr(int64(800)), Attainment: ptr(0.97), Total: 12345678901, BudgetRemaining: 0.3,
					Windows: windows(0.5, 1, 2.25, 0), Alerts: map[string]AlertRef{"page": {State: "ok"}, "ticket": {State: "ok"}}},
			}},
		{Flow: hostile, Objectives: []ObjectiveSnapshot{
			{Objective: hostile, Target: 0.99, BudgetRemaining: 0.8, Windows: windows(0, 0, 0, 0), Alerts: map[string]AlertRef{}}}},
		{Flow: "undo"},
	}
	snap := Snapshot{GeneratedAt: now, SLOVersion: 7, BudgetingWindowMs: (30 * 24 * time.Hour).Milliseconds(), Flows: flows}
	var burn []Sparkline
	for _, f := range flows {
		first := flowmetrics.Hour.Start(now).Add(-HistoryHours * time.Hour)
		pts := []flowmetrics.Point{{Start: first.Add(3 * time.Hour)}}
		burn = append(burn, s.sparkline(f, pts, first, now))
	}
	burn = append(burn, Sparkline{Flow: "peaky", Threshold: 14.4, Peak: 500, YMax: 72, ThresholdY: 47.3, From: now.Add(-24 * time.Hour), To: now,
		Series: []Series{{Objective: "availability", Points: "4,60 356,4", Last: 500}, {Objective: "freshness", Points: "4,60 356,60", Last: 0}}})
	firing := []alert.Alert{
		{ID: "01JABCDEF", Flow: "create_task", Objective: "availability", Severity: burnrate.Page, Summary: "create_task availability is burning its budget",
			Runbook: "docs/runbooks/create_task.md", TriggeredAt: now.Add(-95 * time.Minute), LongBurnRate: 16.25, Threshold: 14.4},
		{ID: "01JNODATA", Flow: "undo", Objective: "no_data", Severity: burnrate.Ticket, Summary: "no events", TriggeredAt: now.Add(time.Minute),
			AcknowledgedAt: ptr(now), AcknowledgedBy: ptr("ops@example.com"), TimeToAckSeconds: ptr(int64(3725)), Verdict: ptr(alert.FalsePositive)},
		{ID: hostile + " é/x?y#z%41", Flow: hostile, Objective: hostile, Severity: burnrate.Severity(hostile), Summary: hostile, Runbook: hostile,
			TriggeredAt: now.Add(-48 * time.Hour), LongBurnRate: 2e6, Threshold: 6,
			AcknowledgedAt: ptr(now), AcknowledgedBy: ptr(hostile), Verdict: ptr(hostile)},
		{ID: "javascript:alert(1)", Flow: "today_load", Objective: "latency", Severity: burnrate.Page, TriggeredAt: now,
			AcknowledgedAt: ptr(now), Verdict: ptr(alert.TruePositive)},
	}
	week, _ := digest.ParseWeek("2026-W47")
	rec := digest.Record{
		Digest: digest.Digest{Week: "2026-W47", From: week.Start(), To: week.End(), GeneratedAt: week.End().Add(8 * time.Hour), SLOVersion: 7,
			Totals: digest.Totals{AlertStats: digest.AlertStats{Pages: 1, Tickets: 3, MTTAMedianSeconds: ptr(int64(240)), MTTAWorstSeconds: ptr(int64(4000)),
				Verdicts: 4, FalsePositives: 1, FalsePositiveRate: ptr(0.25)}, NoDataTickets: 2},
			NeedsDecision: []digest.Decision{{Message: hostile}, {Message: "create_task availability missed its objective: 90% ok"}},
			Flows: []digest.FlowDigest{
				{Flow: "create_task", Events: 100, LatencyMs: flowmetrics.Quantiles{P50: ptr(12.0), P95: ptr(340.0), P99: ptr(2500.0)},
					NoData: digest.AlertStats{Tickets: 2},
					Objectives: []digest.ObjectiveDigest{
						{Objective: "availability", Target: 0.999, Attainment: ptr(0.9), BudgetRemaining: -99,
							Alerts: digest.AlertStats{Pages: 1, MTTAMedianSeconds: ptr(int64(60)), MTTAWorstSeconds: ptr(int64(60)), Verdicts: 1, FalsePositiveRate: ptr(0.0)}},
						{Objective: "latency", Target: 0.95, BudgetRemaining: 0.2}}},
				{Flow: hostile, Objectives: []digest.ObjectiveDigest{{Objective: hostile, Target: 0.5, Attainment: ptr(0.75), BudgetRemaining: 0.6}}},
			}},
		Delivery: digest.Delivery{SNSSentAt: ptr(week.End().Add(8 * time.Hour))},
	}
	quiet := rec
	quiet.NeedsDecision = nil
	quiet.Totals = digest.Totals{}
	quiet.Delivery = digest.Delivery{WebhookSentAt: ptr(now)}
	return map[string]PageData{
		"empty":        {},
		"rich":         {Snapshot: snap, Burn: burn, Firing: firing, Digest: &rec, Acked: &firing[1]},
		"quiet":        {Snapshot: snap, Burn: burn[:1], Digest: &quiet, Acked: &alert.Alert{ID: hostile}},
		"acked anyone": {Snapshot: Snapshot{GeneratedAt: now, Flows: flows[2:]}, Acked: &alert.Alert{ID: "X", AcknowledgedBy: ptr("")}},
	}
}

func TestRenderPageMatchesTheTemplateItReplaced(t *testing.T) {
	for name, p := range richPages() {
		t.Run(name, func(t *testing.T) {
			got, want := string(renderPage(p)), oldRender(t, p)
			if got == want {
				return
			}
			gl, wl := strings.Split(got, "\n"), strings.Split(want, "\n")
			for i := range max(len(gl), len(wl)) {
				var g, w string
				if i < len(gl) {
					g = gl[i]
				}
				if i < len(wl) {
					w = wl[i]
				}
				if g != w {
					t.Fatalf("line %d differs:\n got %q\nwant %q", i+1, g, w)
				}
			}
		})
	}
}

// TestRenderPageEscapes: markup, quotes and ampersands in any value come out as text, and
// a javascript: alert id stays inside the page's own path.
func TestRenderPageEscapes(t *testing.T) {
	p := richPages()["rich"]
	body := renderPage(p)
	if strings.Contains(string(body), "<script>") || strings.Contains(string(body), `"x"`) {
		t.Fatalf("unescaped markup in the page")
	}
	doc, err := html.Parse(strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	var texts, attrs []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script", "b", "iframe", "object", "embed":
				t.Errorf("page has a <%s> element", n.Data)
			}
			for _, a := range n.Attr {
				attrs = append(attrs, a.Val)
				v := strings.ToLower(strings.TrimSpace(a.Val))
				// The one link is to the alert's own page: a constant same-site prefix.
				if (a.Key == "href" && (n.Data != "a" || !strings.HasPrefix(v, "/ops/alerts/"))) || a.Key == "src" || (a.Key == "action" && !strings.HasPrefix(v, "/ops/alerts/")) {
					t.Errorf("%s %s=%q", n.Data, a.Key, a.Val)
				}
				if (a.Key == "href" || a.Key == "src" || a.Key == "action") && strings.Contains(v, "javascript:") && !strings.HasPrefix(v, "/ops/alerts/") {
					t.Errorf("%s %s=%q is a javascript: URL", n.Data, a.Key, a.Val)
				}
			}
		}
		if n.Type == html.TextNode {
			texts = append(texts, n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	all := strings.Join(texts, "")
	for _, want := range []string{hostile + " " + hostile /* the alert's flow and objective */, "overspent"} {
		if !strings.Contains(all, want) {
			t.Errorf("text %q missing from the page", want)
		}
	}
	if n := strings.Count(all, hostile); n < 10 {
		t.Errorf("hostile text shown %d times as text, want it in every place it was put", n)
	}
	joined := strings.Join(attrs, "\x00")
	for _, want := range []string{hostile, "/ops/alerts/javascript:alert%281%29/ack",
		"/ops/alerts/%3cscript%3ealert%28%22x%22%29%3c/script%3e%20&%20%27quoted%27%20%22double%22%20%3c/title%3e%3cb%3e%20%c3%a9/x?y#z%41/ack"} {
		if !strings.Contains(joined, want) {
			t.Errorf("no attribute %q", want)
		}
	}
	for _, raw := range []string{"<", ">"} {
		for _, a := range attrs {
			if strings.HasPrefix(a, "/ops/alerts/") && strings.Contains(a, raw) {
				t.Errorf("form action %q keeps %q", a, raw)
			}
		}
	}
}
