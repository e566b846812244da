package digest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/lucian-app/phase12/shared/kpi"
)

// Links are the URLs a digest points at.
type Links struct {
	// OpsPageURL is the ops page (GET /ops); empty leaves the link out.
	OpsPageURL string
}

// Subject is the SNS subject (what an email client lists), at most 100 characters.
func Subject(d Digest) string {
	s := "Weekly SLO digest " + d.Week
	switch n := len(d.NeedsDecision); n {
	case 0:
		s += ": nothing needs a decision"
	default:
		s += fmt.Sprintf(": %s", plural(n, "item needs", "items need")) + " a decision"
	}
	return s
}

// Text is the digest as plain text, for email subscribers of the SNS topic: short lines,
// no table that needs a fixed-width font, every number with its unit.
func Text(d Digest, l Links) string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	window := WindowLabel(d.BudgetingWindowMs)

	line("Weekly SLO digest %s", d.Week)
	line("%s (UTC), SLO catalogue v%d.", dateRange(d), d.SLOVersion)
	line("Budget left is what remains of each %s error budget at the end of the week.", window)
	line("")

	if len(d.NeedsDecision) == 0 {
		line("NEEDS A DECISION")
		line("Nothing: every objective met, every budget above %s, alert noise at most %s.", Percent(LowBudget), Percent(Noisy))
	} else {
		line("NEEDS A DECISION (%d)", len(d.NeedsDecision))
		for _, x := range d.NeedsDecision {
			line("- %s", x.Message)
		}
	}
	line("")

	line("ALERTS")
	t := d.Totals
	line("%s, %s, %s", plural(t.Pages, "page", "pages"), plural(t.Tickets-t.NoDataTickets, "ticket", "tickets"),
		plural(t.NoDataTickets, "no-data ticket", "no-data tickets"))
	line("MTTA (pages): %s", mtta(t.AlertStats))
	line("False positives: %s", verdicts(t.AlertStats))
	line("")

	line("FLOWS")
	for i, f := range d.Flows {
		if i > 0 {
			line("")
		}
		if f.Events == 0 {
			line("%s: no events this week", f.Flow)
		} else {
			line("%s: %s; latency p50 %s, p95 %s, p99 %s", f.Flow, plural64(f.Events, "event", "events"),
				Latency(f.LatencyMs.P50), Latency(f.LatencyMs.P95), Latency(f.LatencyMs.P99))
		}
		for _, o := range f.Objectives {
			line("  %s, %s: %s; %s", o.Objective, ObjectiveTarget(o), attained(o), budgetLeft(o.BudgetRemaining))
			line("    %s", objectiveAlerts(o.Alerts))
		}
		if f.NoData.Tickets == 0 {
			line("  no-data tickets: none")
		} else {
			line("  no-data tickets: %d; false positives: %s", f.NoData.Tickets, verdicts(f.NoData))
		}
	}
	if d.Lucian != nil {
		line("")
		for _, s := range lucianText(d.Lucian) {
			line("%s", s)
		}
	}
	if d.KPI != nil {
		line("")
		for _, s := range kpiText(d.KPI) {
			line("%s", s)
		}
	}
	if d.NextAction != nil {
		line("")
		for _, s := range nextActionText(d.NextAction) {
			line("%s", s)
		}
	}
	if d.Review != nil {
		line("")
		for _, s := range reviewText(d.Review) {
			line("%s", s)
		}
	}
	if l.OpsPageURL != "" {
		line("")
		line("Ops page: %s", l.OpsPageURL)
	}
	line("Generated %s.", d.GeneratedAt.UTC().Format(time.RFC3339))
	return b.String()
}

func dateRange(d Digest) string {
	const layout = "Mon 2 Jan 2006"
	return d.From.UTC().Format(layout) + " to " + d.To.UTC().AddDate(0, 0, -1).Format(layout)
}

// ObjectiveTarget says what an objective asks: "95% within 1500 ms", "99.9% ok".
func ObjectiveTarget(o ObjectiveDigest) string {
	return Percent(o.Target) + " " + goodWord(o)
}

func attained(o ObjectiveDigest) string {
	switch {
	case o.Attainment == nil:
		return "no events"
	case *o.Met:
		return Percent(*o.Attainment) + " (met)"
	default:
		return Percent(*o.Attainment) + " (MISSED)"
	}
}

func budgetLeft(r float64) string {
	if r < 0 {
		return "budget overspent by " + Percent(-r)
	}
	return Percent(r) + " of budget left"
}

func objectiveAlerts(s AlertStats) string {
	if s.Pages == 0 && s.Tickets == 0 {
		return "no alerts"
	}
	out := plural(s.Pages, "page", "pages") + ", " + plural(s.Tickets, "ticket", "tickets")
	if s.Pages > 0 {
		out += "; MTTA " + mtta(s)
	}
	return out + "; false positives: " + verdicts(s)
}

