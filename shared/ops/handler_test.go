package ops_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/alert"
	"github.com/lucian-app/phase12/shared/burnrate"
	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/flowmetrics"
	"github.com/lucian-app/phase12/shared/httpapi/httpapitest"
	"github.com/lucian-app/phase12/shared/ops"
	"github.com/lucian-app/phase12/shared/opsstore"
	"github.com/lucian-app/phase12/shared/slo"
)

var (
	opened = time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	now    = opened.Add(7*time.Minute + 30*time.Second)
	opsman = httpapitest.Claims("oncall-1", "ops")
)

type fixture struct {
	h     http.Handler
	store *opsstore.Store
	cat   slo.Catalog
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	cat, err := slo.Default()
	if err != nil {
		t.Fatal(err)
	}
	store := opsstore.New(dynamotest.New(t), dynamotest.OpsTable)
	clock := func() time.Time { return now }
	svc := &ops.Service{Catalog: cat, Rules: burnrate.Rules(), NoData: alert.DefaultNoDataRule(),
		Metrics: store, States: store, Records: store, Incidents: store, Now: clock}
	return &fixture{h: ops.Handler(svc, slog.New(slog.DiscardHandler), clock), store: store, cat: cat}
}

// open stores a firing incident, as the burn-rate check would.
func (f *fixture) open(t *testing.T, id string, k alert.Key, at time.Time) {
	t.Helper()
	a := alert.Alert{ID: id, Flow: k.Flow, Objective: k.Objective, Severity: k.Severity, State: alert.Firing,
		DedupKey: k.DedupKey(), TriggeredAt: at}
	if err := f.store.Save(context.Background(), alert.State{Alert: a, Version: 1}, true); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) do(method, target, body string, claims map[string]string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, httpapitest.NewRequest(method, target, strings.NewReader(body), claims))
	return rec
}

func errorCode(t *testing.T, rec *httptest.ResponseRecorder) (string, string) {
	t.Helper()
	var e struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil {
		t.Fatalf("body %q: %v", rec.Body, err)
	}
	return e.Error.Code, e.Error.Message
}

func TestOpsRoutesNeedTheOpsGroup(t *testing.T) {
	f := newFixture(t)
	f.open(t, "A0001", alert.Key{Flow: "undo", Objective: "latency", Severity: burnrate.Page}, opened)
	routes := []struct{ method, target string }{
		{"GET", "/ops/slo"},
		{"GET", "/ops/alerts"},
		{"POST", "/ops/alerts/A0001/ack"},
	}
	for _, r := range routes {
		for _, tt := range []struct {
			name   string
			claims map[string]string
			status int
			code   string
		}{
			{"no identity", nil, 401, "unauthorized"},
			{"a user", httpapitest.Claims("user-1"), 403, "forbidden"},
			{"another group", httpapitest.Claims("user-1", "users", "admins"), 403, "forbidden"},
		} {
			t.Run(r.method+" "+r.target+" "+tt.name, func(t *testing.T) {
				rec := f.do(r.method, r.target, "", tt.claims)
				if rec.Code != tt.status {
					t.Fatalf("status %d, want %d", rec.Code, tt.status)
				}
				if code, _ := errorCode(t, rec); code != tt.code {
					t.Errorf("code %q, want %q", code, tt.code)
				}
			})
		}
	}
	a, _ := f.store.Get(context.Background(), "A0001")
	if a.AcknowledgedAt != nil {
		t.Errorf("a refused ack acknowledged the alert")
	}
}

