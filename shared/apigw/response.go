package apigw

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/aws/aws-lambda-go/events"
)

// ParseResponse reads a function's result as API Gateway does for payload
// 2.0: an object with a statusCode is the response; any other valid JSON
// is the body of a 200 with Content-Type application/json. An error means
// API Gateway would answer 500.
func ParseResponse(payload []byte) (events.APIGatewayV2HTTPResponse, error) {
	if !json.Valid(payload) {
		return events.APIGatewayV2HTTPResponse{}, errors.New("the function returned invalid JSON")
	}
	var probe map[string]json.RawMessage
	if json.Unmarshal(payload, &probe) == nil {
		if _, ok := probe["statusCode"]; ok {
			var resp events.APIGatewayV2HTTPResponse
			if err := json.Unmarshal(payload, &resp); err != nil {
				return events.APIGatewayV2HTTPResponse{}, fmt.Errorf("malformed response: %w", err)
			}
			if resp.StatusCode < 100 || resp.StatusCode > 599 {
				return events.APIGatewayV2HTTPResponse{}, fmt.Errorf("malformed response: statusCode %d", resp.StatusCode)
			}
			if resp.IsBase64Encoded {
				if _, err := base64.StdEncoding.DecodeString(resp.Body); err != nil {
					return events.APIGatewayV2HTTPResponse{}, fmt.Errorf("malformed response: body is not base64: %w", err)
				}
			}
			return resp, nil
		}
	}
	return events.APIGatewayV2HTTPResponse{
		StatusCode: http.StatusOK,
		Headers:    map[string]string{"Content-Type": "application/json"},
		Body:       string(bytes.TrimSpace(payload)),
	}, nil
}

// WriteResponse writes resp to w: its status, its headers (multi-value
// headers added after the single ones), each cookie as a Set-Cookie header
// and its body, base64-decoded when it says so. Nothing is written when
// the body cannot be decoded.
func WriteResponse(w http.ResponseWriter, resp events.APIGatewayV2HTTPResponse) error {
	body := []byte(resp.Body)
	if resp.IsBase64Encoded {
		b, err := base64.StdEncoding.DecodeString(resp.Body)
		if err != nil {
			return fmt.Errorf("response body is not base64: %w", err)
		}
		body = b
	}
	status := resp.StatusCode
	if status == 0 {
		status = http.StatusOK
	}
	h := w.Header()
	for k, v := range resp.Headers {
		h.Set(k, v)
	}
	for k, vs := range resp.MultiValueHeaders {
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	for _, c := range resp.Cookies {
		h.Add("Set-Cookie", c)
	}
	if _, ok := h["Content-Type"]; !ok {
		// API Gateway does not guess a type; keep net/http from sniffing one.
		h["Content-Type"] = nil
	}
	if bodyAllowed(status) {
		h.Set("Content-Length", strconv.Itoa(len(body)))
	} else {
		h.Del("Content-Length")
		body = nil
	}
	w.WriteHeader(status)
	_, err := w.Write(body)
	return err
}

func bodyAllowed(status int) bool {
	return status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified
}
