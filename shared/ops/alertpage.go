package ops

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/lucian-app/phase12/docs/runbooks"
	"github.com/lucian-app/phase12/shared/alert"
	"github.com/lucian-app/phase12/shared/apperr"
)

// Alert is one incident by id: 404 not_found when there is none. One GetItem.
func (s *Service) Alert(ctx context.Context, id string) (alert.Alert, error) {
	if id == "" || len(id) > maxIDLength {
		return alert.Alert{}, apperr.New(apperr.NotFound, "no alert %q", clip(id))
	}
	return s.Records.Get(ctx, id)
}

// markdown renders the runbooks: CommonMark with GitHub's tables, and without raw HTML
// (goldmark's default leaves it out, "<!-- raw HTML omitted -->", and drops javascript:
// and other dangerous link targets), so a runbook cannot put script or markup of its own
// on the page.
//
// A runbook's relative links (to another runbook, "create_task-latency.md") point into the
// repository, which the page does not serve: they are shown as their text, not as links that
// would lead nowhere.
var markdown = goldmark.New(goldmark.WithExtensions(extension.Table),
	goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(relativeLinksAsText{}, 100))))

// relativeLinksAsText replaces every link without a scheme (and not a #fragment of the page)
// by its content.
type relativeLinksAsText struct{}

func (relativeLinksAsText) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	var links []*ast.Link
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if l, ok := n.(*ast.Link); ok && entering {
			dest := string(l.Destination)
			if !strings.Contains(dest, "://") && !strings.HasPrefix(dest, "#") && !strings.HasPrefix(dest, "mailto:") {
				links = append(links, l)
			}
		}
		return ast.WalkContinue, nil
	})
	for _, l := range links {
		parent := l.Parent()
		for c := l.FirstChild(); c != nil; {
			next := c.NextSibling()
			parent.InsertBefore(parent, l, c)
			c = next
		}
		parent.RemoveChild(parent, l)
	}
}

// runbookCache keeps each runbook's HTML once rendered: they are in the binary, so they
// never change in a running instance.
var runbookCache sync.Map

// runbookHTML is the runbook path's HTML (docs/runbooks/<name>.md, from the embedded
// copy), and false when the binary has no such runbook.
func runbookHTML(path string) (string, bool) {
	name, ok := strings.CutPrefix(path, "docs/runbooks/")
	if !ok || strings.Contains(name, "/") || !strings.HasSuffix(name, ".md") {
		return "", false
	}
	if v, ok := runbookCache.Load(name); ok {
		return v.(string), true
	}
	src, err := runbooks.FS.ReadFile(name)
	if err != nil {
		return "", false
	}
	h := RenderMarkdown(src)
	runbookCache.Store(name, h)
	return h, true
}

// RenderMarkdown is a runbook's HTML (see markdown).
func RenderMarkdown(src []byte) string {
	var b bytes.Buffer
	if err := markdown.Convert(src, &b); err != nil {
		return "<p>The runbook does not render.</p>"
	}
	return b.String()
}

