package alert

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/lucian-app/phase12/shared/burnrate"
)

// Links turn the paths in a message into links a person can follow.
type Links struct {
	// AckBaseURL is the API's base URL; the ack link is AckBaseURL/ops/alerts/{id}/ack.
	AckBaseURL string
	// RunbookBaseURL is prefixed to the runbook path (e.g. the repository's web URL).
	RunbookBaseURL string
}

// AckURL is the alert's acknowledgement endpoint.
func (l Links) AckURL(id string) string {
	return strings.TrimSuffix(l.AckBaseURL, "/") + "/ops/alerts/" + id + "/ack"
}

// PageURL is the alert's page (GET /ops/alerts/{id}): the alert, its runbook and the ack
// buttons, behind a browser sign-in. Pages and tickets lead with it.
func (l Links) PageURL(id string) string {
	return strings.TrimSuffix(l.AckBaseURL, "/") + "/ops/alerts/" + id
}

// RunbookURL is the runbook's link.
func (l Links) RunbookURL(path string) string {
	if l.RunbookBaseURL == "" {
		return path
	}
	return strings.TrimSuffix(l.RunbookBaseURL, "/") + "/" + strings.TrimPrefix(path, "/")
}

// maxSubject is SNS's limit on a subject (and what an email client shows in a list).
const maxSubject = 100

// Attributes are the SNS message attributes of DESIGN §5 (and the alert ID), by which
// subscribers filter and a paging service deduplicates.
func Attributes(a Alert, action string) map[string]string {
	return map[string]string{
		"severity":  string(a.Severity),
		"flow":      a.Flow,
		"objective": a.Objective,
		"action":    action,
		"dedup_key": a.DedupKey,
		"alert_id":  a.ID,
	}
}

// TriggerMessage is the page or ticket that opens an incident. It is built from the stored
// alert only, so a retried publish sends the same text.
func TriggerMessage(a Alert, l Links) Message {
	var b strings.Builder
	label := strings.ToUpper(string(a.Severity))
	fmt.Fprintf(&b, "%s: %s\n\n", label, a.Summary)
	row := func(name, format string, args ...any) {
		fmt.Fprintf(&b, "%-13s%s\n", name+":", fmt.Sprintf(format, args...))
	}
	row("Flow", "%s", a.Flow)
	if a.Objective == NoData {
		row("Objective", "%s (the flow stopped reporting events)", a.Objective)
		row("Severity", "%s", a.Severity)
		row("Silence", "no events in the last %s", window(a.ShortWindowMs))
		row("Before", "%d events in the last %s (%.1f an hour)", a.Total, window(a.LongWindowMs),
			float64(a.Total)/math.Max(float64(a.LongWindowMs)/float64(time.Hour/time.Millisecond), 1))
	} else {
		row("Objective", "%s, target %s (SLO catalogue v%d)", a.Objective, percent(a.Target), a.SLOVersion)
		row("Severity", "%s", a.Severity)
		row("Rule", "%s: both windows must burn at %s or more", a.Rule, rate(a.Threshold))
		row(window(a.LongWindowMs)+" window", "%s burn rate (%d bad of %d events)", rate(a.LongBurnRate), a.Bad, a.Total)
		row(window(a.ShortWindowMs)+" window", "%s burn rate", rate(a.ShortBurnRate))
		row("Budget left", "%s of the 30-day error budget", percent(a.BudgetRemaining))
		b.WriteString("\nEvery rule (burn rate of each window against its threshold):\n")
		for _, r := range a.Rules {
			state := ""
			switch {
			case r.Firing:
				state = "  FIRING"
			case r.LowTraffic:
				state = "  (held back: too few events)"
			}
			fmt.Fprintf(&b, "  %-13s threshold %6s   %3s %8s   %3s %8s%s\n", r.Rule, rate(r.Threshold),
				window(r.LongWindowMs), rate(r.LongBurnRate), window(r.ShortWindowMs), rate(r.ShortBurnRate), state)
		}
	}
	b.WriteString("\n")
	row("Open", "%s (the alert, its runbook and the ack buttons)", l.PageURL(a.ID))
	row("Runbook", "%s", l.RunbookURL(a.Runbook))
	row("Acknowledge", `POST %s with {"verdict":"true_positive"} or {"verdict":"false_positive"} (ops group)`, l.AckURL(a.ID))
	row("Alert ID", "%s", a.ID)
	row("Dedup key", "%s", a.DedupKey)
	row("Triggered", "%s", a.TriggeredAt.UTC().Format(time.RFC3339))
	return Message{Subject: subject("[" + label + "] " + a.Summary), Body: b.String(), Attributes: Attributes(a, ActionTrigger)}
}

// ResolveMessage closes the incident the trigger opened (same dedup key).
func ResolveMessage(a Alert, l Links) Message {
	var b strings.Builder
	label := "RESOLVED " + string(a.Severity)
	fmt.Fprintf(&b, "%s: %s %s is no longer firing.\n\n", strings.ToUpper(label), a.Flow, a.Objective)
	row := func(name, format string, args ...any) {
		fmt.Fprintf(&b, "%-13s%s\n", name+":", fmt.Sprintf(format, args...))
	}
	row("Flow", "%s", a.Flow)
	row("Objective", "%s", a.Objective)
	row("Severity", "%s", a.Severity)
	row("Opened with", "%s", a.Summary)
	row("Triggered", "%s", a.TriggeredAt.UTC().Format(time.RFC3339))
	if a.ResolvedAt != nil {
		row("Resolved", "%s (after %s)", a.ResolvedAt.UTC().Format(time.RFC3339), a.ResolvedAt.Sub(a.TriggeredAt).Round(time.Minute))
	}
	row("Open", "%s", l.PageURL(a.ID))
	row("Runbook", "%s", l.RunbookURL(a.Runbook))
	row("Verdict", `POST %s with {"verdict":"true_positive"} or {"verdict":"false_positive"}, if not given yet`, l.AckURL(a.ID))
	row("Alert ID", "%s", a.ID)
	row("Dedup key", "%s", a.DedupKey)
	return Message{Subject: subject(fmt.Sprintf("[%s] %s %s", label, a.Flow, a.Objective)), Body: b.String(), Attributes: Attributes(a, ActionResolve)}
}

func subject(s string) string {
	if len(s) <= maxSubject {
		return s
	}
	return s[:maxSubject-3] + "..."
}

func rate(r float64) string {
	if math.IsInf(r, 1) {
		return "inf"
	}
	return fmt.Sprintf("%.1fx", r)
}

func percent(f float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", f*100), "0"), ".") + "%"
}

// window writes a window length as the rules name it.
func window(msec int64) string { return burnrate.WindowName(time.Duration(msec) * time.Millisecond) }
