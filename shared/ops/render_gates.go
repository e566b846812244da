package ops

import (
	"strconv"

	"github.com/lucian-app/phase12/shared/digest"
	"github.com/lucian-app/phase12/shared/flake"
	"github.com/lucian-app/phase12/shared/kpi"
)

// writeGates shows the release gates: the release-blocker row (the blocker flake rate
// against its target, with its flake.TrendWeeks-week trend, as GET /ops/flakes reads it)
// and the phase gate row (the latest digest's verdict: every P0 KPI met two consecutive
// weeks, or which is not). Each row is a <tr data-gate> with data-state ok, bad or none.
// The page shows the section when the service has a flake gate (OpsFunction always does) or
// the latest digest has a KPI section; the phase gate row then says when there is no
// verdict yet.
func writeGates(w *pageWriter, p PageData) {
	w.raw("<section id=\"gates\">\n<h2>Release gates</h2>\n<table id=\"gates-table\">\n<thead><tr><th>Gate</th><th>State</th><th>Now</th><th>Target</th><th>Trend</th></tr></thead>\n<tbody>\n")
	if p.Flakes != nil {
		writeBlockerRow(w, *p.Flakes)
	}
	writePhaseGateRow(w, p.Digest, p.PhaseGate())
	w.raw("</tbody>\n</table>\n</section>")
}

func gateRow(w *pageWriter, name, state string) {
	w.raw("<tr data-gate=\"")
	w.text(name)
	w.raw("\" data-state=\"")
	w.text(state)
	w.raw("\">")
}

func stateCell(w *pageWriter, state string) {
	w.raw("<td><span class=\"")
	switch state {
	case "ok":
		w.raw("ok\">met")
	case "bad":
		w.raw("bad\">NOT MET")
	default:
		w.raw("muted\">no data")
	}
	w.raw("</span></td>")
}

func writeBlockerRow(w *pageWriter, t flake.Trend) {
	l := t.Latest
	state := "none"
	if l.Met != nil {
		state = map[bool]string{true: "ok", false: "bad"}[*l.Met]
	}
	gateRow(w, "release-blocker", state)
	w.raw("<td><strong>Release blocker</strong><br><span class=\"muted\">blocker E2E flake rate, week ")
	w.text(l.Week)
	w.raw(" (blockers v")
	w.int(int64(t.BlockersVersion))
	w.raw(")</span></td>")
	stateCell(w, state)
	w.raw("<td class=\"num\">")
	if l.Rate != nil {
		w.text(digest.Percent(*l.Rate))
		w.raw("<br><span class=\"muted\">")
		w.text(strconv.FormatInt(l.Flaky, 10) + " of " + strconv.FormatInt(l.Tests, 10) + " flaky")
		w.raw("</span>")
	} else {
		w.raw("<span class=\"muted\">no blocker runs</span>")
	}
	w.raw("</td><td class=\"num\">&le; ")
	w.text(digest.Percent(t.Target))
	w.raw("</td><td><ol class=\"trend\" style=\"list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 2px 10px; font-size: 12px\">")
	for _, wk := range t.Weeks {
		w.raw("<li data-week=\"")
		w.text(wk.Week)
		w.raw("\" class=\"")
		switch {
		case wk.Met == nil:
			w.raw("muted\">")
		case *wk.Met:
			w.raw("ok\">")
		default:
			w.raw("bad\">")
		}
		w.text(wk.Week[len(wk.Week)-3:])
		w.raw(" ")
		if wk.Rate != nil {
			w.text(digest.Percent(*wk.Rate))
		} else {
			w.raw("-")
		}
		w.raw("</li>")
	}
	w.raw("</ol></td></tr>\n")
}

func writePhaseGateRow(w *pageWriter, d *digest.Record, g *kpi.Gate) {
	state := "none"
	if g != nil {
		state = map[bool]string{true: "ok", false: "bad"}[g.Open]
	}
	gateRow(w, "phase", state)
	w.raw("<td><strong>Phase gate</strong><br><span class=\"muted\">every P0 KPI target met two consecutive weeks")
	if g != nil {
		w.raw(", as the digest of ")
		w.text(d.Week)
		w.raw(" judged it")
	}
	w.raw("</span></td>")
	stateCell(w, state)
	w.raw("<td colspan=\"3\">")
	switch {
	case g == nil:
		w.raw("<span class=\"muted\">No weekly digest with a KPI section yet.</span>")
	case g.Open:
		w.raw("<span class=\"ok\">Open: every P0 KPI met this week and the week before.</span>")
	default:
		w.raw("Not met: <ul class=\"decisions\">")
		for _, m := range g.Missing {
			w.raw("<li>")
			w.text(m)
			w.raw("</li>")
		}
		w.raw("</ul>")
	}
	w.raw("</td></tr>\n")
}
