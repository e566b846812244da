package main

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/lucian-app/phase12/shared/opsauth"
	"github.com/lucian-app/phase12/shared/opsauth/devissuer"
	"github.com/lucian-app/phase12/shared/wiring"
)

// devClientID is the development issuer's one client.
const devClientID = "local-ops"

// devSignIn reads LOCAL_OIDC and returns the function variables it sets over the template's:
//   - "" or "off": browser sign-in off (OIDC_ISSUER empty, so /ops/login answers 404 naming
//     the setting, and the ops pages take X-Dev-User or the default identity only);
//   - "dev": a development OIDC issuer (shared/opsauth/devissuer) on 127.0.0.1
//     (LOCAL_OIDC_PORT, default a free port) with a key generated now, and a fresh session
//     key, so the whole sign-in runs in a browser. Its sign-in form takes any user and any
//     groups: it is for a laptop, never reachable from elsewhere.
//
// The issuer's clock is the runner's (LOCAL_NOW, /_local/clock), so its tokens expire on it.
func devSignIn(mode string, getenv func(string) string, now func() time.Time) (overrides map[string]string, iss *devissuer.Issuer, err error) {
	switch strings.ToLower(strings.TrimSpace(mode)) {
	case "", "off":
		return map[string]string{wiring.EnvOIDCIssuer: ""}, nil, nil
	case "dev":
	default:
		return nil, nil, fmt.Errorf("LOCAL_OIDC %q: want dev or off", mode)
	}
	port := 0
	if p := getenv("LOCAL_OIDC_PORT"); p != "" {
		if port, err = strconv.Atoi(p); err != nil || port < 0 || port > 65535 {
			return nil, nil, fmt.Errorf("LOCAL_OIDC_PORT %q is not a port number", p)
		}
	}
	iss, err = devissuer.New(devClientID, wiring.ClaimsConfig(getenv).GroupsClaim)
	if err != nil {
		return nil, nil, err
	}
	iss.Now = now
	if err := iss.Start(port); err != nil {
		return nil, nil, fmt.Errorf("development issuer: %w", err)
	}
	key := make([]byte, opsauth.KeySize)
	if _, err := rand.Read(key); err != nil {
		_ = iss.Close()
		return nil, nil, err
	}
	return map[string]string{
		wiring.EnvOIDCIssuer:          iss.URL,
		wiring.EnvOIDCClientID:        devClientID,
		wiring.EnvOIDCAudiences:       devClientID,
		wiring.EnvOpsSessionSecretARN: "",
		wiring.EnvOpsSessionKey:       base64.StdEncoding.EncodeToString(key),
	}, iss, nil
}