func mtta(s AlertStats) string {
	if s.Pages == 0 {
		return "no pages"
	}
	if s.MTTAMedianSeconds == nil {
		return fmt.Sprintf("none acknowledged (%s)", plural(s.Pages, "page", "pages"))
	}
	return fmt.Sprintf("median %s, worst %s (%d of %d acknowledged)", Seconds(*s.MTTAMedianSeconds),
		Seconds(*s.MTTAWorstSeconds), s.PagesAcknowledged, s.Pages)
}

func verdicts(s AlertStats) string {
	if s.Verdicts == 0 {
		return "no verdicts"
	}
	return fmt.Sprintf("%d of %s (%s)", s.FalsePositives, plural(s.Verdicts, "verdict", "verdicts"), Percent(*s.FalsePositiveRate))
}

// Percent writes a ratio as a percentage with at most two decimals: 0.999 is "99.9%".
func Percent(f float64) string {
	if math.IsInf(f, 0) || math.IsNaN(f) || math.Abs(f) >= 1e12 {
		return "a lot"
	}
	return strings.TrimSuffix(strings.TrimRight(strconv.FormatFloat(f*100, 'f', 2, 64), "0"), ".") + "%"
}

// Latency writes a latency in ms for people: "0.4 ms", "212 ms", "12.5 s"; "-" for none.
func Latency(ms *float64) string {
	switch {
	case ms == nil:
		return "-"
	case *ms < 10:
		return strconv.FormatFloat(*ms, 'f', 1, 64) + " ms"
	case *ms < 10_000:
		return strconv.FormatFloat(*ms, 'f', 0, 64) + " ms"
	default:
		return strconv.FormatFloat(*ms/1000, 'f', 1, 64) + " s"
	}
}

// Seconds writes a duration in whole seconds: "45s", "4m 30s", "2h 5m", "1d 3h".
func Seconds(s int64) string {
	d := time.Duration(s) * time.Second
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", s)
	case d < time.Hour:
		return fmt.Sprintf("%dm %ds", d/time.Minute, (d%time.Minute)/time.Second)
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh %dm", d/time.Hour, (d%time.Hour)/time.Minute)
	default:
		return fmt.Sprintf("%dd %dh", d/(24*time.Hour), (d%(24*time.Hour))/time.Hour)
	}
}

// WindowLabel names a budgeting window: "30-day", "24-hour".
func WindowLabel(ms int64) string {
	d := time.Duration(ms) * time.Millisecond
	if d >= 24*time.Hour && d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%d-day", d/(24*time.Hour))
	}
	if d%time.Hour == 0 {
		return fmt.Sprintf("%d-hour", d/time.Hour)
	}
	return d.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func plural64(n uint64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return thousands(n) + " " + many
}

