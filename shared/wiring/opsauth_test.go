package wiring_test

import (
	"strings"
	"testing"

	"github.com/lucian-app/phase12/shared/dynamo/dynamotest"
	"github.com/lucian-app/phase12/shared/wiring"
	"github.com/lucian-app/phase12/shared/wiring/authwire"
	"github.com/lucian-app/phase12/shared/wiring/opswire"
)

// The session key comes from the secret, read once at INIT; a missing, short or doubled
// source fails INIT with a message naming it, and sign-in off (no issuer) needs no key.
func TestTheOpsSessionKeyComesFromTheSecret(t *testing.T) {
	const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ops-session-AbCdEf"
	base := map[string]string{wiring.EnvOIDCIssuer: "https://issuer.example", wiring.EnvOIDCClientID: "c", wiring.EnvOpsTable: dynamotest.OpsTable}
	with := func(extra map[string]string) map[string]string {
		env := map[string]string{}
		for k, v := range base {
			env[k] = v
		}
		for k, v := range extra {
			env[k] = v
		}
		return env
	}
	secrets := &fakeSecrets{values: map[string]string{arn: strings.Repeat("s3cr3t", 11)}}
	d := deps(t, with(map[string]string{wiring.EnvOpsSessionSecretARN: arn}))
	if _, err := (authwire.Clients{Secrets: secrets}).OpsAuthorizer(d); err != nil || len(secrets.reads) != 1 {
		t.Fatalf("with the secret: %v after %d reads, want built after one", err, len(secrets.reads))
	}
	for name, tt := range map[string]struct {
		env     map[string]string
		secret  string
		wantErr string
	}{
		"neither":       {map[string]string{}, "", "neither OPS_SESSION_SECRET_ARN nor OPS_SESSION_KEY"},
		"both":          {map[string]string{wiring.EnvOpsSessionSecretARN: arn, wiring.EnvOpsSessionKey: "AAAA"}, "", "both OPS_SESSION_SECRET_ARN and OPS_SESSION_KEY"},
		"short secret":  {map[string]string{wiring.EnvOpsSessionSecretARN: arn}, "short", "shorter than 32 characters"},
		"bad local key": {map[string]string{wiring.EnvOpsSessionKey: "not-base64-32-bytes"}, "", "OPS_SESSION_KEY is not the base64 of 32 bytes"},
	} {
		d := deps(t, with(tt.env))
		s := &fakeSecrets{values: map[string]string{arn: tt.secret}}
		for _, build := range []wiring.Builder{authwire.Clients{Secrets: s}.OpsAuthorizer, opswire.Clients{Secrets: s}.Ops} {
			if _, err := build(d); err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: err = %v, want %q", name, err, tt.wantErr)
			}
		}
	}
	// No issuer: sign-in off, no key needed, and the authorizer lets requests through without identity.
	if _, err := authwire.OpsAuthorizer(deps(t, map[string]string{})); err != nil {
		t.Errorf("sign-in off: %v", err)
	}
}
