// Package secret reads configuration that must not sit in the environment (the digest's
// webhook URL, the ops session key) from Secrets Manager, once, at INIT. It is its own
// package so that only the functions that read a secret link the Secrets Manager client.
package secret

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/lucian-app/phase12/shared/wiring"
)

// ReadTimeout bounds reading a secret, inside Lambda's 10-second INIT.
const ReadTimeout = 5 * time.Second

// API is the one Secrets Manager call a function makes (satisfied by the SDK client).
type API interface {
	GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, opts ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

var _ API = (*secretsmanager.Client)(nil)

// Client is api when given (tests), else a client made from d's SDK configuration (deployed
// functions), else nil: the local runner has no Secrets Manager.
func Client(d wiring.Deps, api API) API {
	switch {
	case api != nil:
		return api
	case d.AWS != nil:
		return secretsmanager.NewFromConfig(*d.AWS)
	}
	return nil
}

// ErrNoClient is Read's answer without a client.
var ErrNoClient = errors.New("the function has no Secrets Manager client")

// Read returns the secret's SecretString, read within ReadTimeout.
func Read(api API, arn string) (string, error) {
	if api == nil {
		return "", ErrNoClient
	}
	ctx, cancel := context.WithTimeout(context.Background(), ReadTimeout)
	defer cancel()
	out, err := api.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(arn)})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.SecretString), nil
}
