// Package ssmparam reads the emergency levers' SSM parameter for the functions that read
// levers. It is its own package so that only their binaries link the SSM client, whose
// package init alone was a quarter of every function's INIT (docs/benchmarks.md).
package ssmparam

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/lucian-app/phase12/shared/wiring"
)

// API is the part of SSM the levers read.
type API interface {
	GetParameter(ctx context.Context, in *ssm.GetParameterInput, opts ...func(*ssm.Options)) (*ssm.GetParameterOutput, error)
}

var _ API = (*ssm.Client)(nil)

// Reader is a wiring.ParameterReader over API.
type Reader struct{ API API }

var _ wiring.ParameterReader = Reader{}

// Parameter implements wiring.ParameterReader.
func (r Reader) Parameter(ctx context.Context, name string) (string, error) {
	out, err := r.API.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(name)})
	if err != nil {
		return "", err
	}
	if out.Parameter == nil {
		return "", errors.New("no value")
	}
	return aws.ToString(out.Parameter.Value), nil
}

// With is build with an SSM client made from the SDK configuration when d has none: the
// deployed functions that read levers (their main.go); the local runner and the tests
// have no SDK configuration and give Parameters themselves, or none.
func With(build wiring.Builder) wiring.Builder {
	return func(d wiring.Deps) (any, error) {
		if d.Parameters == nil && d.AWS != nil {
			d.Parameters = Reader{API: ssm.NewFromConfig(*d.AWS)}
		}
		return build(d)
	}
}
