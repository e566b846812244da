package ops

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"math"
	"time"

	"github.com/lucian-app/phase12/shared/alert"
	"github.com/lucian-app/phase12/shared/burnrate"
	"github.com/lucian-app/phase12/shared/digest"
)

//go:embed page.html
var pageSource string

// contentSecurityPolicy allows the page nothing but itself: no scripts at all, its own
// inline styles and SVG, and forms that post back to the API.
const contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// pageTemplate parses the ops page; html/template escapes every value by its context.
func pageTemplate() (*template.Template, error) {
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
	}).Parse(pageSource)
}

// renderPage executes the page.
func renderPage(t *template.Template, p PageData) ([]byte, error) {
	var b bytes.Buffer
	if err := t.Execute(&b, p); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
