package opsauth_test

import (
	"io"
	"log/slog"

	"github.com/aws/aws-lambda-go/events"
)

func httpapiLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func authorizerEvent(headers map[string]string, cookies []string) events.APIGatewayV2CustomAuthorizerV2Request {
	return events.APIGatewayV2CustomAuthorizerV2Request{Version: "2.0", Type: "REQUEST", RouteKey: "GET /ops", RawPath: "/ops",
		Headers: headers, Cookies: cookies}
}
