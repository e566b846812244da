package flake_test

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/lucian-app/phase12/shared/flake"
)

const e2e = "github.com/lucian-app/phase12/tests/e2e"

func TestGoTestJSONGivesEachTestsOutcomeAndIgnoresOutputAndPackageLines(t *testing.T) {
	b, err := os.ReadFile("testdata/attempt1.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	got, err := flake.ParseGoTestJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	want := []flake.Result{
		{Suite: e2e, Test: "TestTasksUnderEmulator", Outcome: flake.Fail},
		{Suite: e2e, Test: "TestIntentsUnderEmulator", Outcome: flake.Pass},
		{Suite: "github.com/lucian-app/phase12/shared/command", Test: "TestParse", Outcome: flake.Fail},
		{Suite: "github.com/lucian-app/phase12/shared/wiring", Test: "TestTour", Outcome: flake.Skip},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	if _, err := flake.ParseGoTestJSON([]byte("{\"Action\":\"pass\"}\nnot json\n")); err == nil || err.Error() != "line 2: not a go test -json event" {
		t.Errorf("a broken line: %v, want it named", err)
	}
}

func TestJUnitGivesEachTestcaseUnderItsSuite(t *testing.T) {
	b, err := os.ReadFile("testdata/attempt2.xml")
	if err != nil {
		t.Fatal(err)
	}
	got, err := flake.ParseJUnit(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0] != (flake.Result{Suite: e2e, Test: "TestTasksUnderEmulator", Outcome: flake.Pass}) {
		t.Errorf("got %+v", got)
	}
	one := `<testsuite name="p"><testcase name="A"><failure message="x"/></testcase><testcase name="B"><skipped/></testcase><testcase name="C"><error/></testcase></testsuite>`
	got, err = flake.ParseJUnit([]byte(one))
	want := []flake.Result{{"p", "A", flake.Fail}, {"p", "B", flake.Skip}, {"p", "C", flake.Fail}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("one suite: %+v, %v; want %+v", got, err, want)
	}
	if _, err := flake.ParseJUnit([]byte(`<html></html>`)); err == nil {
		t.Error("an HTML body was read as JUnit")
	}
}

func TestAFlakeIsAFailThenAPassOnTheSameCommit(t *testing.T) {
	cases := []struct {
		name  string
		steps []struct {
			attempt int
			out     []flake.Outcome
		}
		flaky bool
	}{
		{"fail then pass in a later attempt", steps(1, flake.Fail, 2, flake.Pass), true},
		{"pass then fail (a real break, or a later flake)", steps(1, flake.Pass, 2, flake.Fail), false},
		{"fail twice", steps(1, flake.Fail, 2, flake.Fail), false},
		{"pass twice", steps(1, flake.Pass, 2, flake.Pass), false},
		{"a retry within one attempt", []struct {
			attempt int
			out     []flake.Outcome
		}{{1, []flake.Outcome{flake.Fail, flake.Pass}}}, true},
		{"attempt 2 posted before attempt 1", steps(2, flake.Pass, 1, flake.Fail), true},
		{"skips are not runs", steps(1, flake.Skip, 2, flake.Skip), false},
	}
	for _, c := range cases {
		var s flake.State
		for _, st := range c.steps {
			s = s.Add(st.attempt, st.out)
		}
		if s.Flaky() != c.flaky {
			t.Errorf("%s: flaky = %v, want %v (%+v)", c.name, s.Flaky(), c.flaky, s)
		}
		if again := s.Add(c.steps[0].attempt, c.steps[0].out); !reflect.DeepEqual(again, s) {
			t.Errorf("%s: adding an attempt again changed the state: %+v -> %+v", c.name, s, again)
		}
	}
}

func steps(a1 int, o1 flake.Outcome, a2 int, o2 flake.Outcome) []struct {
	attempt int
	out     []flake.Outcome
} {
	return []struct {
		attempt int
		out     []flake.Outcome
	}{{a1, []flake.Outcome{o1}}, {a2, []flake.Outcome{o2}}}
}

func TestTheBlockersFileListsSuitesAndNarrowsByTestPrefix(t *testing.T) {
	b, err := flake.DefaultBlockers()
	if err != nil {
		t.Fatal(err)
	}
	if b.Target != flake.Target {
		t.Errorf("target %v, want %v", b.Target, flake.Target)
	}
	for _, c := range []struct {
		suite, test string
		want        bool
	}{
		{e2e, "TestAnything", true},
		{"github.com/lucian-app/phase12/shared/wiring", "TestTour", true},
		{"github.com/lucian-app/phase12/shared/wiring", "TestTour/sub", true},
		{"github.com/lucian-app/phase12/shared/wiring", "TestTourist", false},
		{"github.com/lucian-app/phase12/shared/command", "TestParse", false},
	} {
		if got := b.Blocks(c.suite, c.test); got != c.want {
			t.Errorf("Blocks(%s, %s) = %v, want %v", c.suite, c.test, got, c.want)
		}
	}
	if _, err := flake.ParseBlockers([]byte("version: 0\ntarget: 2\nsuites: []\nextra: 1\n")); err == nil {
		t.Error("a broken blockers file parsed")
	}
	if _, err := flake.ParseBlockers([]byte("version: 0\ntarget: 2\nsuites: []\n")); err == nil || !contains(err.Error(), "version", "target", "suites") {
		t.Errorf("every problem named: %v", err)
	}
}

func contains(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
