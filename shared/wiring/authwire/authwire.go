// Package authwire builds OpsAuthorizerFunction, the ops routes' Lambda REQUEST authorizer,
// and the browser sign-in it shares with OpsFunction: the OIDC client and the session key
// read from Secrets Manager.
package authwire

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"github.com/lucian-app/phase12/shared/opsauth"
	"github.com/lucian-app/phase12/shared/wiring"
	"github.com/lucian-app/phase12/shared/wiring/secret"
)

// Clients are the clients these builders use beyond wiring.Deps; a nil one is made from
// the SDK configuration (deployed) or absent (the local runner). Tests give fakes here.
type Clients struct {
	// Secrets reads the session key's secret (OPS_SESSION_SECRET_ARN).
	Secrets secret.API
}

// OpsAuthorizer builds OpsAuthorizerFunction.
func OpsAuthorizer(d wiring.Deps) (any, error) { return Clients{}.OpsAuthorizer(d) }

// Auth builds the sign-in from the configuration; nil when OIDC_ISSUER is unset (the
// local runner without its development issuer).
func (c Clients) Auth(d wiring.Deps) (*opsauth.Auth, error) {
	issuer := strings.TrimSpace(d.Getenv(wiring.EnvOIDCIssuer))
	if issuer == "" {
		return nil, nil
	}
	clientID, err := wiring.Required(d, wiring.EnvOIDCClientID)
	if err != nil {
		return nil, err
	}
	key, err := c.sessionKey(d)
	if err != nil {
		return nil, err
	}
	var audiences []string
	for a := range strings.SplitSeq(d.Getenv(wiring.EnvOIDCAudiences), ",") {
		if a = strings.TrimSpace(a); a != "" {
			audiences = append(audiences, a)
		}
	}
	return opsauth.New(opsauth.Config{Issuer: issuer, ClientID: clientID, Audiences: audiences,
		GroupsClaim: wiring.ClaimsConfig(d.Getenv).GroupsClaim, HTTP: d.HTTP, Now: d.Now}, key)
}

// sessionKey reads the session key: from the secret (deployed), else OPS_SESSION_KEY (local).
func (c Clients) sessionKey(d wiring.Deps) ([]byte, error) {
	arn := strings.TrimSpace(d.Getenv(wiring.EnvOpsSessionSecretARN))
	local := strings.TrimSpace(d.Getenv(wiring.EnvOpsSessionKey))
	switch {
	case arn != "" && local != "":
		return nil, fmt.Errorf("configuration: both %s and %s are set; the key comes from the secret alone", wiring.EnvOpsSessionSecretARN, wiring.EnvOpsSessionKey)
	case arn != "":
		value, err := secret.Read(secret.Client(d, c.Secrets), arn)
		if errors.Is(err, secret.ErrNoClient) {
			return nil, fmt.Errorf("configuration: %s is set but %w", wiring.EnvOpsSessionSecretARN, err)
		}
		if err != nil {
			return nil, fmt.Errorf("configuration: %s: read the secret %s: %w", wiring.EnvOpsSessionSecretARN, arn, err)
		}
		key, err := opsauth.KeyFromSecret(value)
		if err != nil {
			return nil, fmt.Errorf("configuration: %s: %w", wiring.EnvOpsSessionSecretARN, err)
		}
		return key, nil
	case local != "":
		key, err := base64.StdEncoding.DecodeString(local)
		if err != nil || len(key) != opsauth.KeySize {
			return nil, fmt.Errorf("configuration: %s is not the base64 of %d bytes", wiring.EnvOpsSessionKey, opsauth.KeySize)
		}
		return key, nil
	}
	return nil, fmt.Errorf("configuration: %s is set but neither %s nor %s is", wiring.EnvOIDCIssuer, wiring.EnvOpsSessionSecretARN, wiring.EnvOpsSessionKey)
}

// OpsAuthorizer builds OpsAuthorizerFunction with c.
// Without sign-in configured it allows every request without an identity.
func (c Clients) OpsAuthorizer(d wiring.Deps) (any, error) {
	a, err := c.Auth(d)
	if err != nil {
		return nil, err
	}
	if a == nil {
		return func(context.Context, events.APIGatewayV2CustomAuthorizerV2Request) (events.APIGatewayV2CustomAuthorizerSimpleResponse, error) {
			return events.APIGatewayV2CustomAuthorizerSimpleResponse{IsAuthorized: true}, nil
		}, nil
	}
	return a.Authorizer(d.Log), nil
}