// thousands writes 12345 as "12,345".
func thousands(n uint64) string {
	s := strconv.FormatUint(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Block Kit limits (api.slack.com/reference/block-kit): 50 blocks a message, 10 fields a
// section, 3000 characters a section text, 2000 a field, 150 a header.
const (
	maxBlocks      = 50
	maxFields      = 10
	maxSectionText = 3000
	maxFieldText   = 2000
	maxHeaderText  = 150
)

type textObject struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

type block struct {
	Type     string       `json:"type"`
	Text     *textObject  `json:"text,omitempty"`
	Fields   []textObject `json:"fields,omitempty"`
	Elements []textObject `json:"elements,omitempty"`
}

type blockMessage struct {
	Text   string  `json:"text"`
	Blocks []block `json:"blocks"`
}

// BlockKit is the digest as a Slack-compatible incoming-webhook payload: a fallback text
// for notifications and Block Kit blocks for the message itself.
func BlockKit(d Digest, l Links) ([]byte, error) {
	mrkdwn := func(s string, limit int) *textObject { return &textObject{Type: "mrkdwn", Text: clip(s, limit)} }
	blocks := []block{
		{Type: "header", Text: &textObject{Type: "plain_text", Text: clip("Weekly SLO digest "+d.Week, maxHeaderText)}},
		{Type: "context", Elements: []textObject{*mrkdwn(fmt.Sprintf("%s (UTC) · SLO catalogue v%d · budget left is of each %s error budget at the week's end",
			dateRange(d), d.SLOVersion, WindowLabel(d.BudgetingWindowMs)), maxSectionText)}},
	}

	var dec strings.Builder
	if len(d.NeedsDecision) == 0 {
		fmt.Fprintf(&dec, "*Needs a decision*\nNothing: every objective met, every budget above %s, alert noise at most %s.",
			Percent(LowBudget), Percent(Noisy))
	} else {
		fmt.Fprintf(&dec, "*Needs a decision (%d)*", len(d.NeedsDecision))
		for _, x := range d.NeedsDecision {
			// Flow names are code, so mrkdwn never reads their underscores as italics.
			msg := escape(x.Message)
			if rest, ok := strings.CutPrefix(msg, x.Flow+" "); ok {
				msg = "`" + x.Flow + "` " + rest
			}
			dec.WriteString("\n• " + msg)
		}
	}
	blocks = append(blocks, block{Type: "section", Text: mrkdwn(dec.String(), maxSectionText)})

	t := d.Totals
	blocks = append(blocks, block{Type: "section", Text: mrkdwn(fmt.Sprintf("*Alerts*\n%s · %s · %s\nMTTA (pages): %s\nFalse positives: %s",
		plural(t.Pages, "page", "pages"), plural(t.Tickets-t.NoDataTickets, "ticket", "tickets"),
		plural(t.NoDataTickets, "no-data ticket", "no-data tickets"), mtta(t.AlertStats), verdicts(t.AlertStats)), maxSectionText)},
		block{Type: "divider"})
	if d.Lucian != nil {
		txt := lucianText(d.Lucian)
		blocks = append(blocks, block{Type: "section", Text: mrkdwn("*Lucian* (`hint-cooldown`)\n"+escape(strings.Join(txt[1:], "\n")), maxSectionText)},
			block{Type: "divider"})
	}
	if d.KPI != nil {
		blocks = append(blocks, block{Type: "section", Text: mrkdwn("*KPIs and review actions*\n"+escape(strings.Join(kpiText(d.KPI), "\n")), maxSectionText)},
			block{Type: "divider"})
	}
	if d.NextAction != nil {
		txt := nextActionText(d.NextAction)
		blocks = append(blocks, block{Type: "section", Text: mrkdwn("*Next action* (`GET /tasks/next`), started within 10 minutes\n"+escape(strings.Join(txt[1:], "\n")), maxSectionText)},
			block{Type: "divider"})
	}

	if d.Review != nil {
		txt := reviewText(d.Review)
		blocks = append(blocks, block{Type: "section", Text: mrkdwn(fmt.Sprintf("*Weekly review* (reviews of %s)\n", d.Review.Week)+
			escape(strings.Join(txt[1:], "\n")), maxSectionText)}, block{Type: "divider"})
	}

	// Keep room for the footer (a divider and a context) and for the note that a catalogue
	// too large for one message continues on the ops page.
	room := maxBlocks - len(blocks) - 3
	for i, f := range d.Flows {
		if i == room {
			blocks = append(blocks, block{Type: "context", Elements: []textObject{*mrkdwn(
				fmt.Sprintf("%d more flows are on the ops page.", len(d.Flows)-i), maxSectionText)}})
			break
		}
		head := fmt.Sprintf("*`%s`* · no events this week", f.Flow)
		if f.Events > 0 {
			head = fmt.Sprintf("*`%s`* · %s · p50 %s · p95 %s · p99 %s", f.Flow, plural64(f.Events, "event", "events"),
				Latency(f.LatencyMs.P50), Latency(f.LatencyMs.P95), Latency(f.LatencyMs.P99))
		}
		if f.NoData.Tickets > 0 {
			head += fmt.Sprintf(" · %s, false positives: %s", plural(f.NoData.Tickets, "no-data ticket", "no-data tickets"), verdicts(f.NoData))
		}
		sec := block{Type: "section", Text: mrkdwn(head, maxSectionText)}
		for _, o := range f.Objectives {
			if len(sec.Fields) == maxFields {
				break // more objectives than a section holds: the ops page has them all
			}
			mark := ""
			if o.Met != nil {
				mark = " :white_check_mark:"
				if !*o.Met {
					mark = " :x:"
				}
			}
			sec.Fields = append(sec.Fields, *mrkdwn(fmt.Sprintf("*%s* · %s\n%s%s · %s\n%s", o.Objective, ObjectiveTarget(o),
				attained(o), mark, budgetLeft(o.BudgetRemaining), objectiveAlerts(o.Alerts)), maxFieldText))
		}
		blocks = append(blocks, sec)
	}

	footer := "Generated " + d.GeneratedAt.UTC().Format(time.RFC3339)
	if l.OpsPageURL != "" {
		footer = "<" + l.OpsPageURL + "|Open the ops page> · " + footer
	}
	blocks = append(blocks, block{Type: "divider"}, block{Type: "context", Elements: []textObject{*mrkdwn(footer, maxSectionText)}})
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false) // mrkdwn links are <url|text>; keep them readable
	if err := enc.Encode(blockMessage{Text: Subject(d), Blocks: blocks}); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(out.Bytes(), []byte("\n")), nil
}

// escape makes text safe for mrkdwn, where &, < and > are control characters.
func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// clip shortens s to at most limit characters (runes), marking the cut.
func clip(s string, limit int) string {
	r := []rune(s)
	if len(r) <= limit {
		return s
	}
	return string(r[:limit-1]) + "…"
}

// kpiText is the KPI section as lines, against the catalogue that judged it (the embedded
// one; a digest stored under an older catalogue shows its own values and targets, which it
// carries, and only the trend's units come from the catalogue).
func kpiText(r *kpi.Report) []string {
	c, _ := kpi.Default()
	return kpi.Lines(c, r)
}
