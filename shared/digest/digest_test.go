package digest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/lucian-app/phase12/shared/digest"
	"github.com/lucian-app/phase12/shared/flowmetrics"
)

func buildKnownWeek(t *testing.T) (*env, digest.Digest) {
	t.Helper()
	e := newEnv(t)
	e.counter.Reset()
	d, err := e.builder.Build(context.Background(), digest.WeekBefore(scheduled))
	if err != nil {
		t.Fatal(err)
	}
	return e, d
}

func TestBuildKnownWeek(t *testing.T) {
	e, d := buildKnownWeek(t)
	if d.Week != "2026-W48" || !d.From.Equal(weekStart) || !d.To.Equal(weekStart.AddDate(0, 0, 7)) || d.SLOVersion != e.cat.Version {
		t.Errorf("header: week %s from %v to %v v%d", d.Week, d.From, d.To, d.SLOVersion)
	}
	type row struct {
		flow, objective    string
		total, good        uint64
		met                string // "yes", "no", "" (no events)
		budgetBelowZero    bool
		pages, tickets     int
		acked              int
		mttaMed, mttaWorst int64 // -1: none
		verdicts, fps      int
	}
	want := []row{
		{"today_load", "latency", 7000, 6480, "no", true, 0, 1, 0, -1, -1, 1, 0},
		{"today_load", "availability", 7000, 7000, "yes", false, 0, 0, 0, -1, -1, 0, 0},
		{"today_load", "degraded", 7000, 7000, "yes", false, 0, 0, 0, -1, -1, 0, 0},
		{"create_task", "latency", 3500, 3465, "yes", false, 1, 0, 0, -1, -1, 0, 0},
		{"create_task", "availability", 3500, 3460, "no", true, 2, 1, 2, 495, 720, 3, 2},
		{"create_task", "degraded", 3500, 3500, "yes", false, 0, 0, 0, -1, -1, 0, 0},
		{"execute_intent", "latency", 1400, 1400, "yes", false, 0, 0, 0, -1, -1, 0, 0},
		{"execute_intent", "availability", 1400, 1400, "yes", false, 0, 0, 0, -1, -1, 0, 0},
		{"execute_intent", "degraded", 1400, 1400, "yes", false, 0, 0, 0, -1, -1, 0, 0},
		{"undo", "latency", 0, 0, "", false, 0, 0, 0, -1, -1, 0, 0},
		{"undo", "availability", 0, 0, "", false, 0, 0, 0, -1, -1, 0, 0},
		{"undo", "degraded", 0, 0, "", false, 0, 0, 0, -1, -1, 0, 0},
		{"today_load_client", "latency", 0, 0, "", false, 0, 0, 0, -1, -1, 0, 0},
		{"today_load_client", "availability", 0, 0, "", false, 0, 0, 0, -1, -1, 0, 0},
		{"create_task_client", "latency", 0, 0, "", false, 0, 0, 0, -1, -1, 0, 0},
		{"create_task_client", "availability", 0, 0, "", false, 0, 0, 0, -1, -1, 0, 0},
	}
	var got []row
	for _, f := range d.Flows {
		for _, o := range f.Objectives {
			r := row{flow: f.Flow, objective: o.Objective, total: o.Total, good: o.Good, budgetBelowZero: o.BudgetRemaining < 0,
				pages: o.Alerts.Pages, tickets: o.Alerts.Tickets, acked: o.Alerts.PagesAcknowledged, mttaMed: -1, mttaWorst: -1,
				verdicts: o.Alerts.Verdicts, fps: o.Alerts.FalsePositives}
			if o.Met != nil {
				r.met = map[bool]string{true: "yes", false: "no"}[*o.Met]
			}
			if o.Alerts.MTTAMedianSeconds != nil {
				r.mttaMed, r.mttaWorst = *o.Alerts.MTTAMedianSeconds, *o.Alerts.MTTAWorstSeconds
			}
			got = append(got, r)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("%d objective rows, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}

	// create_task availability over the budget window: 40 + 10 bad of 4,000 events against
	// a 0.1% budget, so 12.5x the budget is spent: 1 - 12.5 = -11.5 left.
	if o := d.Flows[1].Objectives[1]; o.BudgetRemaining > -11.49 || o.BudgetRemaining < -11.51 {
		t.Errorf("create_task availability budget remaining = %v, want -11.5", o.BudgetRemaining)
	}
	if f := d.Flows[0]; f.Events != 7000 || f.NoData.Tickets != 1 || f.NoData.FalsePositives != 1 || f.LatencyMs.P95 == nil || *f.LatencyMs.P99 < 2500 {
		t.Errorf("today_load: %+v", f)
	}
	if d.Flows[3].LatencyMs.P50 != nil {
		t.Errorf("undo has quantiles without events: %+v", d.Flows[3].LatencyMs)
	}
	tot := d.Totals
	if tot.Pages != 3 || tot.Tickets != 3 || tot.NoDataTickets != 1 || tot.PagesAcknowledged != 2 || tot.Verdicts != 5 || tot.FalsePositives != 3 {
		t.Errorf("totals = %+v", tot)
	}

	var kinds []string
	for _, x := range d.NeedsDecision {
		kinds = append(kinds, x.Flow+" "+x.Objective+" "+x.Kind)
	}
	wantKinds := []string{
		"today_load latency objective_missed",
		"today_load latency budget_low",
		"today_load no_data noisy_alerts",
		"create_task availability objective_missed",
		"create_task availability budget_low",
		"create_task availability noisy_alerts",
	}
	if len(kinds) != len(wantKinds) {
		t.Fatalf("needs a decision = %v, want %v", kinds, wantKinds)
	}
	for i := range wantKinds {
		if kinds[i] != wantKinds[i] {
			t.Errorf("decision %d = %q, want %q", i, kinds[i], wantKinds[i])
		}
	}

	// Bounded reads: one Query of at most 30 day buckets per flow, and the incidents since
	// a little before the week (not the whole history).
	if got, max := e.counter.Items(), 4*30+len(knownIncidents()); got > max {
		t.Errorf("Build read %d items, want at most %d", got, max)
	} else {
		t.Logf("Build read %d items (bound %d)", got, max)
	}
}

func TestDecisionThresholds(t *testing.T) {
	ratio := func(f float64) *float64 { return &f }
	tests := []struct {
		name      string
		budget    float64
		fpRate    *float64
		wantKinds []string
	}{
		{"budget at 25% is fine", 0.25, nil, nil},
		{"budget just under 25%", 0.2499, nil, []string{digest.BudgetLow}},
		{"noise at 25% is fine", 1, ratio(0.25), nil},
		{"noise just over 25%", 1, ratio(0.26), []string{digest.NoisyAlerts}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := digest.Decisions("f", digest.ObjectiveDigest{Objective: "availability", Target: 0.999, BudgetRemaining: tt.budget,
				Alerts: digest.AlertStats{Verdicts: 4, FalsePositiveRate: tt.fpRate}}, "30-day")
			var kinds []string
			for _, d := range got {
				kinds = append(kinds, d.Kind)
			}
			if len(kinds) != len(tt.wantKinds) || (len(kinds) > 0 && kinds[0] != tt.wantKinds[0]) {
				t.Errorf("decisions = %v, want %v", kinds, tt.wantKinds)
			}
		})
	}
}

// TestGolden renders the known week as the SNS text and as the Block Kit payload and
// compares both with testdata/*.golden (go test ./shared/digest -run Golden -update rewrites
// them; read the diff before committing).
func TestGolden(t *testing.T) {
	_, d := buildKnownWeek(t)
	links := digest.Links{OpsPageURL: "https://api.example.com/ops"}
	blocks, err := digest.BlockKit(d, links)
	if err != nil {
		t.Fatal(err)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, blocks, "", "  "); err != nil {
		t.Fatalf("Block Kit payload is not JSON: %v", err)
	}
	pretty.WriteByte('\n')
	subject := digest.Subject(d)
	for _, g := range []struct {
		file string
		got  []byte
	}{
		{"digest-2026-W48.txt.golden", []byte("Subject: " + subject + "\n\n" + digest.Text(d, links))},
		{"digest-2026-W48.blockkit.json.golden", pretty.Bytes()},
	} {
		t.Run(g.file, func(t *testing.T) {
			path := filepath.Join("testdata", g.file)
			if *update {
				if err := os.WriteFile(path, g.got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(g.got, want) {
				t.Errorf("%s differs from the rendering (run with -update and read the diff):\n--- got\n%s", path, g.got)
			}
		})
	}
	if len(subject) > 100 {
		t.Errorf("subject is %d characters, SNS allows 100", len(subject))
	}
}

func TestBlockKitShape(t *testing.T) {
	_, d := buildKnownWeek(t)
	b, err := digest.BlockKit(d, digest.Links{})
	if err != nil {
		t.Fatal(err)
	}
	var msg struct {
		Text   string `json:"text"`
		Blocks []struct {
			Type   string                        `json:"type"`
			Text   *struct{ Type, Text string }  `json:"text"`
			Fields []struct{ Type, Text string } `json:"fields"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal(b, &msg); err != nil {
		t.Fatal(err)
	}
	if msg.Text == "" || len(msg.Blocks) == 0 || len(msg.Blocks) > 50 || msg.Blocks[0].Type != "header" {
		t.Fatalf("text %q, %d blocks, first %+v", msg.Text, len(msg.Blocks), msg.Blocks[0])
	}
	sections := 0
	for _, bl := range msg.Blocks {
		if bl.Text != nil && (len(bl.Text.Text) == 0 || len([]rune(bl.Text.Text)) > 3000) {
			t.Errorf("%s block text of %d characters", bl.Type, len(bl.Text.Text))
		}
		if len(bl.Fields) > 10 {
			t.Errorf("section with %d fields", len(bl.Fields))
		}
		if len(bl.Fields) > 0 {
			sections++
		}
	}
	if sections != len(d.Flows) {
		t.Errorf("%d sections with fields, want one per flow (%d)", sections, len(d.Flows))
	}

	// A huge catalogue still fits Slack's 50 blocks.
	many := d
	many.Flows = nil
	for range 80 {
		many.Flows = append(many.Flows, d.Flows[0])
	}
	b, err = digest.BlockKit(many, digest.Links{OpsPageURL: "https://x.example/ops"})
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &msg); err != nil || len(msg.Blocks) > 50 {
		t.Errorf("80 flows: %d blocks (%v), want at most 50", len(msg.Blocks), err)
	}
}

// TestDigestIsStoredWhole: what the store gives back is what was built, so every later
// rendering (rerun, ops page, JSON route) shows the numbers that were sent.
func TestDigestIsStoredWhole(t *testing.T) {
	e, d := buildKnownWeek(t)
	ctx := context.Background()
	if _, err := e.store.Create(ctx, d); err != nil {
		t.Fatal(err)
	}
	// Late events for the week do not change the stored digest.
	if err := e.store.Add(ctx, []flowmetrics.Delta{{Flow: "undo", Resolution: flowmetrics.Day, Start: weekStart,
		Bucket: flowmetrics.Bucket{Total: 5}}}); err != nil {
		t.Fatal(err)
	}
	rec, err := e.store.Digest(ctx, "2026-W48")
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(d)
	b, _ := json.Marshal(rec.Digest)
	if !bytes.Equal(a, b) {
		t.Errorf("stored digest differs:\n%s\n%s", a, b)
	}
	if rec.Delivery.SNSSentAt != nil || rec.Delivery.WebhookSentAt != nil {
		t.Errorf("a new digest is marked sent: %+v", rec.Delivery)
	}
	if _, err := e.store.Create(ctx, d); err != digest.ErrExists {
		t.Errorf("second Create() error = %v, want ErrExists", err)
	}
}
