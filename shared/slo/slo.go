package slo

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

//go:embed slo.yaml
var embeddedCatalog []byte

// APIVersion is the only catalogue format this package understands.
const APIVersion = "phase12/v1"

// DefaultMinEvents is the minimum-traffic guard used when an objective does not set
// minEvents: fewer events than this in a rule's long window cannot page or ticket. At 20
// events a single failure is already a 5% error ratio, so anything smaller is a handful of
// events rather than evidence.
const DefaultMinEvents = 20

// maxBudgetingWindow keeps day counts far from time.Duration overflow; no sensible error
// budget is longer than a year.
const maxBudgetingWindow = 365 * 24 * time.Hour

// Kind says how an objective judges an event.
type Kind string

const (
	// Latency objectives count an event as good when it finished within the threshold.
	Latency Kind = "latency"
	// Availability objectives count an event as good when it succeeded.
	Availability Kind = "availability"
	// Degraded objectives count an event as good when its answer was not degraded: not
	// served from an instance's last good answer, not a fast 503 of a dependency out of
	// budget or behind an open breaker (package degrade). Only server flows know this.
	Degraded Kind = "degraded"
)

// Source says who measures a flow's events.
type Source string

const (
	// Server flows are measured by the function that serves them (flowmetrics.Observer): no
	// caller can report their events, so they are evidence no user can forge, and only they
	// may page.
	Server Source = "server"
	// Client flows are what the app saw (network and device included), reported through
	// POST /metrics/flows by any signed-in caller. They are judged by their own objectives
	// and may raise tickets, never pages.
	Client Source = "client"
)

// Catalog is the parsed SLO file.
type Catalog struct {
	Version         int
	BudgetingWindow time.Duration
	Flows           []Flow
}

// Flow is one user-visible or server flow whose events are measured.
type Flow struct {
	Name        string
	Description string
	Source      Source
	// ServerFlow, on a client flow, names the server flow the app watches from its side
	// (today_load_client watches today_load), so a client that reports under the server
	// flow's name can be told which name to use.
	ServerFlow string
	Objectives []Objective
}

// Objective is one SLO of a flow.
type Objective struct {
	Name      string
	Kind      Kind
	Target    float64
	Threshold time.Duration // latency objectives only
	Runbook   string
	// MinEvents is the minimum-traffic guard: events a burn-rate rule's long window must
	// hold before the rule may fire.
	MinEvents uint64
}

// Default parses the catalogue embedded in the binary.
func Default() (Catalog, error) {
	return Parse(embeddedCatalog)
}

// Flow looks a flow up by name; ingest rejects events whose flow is not found.
func (c Catalog) Flow(name string) (Flow, bool) {
	for _, f := range c.Flows {
		if f.Name == name {
			return f, true
		}
	}
	return Flow{}, false
}

// ClientFlowOf returns the client flow that watches the server flow named server.
func (c Catalog) ClientFlowOf(server string) (Flow, bool) {
	for _, f := range c.Flows {
		if f.Source == Client && f.ServerFlow == server {
			return f, true
		}
	}
	return Flow{}, false
}

// Pages reports whether the flow's objectives may page: only server flows, whose events no
// caller can forge. A client flow's burn raises a ticket at most (see the package comment).
func (f Flow) Pages() bool { return f.Source == Server }

// Objective looks an objective of the flow up by name.
func (f Flow) Objective(name string) (Objective, bool) {
	for _, o := range f.Objectives {
		if o.Name == name {
			return o, true
		}
	}
	return Objective{}, false
}

// Good reports whether an event with this latency and outcome is good for the objective.
// Every event counts toward the objective's total; see the package comment for why a latency
// objective ignores the outcome.
func (o Objective) Good(latency time.Duration, ok bool) bool {
	return o.Judge(latency, ok, false)
}

// Judge is Good for an event that may have been answered degraded.
func (o Objective) Judge(latency time.Duration, ok, degraded bool) bool {
	switch o.Kind {
	case Latency:
		return latency <= o.Threshold
	case Degraded:
		return !degraded
	}
	return ok
}