func TestAck(t *testing.T) {
	f := newFixture(t)
	f.open(t, "A0001", alert.Key{Flow: "create_task", Objective: "availability", Severity: burnrate.Page}, opened)
	f.open(t, "A0002", alert.Key{Flow: "undo", Objective: "latency", Severity: burnrate.Ticket}, opened)

	type ackBody struct {
		Alert struct {
			ID               string  `json:"id"`
			State            string  `json:"state"`
			AcknowledgedAt   *string `json:"acknowledged_at"`
			AcknowledgedBy   *string `json:"acknowledged_by"`
			TimeToAckSeconds *int64  `json:"time_to_ack_seconds"`
			Verdict          *string `json:"verdict"`
		} `json:"alert"`
	}
	steps := []struct {
		name        string
		id, body    string
		status      int
		wantCode    string
		wantVerdict string // "" = null
		wantTTA     int64
	}{
		{"unknown alert", "A9999", `{"verdict":"true_positive"}`, 404, "not_found", "", 0},
		{"bad verdict", "A0001", `{"verdict":"maybe"}`, 400, "invalid_request", "", 0},
		{"verdict of the wrong type", "A0001", `{"verdict":true}`, 400, "invalid_request", "", 0},
		{"ack with a verdict", "A0001", `{"verdict":"true_positive"}`, 200, "", "true_positive", 450},
		{"a later ack changes only the verdict", "A0001", `{"verdict":"false_positive"}`, 200, "", "false_positive", 450},
		{"a later ack without a verdict keeps it", "A0001", ``, 200, "", "false_positive", 450},
		{"ack with an empty body", "A0002", ``, 200, "", "", 450},
		{"ack with an empty object", "A0002", `{}`, 200, "", "", 450},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			rec := f.do("POST", "/ops/alerts/"+s.id+"/ack", s.body, opsman)
			if rec.Code != s.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, s.status, rec.Body)
			}
			if s.wantCode != "" {
				if code, _ := errorCode(t, rec); code != s.wantCode {
					t.Errorf("code %q, want %q", code, s.wantCode)
				}
				return
			}
			var got ackBody
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			a := got.Alert
			if a.ID != s.id || a.State != "firing" || a.AcknowledgedAt == nil || *a.AcknowledgedAt != "2026-11-28T09:07:30Z" ||
				a.AcknowledgedBy == nil || *a.AcknowledgedBy != "oncall-1" {
				t.Errorf("alert = %s", rec.Body)
			}
			if a.TimeToAckSeconds == nil || *a.TimeToAckSeconds != s.wantTTA {
				t.Errorf("time_to_ack_seconds = %v, want %d", a.TimeToAckSeconds, s.wantTTA)
			}
			gotVerdict := ""
			if a.Verdict != nil {
				gotVerdict = *a.Verdict
			}
			if gotVerdict != s.wantVerdict {
				t.Errorf("verdict = %q, want %q", gotVerdict, s.wantVerdict)
			}
		})
	}
}

