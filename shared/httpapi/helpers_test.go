package httpapi

import (
	"io"
	"log/slog"
	"time"
)

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func nowFunc() time.Time { return time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC) }
