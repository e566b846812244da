package apigw

import (
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

func TestParseResponse(t *testing.T) {
	tests := []struct {
		name    string
		payload string
		want    events.APIGatewayV2HTTPResponse
		wantErr string
	}{
		{
			name:    "response object",
			payload: `{"statusCode":201,"headers":{"Content-Type":"application/json"},"body":"{}","cookies":["a=1"]}`,
			want: events.APIGatewayV2HTTPResponse{StatusCode: 201, Headers: map[string]string{"Content-Type": "application/json"},
				Body: "{}", Cookies: []string{"a=1"}},
		},
		{
			name:    "plain JSON is the body of a 200",
			payload: `{"tasks":[]}`,
			want:    events.APIGatewayV2HTTPResponse{StatusCode: 200, Headers: map[string]string{"Content-Type": "application/json"}, Body: `{"tasks":[]}`},
		},
		{
			name:    "a JSON string too",
			payload: `"hello"`,
			want:    events.APIGatewayV2HTTPResponse{StatusCode: 200, Headers: map[string]string{"Content-Type": "application/json"}, Body: `"hello"`},
		},
		{name: "not JSON", payload: `nope`, wantErr: "invalid JSON"},
		{name: "bad status", payload: `{"statusCode":42}`, wantErr: "statusCode 42"},
		{name: "status of the wrong type", payload: `{"statusCode":"200"}`, wantErr: "malformed response"},
		{name: "bad base64", payload: `{"statusCode":200,"isBase64Encoded":true,"body":"%%%"}`, wantErr: "not base64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseResponse([]byte(tt.payload))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestWriteResponse(t *testing.T) {
	tests := []struct {
		name        string
		resp        events.APIGatewayV2HTTPResponse
		wantStatus  int
		wantBody    string
		wantHeaders http.Header
	}{
		{
			name: "headers, multi-value headers and cookies",
			resp: events.APIGatewayV2HTTPResponse{
				StatusCode:        200,
				Headers:           map[string]string{"content-type": "application/json", "X-Request-Id": "r1"},
				MultiValueHeaders: map[string][]string{"Vary": {"Origin", "Accept"}},
				Cookies:           []string{"a=1; Path=/", "b=2"},
				Body:              `{"ok":true}`,
			},
			wantStatus: 200,
			wantBody:   `{"ok":true}`,
			wantHeaders: http.Header{
				"Content-Type":   {"application/json"},
				"X-Request-Id":   {"r1"},
				"Vary":           {"Origin", "Accept"},
				"Set-Cookie":     {"a=1; Path=/", "b=2"},
				"Content-Length": {"11"},
			},
		},
		{
			name:        "base64 body",
			resp:        events.APIGatewayV2HTTPResponse{StatusCode: 200, Body: "//4Ab2s=", IsBase64Encoded: true, Headers: map[string]string{"Content-Type": "application/octet-stream"}},
			wantStatus:  200,
			wantBody:    "\xff\xfe\x00ok",
			wantHeaders: http.Header{"Content-Type": {"application/octet-stream"}, "Content-Length": {"5"}},
		},
		{
			name:        "no content",
			resp:        events.APIGatewayV2HTTPResponse{StatusCode: 204},
			wantStatus:  204,
			wantHeaders: http.Header{},
		},
		{
			name:        "no content type is not sniffed",
			resp:        events.APIGatewayV2HTTPResponse{StatusCode: 200, Body: "<html>"},
			wantStatus:  200,
			wantBody:    "<html>",
			wantHeaders: http.Header{"Content-Length": {"6"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				if err := WriteResponse(w, tt.resp); err != nil {
					t.Errorf("WriteResponse: %v", err)
				}
			}))
			defer srv.Close()
			res, err := http.Get(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			body := new(strings.Builder)
			if _, err := io.Copy(body, res.Body); err != nil {
				t.Fatal(err)
			}
			if res.StatusCode != tt.wantStatus || body.String() != tt.wantBody {
				t.Errorf("status %d body %q, want %d %q", res.StatusCode, body, tt.wantStatus, tt.wantBody)
			}
			got := res.Header.Clone()
			got.Del("Date")
			if !reflect.DeepEqual(got, tt.wantHeaders) {
				t.Errorf("headers = %v, want %v", got, tt.wantHeaders)
			}
		})
	}
}

func TestWriteResponseBadBase64(t *testing.T) {
	rec := httptest.NewRecorder()
	err := WriteResponse(rec, events.APIGatewayV2HTTPResponse{StatusCode: 200, Body: "%%%", IsBase64Encoded: true})
	if err == nil {
		t.Fatal("no error for a body that is not base64")
	}
	if rec.Body.Len() != 0 || len(rec.Header()) != 0 {
		t.Errorf("wrote %q and headers %v before failing, want nothing", rec.Body, rec.Header())
	}
}
