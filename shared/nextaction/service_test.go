package nextaction_test

import (
	"context"

	"encoding/json"
	"fmt"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lucian-app/phase12/shared/appstore"
	"github.com/lucian-app/phase12/shared/appstore/appstoretest"
	"github.com/lucian-app/phase12/shared/clock"
	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/httpapi"
	"github.com/lucian-app/phase12/shared/httpapi/httpapitest"
	"github.com/lucian-app/phase12/shared/ids"
	"github.com/lucian-app/phase12/shared/nextaction"
	"github.com/lucian-app/phase12/shared/tasks"
)

type fixture struct {
	clk   *clock.Manual
	tasks http.Handler
	next  http.Handler
	svc   *nextaction.Service
}

func newFixture(t *testing.T, start time.Time, holdout bool) *fixture {
	db := dynamotest.New(t)
	store := appstore.New(db, dynamotest.AppTable)
	clk := clock.NewManual(start)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := &nextaction.Service{Tasks: store, Stats: store, Now: clk.Now, Holdout: func(string) bool { return holdout }}
	return &fixture{clk: clk, svc: svc,
		tasks: tasks.Handler(&tasks.Service{Repo: store, Now: clk.Now, NewID: ids.New(clk.Now, nil)}, log),
		next:  httpapi.Wrap(nextaction.Handler(svc), log, clk.Now)}
}

func (f *fixture) call(t *testing.T, h http.Handler, method, path, body string, want int) []byte {
	t.Helper()
	r := httpapitest.NewRequest(method, path, strings.NewReader(body), httpapitest.Claims("mona"))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != want {
		t.Fatalf("%s %s: %d %s, want %d", method, path, w.Code, w.Body, want)
	}
	return w.Body.Bytes()
}

func (f *fixture) create(t *testing.T, title, project string) string {
	var out struct{ Task tasks.Task }
	json.Unmarshal(f.call(t, f.tasks, "POST", "/tasks", fmt.Sprintf(`{"title":%q,"project":%q}`, title, project), 201), &out)
	return out.Task.ID
}

func (f *fixture) ask(t *testing.T, query string) nextaction.Answer {
	var a nextaction.Answer
	if err := json.Unmarshal(f.call(t, f.next, "GET", "/tasks/next?"+query, "", 200), &a); err != nil {
		t.Fatal(err)
	}
	return a
}

// The whole loop through the routes: Mona completes #work tasks on weekday mornings
// and #home tasks in the evening through PATCH (with her zone); GET /tasks/next then
// puts her open #work task first in the morning and her #home task first in the
// evening, saying why, and the holdout gets the plain rules order at both times.
func TestCompletionsThroughPATCHTeachTheNextAction(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	for _, holdout := range []bool{false, true} {
		f := newFixture(t, time.Date(2026, 11, 2, 9, 0, 0, 0, berlin), holdout) // a Monday
		for day := range 19 {
			d := time.Date(2026, 11, 2+day, 0, 0, 0, 0, berlin)
			if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
				continue
			}
			for _, c := range []struct {
				hour          int
				title, projct string
			}{{9, "Review the pull request", "work"}, {19, "Do the dishes", "home"}} {
				f.clk.Set(d.Add(time.Duration(c.hour) * time.Hour))
				id := f.create(t, c.title, c.projct)
				f.call(t, f.tasks, "PATCH", "/tasks/"+id, `{"completed":true,"timezone":"Europe/Berlin"}`, 200)
			}
		}
		f.clk.Set(time.Date(2026, 11, 30, 8, 0, 0, 0, berlin)) // the next Monday
		home := f.create(t, "Water the plants", "home")
		work := f.create(t, "Write the quarterly report", "work")
		for _, tc := range []struct {
			at   int
			want string
			why  string
		}{{9, work, "You usually finish #work tasks on weekday mornings."}, {19, home, "You usually finish #home tasks on weekday evenings."}} {
			f.clk.Set(time.Date(2026, 11, 30, tc.at, 30, 0, 0, berlin))
			a := f.ask(t, "timezone=Europe/Berlin")
			if a.Holdout != holdout || a.RulesVersion != nextaction.Version || len(a.Next) != 2 {
				t.Fatalf("holdout %v at %d:30: %+v", holdout, tc.at, a)
			}
			got, why := a.Next[0].Task.ID, a.Next[0].Reasons
			if holdout {
				// The rules order: both undated p4, so the older, home, first.
				if got != home || len(why) != 1 || why[0].Rule != nextaction.RuleNext {
					t.Errorf("holdout at %d:30: first %s %+v, want %s with the today order's reason only", tc.at, got, why, home)
				}
				continue
			}
			if got != tc.want || !slices.ContainsFunc(why, func(r nextaction.Reason) bool { return r.Text == tc.why }) {
				t.Errorf("at %d:30: first %s %+v, want %s because %q", tc.at, got, why, tc.want, tc.why)
			}
		}
	}
}

