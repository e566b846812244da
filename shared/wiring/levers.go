package wiring

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/lucian-app/phase12/shared/degrade"
)

// Where a function reads the emergency levers (shared/degrade), first match wins:
const (
	// EnvLeversFile names a JSON file of levers: the local runner's way (edit the file,
	// the next read after the cache picks it up).
	EnvLeversFile = "LEVERS_FILE"
	// EnvLevers holds the levers document itself (tests, the emulator tier).
	EnvLevers = "LEVERS"
	// EnvLeversParameter names the SSM parameter (String, a JSON levers document) that
	// deployed functions read: the template's LeversParameter.
	EnvLeversParameter = "LEVERS_PARAMETER"
	// EnvLeversCacheSeconds is how long a warm instance keeps the levers it read, 1 to 60
	// (default 60).
	EnvLeversCacheSeconds = "LEVERS_CACHE_SECONDS"
)

// ParameterReader reads a parameter's value: SSM's GetParameter in AWS (package ssmparam,
// linked only into the functions that read levers).
type ParameterReader interface {
	Parameter(ctx context.Context, name string) (string, error)
}

// parameterSource reads the levers document from an SSM parameter.
type parameterSource struct {
	api  ParameterReader
	name string
}

func (p parameterSource) Read(ctx context.Context) ([]byte, error) {
	v, err := p.api.Parameter(ctx, p.name)
	if err != nil {
		return nil, fmt.Errorf("get parameter %s: %w", p.name, err)
	}
	return []byte(v), nil
}

func (p parameterSource) Describe() string { return "SSM parameter " + p.name }

// noSource stands where no source is configured: the defaults, read as an empty document.
type noSource struct{}

func (noSource) Read(context.Context) ([]byte, error) { return []byte("{}"), nil }
func (noSource) Describe() string                     { return "none configured (the defaults)" }

// leverSource picks where d's function reads its levers: LEVERS_FILE, LEVERS, then the SSM
// parameter LEVERS_PARAMETER when d has an SSM client (deployed functions; the local
// runner has none and serves a file or the environment instead), else the defaults.
func leverSource(d Deps) degrade.Source {
	switch {
	case strings.TrimSpace(d.Getenv(EnvLeversFile)) != "":
		return degrade.FileSource{Path: strings.TrimSpace(d.Getenv(EnvLeversFile))}
	case strings.TrimSpace(d.Getenv(EnvLevers)) != "":
		return degrade.EnvSource{Name: EnvLevers, Getenv: d.Getenv}
	case d.Parameters != nil && strings.TrimSpace(d.Getenv(EnvLeversParameter)) != "":
		return parameterSource{api: d.Parameters, name: strings.TrimSpace(d.Getenv(EnvLeversParameter))}
	}
	return noSource{}
}

// Levers is d's function's cached levers: one per warm instance.
func Levers(d Deps) (*degrade.Cached, error) {
	ttl := degrade.MaxLeverTTL
	if v := strings.TrimSpace(d.Getenv(EnvLeversCacheSeconds)); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > int(degrade.MaxLeverTTL/time.Second) {
			return nil, fmt.Errorf("configuration: %s=%q is not a number of seconds from 1 to 60", EnvLeversCacheSeconds, v)
		}
		ttl = time.Duration(n) * time.Second
	}
	return degrade.NewCached(leverSource(d), ttl, d.Now, d.Log), nil
}
