package ops_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lucian-app/phase12/shared/alert"
	"github.com/lucian-app/phase12/shared/burnrate"
	"github.com/lucian-app/phase12/shared/httpapi/httpapitest"
)

// multipartForm is a form as a browser posts it with enctype="multipart/form-data".
func multipartForm(t *testing.T, fields map[string]string) (contentType, body string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return w.FormDataContentType(), b.String()
}

// TestAckFormMustComeFromTheOpsPage posts acks to the API at https://api.example.com as API
// Gateway delivers them: a form (or anything a page on another site can make a browser send
// without a CORS preflight) is taken only with Sec-Fetch-Site: same-origin or, without that
// header, an Origin equal to the API's own; JSON calls with the bearer token are unaffected.
func TestAckFormMustComeFromTheOpsPage(t *testing.T) {
	const (
		api  = "https://api.example.com"
		form = "application/x-www-form-urlencoded"
	)
	mpType, mpBody := multipartForm(t, map[string]string{"verdict": "false_positive"})
	tests := []struct {
		name        string
		target      string // the API's base URL
		contentType string
		body        string
		header      map[string]string
		status      int
		wantVerdict string // of the stored alert, when acknowledged
		wantMsg     string // in the 403's message
	}{
		{"a form from the page (Sec-Fetch-Site)", api, form, "verdict=false_positive",
			map[string]string{"Sec-Fetch-Site": "same-origin"}, 303, alert.FalsePositive, ""},
		{"a form from the page (Origin, no Sec-Fetch-Site)", api, form, "verdict=false_positive",
			map[string]string{"Origin": api}, 303, alert.FalsePositive, ""},
		{"the page's origin with its default port, in capitals", api, form, "verdict=true_positive",
			map[string]string{"Origin": "https://API.example.com:443"}, 303, alert.TruePositive, ""},
		{"the local runner's page", "http://127.0.0.1:3000", form, "verdict=true_positive",
			map[string]string{"Origin": "http://127.0.0.1:3000"}, 303, alert.TruePositive, ""},
		{"a multipart form from the page", api, mpType, mpBody,
			map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": api}, 303, alert.FalsePositive, ""},
		{"a form from another site", api, form, "verdict=false_positive",
			map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, 403, "", `this post is "cross-site"`},
		{"a form from a sibling subdomain", api, form, "verdict=false_positive",
			map[string]string{"Sec-Fetch-Site": "same-site", "Origin": "https://app.example.com"}, 403, "", `this post is "same-site"`},
		{"Sec-Fetch-Site decides over a matching Origin", api, form, "verdict=false_positive",
			map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": api}, 403, "", "must come from the ops page"},
		{"a form from another origin (no Sec-Fetch-Site)", api, form, "verdict=false_positive",
			map[string]string{"Origin": "https://evil.example"}, 403, "", "this post comes from https://evil.example"},
		{"the same host over http", api, form, "verdict=false_positive",
			map[string]string{"Origin": "http://api.example.com"}, 403, "", "comes from http://api.example.com"},
		{"the same host on another port", api, form, "verdict=false_positive",
			map[string]string{"Origin": "https://api.example.com:8443"}, 403, "", "must come from the ops page"},
		{"localhost is not 127.0.0.1", "http://127.0.0.1:3000", form, "verdict=false_positive",
			map[string]string{"Origin": "http://localhost:3000"}, 403, "", "must come from the ops page"},
		{"an opaque origin", api, form, "verdict=false_positive",
			map[string]string{"Origin": "null"}, 403, "", "must come from the ops page"},
		{"a form with neither header", api, form, "verdict=false_positive",
			nil, 403, "", "carries neither Sec-Fetch-Site nor Origin"},
		{"a multipart form from another site", api, mpType, mpBody,
			map[string]string{"Sec-Fetch-Site": "cross-site"}, 403, "", "must come from the ops page"},
		{"a text/plain form from another site shaped as JSON", api, "text/plain", `{"verdict":"false_positive","x":"="}`,
			map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, 403, "", "must come from the ops page"},
		{"a bodiless post from another site", api, "", "",
			map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, 403, "", "must come from the ops page"},
		{"JSON with the bearer token (curl)", api, "application/json", `{"verdict":"true_positive"}`,
			nil, 200, alert.TruePositive, ""},
		{"JSON from the app's origin (CORS decides)", api, "application/json; charset=utf-8", `{"verdict":"true_positive"}`,
			map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://app.example.com"}, 200, alert.TruePositive, ""},
		{"a bare POST (curl -X POST)", api, "", "", nil, 200, "", ""},
		{"JSON labelled as a form (curl -d)", api, form, `{"verdict":"false_positive"}`, nil, 200, alert.FalsePositive, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newPageFixture(t)
			f.open(t, "A0001", alert.Key{Flow: "create_task", Objective: "availability", Severity: burnrate.Page}, opened)
			r := httptest.NewRequest("POST", tt.target+"/ops/alerts/A0001/ack", strings.NewReader(tt.body))
			if tt.contentType != "" {
				r.Header.Set("Content-Type", tt.contentType)
			}
			for k, v := range tt.header {
				r.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			f.h.ServeHTTP(rec, httpapitest.FromRequest(r, opsman))
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			a, err := f.store.Get(context.Background(), "A0001")
			if err != nil {
				t.Fatal(err)
			}
			if tt.status == 403 {
				code, msg := errorCode(t, rec)
				if code != "forbidden" || !strings.Contains(msg, tt.wantMsg) {
					t.Errorf("error %s %q, want forbidden containing %q", code, msg, tt.wantMsg)
				}
				if a.AcknowledgedAt != nil {
					t.Errorf("a refused post acknowledged the alert (at %v)", a.AcknowledgedAt)
				}
				return
			}
			got := ""
			if a.Verdict != nil {
				got = *a.Verdict
			}
			if a.AcknowledgedAt == nil || got != tt.wantVerdict {
				t.Errorf("stored alert acknowledged %v, verdict %q; want acknowledged, verdict %q", a.AcknowledgedAt, got, tt.wantVerdict)
			}
		})
	}
}

// TestAckedNoticeOnlyForAnAcknowledgedAlert: /ops?acked=<id> says "acknowledged" only when
// that alert is acknowledged now; a forged link to an unacknowledged or unknown alert shows
// nothing (and the page still renders).
func TestAckedNoticeOnlyForAnAcknowledgedAlert(t *testing.T) {
	f := newPageFixture(t)
	f.open(t, "A0001", alert.Key{Flow: "create_task", Objective: "availability", Severity: burnrate.Page}, opened)
	f.open(t, "A0002", alert.Key{Flow: "undo", Objective: "latency", Severity: burnrate.Ticket}, opened)
	if rec := f.do("POST", "/ops/alerts/A0001/ack", "", opsman); rec.Code != 200 {
		t.Fatalf("ack A0001: %d %s", rec.Code, rec.Body)
	}
	tests := []struct {
		name, query, want string // want: the notice's text, "" for none
	}{
		{"the acknowledged alert", "?acked=A0001", "Alert A0001 acknowledged by oncall-1."},
		{"a firing, unacknowledged alert", "?acked=A0002", ""},
		{"an unknown alert", "?acked=A9999", ""},
		{"an id too long to be one", "?acked=" + strings.Repeat("A", 200), ""},
		{"no acked", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := f.do("GET", "/ops"+tt.query, "", opsman)
			if rec.Code != 200 {
				t.Fatalf("GET /ops%s: %d %s", tt.query, rec.Code, rec.Body)
			}
			var got []string
			for _, p := range findAll(parse(t, rec.Body.Bytes()), tag("p")) {
				if attr(p, "class") == "notice" {
					got = append(got, text(p))
				}
			}
			switch {
			case tt.want == "" && len(got) > 0:
				t.Errorf("notice %q, want none", got)
			case tt.want != "" && (len(got) != 1 || got[0] != tt.want):
				t.Errorf("notice %q, want %q", got, tt.want)
			}
		})
	}
}