type silent bool

func (s silent) Silenced(context.Context, string, time.Time, *time.Location) (bool, error) {
	return bool(s), nil
}

// context=lucian in quiet hours answers no suggestion and reads no task; without the
// context, or outside quiet hours, the suggestions come.
func TestLucianQuietHoursGiveNoSuggestion(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	f := newFixture(t, time.Date(2026, 11, 30, 22, 0, 0, 0, berlin), false)
	f.create(t, "Water the plants", "home")
	for _, tc := range []struct {
		quiet  silent
		query  string
		want   int
		silent bool
	}{
		{true, "timezone=Europe/Berlin&context=lucian", 0, true},
		{true, "timezone=Europe/Berlin", 1, false},
		{false, "timezone=Europe/Berlin&context=lucian", 1, false},
	} {
		f.svc.Companion = tc.quiet
		a := f.ask(t, tc.query)
		if len(a.Next) != tc.want || a.Quiet != tc.silent {
			t.Errorf("quiet %v, %s: %d suggestions, quiet %v; want %d, %v", tc.quiet, tc.query, len(a.Next), a.Quiet, tc.want, tc.silent)
		}
	}
	f.svc.Companion = silent(true)
	body := string(f.call(t, f.next, "GET", "/tasks/next?timezone=Europe/Berlin&context=lucian", "", 200))
	if body != `{"next":[],"rules_version":"rules-2+tiebreak-1","holdout":false,"quiet":true}`+"\n" {
		t.Errorf("quiet body %s", body)
	}
}

type dismissedStub map[string]bool

func (d dismissedStub) Dismissed(_ context.Context, _ string, from, to time.Time, limit int) (map[string]bool, error) {
	return d, nil
}

// A task dismissed today is not suggested again.
func TestDismissedTasksAreNotSuggestedAgain(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	f := newFixture(t, time.Date(2026, 11, 30, 10, 0, 0, 0, berlin), false)
	a := f.create(t, "Water the plants", "home")
	b := f.create(t, "Write the report", "work")
	f.svc.Dismissals = dismissedStub{a: true}
	got := f.ask(t, "timezone=Europe/Berlin")
	if len(got.Next) != 1 || got.Next[0].Task.ID != b {
		t.Errorf("with %s dismissed: %+v, want only %s", a, got.Next, b)
	}
}

func TestBadRequestsNameTheParameter(t *testing.T) {
	f := newFixture(t, time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC), false)
	for query, field := range map[string]string{
		"":                               "timezone",
		"timezone=Mars/Olympus":          "timezone",
		"timezone=UTC&limit=0":           "limit",
		"timezone=UTC&limit=21":          "limit",
		"timezone=UTC&context=siri":      "context",
		"timezone=Europe/Berlin&limit=x": "limit",
	} {
		body := string(f.call(t, f.next, "GET", "/tasks/next?"+query, "", 400))
		if !strings.Contains(body, `"code":"invalid_request"`) || !strings.Contains(body, field+":") {
			t.Errorf("%q: %s, want invalid_request naming %s", query, body, field)
		}
	}
}

