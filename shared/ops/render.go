package ops

import (
	"bytes"
	"fmt"
	"html"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/lucian-app/phase12/shared/alert"
	"github.com/lucian-app/phase12/shared/burnrate"
	"github.com/lucian-app/phase12/shared/degrade"
	"github.com/lucian-app/phase12/shared/digest"
)

// contentSecurityPolicy allows the page nothing but itself: no scripts at all, its own
// inline styles and SVG, and forms that post back to the API.
const contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// The page is written by plain Go, not html/template: text/template's reflection
// (reflect.Value.MethodByName with computed names) makes the linker keep every exported
// method of every type the binary converts to an interface, several MB of SDK clients in
// the ops function. Every value goes through pageWriter.text (html.EscapeString; every
// attribute is double-quoted), the one URL through pageWriter.urlPath, and the markup
// around them is constant. render_oracle_test.go checks the output against the template
// this replaced.

// pageWriter builds the page.
type pageWriter struct{ b bytes.Buffer }

// raw writes constant markup.
func (w *pageWriter) raw(s string) { w.b.WriteString(s) }

// text writes a value, escaped for text and double-quoted attributes alike.
func (w *pageWriter) text(s string) { w.b.WriteString(html.EscapeString(s)) }

// int writes an integer.
func (w *pageWriter) int(n int64) { w.b.WriteString(strconv.FormatInt(n, 10)) }

// urlPath writes a value inside the path of a constant same-origin URL (the page's own
// routes), as html/template did there: percent-encoding every byte that is neither
// unreserved nor reserved in RFC 3986 (quotes, spaces, angle brackets, non-ASCII, ...),
// keeping valid escapes, then escaping the result for the double-quoted attribute. The
// value cannot change the URL's scheme or host: the constant prefix fixes both.
func (w *pageWriter) urlPath(s string) {
	var b []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case bytes.IndexByte([]byte("-._~!#$&*+,/:;=?@[]%"), c) >= 0:
		default:
			b = fmt.Appendf(b, "%%%02x", c)
			continue
		}
		b = append(b, c)
	}
	w.text(string(b))
}

func when(t time.Time) string { return t.UTC().Format("Mon 2 Jan 15:04 UTC") }
func day(t time.Time) string  { return t.UTC().Format("Mon 2 Jan 2006") }
func lastDay(t time.Time) string {
	return t.UTC().AddDate(0, 0, -1).Format("Mon 2 Jan 2006")
}
func ago(now, at time.Time) string { return digest.Seconds(int64(max(now.Sub(at), 0) / time.Second)) }
func window(ms int64) string       { return burnrate.WindowName(time.Duration(ms) * time.Millisecond) }

