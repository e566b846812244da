// Command ops-authorizer is OpsAuthorizerFunction: the ops routes' Lambda authorizer (the
// bearer token or the browser's session cookie).
package main

import (
	"github.com/lucian-app/phase12/shared/wiring"
	"github.com/lucian-app/phase12/shared/wiring/authwire"
)

func main() { wiring.Main("OpsAuthorizerFunction", authwire.OpsAuthorizer) }
