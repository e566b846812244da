package samtemplate

import (
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// Issue 14: login and callback are the only routes without an authorizer; every other /ops
// route has the ops Lambda authorizer (bearer token or session cookie), and every other
// route the API's JWT authorizer.
func TestLoginAndCallbackAreTheOnlyRoutesWithoutAnAuthorizer(t *testing.T) {
	tpl := projectTemplate(t)
	if got := tpl.LambdaAuthorizers["OpsAuthorizer"]; got != "OpsAuthorizerFunction" {
		t.Fatalf("the OpsAuthorizer runs %q, want OpsAuthorizerFunction", got)
	}
	without := map[string]bool{}
	routes := 0
	for _, id := range tpl.FunctionIDs() {
		for _, r := range tpl.Functions[id].Routes {
			routes++
			key := r.Method + " " + r.Path
			switch {
			case r.Authorizer == NoAuthorizer:
				without[key] = true
			case r.Path == "/ops" || strings.HasPrefix(r.Path, "/ops/"):
				if r.Authorizer != "OpsAuthorizer" {
					t.Errorf("%s (%s) has authorizer %q, want OpsAuthorizer", key, id, r.Authorizer)
				}
			case r.Authorizer != "":
				t.Errorf("%s (%s) has authorizer %q, want the API's default (JwtAuthorizer)", key, id, r.Authorizer)
			}
		}
	}
	if len(without) != 2 || !without["GET /ops/login"] || !without["GET /ops/callback"] {
		t.Errorf("routes without an authorizer: %v, want exactly GET /ops/login and GET /ops/callback", without)
	}
	if routes < 30 {
		t.Fatalf("read %d routes; the template has more", routes)
	}

	// The authorizer has no identity source and no cache: a source would let API Gateway
	// answer 401 to a browser that follows a link (no header, no cookie yet) before the
	// function could send it to sign in, and a cached answer would outlive a sign-out.
	data, err := os.ReadFile("../../template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	auth := get(get(get(get(get(get(doc.Content[0], "Resources"), "HttpApi"), "Properties"), "Auth"), "Authorizers"), "OpsAuthorizer")
	if auth == nil {
		t.Fatal("no HttpApi Auth.Authorizers.OpsAuthorizer")
	}
	for k, want := range map[string]string{"FunctionPayloadType": "REQUEST", "AuthorizerPayloadFormatVersion": "2.0", "EnableSimpleResponses": "true"} {
		if n := get(auth, k); n == nil || n.Value != want {
			t.Errorf("OpsAuthorizer %s = %v, want %s", k, n, want)
		}
	}
	id := get(auth, "Identity")
	if n := get(id, "ReauthorizeEvery"); n == nil || n.Value != "0" {
		t.Error("OpsAuthorizer caches its answers: want Identity.ReauthorizeEvery 0")
	}
	for _, k := range []string{"Headers", "QueryStrings", "Cookies", "StageVariables", "Context"} {
		if get(id, k) != nil {
			t.Errorf("OpsAuthorizer has an identity source %s", k)
		}
	}
}