func TestListAlerts(t *testing.T) {
	f := newFixture(t)
	f.open(t, "A0001", alert.Key{Flow: "create_task", Objective: "availability", Severity: burnrate.Page}, opened)
	f.open(t, "A0002", alert.Key{Flow: "undo", Objective: "latency", Severity: burnrate.Ticket}, opened.Add(time.Minute))
	resolved := opened.Add(2 * time.Minute)
	st, _ := f.store.States(context.Background())
	for _, s := range st {
		if s.Alert.ID == "A0001" {
			s.Alert.State, s.Alert.ResolvedAt, s.Version = alert.Resolved, &resolved, s.Version+1
			if err := f.store.Save(context.Background(), s, false); err != nil {
				t.Fatal(err)
			}
		}
	}
	tests := []struct {
		target string
		status int
		want   string // ids, or the error message
	}{
		{"/ops/alerts", 200, "A0002,A0001"},
		{"/ops/alerts?state=firing", 200, "A0002"},
		{"/ops/alerts?state=resolved", 200, "A0001"},
		{"/ops/alerts?limit=1", 200, "A0002"},
		{"/ops/alerts?state=open", 400, `state: must be "firing" or "resolved" (or absent for all)`},
		{"/ops/alerts?limit=0", 400, "limit: an integer from 1 to 500"},
		{"/ops/alerts?limit=abc", 400, "limit: an integer from 1 to 500"},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			rec := f.do("GET", tt.target, "", opsman)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			if tt.status != 200 {
				if _, msg := errorCode(t, rec); msg != tt.want {
					t.Errorf("message %q, want %q", msg, tt.want)
				}
				return
			}
			var body struct {
				Alerts []struct {
					ID, Flow, Objective, Severity, State string
				} `json:"alerts"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, a := range body.Alerts {
				ids = append(ids, a.ID)
				if a.Flow == "" || a.Objective == "" || a.Severity == "" || a.State == "" {
					t.Errorf("alert lacks fields: %+v", a)
				}
			}
			if got := strings.Join(ids, ","); got != tt.want {
				t.Errorf("ids = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestSLOSnapshot(t *testing.T) {
	f := newFixture(t)
	// create_task over the last minutes: 100 events, 10 of them slow, 1 failed.
	var events []flowmetrics.Event
	for i := range 100 {
		lat, ok := 200.0+float64(i), true
		if i < 10 {
			lat = 900
		}
		if i == 10 {
			ok = false
		}
		events = append(events, flowmetrics.Event{Flow: "create_task", LatencyMs: lat, OK: ok, At: now.Add(-time.Duration(i%5) * time.Minute)})
	}
	if err := f.store.Add(context.Background(), flowmetrics.Aggregate(f.cat, events)); err != nil {
		t.Fatal(err)
	}
	f.open(t, "A0001", alert.Key{Flow: "create_task", Objective: "latency", Severity: burnrate.Page}, opened)

	rec := f.do("GET", "/ops/slo", "", opsman)
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var snap ops.Snapshot
	if err := json.Unmarshal(rec.Body.Bytes(), &snap); err != nil {
		t.Fatal(err)
	}
	if snap.SLOVersion != f.cat.Version || len(snap.Flows) != len(f.cat.Flows) {
		t.Fatalf("snapshot: version %d, %d flows", snap.SLOVersion, len(snap.Flows))
	}
	var ct ops.FlowSnapshot
	for _, fl := range snap.Flows {
		if fl.Flow == "create_task" {
			ct = fl
		}
	}
	if ct.Latency.LastHour.Count != 100 || ct.Latency.LastHour.P95 == nil || *ct.Latency.LastHour.P95 < 890 || *ct.Latency.LastHour.P95 > 910 {
		t.Errorf("last hour latency = %+v, want 100 events with p95 ~900 ms", ct.Latency.LastHour)
	}
	if ct.NoData.State != "ok" {
		t.Errorf("no_data = %+v, want ok", ct.NoData)
	}
	lat, av := ct.Objectives[0], ct.Objectives[1]
	if lat.Objective != "latency" || lat.ThresholdMs == nil || *lat.ThresholdMs != 600 || lat.Total != 100 || lat.Good != 90 ||
		lat.Attainment == nil || *lat.Attainment != 0.9 {
		t.Errorf("latency objective = %+v", lat)
	}
	if got, want := lat.BudgetRemaining, -1.0; got < want-1e-9 || got > want+1e-9 {
		t.Errorf("latency budget remaining = %v, want %v (10%% slow against a 5%% budget)", got, want)
	}
	if lat.Alerts["page"].State != "firing" || lat.Alerts["page"].AlertID != "A0001" || lat.Alerts["ticket"].State != "ok" {
		t.Errorf("latency alerts = %+v", lat.Alerts)
	}
	if len(lat.Windows) != 7 || lat.Windows[0].WindowMs != 300000 || lat.Windows[0].Total != 100 || lat.Windows[0].BurnRate < 1.99 || lat.Windows[0].BurnRate > 2.01 {
		t.Errorf("latency windows = %+v, want 7 windows, the 5m one at 2x", lat.Windows)
	}
	if len(lat.Rules) != 4 || lat.Rules[0].Rule != "page-1h-5m" {
		t.Errorf("rules = %+v", lat.Rules)
	}
	if av.Objective != "availability" || av.ThresholdMs != nil || av.Good != 99 || av.Runbook != "docs/runbooks/create_task-availability.md" {
		t.Errorf("availability objective = %+v", av)
	}
	for _, fl := range snap.Flows {
		if fl.Flow == "undo" && (fl.Objectives[0].Attainment != nil || fl.Latency.LastHour.P95 != nil) {
			t.Errorf("a flow without events has attainment %v, p95 %v; want null", fl.Objectives[0].Attainment, fl.Latency.LastHour.P95)
		}
	}
}
