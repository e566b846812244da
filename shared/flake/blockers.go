package flake

import (
	_ "embed"
	"errors"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

//go:embed blockers.yaml
var blockersYAML []byte

// Suite is one blocker suite.
type Suite struct {
	Suite string   `yaml:"suite"`
	Tests []string `yaml:"tests"`
	Why   string   `yaml:"why"`
}

// Blockers is the versioned list of blocker suites.
type Blockers struct {
	Version int     `yaml:"version"`
	Target  float64 `yaml:"target"`
	Suites  []Suite `yaml:"suites"`
}

// DefaultBlockers parses the embedded blockers.yaml; a broken file fails INIT naming every
// problem.
func DefaultBlockers() (Blockers, error) { return ParseBlockers(blockersYAML) }

// ParseBlockers reads a blockers file strictly.
func ParseBlockers(b []byte) (Blockers, error) {
	var bl Blockers
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&bl); err != nil {
		return Blockers{}, fmt.Errorf("blockers.yaml: %w", err)
	}
	var errs []error
	if bl.Version < 1 {
		errs = append(errs, errors.New("version: must be 1 or more"))
	}
	if bl.Target <= 0 || bl.Target >= 1 {
		errs = append(errs, fmt.Errorf("target: %v is not a share between 0 and 1", bl.Target))
	}
	if len(bl.Suites) == 0 {
		errs = append(errs, errors.New("suites: none listed"))
	}
	seen := map[string]bool{}
	for i, s := range bl.Suites {
		switch {
		case strings.TrimSpace(s.Suite) == "":
			errs = append(errs, fmt.Errorf("suites[%d].suite: required", i))
		case seen[s.Suite]:
			errs = append(errs, fmt.Errorf("suites[%d].suite: %s listed twice", i, s.Suite))
		}
		seen[s.Suite] = true
	}
	if err := errors.Join(errs...); err != nil {
		return Blockers{}, fmt.Errorf("blockers.yaml: %w", err)
	}
	return bl, nil
}

// Blocks reports whether the test of suite is a release blocker.
func (b Blockers) Blocks(suite, test string) bool {
	for _, s := range b.Suites {
		if s.Suite != suite {
			continue
		}
		if len(s.Tests) == 0 {
			return true
		}
		for _, p := range s.Tests {
			if test == p || strings.HasPrefix(test, p+"/") {
				return true
			}
		}
	}
	return false
}
