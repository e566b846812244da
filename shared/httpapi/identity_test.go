package httpapi_test

import (
	"reflect"
	"testing"

	"github.com/lucian-app/phase12/shared/httpapi"
	"github.com/lucian-app/phase12/shared/httpapi/httpapitest"
)

func TestParseGroupsReadsOnlyTheTwoFormsOfAList(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"no claim", "", nil},
		{"API Gateway's flattened array of one", "[ops]", []string{"ops"}},
		{"API Gateway's flattened array of two", "[ops admin]", []string{"ops", "admin"}},
		{"an empty flattened array", "[]", nil},
		{"a JSON array", `["ops","admin"]`, []string{"ops", "admin"}},
		{"a JSON array with spaces", `[ "ops" , "admin" ]`, []string{"ops", "admin"}},
		{"an empty JSON array", `[]`, nil},
		{"a string claim of one name, passed as is", "ops", []string{"ops"}},
		{"commas are no separator", "ops,admin", nil},
		{"commas inside the brackets", "[ops,admin]", nil},
		{"a comma and a space inside the brackets", "[ops, admin]", nil},
		{"two spaces inside the brackets", "[ops  admin]", nil},
		{"a leading space inside the brackets", "[ ops]", nil},
		{"a trailing space inside the brackets", "[ops ]", nil},
		{"spaces around the brackets", " [ops] ", nil},
		{"quotes inside the flattened form", `[ops "admin"]`, nil},
		{"a quoted name alone", `"ops"`, nil},
		{"a nested flattened array", "[[ops] admin]", nil},
		{"a nested JSON array", `[["ops"],"admin"]`, nil},
		{"a JSON array with a number", `["ops",1]`, nil},
		{"a JSON array with null", `["ops",null]`, nil},
		{"a JSON array with an empty name", `["ops",""]`, nil},
		{"a JSON array with a name holding a space", `["ops admin"]`, nil},
		{"JSON null", `null`, nil},
		{"a JSON object", `{"ops":true}`, nil},
		{"a space-separated string", "ops admin", nil},
		{"an unclosed bracket", "[ops admin", nil},
		{"a bracket closed only", "ops]", nil},
		{"a tab", "[ops\tadmin]", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := httpapi.ParseGroups(tt.in); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseGroups(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestIdentityReadsGroupsFromNoClaimButCognitoGroupsByDefault(t *testing.T) {
	tests := []struct {
		name   string
		claims map[string]string
		want   []string
	}{
		{"cognito:groups", map[string]string{"sub": "alice", "cognito:groups": "[ops]"}, []string{"ops"}},
		{"groups is not read", map[string]string{"sub": "alice", "groups": "[ops]"}, nil},
		{"an empty cognito:groups does not fall back to groups", map[string]string{"sub": "alice", "cognito:groups": "", "groups": "[ops]"}, nil},
		{"a malformed cognito:groups is no groups", map[string]string{"sub": "alice", "cognito:groups": "ops,admin"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, ok := httpapi.IdentityOf(httpapitest.NewRequest("GET", "/ops", nil, tt.claims))
			if !ok || id.UserID != "alice" || !reflect.DeepEqual(id.Groups, tt.want) {
				t.Errorf("IdentityOf = %+v, %v; want alice in %q", id, ok, tt.want)
			}
		})
	}
}