// The holdout is a stable 5% of users: the same user always lands in the same arm.
func TestTheHoldoutIsAStableFivePercent(t *testing.T) {
	in := 0
	for i := range 20000 {
		if nextaction.InHoldout(fmt.Sprintf("user-%d", i)) {
			in++
		}
	}
	// Pinned: GrowthBook's hash of these ids with the seed, so a change of seed or hash
	// (which would reshuffle the holdout) fails here.
	for u, want := range map[string]bool{"user-8": true, "user-28": true, "user-114": true, "user-9": false, "mona": false, "alice": true} {
		if got := nextaction.InHoldout(u); got != want {
			t.Errorf("%s in the holdout: %v, want %v", u, got, want)
		}
	}
	if share := float64(in) / 20000; share < 0.045 || share > 0.055 {
		t.Errorf("holdout share %.4f, want 0.05 ± 0.005", share)
	}
}

// Reads stay bounded by the candidates whatever the history: 2,000 tasks here (the
// contract tier does 100,000 on DynamoDB Local).
func TestReadsAreBoundedByTheCandidates(t *testing.T) {
	db := dynamotest.New(t)
	berlin, _ := time.LoadLocation("Europe/Berlin")
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, berlin)
	list := appstoretest.HeavyUser(2000, now)
	for _, tk := range list {
		items, _ := appstore.StoredItems("heavy", tk)
		for _, it := range items {
			if _, err := db.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(dynamotest.AppTable), Item: it}); err != nil {
				t.Fatal(err)
			}
		}
	}
	appstoretest.NextReads(t, db, dynamotest.AppTable, "heavy", list, berlin, now)
}

// With goals: 30 of the candidates serve one of 12 goals (one near, the others far or
// passed, one deleted): still one BatchGetItem for the goals, and the near goal's tasks
// move up as the rules in memory say.
func TestReadsWithGoalsAreOneBatchOfTheCandidatesGoals(t *testing.T) {
	db := dynamotest.New(t)
	ctx := context.Background()
	berlin, _ := time.LoadLocation("Europe/Berlin")
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, berlin)
	store := appstore.New(db, dynamotest.AppTable)
	var goals []tasks.Goal
	for i := range 12 {
		d := now.AddDate(0, 0, 20+i).Format(time.DateOnly)
		switch i {
		case 0:
			d = now.AddDate(0, 0, 3).Format(time.DateOnly)
		case 1:
			d = now.AddDate(0, 0, -3).Format(time.DateOnly)
		}
		g := tasks.Goal{ID: fmt.Sprintf("g%02d", i), Title: fmt.Sprint("goal ", i), TargetDate: &d, CreatedAt: now, UpdatedAt: now, Version: 1}
		if i == 11 {
			continue // the tasks of g11 point at a goal that was deleted
		}
		if err := store.CreateGoal(ctx, "heavy", g); err != nil {
			t.Fatal(err)
		}
		goals = append(goals, g)
	}
	list := appstoretest.HeavyUser(2000, now)
	for i := 50; i < 80; i++ { // undated candidates, p1 to p4
		g := fmt.Sprintf("g%02d", i%12)
		list[i].GoalID = &g
	}
	for _, tk := range list {
		items, _ := appstore.StoredItems("heavy", tk)
		for _, it := range items {
			if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(dynamotest.AppTable), Item: it}); err != nil {
				t.Fatal(err)
			}
		}
	}
	ans := appstoretest.NextReads(t, db, dynamotest.AppTable, "heavy", list, berlin, now, goals...)
	if len(ans.Next) != 3 {
		t.Errorf("%d suggestions, want 3", len(ans.Next))
	}
}