// ErrorBudget is the fraction of events allowed to be bad.
func (o Objective) ErrorBudget() float64 {
	return 1 - o.Target
}

type fileCatalog struct {
	APIVersion      string       `yaml:"apiVersion"`
	Version         *wholeNumber `yaml:"version"`
	BudgetingWindow string       `yaml:"budgetingWindow"`
	Flows           []fileFlow   `yaml:"flows"`
}

type fileFlow struct {
	Name        string          `yaml:"name"`
	Description string          `yaml:"description"`
	Source      string          `yaml:"source"`
	ServerFlow  string          `yaml:"serverFlow"`
	Objectives  []fileObjective `yaml:"objectives"`
}

type fileObjective struct {
	Name        string       `yaml:"name"`
	Kind        string       `yaml:"kind"` // defaults to the name: "latency" or "availability"
	Target      *float64     `yaml:"target"`
	ThresholdMs *wholeNumber `yaml:"thresholdMs"`
	Runbook     string       `yaml:"runbook"`
	MinEvents   *wholeNumber `yaml:"minEvents"`
}

// wholeNumber exists because yaml.v3 quietly truncates 1.5 into an int field; a catalogue
// that says version 1.5 or thresholdMs 600.5 is a mistake worth reporting.
type wholeNumber int64

func (n *wholeNumber) UnmarshalYAML(node *yaml.Node) error {
	var i int64
	if node.Kind != yaml.ScalarNode || node.ShortTag() != "!!int" || node.Decode(&i) != nil {
		return fmt.Errorf("line %d: %q is not a whole number", node.Line, node.Value)
	}
	*n = wholeNumber(i)
	return nil
}

// names become DynamoDB keys, SNS attribute values and runbook file names.
var namePattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// Parse reads a catalogue strictly. All problems are reported at once, each prefixed with
// the path of the offending field, so one edit-and-retry fixes the file.
func Parse(data []byte) (Catalog, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var f fileCatalog
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return Catalog{}, errors.New("slo: empty catalogue")
		}
		return Catalog{}, fmt.Errorf("slo: %w", err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return Catalog{}, errors.New("slo: more than one YAML document")
	}

	v := &validator{}
	c := Catalog{}
	if f.APIVersion != APIVersion {
		v.addf("apiVersion", "must be %q, got %q", APIVersion, f.APIVersion)
	}
	switch {
	case f.Version == nil:
		v.addf("version", "required")
	case *f.Version < 1 || *f.Version > math.MaxInt32:
		v.addf("version", "must be at least 1")
	default:
		c.Version = int(*f.Version)
	}
	if w, err := parseWindow(f.BudgetingWindow); err != nil {
		v.addf("budgetingWindow", "%v", err)
	} else {
		c.BudgetingWindow = w
	}
	if len(f.Flows) == 0 {
		v.addf("flows", "at least one flow is required")
	}
	seen := map[string]int{}
	for i, ff := range f.Flows {
		path := fmt.Sprintf("flows[%d]", i)
		v.name(path+".name", ff.Name, seen, i, "flows")
		c.Flows = append(c.Flows, v.flow(path, ff))
	}
	for i, fl := range c.Flows {
		if fl.ServerFlow == "" {
			continue
		}
		if server, ok := c.Flow(fl.ServerFlow); !ok || server.Source != Server {
			v.addf(fmt.Sprintf("flows[%d].serverFlow", i), "%q is not a flow with source %q", fl.ServerFlow, Server)
		}
	}
	if err := v.err(); err != nil {
		return Catalog{}, err
	}
	return c, nil
}

type validator struct{ errs []error }

func (v *validator) addf(path, format string, args ...any) {
	v.errs = append(v.errs, fmt.Errorf("slo: %s: %s", path, fmt.Sprintf(format, args...)))
}

func (v *validator) err() error { return errors.Join(v.errs...) }