func pct(f *float64) string {
	if f == nil {
		return "-"
	}
	return digest.Percent(*f)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func attClass(att *float64, target float64) string {
	if att != nil && *att < target {
		return "bad"
	}
	return "ok"
}

func budget(r float64) string {
	if r < 0 {
		return "overspent " + digest.Percent(-r)
	}
	return digest.Percent(r)
}

func budgetClass(r float64) string {
	switch {
	case r < digest.LowBudget:
		return "bad"
	case r < 0.5:
		return "warn"
	}
	return "ok"
}

func clamp01(r float64) string { return fmt.Sprintf("%.4f", math.Min(math.Max(r, 0), 1)) }

func rate(r float64) string {
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
}

func secs(s *int64) string {
	if s == nil {
		return "-"
	}
	return digest.Seconds(*s)
}

func str(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func verdict(v *string) string {
	switch {
	case v == nil:
		return "none"
	case *v == alert.FalsePositive:
		return "false positive"
	case *v == alert.TruePositive:
		return "real problem"
	}
	return *v
}

func sent(t *time.Time) string {
	if t == nil {
		return "not sent (or not configured)"
	}
	return "sent " + t.UTC().Format("Mon 15:04")
}

func mtta(s digest.AlertStats) string {
	if s.MTTAMedianSeconds == nil {
		if s.Pages == 0 {
			return "- (no pages)"
		}
		return "- (none acknowledged)"
	}
	return digest.Seconds(*s.MTTAMedianSeconds) + " median, " + digest.Seconds(*s.MTTAWorstSeconds) + " worst"
}

func fp(s digest.AlertStats) string {
	if s.Verdicts == 0 {
		return "no verdicts"
	}
	return fmt.Sprintf("%d of %d (%s)", s.FalsePositives, s.Verdicts, digest.Percent(*s.FalsePositiveRate))
}

// firstWindows are the windows of the first objective: the SLO table's columns.
func firstWindows(s Snapshot) []WindowSnapshot {
	for _, f := range s.Flows {
		for _, o := range f.Objectives {
			return o.Windows
		}
	}
	return nil
}

func windowClass(o ObjectiveSnapshot, w WindowSnapshot) string {
	for _, r := range o.Rules {
		if r.Firing && (r.LongWindowMs == w.WindowMs || r.ShortWindowMs == w.WindowMs) {
			return "firing"
		}
	}
	if w.BurnRate >= 1 {
		return "burning"
	}
	return ""
}

func anyFiring(o ObjectiveSnapshot) bool {
	for _, r := range o.Alerts {
		if r.State == string(alert.Firing) {
			return true
		}
	}
	return false
}

func seriesClass(objective string) string {
	switch objective {
	case "latency", "availability":
		return objective
	}
	return "other"
}

// float writes a float as fmt's %v does.
func float(f float64) string { return fmt.Sprint(f) }

// renderPage writes the ops page.
func renderPage(p PageData) []byte {
	w := &pageWriter{}
	w.b.Grow(32 << 10)
	s := p.Snapshot
	w.raw(pageHead)
	w.raw("<header>\n<h1>Reliability control tower</h1>\n<p>Generated ")
	w.text(when(s.GeneratedAt))
	w.raw(" · SLO catalogue v")
	w.int(int64(s.SLOVersion))
	w.raw(" · error budgets over ")
	w.text(window(s.BudgetingWindowMs))
	w.raw(" · refreshes every minute</p>\n")
	if p.CSRF != "" {
		w.raw(logoutForm(p.CSRF))
	}
	w.raw("</header>\n<main>\n")
	if a := p.Acked; a != nil {
		w.raw(`<p class="notice" role="status">Alert <code>`)
		w.text(a.ID)
		w.raw("</code> acknowledged")
		if a.AcknowledgedBy != nil {
			w.raw(" by ")
			w.text(*a.AcknowledgedBy)
		}
		w.raw(".</p>")
	}
	w.raw("\n\n")
	writeAlerts(w, p)
	w.raw("\n\n")
	writeSLOs(w, s)
	w.raw("\n\n")
	if p.Flakes != nil || p.PhaseGate() != nil {
		writeGates(w, p)
		w.raw("\n\n")
	}
	writeBurn(w, p.Burn)
	w.raw("\n\n")
	writeDigestSection(w, p.Digest)
	if p.Levers != nil {
		w.raw("\n\n")
		writeLevers(w, p.Snapshot.GeneratedAt, *p.Levers)
	}
	w.raw("\n</main>\n</body>\n</html>\n")
	return w.b.Bytes()
}

func writeAlerts(w *pageWriter, p PageData) {
	w.raw("<section id=\"alerts\">\n<h2>Firing alerts <small>(")
	w.int(int64(len(p.Firing)))
	w.raw(")</small></h2>\n")
	if len(p.Firing) == 0 {
		w.raw("\n<p class=\"ok\">Nothing is firing.</p>\n\n</section>")
		return
	}
	w.raw("\n<table id=\"alerts-table\">\n<thead><tr><th>Alert</th><th>Severity</th><th>Since</th><th class=\"num\">Burn rate</th><th>Acknowledged</th><th>Verdict</th><th>Acknowledge</th></tr></thead>\n<tbody>\n")
	for _, a := range p.Firing {
		w.raw("\n<tr data-alert=\"")
		w.text(a.ID)
		w.raw("\">\n<td><strong>")
		w.text(a.Flow)
		w.raw(" ")
		w.text(a.Objective)
		w.raw("</strong><br><span class=\"muted\">")
		w.text(a.Summary)
		w.raw("</span><br><a href=\"/ops/alerts/")
		w.urlPath(a.ID)
		w.raw("\"><code>")
		w.text(a.ID)
		w.raw("</code></a> · runbook <code>")
		w.text(a.Runbook)
		w.raw("</code></td>\n<td><span class=\"badge ")
		w.text(string(a.Severity))
		w.raw("\">")
		w.text(string(a.Severity))
		w.raw("</span></td>\n<td>")
		w.text(when(a.TriggeredAt))
		w.raw("<br><span class=\"muted\">")
		w.text(ago(p.Snapshot.GeneratedAt, a.TriggeredAt))
		w.raw(" ago</span></td>\n<td class=\"num\">")
		if a.Objective == "no_data" {
			w.raw("-")
		} else {
			w.text(rate(a.LongBurnRate))
			w.raw(" <span class=\"muted\">/ ")
			w.text(rate(a.Threshold))
			w.raw("</span>")
		}
		w.raw("</td>\n<td>")
		if a.AcknowledgedAt != nil {
			w.text(str(a.AcknowledgedBy))
			w.raw("<br><span class=\"muted\">after ")
			w.text(secs(a.TimeToAckSeconds))
			w.raw("</span>")
		} else {
			w.raw("<span class=\"warn\">not yet</span>")
		}
		w.raw("</td>\n<td>")
		if a.Verdict != nil {
			w.text(verdict(a.Verdict))
		} else {
			w.raw("<span class=\"muted\">none</span>")
		}
		w.raw("</td>\n<td>\n<form class=\"ack\" method=\"post\" action=\"/ops/alerts/")
		w.urlPath(a.ID)
		w.raw("/ack\">\n")
		w.raw(csrfField(p.CSRF))
		w.raw("<button type=\"submit\">Acknowledge</button>\n" +
			"<button type=\"submit\" name=\"verdict\" value=\"true_positive\">Real problem</button>\n" +
			"<button type=\"submit\" name=\"verdict\" value=\"false_positive\" class=\"fp\">False positive</button>\n" +
			"</form>\n</td>\n</tr>\n")
	}
	w.raw("\n</tbody>\n</table>\n\n</section>")
}

func writeSLOs(w *pageWriter, s Snapshot) {
	bw := window(s.BudgetingWindowMs)
	w.raw("<section id=\"slo\">\n<h2>SLOs <small>attainment and budget over ")
	w.text(bw)
	w.raw("; burn rate = error ratio ÷ error budget, per window ending now</small></h2>\n<div class=\"scroll\">\n<table id=\"slo-table\">\n<thead><tr>\n" +
		"<th>Flow</th><th>Objective</th><th class=\"num\">Target</th><th class=\"num\">Attainment</th><th class=\"num\">p95 1h<br>")
	w.text(bw)
	w.raw("</th><th>Budget left</th>\n")
	for _, win := range firstWindows(s) {
		w.raw("<th class=\"num\">")
		w.text(window(win.WindowMs))
		w.raw("</th>")
	}
	w.raw("\n<th>Alerts</th>\n</tr></thead>\n<tbody>\n")
	for _, f := range s.Flows {
		for i, o := range f.Objectives {
			w.objectiveRow(f.Flow, o.Objective, i, len(f.Objectives))
			if i == 0 {
				if f.NoData.State == "firing" {
					w.raw("<br><span class=\"firing\">no data</span>")
				}
				w.raw("</td>")
			}
			w.raw("\n<td class=\"nowrap\">")
			w.text(o.Objective)
			if o.ThresholdMs != nil {
				w.raw(" <span class=\"muted\">≤ ")
				w.int(*o.ThresholdMs)
				w.raw(" ms</span>")
			}
			w.raw("</td>\n<td class=\"num\">")
			w.text(digest.Percent(o.Target))
			w.raw("</td>\n<td class=\"num\">")
			writeAttainment(w, o.Attainment, o.Target)
			w.raw("<br><span class=\"muted\">")
			w.b.WriteString(strconv.FormatUint(o.Total, 10))
			w.raw(" events</span></td>\n<td class=\"num\">")
			if i == 0 {
				w.text(digest.Latency(f.Latency.LastHour.P95))
				w.raw("<br><span class=\"muted\">")
				w.text(digest.Latency(f.Latency.BudgetWindow.P95))
				w.raw("</span>")
			}
			w.raw("</td>\n<td><span class=\"")
			w.text(budgetClass(o.BudgetRemaining))
			w.raw("\">")
			w.text(budget(o.BudgetRemaining))
			w.raw("</span><br><meter min=\"0\" max=\"1\" low=\"0.25\" high=\"0.5\" optimum=\"1\" value=\"")
			w.text(clamp01(o.BudgetRemaining))
			w.raw("\"></meter></td>\n")
			for _, win := range o.Windows {
				w.raw("<td class=\"num ")
				w.text(windowClass(o, win))
				w.raw("\">")
				w.text(rate(win.BurnRate))
				w.raw("</td>")
			}
			w.raw("\n<td>")
			sevs := make([]string, 0, len(o.Alerts))
			for sev := range o.Alerts {
				sevs = append(sevs, sev)
			}
			sort.Strings(sevs)
			for _, sev := range sevs {
				if o.Alerts[sev].State == "firing" {
					w.raw("<span class=\"badge ")
					w.text(sev)
					w.raw("\">")
					w.text(sev)
					w.raw("</span> ")
				}
			}
			if !anyFiring(o) {
				w.raw("<span class=\"ok\">ok</span>")
			}
			w.raw("</td>\n</tr>\n")
		}
	}
	w.raw("\n</tbody>\n</table>\n</div>\n</section>")
}

// writeAttainment writes an attainment against its target, or that there were no events.
func writeAttainment(w *pageWriter, att *float64, target float64) {
	if att == nil {
		w.raw("<span class=\"muted\">no events</span>")
		return
	}
	w.raw("<span class=\"")
	w.text(attClass(att, target))
	w.raw("\">")
	w.text(pct(att))
	w.raw("</span>")
}

func writeBurn(w *pageWriter, burn []Sparkline) {
	hours := strconv.Itoa(HistoryHours)
	w.raw("<section id=\"burn\">\n<h2>1 h burn rate, last ")
	w.raw(hours)
	w.raw(" hours <small>one point per hour and one now; dashed line: the page threshold</small></h2>\n<div class=\"sparks\">\n")
	for _, sl := range burn {
		w.raw("\n<figure data-flow=\"")
		w.text(sl.Flow)
		w.raw("\">\n<figcaption><strong>")
		w.text(sl.Flow)
		w.raw("</strong> <span class=\"muted\">now ")
		for i, se := range sl.Series {
			if i > 0 {
				w.raw(", ")
			}
			w.text(se.Objective)
			w.raw(" ")
			w.text(rate(se.Last))
		}
		if sl.Peak > sl.YMax {
			w.raw(" · peak ")
			w.text(rate(sl.Peak))
			w.raw(" (clipped)")
		}
		w.raw("</span></figcaption>\n<svg class=\"spark\" viewBox=\"0 0 ")
		w.int(SparkWidth)
		w.raw(" ")
		w.int(SparkHeight)
		w.raw("\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"")
		w.text(sl.Flow)
		w.raw(": 1-hour burn rate over the last ")
		w.raw(hours)
		w.raw(" hours against the page threshold ")
		w.text(rate(sl.Threshold))
		w.raw("\">\n<title>")
		w.text(sl.Flow)
		w.raw(" 1 h burn rate, ")
		w.text(when(sl.From))
		w.raw(" to ")
		w.text(when(sl.To))
		w.raw("; page threshold ")
		w.text(rate(sl.Threshold))
		w.raw("</title>\n<line class=\"threshold\" x1=\"0\" x2=\"")
		w.int(SparkWidth)
		w.raw("\" y1=\"")
		w.text(float(sl.ThresholdY))
		w.raw("\" y2=\"")
		w.text(float(sl.ThresholdY))
		w.raw("\"></line>\n")
		for _, se := range sl.Series {
			w.raw("<polyline class=\"")
			w.text(seriesClass(se.Objective))
			w.raw("\" data-objective=\"")
			w.text(se.Objective)
			w.raw("\" points=\"")
			w.text(se.Points)
			w.raw("\"></polyline>\n")
		}
		w.raw("</svg>\n<div class=\"key\">")
		for _, se := range sl.Series {
			w.raw("<i class=\"")
			w.text(seriesClass(se.Objective))
			w.raw("\"></i>")
			w.text(se.Objective)
		}
		w.raw("<i class=\"threshold\"></i>page at ")
		w.text(rate(sl.Threshold))
		w.raw("; scale 0 to ")
		w.text(rate(sl.YMax))
		w.raw("</div>\n</figure>\n")
	}
	w.raw("\n</div>\n</section>")
}

func writeDigestSection(w *pageWriter, d *digest.Record) {
	w.raw("<section id=\"digest\">\n")
	if d == nil {
		w.raw("\n<h2>Weekly digest</h2>\n<p class=\"muted\">No digest yet: the first is made on the first Monday at 08:00 UTC after deployment.</p>\n\n</section>")
		return
	}
	w.raw("\n<h2>Weekly digest ")
	w.text(d.Week)
	w.raw(" <small>")
	w.text(day(d.From))
	w.raw(" to ")
	w.text(lastDay(d.To))
	w.raw(" (UTC) · generated ")
	w.text(when(d.GeneratedAt))
	w.raw(" · SNS ")
	w.text(sent(d.Delivery.SNSSentAt))
	w.raw(" · webhook ")
	w.text(sent(d.Delivery.WebhookSentAt))
	w.raw("</small></h2>\n<p><strong>Needs a decision</strong></p>\n")
	if len(d.NeedsDecision) > 0 {
		w.raw("<ul class=\"decisions\">")
		for _, x := range d.NeedsDecision {
			w.raw("<li>")
			w.text(x.Message)
			w.raw("</li>")
		}
		w.raw("</ul>")
	} else {
		w.raw("<p class=\"ok\">Nothing: every objective met, every budget above 25%, alert noise at most 25%.</p>")
	}
	t := d.Totals
	w.raw("\n<p>")
	w.text(plural(t.Pages, "page", "pages"))
	w.raw(" · ")
	w.text(plural(t.Tickets, "ticket", "tickets"))
	w.raw(" (")
	w.int(int64(t.NoDataTickets))
	w.raw(" no-data) · MTTA (pages) ")
	w.text(mtta(t.AlertStats))
	w.raw(" · false positives ")
	w.text(fp(t.AlertStats))
	w.raw("</p>\n<table id=\"digest-table\">\n<thead><tr><th>Flow</th><th>Objective</th><th class=\"num\">Attained</th><th class=\"num\">Target</th><th class=\"num\">p50 / p95 / p99</th><th class=\"num\">Budget left</th><th class=\"num\">Pages</th><th class=\"num\">Tickets</th><th>MTTA median / worst</th><th>False positives</th></tr></thead>\n<tbody>\n")
	for _, f := range d.Flows {
		for i, o := range f.Objectives {
			w.objectiveRow(f.Flow, o.Objective, i, len(f.Objectives))
			if i == 0 {
				w.raw("<br><span class=\"muted\">")
				w.b.WriteString(strconv.FormatUint(f.Events, 10))
				w.raw(" events")
				if f.NoData.Tickets != 0 {
					w.raw(" · ")
					w.int(int64(f.NoData.Tickets))
					w.raw(" no-data tickets")
				}
				w.raw("</span></td>")
			}
			w.raw("\n<td>")
			w.text(o.Objective)
			w.raw("</td>\n<td class=\"num\">")
			writeAttainment(w, o.Attainment, o.Target)
			w.raw("</td>\n<td class=\"num\">")
			w.text(digest.Percent(o.Target))
			w.raw("</td>\n<td class=\"num\">")
			if i == 0 {
				w.text(digest.Latency(f.LatencyMs.P50))
				w.raw(" / ")
				w.text(digest.Latency(f.LatencyMs.P95))
				w.raw(" / ")
				w.text(digest.Latency(f.LatencyMs.P99))
			}
			w.raw("</td>\n<td class=\"num\"><span class=\"")
			w.text(budgetClass(o.BudgetRemaining))
			w.raw("\">")
			w.text(budget(o.BudgetRemaining))
			w.raw("</span></td>\n<td class=\"num\">")
			w.int(int64(o.Alerts.Pages))
			w.raw("</td>\n<td class=\"num\">")
			w.int(int64(o.Alerts.Tickets))
			w.raw("</td>\n<td>")
			if o.Alerts.MTTAMedianSeconds != nil {
				w.text(secs(o.Alerts.MTTAMedianSeconds))
				w.raw(" / ")
				w.text(secs(o.Alerts.MTTAWorstSeconds))
			} else {
				w.raw("<span class=\"muted\">-</span>")
			}
			w.raw("</td>\n<td>")
			w.text(fp(o.Alerts))
			w.raw("</td>\n</tr>\n")
		}
	}
	w.raw("\n</tbody>\n</table>\n\n</section>")
}

// pageHead is the page up to <body>: constant, with the page's only styles.
const pageHead = `<!doctype html>
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
`

// objectiveRow opens the table row of one objective of flow; the first
// row of a flow (i == 0) also opens the flow's cell, spanning its n
// objectives, up to the flow's name.
func (w *pageWriter) objectiveRow(flow, objective string, i, n int) {
	w.raw("\n<tr data-flow=\"")
	w.text(flow)
	w.raw("\" data-objective=\"")
	w.text(objective)
	w.raw("\"")
	if i == 0 {
		w.raw(" class=\"first\"")
	}
	w.raw(">\n")
	if i == 0 {
		w.raw("<td rowspan=\"")
		w.int(int64(n))
		w.raw("\"><strong>")
		w.text(flow)
		w.raw("</strong>")
	}
}

// writeLevers shows the emergency levers in force, which differ from the defaults, and
// where they were read from (README "Emergency levers").
func writeLevers(w *pageWriter, now time.Time, st degrade.LeverState) {
	w.raw("<section id=\"levers\">\n<h2>Emergency levers</h2>\n<p class=\"muted\">From ")
	w.text(st.Source)
	switch {
	case st.Defaults:
		w.raw(": not read yet, the defaults are in force")
	default:
		w.raw(", read ")
		w.text(ago(now, st.ReadAt))
		w.raw(" ago (at most 60 s old on every instance)")
	}
	w.raw(".")
	if st.Err != "" {
		w.raw(" <strong>Last read failed:</strong> ")
		w.text(st.Err)
		w.raw(" (the levers above stay in force).")
	}
	w.raw("</p>\n<table id=\"levers-table\">\n<thead><tr><th>Lever</th><th>State</th><th>Default</th></tr></thead>\n<tbody>\n")
	def := degrade.DefaultLevers()
	onOff := func(b bool) string {
		if b {
			return "on"
		}
		return "off"
	}
	rows := []struct{ name, now, def string }{
		{"undo", onOff(st.Levers.Undo), onOff(def.Undo)},
		{"hints", onOff(st.Levers.Hints), onOff(def.Hints)},
		{"break_invites", onOff(st.Levers.BreakInvites), onOff(def.BreakInvites)},
		{"ai_rephrase", onOff(st.Levers.AIRephrase), onOff(def.AIRephrase)},
		{"weekly_review", onOff(st.Levers.WeeklyReview), onOff(def.WeeklyReview)},
		{"metric_ingest_sampling", float(st.Levers.MetricIngestSampling), float(def.MetricIngestSampling)},
	}
	for _, r := range rows {
		w.raw("<tr data-lever=\"")
		w.text(r.name)
		w.raw("\"")
		if r.now != r.def {
			w.raw(" class=\"flipped\"")
		}
		w.raw("><td><code>")
		w.text(r.name)
		w.raw("</code></td><td>")
		w.text(r.now)
		w.raw("</td><td>")
		w.text(r.def)
		w.raw("</td></tr>\n")
	}
	w.raw("</tbody>\n</table>\n</section>")
}
