package httpapi

import (
	"net/http/httptest"
	"testing"
)

func TestNormalOriginHasOneSpellingPerOrigin(t *testing.T) {
	for in, want := range map[string]string{
		"https://API.Example.com":     "https://api.example.com",
		"https://api.example.com:443": "https://api.example.com",
		"http://127.0.0.1:80":         "http://127.0.0.1",
		"http://127.0.0.1:3000/":      "http://127.0.0.1:3000",
		"http://[::1]:8080":           "http://[::1]:8080",
		"null":                        "",
		"https://u:p@api.example.com": "",
		"https://api.example.com/ops": "",
		"ftp://api.example.com":       "",
	} {
		got, ok := NormalOrigin(in)
		if got != want || ok != (want != "") {
			t.Errorf("NormalOrigin(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestOwnOriginIsWhatAPIGatewaySays(t *testing.T) {
	r := httptest.NewRequest("POST", "/ops/alerts/a1/ack", nil)
	r.Host = "API.example.com"
	r.Header.Set("X-Forwarded-Proto", "https")
	r.Header.Set("X-Forwarded-Port", "443")
	if got := OwnOrigin(r); got != "https://api.example.com" {
		t.Errorf("OwnOrigin = %q, want https://api.example.com", got)
	}
	r.Header.Set("X-Forwarded-Port", "8443")
	if got := OwnOrigin(r); got != "https://api.example.com:8443" {
		t.Errorf("OwnOrigin with port 8443 = %q", got)
	}
	local := httptest.NewRequest("POST", "/ops", nil)
	local.Host = "127.0.0.1:3000"
	if got := OwnOrigin(local); got != "http://127.0.0.1:3000" {
		t.Errorf("OwnOrigin locally = %q, want http://127.0.0.1:3000", got)
	}
}