// name checks a name's shape and uniqueness among its siblings.
func (v *validator) name(path, name string, seen map[string]int, i int, siblings string) {
	switch {
	case name == "":
		v.addf(path, "required")
	case !namePattern.MatchString(name):
		v.addf(path, "%q must be lower case letters, digits and underscores, starting with a letter", name)
	default:
		if j, dup := seen[name]; dup {
			v.addf(path, "duplicate name %q (also %s[%d])", name, siblings, j)
			return
		}
		seen[name] = i
	}
}

func (v *validator) flow(path string, ff fileFlow) Flow {
	fl := Flow{Name: ff.Name, Description: strings.TrimSpace(ff.Description), Source: Source(ff.Source), ServerFlow: ff.ServerFlow}
	switch fl.Source {
	case Server, Client:
	case "":
		v.addf(path+".source", "required: %q (the function serving the flow measures it) or %q (the app reports it)", Server, Client)
	default:
		v.addf(path+".source", "must be %q or %q, not %q", Server, Client, ff.Source)
	}
	if fl.ServerFlow != "" && fl.Source != Client {
		v.addf(path+".serverFlow", "only a client flow watches a server flow")
	}
	if len(ff.Objectives) == 0 {
		v.addf(path+".objectives", "at least one objective is required")
	}
	seen := map[string]int{}
	for j, fo := range ff.Objectives {
		opath := fmt.Sprintf("%s.objectives[%d]", path, j)
		v.name(opath+".name", fo.Name, seen, j, path+".objectives")
		fl.Objectives = append(fl.Objectives, v.objective(opath, ff.Name, fo))
	}
	return fl
}

func (v *validator) objective(path, flow string, fo fileObjective) Objective {
	o := Objective{Name: fo.Name, Kind: Kind(fo.Kind), Runbook: strings.TrimSpace(fo.Runbook), MinEvents: DefaultMinEvents}
	if o.Kind == "" {
		o.Kind = Kind(fo.Name)
	}
	if o.Kind != Latency && o.Kind != Availability && o.Kind != Degraded {
		v.addf(path+".kind", "unknown objective kind %q (want %q, %q or %q; it defaults to the name)", o.Kind, Latency, Availability, Degraded)
	}
	switch {
	case fo.Target == nil:
		v.addf(path+".target", "required")
	case !(*fo.Target > 0 && *fo.Target < 1): // also rejects NaN
		v.addf(path+".target", "must be between 0 and 1 (exclusive)")
	default:
		o.Target = *fo.Target
	}
	switch {
	case o.Kind == Latency && fo.ThresholdMs == nil:
		v.addf(path+".thresholdMs", "required for a latency objective")
	case o.Kind == Latency && (*fo.ThresholdMs <= 0 || int64(*fo.ThresholdMs) > math.MaxInt64/int64(time.Millisecond)):
		v.addf(path+".thresholdMs", "must be a positive number of milliseconds")
	case o.Kind == Latency:
		o.Threshold = time.Duration(*fo.ThresholdMs) * time.Millisecond
	case o.Kind != Latency && fo.ThresholdMs != nil:
		v.addf(path+".thresholdMs", "only latency objectives have a threshold")
	}
	switch {
	case fo.MinEvents == nil:
	case *fo.MinEvents < 0:
		v.addf(path+".minEvents", "must not be negative")
	default:
		o.MinEvents = uint64(*fo.MinEvents)
	}
	if o.Runbook == "" {
		o.Runbook = fmt.Sprintf("docs/runbooks/%s-%s.md", flow, fo.Name)
	}
	return o
}

// parseWindow accepts whole days ("30d"), which time.ParseDuration lacks, and any positive
// Go duration ("24h", "90m").
func parseWindow(s string) (time.Duration, error) {
	if s == "" {
		return 0, errors.New("required, e.g. \"30d\"")
	}
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseInt(days, 10, 64)
		if err != nil || n < 1 || n > int64(maxBudgetingWindow/(24*time.Hour)) {
			return 0, fmt.Errorf("%q is not a whole number of days between 1d and 365d", s)
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("%q is not a duration such as \"30d\" or \"24h\"", s)
		}
	}
	if d <= 0 || d > maxBudgetingWindow {
		return 0, fmt.Errorf("%q must be positive and at most 365d", s)
	}
	return d, nil
}
