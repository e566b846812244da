package kpi

import (
	_ "embed"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

//go:embed kpi.yaml
var catalogYAML []byte

// Target is what a KPI must be.
type Target struct {
	Op    string  `yaml:"op" json:"op"`
	Value float64 `yaml:"value" json:"value"`
	Unit  string  `yaml:"unit" json:"unit"`
}

// KPI is one entry of the catalogue.
type KPI struct {
	ID         string `yaml:"id"`
	Name       string `yaml:"name"`
	Definition string `yaml:"definition"`
	Measure    string `yaml:"measure"`
	Target     Target `yaml:"target"`
	Owner      string `yaml:"owner"`
	P0         bool   `yaml:"p0"`
}

// Catalog is kpi.yaml.
type Catalog struct {
	Version int    `yaml:"version"`
	P1      string `yaml:"p1"`
	KPIs    []KPI  `yaml:"kpis"`
}

// Default parses the embedded catalogue; a broken one fails INIT naming every problem.
func Default() (Catalog, error) { return Parse(catalogYAML) }

// Parse reads a catalogue strictly.
func Parse(b []byte) (Catalog, error) {
	var c Catalog
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return Catalog{}, fmt.Errorf("kpi.yaml: %w", err)
	}
	var errs []error
	if c.Version < 1 {
		errs = append(errs, errors.New("version: must be 1 or more"))
	}
	if strings.TrimSpace(c.P1) == "" {
		errs = append(errs, errors.New("p1: the definition of a P1 incident is required"))
	}
	seen := map[string]bool{}
	for i, k := range c.KPIs {
		at := fmt.Sprintf("kpis[%d]", i)
		if k.ID == "" || seen[k.ID] {
			errs = append(errs, fmt.Errorf("%s.id: missing or repeated %q", at, k.ID))
		}
		seen[k.ID] = true
		for _, f := range []struct{ name, v string }{{"name", k.Name}, {"definition", k.Definition}, {"owner", k.Owner}, {"measure", k.Measure}} {
			if strings.TrimSpace(f.v) == "" {
				errs = append(errs, fmt.Errorf("%s.%s: required", at, f.name))
			}
		}
		switch k.Target.Op {
		case ">=", "<=", "==":
		default:
			errs = append(errs, fmt.Errorf("%s.target.op: %q is not >=, <= or ==", at, k.Target.Op))
		}
		switch k.Target.Unit {
		case "ratio", "ms", "count":
		default:
			errs = append(errs, fmt.Errorf("%s.target.unit: %q is not ratio, ms or count", at, k.Target.Unit))
		}
	}
	if len(c.KPIs) == 0 {
		errs = append(errs, errors.New("kpis: none listed"))
	}
	if err := errors.Join(errs...); err != nil {
		return Catalog{}, fmt.Errorf("kpi.yaml: %w", err)
	}
	return c, nil
}

// Meets reports whether v meets the target.
func (t Target) Meets(v float64) bool {
	switch t.Op {
	case ">=":
		return v >= t.Value
	case "<=":
		return v <= t.Value
	default:
		return math.Abs(v-t.Value) < 1e-9
	}
}

// Format shows a value in the target's unit: "62.5%", "1,234 ms", "0".
func (t Target) Format(v float64) string {
	switch t.Unit {
	case "ratio":
		return strconv.FormatFloat(math.Round(v*1000)/10, 'f', -1, 64) + "%"
	case "ms":
		return strconv.FormatFloat(math.Round(v), 'f', 0, 64) + " ms"
	default:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
}

// String is the target as text: ">= 60%", "<= 1500 ms", "== 0".
func (t Target) String() string { return t.Op + " " + t.Format(t.Value) }
