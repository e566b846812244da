//go:build browser

package browser

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/lucian-app/phase12/tests/harness"
)

// client talks to the runner as the app, as on-call (X-Dev-User/X-Dev-Groups) and as
// Lambda's Invoke API; it does not follow redirects, so a form post's 303 is seen.
type client struct {
	t    *testing.T
	base string
	http *http.Client
	// reporters counts the app installs report has posted as.
	reporters int
}

func newClient(t *testing.T, base string) *client {
	return &client{t: t, base: base, http: &http.Client{Timeout: 2 * time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (c *client) do(method, path, contentType string, body []byte, headers map[string]string) (int, http.Header, []byte) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, bytes.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

var oncall = map[string]string{"X-Dev-User": "oncall-1", "X-Dev-Groups": "ops"}

// setClock moves the runner's clock.
func (c *client) setClock(at time.Time) {
	c.t.Helper()
	if status, _, b := c.do("POST", "/_local/clock", "application/json", fmt.Appendf(nil, `{"now":%q}`, at.Format(time.RFC3339)), nil); status != 200 {
		c.t.Fatalf("move the clock to %v: %d %s", at, status, b)
	}
}

// event is one flow event as the app reports it.
type event struct {
	Flow      string  `json:"flow"`
	LatencyMs float64 `json:"latency_ms"`
	Outcome   string  `json:"outcome"`
	At        string  `json:"at"`
}

// report posts events through POST /metrics/flows as many installs of the app would: each
// request from its own user, with events of at most 10 minute buckets (distinct flow and
// minute, the ingest's bound) and never more than one caller may report a minute.
func (c *client) report(events []event) {
	c.t.Helper()
	for len(events) > 0 {
		n, buckets := 0, map[string]bool{}
		for ; n < len(events) && n < 500; n++ {
			at, err := time.Parse(time.RFC3339, events[n].At)
			if err != nil {
				c.t.Fatal(err)
			}
			k := events[n].Flow + at.UTC().Truncate(time.Minute).String()
			if !buckets[k] && len(buckets) == 10 {
				break
			}
			buckets[k] = true
		}
		c.reporters++
		body, _ := json.Marshal(map[string]any{"events": events[:n]})
		status, _, b := c.do("POST", "/metrics/flows", "application/json", body, map[string]string{"X-Dev-User": fmt.Sprintf("app-%d", c.reporters)})
		var res struct {
			Accepted int `json:"accepted"`
		}
		if status != 200 || json.Unmarshal(b, &res) != nil || res.Accepted != n {
			c.t.Fatalf("report %d events: %d %s", n, status, b)
		}
		events = events[n:]
	}
}

// serve makes requests to TasksFunction at the runner's clock, which measures today_load
// and create_task itself: loads GET /tasks/today and creates POST /tasks for a user.
func (c *client) serve(user string, loads, creates int) {
	c.t.Helper()
	app := map[string]string{"X-Dev-User": user}
	for i := range creates {
		if status, _, b := c.do("POST", "/tasks", "application/json", fmt.Appendf(nil, `{"title":"seeded task %d"}`, i), app); status != 201 {
			c.t.Fatalf("POST /tasks: %d %s", status, b)
		}
	}
	for range loads {
		if status, _, b := c.do("GET", "/tasks/today?timezone=Europe/Berlin", "", nil, app); status != 200 {
			c.t.Fatalf("GET /tasks/today: %d %s", status, b)
		}
	}
}

// invoke runs a function once through the Invoke API with a scheduled event for at.
func (c *client) invoke(function string, at time.Time) {
	c.t.Helper()
	status, h, b := c.do("POST", harness.InvokePath(function), "application/json", harness.ScheduledEvent(function, at), nil)
	if status != 200 || h.Get("X-Amz-Function-Error") != "" {
		c.t.Fatalf("invoke %s: %d %s %s", function, status, h.Get("X-Amz-Function-Error"), b)
	}
}

type firingAlert struct {
	ID, Flow, Objective, Severity string
}

// ack is an acknowledgement the seeding made through the page's form.
type ack struct {
	firingAlert
	Verdict string
}

// storedAlert is an incident as GET /ops/alerts lists it.
type storedAlert struct {
	ID             string     `json:"id"`
	AcknowledgedAt *time.Time `json:"acknowledged_at"`
	AcknowledgedBy *string    `json:"acknowledged_by"`
	Verdict        *string    `json:"verdict"`
}

// alerts lists every incident, firing or resolved (at most 200, newest first).
func (c *client) alerts() map[string]storedAlert {
	c.t.Helper()
	status, _, b := c.do("GET", "/ops/alerts?limit=200", "", nil, oncall)
	var body struct{ Alerts []storedAlert }
	if status != 200 || json.Unmarshal(b, &body) != nil {
		c.t.Fatalf("GET /ops/alerts: %d %s", status, b)
	}
	out := map[string]storedAlert{}
	for _, a := range body.Alerts {
		out[a.ID] = a
	}
	return out
}

func (c *client) firing() []firingAlert {
	c.t.Helper()
	status, _, b := c.do("GET", "/ops/alerts?state=firing", "", nil, oncall)
	var body struct{ Alerts []firingAlert }
	if status != 200 || json.Unmarshal(b, &body) != nil {
		c.t.Fatalf("GET /ops/alerts: %d %s", status, b)
	}
	return body.Alerts
}

// ackByForm acknowledges as the page's buttons do: a form post carrying what Chromium adds
// to a post from the page (Sec-Fetch-Site: same-origin, the runner's Origin), answered 303
// to the page. The same form from another site is refused first, and leaves the alert as it was.
func (c *client) ackByForm(id, verdict string) {
	c.t.Helper()
	form := []byte(url.Values{"verdict": {verdict}}.Encode())
	with := func(extra map[string]string) map[string]string {
		h := map[string]string{}
		for k, v := range oncall {
			h[k] = v
		}
		for k, v := range extra {
			h[k] = v
		}
		return h
	}
	crossSite := with(map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"})
	if status, _, b := c.do("POST", "/ops/alerts/"+id+"/ack", "application/x-www-form-urlencoded", form, crossSite); status != http.StatusForbidden {
		c.t.Fatalf("ack %s by a form from another site: %d %s, want 403", id, status, b)
	}
	if a := c.alerts()[id]; a.AcknowledgedAt != nil {
		c.t.Fatalf("alert %s acknowledged by a refused cross-site form", id)
	}
	sameOrigin := with(map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": c.base})
	status, h, b := c.do("POST", "/ops/alerts/"+id+"/ack", "application/x-www-form-urlencoded", form, sameOrigin)
	if status != http.StatusSeeOther || h.Get("Location") != "/ops?acked="+url.QueryEscape(id) {
		c.t.Fatalf("ack %s by form: %d %q %s", id, status, h.Get("Location"), b)
	}
}

// traffic is a day of what the app saw, for both client flows: one event every 2.5 minutes
// from each, ending at end. slowShare of today_load_client's events are slow (over its
// 3000 ms objective). The server flows are the runner's own measurement (client.serve).
func traffic(start, end time.Time, slowShare float64) []event {
	var out []event
	i := 0
	for at := start; at.Before(end); at = at.Add(150 * time.Second) {
		i++
		ts := at.UTC().Format(time.RFC3339)
		tl := 380 + float64(i%17)*23
		if float64(i%100) < slowShare*100 {
			tl = 3300 + float64(i%7)*90
		}
		out = append(out,
			event{"today_load_client", tl, "ok", ts},
			event{"create_task_client", 140 + float64(i%13)*19, "ok", ts},
		)
	}
	return out
}

// outage is the app seeing create_task fail one request in two over the minutes before end.
func outage(end time.Time, minutes int) []event {
	var out []event
	for m := range minutes * 3 {
		at := end.Add(-time.Duration(m) * 20 * time.Second)
		outcome := "ok"
		if m%2 == 0 {
			outcome = "error"
		}
		out = append(out, event{"create_task_client", 210 + float64(m%9)*40, outcome, at.UTC().Format(time.RFC3339)})
	}
	return out
}

// seedWeek replays Sunday evening and Monday morning of 2026-W48/W49 through the runner:
// a day in which the app saw today_load slow (a today_load_client ticket, acknowledged as a
// false positive) and create_task start failing (a create_task_client ticket, acknowledged
// as real), while TasksFunction measured its own requests (today_load, create_task); then
// Monday: the outage goes on, and the weekly digest of 2026-W48 is made (invoked twice: one
// message). It returns the acknowledgements it made. Client flows ticket, never page, and
// the runner's server cannot be made to fail from outside, so the seeded alerts are tickets.
// The runner must run with LOCAL_SCHEDULES=off: the burn-rate check runs when seedWeek
// invokes it, never in between on the moved clock.
func seedWeek(t *testing.T, c *client) []ack {
	sunday := time.Date(2026, 11, 29, 21, 0, 0, 0, time.UTC) // LOCAL_NOW
	// Events may be a day old; start a little later, as the clock runs on while they are sent.
	c.report(traffic(sunday.Add(-23*time.Hour-50*time.Minute), sunday, 0.2))
	c.report(outage(sunday, 15))
	c.serve("sam", 40, 10)
	c.invoke("BurnRateCheckFunction", sunday)
	c.setClock(sunday.Add(6 * time.Minute))
	var acks []ack
	for _, a := range c.firing() {
		switch {
		case a.Flow == "create_task_client" && a.Objective == "availability" && a.Severity == "ticket":
			c.ackByForm(a.ID, "true_positive")
			acks = append(acks, ack{a, "true_positive"})
		case a.Flow == "today_load_client" && a.Objective == "latency":
			c.ackByForm(a.ID, "false_positive")
			acks = append(acks, ack{a, "false_positive"})
		}
	}

	monday := time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)
	c.setClock(monday)
	c.report(traffic(sunday.Add(6*time.Minute), monday, 0.02))
	c.report(outage(monday, 20))
	c.serve("sam", 40, 10)
	c.invoke("BurnRateCheckFunction", monday)
	digestTime := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC) // the scheduled time; W48 ended at midnight
	c.invoke("WeeklyDigestFunction", digestTime)
	c.invoke("WeeklyDigestFunction", digestTime) // a rerun: nothing is sent again
	return acks
}
