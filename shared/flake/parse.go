package flake

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"strings"
)

// Outcome of one test in one attempt.
type Outcome string

const (
	Pass Outcome = "pass"
	Fail Outcome = "fail"
	Skip Outcome = "skip"
)

// Result is one test's outcome in a run, in the order the run reported it.
type Result struct {
	Suite   string
	Test    string
	Outcome Outcome
}

// MaxResults bounds the test results one report may carry (a 64 KiB body holds far fewer
// of go test -json's lines); more is refused rather than half-read.
const MaxResults = 5000

// goTestEvent is a line of `go test -json` (cmd/test2json's TestEvent).
type goTestEvent struct {
	Action  string
	Package string
	Test    string
}

// ParseGoTestJSON reads `go test -json` output: the pass, fail and skip of every test (a
// package's own line, without Test, is not a test and is ignored). Output lines are allowed
// and ignored, so the raw stream may be posted; a line that is not JSON is an error naming it.
func ParseGoTestJSON(b []byte) ([]Result, error) {
	var out []Result
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		t := bytes.TrimSpace(sc.Bytes())
		if len(t) == 0 {
			continue
		}
		var e goTestEvent
		if err := json.Unmarshal(t, &e); err != nil {
			return nil, fmt.Errorf("line %d: not a go test -json event", line)
		}
		if e.Test == "" || e.Package == "" {
			continue
		}
		var o Outcome
		switch e.Action {
		case "pass":
			o = Pass
		case "fail":
			o = Fail
		case "skip":
			o = Skip
		default:
			continue
		}
		if len(out) == MaxResults {
			return nil, fmt.Errorf("more than %d test results: post the run in parts", MaxResults)
		}
		out = append(out, Result{Suite: e.Package, Test: e.Test, Outcome: o})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %w", line+1, err)
	}
	return out, nil
}

type junitCase struct {
	Name      string    `xml:"name,attr"`
	Classname string    `xml:"classname,attr"`
	Failure   *struct{} `xml:"failure"`
	Error     *struct{} `xml:"error"`
	Skipped   *struct{} `xml:"skipped"`
}

type junitSuite struct {
	Name   string       `xml:"name,attr"`
	Cases  []junitCase  `xml:"testcase"`
	Suites []junitSuite `xml:"testsuite"`
}

// ParseJUnit reads JUnit XML (<testsuites> or one <testsuite>): each testcase's suite is its
// testsuite's name (go-junit-report writes the package there), else its classname.
func ParseJUnit(b []byte) ([]Result, error) {
	dec := xml.NewDecoder(bytes.NewReader(b))
	var root struct {
		XMLName xml.Name
		junitSuite
	}
	if err := dec.Decode(&root); err != nil {
		return nil, fmt.Errorf("not JUnit XML: %v", err)
	}
	var suites []junitSuite
	switch root.XMLName.Local {
	case "testsuites":
		suites = root.Suites
	case "testsuite":
		suites = []junitSuite{root.junitSuite}
	default:
		return nil, fmt.Errorf("not JUnit XML: the root is <%s>, not <testsuites> or <testsuite>", root.XMLName.Local)
	}
	var out []Result
	var walk func(s junitSuite) error
	walk = func(s junitSuite) error {
		for _, c := range s.Cases {
			suite := s.Name
			if suite == "" {
				suite = c.Classname
			}
			if strings.TrimSpace(c.Name) == "" || suite == "" {
				return fmt.Errorf("a testcase without a name or suite")
			}
			o := Pass
			switch {
			case c.Failure != nil || c.Error != nil:
				o = Fail
			case c.Skipped != nil:
				o = Skip
			}
			if len(out) == MaxResults {
				return fmt.Errorf("more than %d test results: post the run in parts", MaxResults)
			}
			out = append(out, Result{Suite: suite, Test: c.Name, Outcome: o})
		}
		for _, sub := range s.Suites {
			if err := walk(sub); err != nil {
				return err
			}
		}
		return nil
	}
	for _, s := range suites {
		if err := walk(s); err != nil {
			return nil, err
		}
	}
	return out, nil
}
