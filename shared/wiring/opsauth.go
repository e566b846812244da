package wiring

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/lucian-app/phase12/shared/apperr"
	"github.com/lucian-app/phase12/shared/httpapi"
	"github.com/lucian-app/phase12/shared/opsauth"
)

// The browser sign-in's configuration (shared/opsauth), set by template.yaml on
// OpsFunction and OpsAuthorizerFunction.
const (
	// EnvOIDCIssuer is the issuer (the JWT authorizer's); unset switches sign-in off.
	EnvOIDCIssuer = "OIDC_ISSUER"
	// EnvOIDCClientID is the app client the browser signs in with.
	EnvOIDCClientID = "OIDC_CLIENT_ID"
	// EnvOIDCAudiences are the bearer tokens' accepted audiences (comma-separated).
	EnvOIDCAudiences = "OIDC_AUDIENCES"
	// EnvOpsSessionSecretARN names the Secrets Manager secret the session key is derived
	// from, read once at INIT.
	EnvOpsSessionSecretARN = "OPS_SESSION_SECRET_ARN"
	// EnvOpsSessionKey is the session key itself (base64 of 32 bytes), for the local runner
	// only, which has no Secrets Manager; it is refused when the ARN is set too.
	EnvOpsSessionKey = "OPS_SESSION_KEY"
)

// opsAuth builds the sign-in from the configuration; nil when OIDC_ISSUER is unset (the
// local runner without its development issuer).
func opsAuth(d Deps) (*opsauth.Auth, error) {
	issuer := strings.TrimSpace(d.Getenv(EnvOIDCIssuer))
	if issuer == "" {
		return nil, nil
	}
	clientID, err := required(d, EnvOIDCClientID)
	if err != nil {
		return nil, err
	}
	key, err := sessionKey(d)
	if err != nil {
		return nil, err
	}
	var audiences []string
	for a := range strings.SplitSeq(d.Getenv(EnvOIDCAudiences), ",") {
		if a = strings.TrimSpace(a); a != "" {
			audiences = append(audiences, a)
		}
	}
	return opsauth.New(opsauth.Config{Issuer: issuer, ClientID: clientID, Audiences: audiences,
		GroupsClaim: ClaimsConfig(d.Getenv).GroupsClaim, HTTP: d.HTTP, Now: d.Now}, key)
}

// sessionKey reads the session key: from the secret (deployed), else OPS_SESSION_KEY (local).
func sessionKey(d Deps) ([]byte, error) {
	arn := strings.TrimSpace(d.Getenv(EnvOpsSessionSecretARN))
	local := strings.TrimSpace(d.Getenv(EnvOpsSessionKey))
	switch {
	case arn != "" && local != "":
		return nil, fmt.Errorf("configuration: both %s and %s are set; the key comes from the secret alone", EnvOpsSessionSecretARN, EnvOpsSessionKey)
	case arn != "":
		if d.Secrets == nil {
			return nil, fmt.Errorf("configuration: %s is set but the function has no Secrets Manager client", EnvOpsSessionSecretARN)
		}
		ctx, cancel := context.WithTimeout(context.Background(), secretReadTimeout)
		defer cancel()
		out, err := d.Secrets.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(arn)})
		if err != nil {
			return nil, fmt.Errorf("configuration: %s: read the secret %s: %w", EnvOpsSessionSecretARN, arn, err)
		}
		key, err := opsauth.KeyFromSecret(aws.ToString(out.SecretString))
		if err != nil {
			return nil, fmt.Errorf("configuration: %s: %w", EnvOpsSessionSecretARN, err)
		}
		return key, nil
	case local != "":
		key, err := base64.StdEncoding.DecodeString(local)
		if err != nil || len(key) != opsauth.KeySize {
			return nil, fmt.Errorf("configuration: %s is not the base64 of %d bytes", EnvOpsSessionKey, opsauth.KeySize)
		}
		return key, nil
	}
	return nil, fmt.Errorf("configuration: %s is set but neither %s nor %s is", EnvOIDCIssuer, EnvOpsSessionSecretARN, EnvOpsSessionKey)
}

// OpsAuthorizer builds OpsAuthorizerFunction, the ops routes' Lambda REQUEST authorizer.
// Without sign-in configured it allows every request without an identity.
func OpsAuthorizer(d Deps) (any, error) {
	a, err := opsAuth(d)
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

// signInRoutes adds the sign-in routes to mux (answering 404 naming the setting when
// sign-in is off) and returns h behind the CSRF check.
func signInRoutes(d Deps, mux *http.ServeMux, h http.Handler) (http.Handler, error) {
	a, err := opsAuth(d)
	if err != nil {
		return nil, err
	}
	wrap := func(f http.HandlerFunc) http.Handler { return httpapi.Wrap(f, d.Log, d.Now) }
	if a == nil {
		off := wrap(func(w http.ResponseWriter, r *http.Request) {
			httpapi.WriteError(w, r, apperr.New(apperr.NotFound, "browser sign-in is not configured (%s is unset); locally, start the runner with LOCAL_OIDC=dev", EnvOIDCIssuer))
		})
		mux.Handle("GET "+opsauth.LoginPath, off)
		mux.Handle("GET "+opsauth.CallbackPath, off)
		mux.Handle("POST "+opsauth.LogoutPath, off)
	} else {
		mux.Handle("GET "+opsauth.LoginPath, wrap(a.Login))
		mux.Handle("GET "+opsauth.CallbackPath, wrap(a.Callback))
		mux.Handle("POST "+opsauth.LogoutPath, wrap(a.Logout))
	}
	return opsauth.RequireCSRF(h), nil
}
