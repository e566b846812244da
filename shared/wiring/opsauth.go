package wiring

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