// renderAlertPage writes one alert's page: what fired, every rule's burn rates against its
// threshold as the check measured them, who acknowledged it (or the ack buttons), and the
// runbook.
func renderAlertPage(a alert.Alert, csrf string, acked bool) []byte {
	w := &pageWriter{}
	w.raw(strings.Replace(pageHead, `url=/ops">`, `url=/ops/alerts/`+alertPathSegment(a.ID)+`">`, 1))
	w.raw("<header>\n<h1>")
	w.text(a.Flow + " " + a.Objective)
	w.raw(` <span class="badge `)
	w.text(string(a.Severity))
	w.raw(`">`)
	w.text(string(a.Severity))
	w.raw("</span></h1>\n<p><a href=\"/ops\" style=\"color:#b8c2cc\">Ops page</a> · alert <code>")
	w.text(a.ID)
	w.raw("</code> · dedup key <code>")
	w.text(a.DedupKey)
	w.raw("</code></p>\n")
	if csrf != "" {
		w.raw(logoutForm(csrf))
	}
	w.raw("</header>\n<main>\n")
	if acked && a.AcknowledgedAt != nil {
		w.raw(`<p class="notice" role="status">Alert acknowledged.</p>`)
	}
	w.raw("\n<section id=\"alert\" data-alert=\"")
	w.text(a.ID)
	w.raw("\" data-state=\"")
	w.text(string(a.State))
	w.raw("\">\n<h2>")
	w.text(a.Summary)
	w.raw("</h2>\n<table>\n<tbody>\n<tr><th>State</th><td id=\"state\">")
	if a.State == alert.Firing {
		w.raw(`<span class="firing">firing</span>`)
	} else {
		w.raw(`<span class="ok">resolved</span>`)
	}
	w.raw("</td></tr>\n<tr><th>Triggered</th><td>")
	w.text(when(a.TriggeredAt))
	w.raw("</td></tr>\n")
	if a.ResolvedAt != nil {
		w.raw("<tr><th>Resolved</th><td>")
		w.text(when(*a.ResolvedAt))
		w.raw("</td></tr>\n")
	}
	if a.Objective != alert.NoData {
		w.raw("<tr><th>Target</th><td>")
		w.text(percent(a.Target))
		w.raw(" (SLO catalogue v")
		w.int(int64(a.SLOVersion))
		w.raw(")</td></tr>\n<tr><th>Events</th><td>")
		w.int(int64(a.Bad))
		w.raw(" bad of ")
		w.int(int64(a.Total))
		w.raw(" in the long window</td></tr>\n<tr><th>Budget left</th><td>")
		w.text(budget(a.BudgetRemaining))
		w.raw("</td></tr>\n")
	}
	w.raw("<tr><th>Acknowledged</th><td id=\"acknowledged\">")
	if a.AcknowledgedAt != nil {
		w.raw(`<span class="ok">acknowledged</span> by `)
		w.text(str(a.AcknowledgedBy))
		w.raw(" after ")
		w.text(secs(a.TimeToAckSeconds))
		w.raw(" · verdict ")
		w.text(verdict(a.Verdict))
	} else {
		w.raw(`<span class="warn">not yet</span>`)
	}
	w.raw("</td></tr>\n</tbody>\n</table>\n")
	if a.AcknowledgedAt == nil || a.Verdict == nil {
		w.raw("<form class=\"ack\" method=\"post\" action=\"/ops/alerts/")
		w.urlPath(a.ID)
		w.raw("/ack\" style=\"margin-top:12px\">\n")
		w.raw(csrfField(csrf))
		w.raw("<input type=\"hidden\" name=\"back\" value=\"alert\">\n")
		if a.AcknowledgedAt == nil {
			w.raw("<button type=\"submit\" id=\"ack\">Acknowledge</button>\n")
		}
		w.raw("<button type=\"submit\" name=\"verdict\" value=\"true_positive\" id=\"ack-true\">Real problem</button>\n" +
			"<button type=\"submit\" name=\"verdict\" value=\"false_positive\" class=\"fp\" id=\"ack-false\">False positive</button>\n</form>\n")
	}
	w.raw("</section>\n")
	if a.Objective != alert.NoData && len(a.Rules) > 0 {
		w.raw("\n<section id=\"burn-rates\">\n<h2>Burn rates against thresholds <small>(when the check fired)</small></h2>\n")
		w.raw("<table>\n<thead><tr><th>Rule</th><th>Severity</th><th class=\"num\">Threshold</th><th>Long window</th><th class=\"num\">Burn</th><th>Short window</th><th class=\"num\">Burn</th><th></th></tr></thead>\n<tbody>\n")
		for _, r := range a.Rules {
			w.raw("<tr data-rule=\"")
			w.text(r.Rule)
			w.raw("\"><td>")
			w.text(r.Rule)
			w.raw("</td><td>")
			w.text(string(r.Severity))
			w.raw("</td><td class=\"num\">")
			w.text(rate(r.Threshold))
			w.raw("</td><td>")
			w.text(window(r.LongWindowMs))
			w.raw("</td><td class=\"num")
			w.raw(burnClass(r.LongBurnRate, r.Threshold))
			w.raw("\">")
			w.text(rate(r.LongBurnRate))
			w.raw("</td><td>")
			w.text(window(r.ShortWindowMs))
			w.raw("</td><td class=\"num")
			w.raw(burnClass(r.ShortBurnRate, r.Threshold))
			w.raw("\">")
			w.text(rate(r.ShortBurnRate))
			w.raw("</td><td>")
			switch {
			case r.Firing:
				w.raw(`<span class="firing">firing</span>`)
			case r.LowTraffic:
				w.raw(`<span class="muted">held back: too few events</span>`)
			}
			w.raw("</td></tr>\n")
		}
		w.raw("</tbody>\n</table>\n</section>\n")
	}
	w.raw("\n<section id=\"runbook\">\n<h2>Runbook <small><code>")
	w.text(a.Runbook)
	w.raw("</code></small></h2>\n")
	if h, ok := runbookHTML(a.Runbook); ok {
		w.raw("<article class=\"runbook\">\n")
		w.raw(h) // goldmark's output: no raw HTML of the runbook's own (markdown above)
		w.raw("</article>\n")
	} else {
		w.raw("<p class=\"warn\">This build has no runbook at that path.</p>\n")
	}
	w.raw("</section>\n</main>\n</body>\n</html>\n")
	return w.b.Bytes()
}

// burnClass marks a burn rate at or over its threshold.
func burnClass(r, threshold float64) string {
	if threshold > 0 && r >= threshold {
		return " firing"
	}
	return ""
}

// percent is a target as a percentage (99.9%).
func percent(f float64) string {
	return strings.TrimSuffix(strings.TrimRight(strconv.FormatFloat(f*100, 'f', 2, 64), "0"), ".") + "%"
}

// alertPathSegment is an id as a path segment of the page's own refresh URL.
func alertPathSegment(id string) string {
	w := &pageWriter{}
	w.urlPath(id)
	return strings.ReplaceAll(w.b.String(), "/", "%2F")
}
