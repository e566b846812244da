package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/lucian-app/phase12/shared/apperr"
)

// MaxBodyBytes is the largest request body accepted (DESIGN §3).
const MaxBodyBytes = 64 << 10

// ReadBody reads the whole body, refusing more than MaxBodyBytes (413) and
// invalid UTF-8 (400).
func ReadBody(r *http.Request) ([]byte, error) {
	if r.ContentLength > MaxBodyBytes {
		return nil, tooLarge()
	}
	if r.Body == nil {
		return nil, nil
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes+1))
	if err != nil {
		return nil, apperr.New(apperr.InvalidRequest, "could not read the request body")
	}
	if len(b) > MaxBodyBytes {
		return nil, tooLarge()
	}
	if !utf8.Valid(b) {
		return nil, apperr.New(apperr.InvalidRequest, "body: not valid UTF-8")
	}
	return b, nil
}

func tooLarge() error {
	return apperr.New(apperr.PayloadTooLarge, "body: larger than %d bytes", MaxBodyBytes)
}

// DecodeJSON reads the body into dst. Unknown fields are ignored; a
// duplicate key (at any depth), a key that differs from a field's name only
// in case, a wrong type, invalid JSON, a body that is not one JSON object,
// an empty body, invalid UTF-8 and an oversized body are refused with a
// message naming the problem (and the key or field, where there is one).
func DecodeJSON(r *http.Request, dst any) error {
	b, err := ReadBody(r)
	if err != nil {
		return err
	}
	return Unmarshal(b, dst)
}

// Unmarshal is DecodeJSON for a body already read.
func Unmarshal(b []byte, dst any) error {
	if len(bytes.TrimSpace(b)) == 0 {
		return apperr.New(apperr.InvalidRequest, "body: a JSON object is required")
	}
	if !utf8.Valid(b) {
		return apperr.New(apperr.InvalidRequest, "body: not valid UTF-8")
	}
	if first := bytes.TrimLeft(b, " \t\r\n"); first[0] != '{' {
		return apperr.New(apperr.InvalidRequest, "body: must be a JSON object")
	}
	// The keys first (see keys.go); a body the walk cannot read is the decode's to
	// refuse, with its own message.
	walkErr := checkKeys(b, reflect.TypeOf(dst))
	var refused keyError
	if errors.As(walkErr, &refused) {
		return refused.err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return apperr.New(apperr.InvalidRequest, "body: unexpected data after the JSON object")
	}
	if walkErr != nil {
		// Never reached with encoding/json's grammar; should the two ever disagree, the
		// body's keys went unchecked, so it is refused rather than trusted.
		return apperr.New(apperr.InvalidRequest, "body: could not be read as one JSON object")
	}
	return nil
}

func decodeError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var fieldErr *apperr.Error
	switch {
	case errors.As(err, &fieldErr):
		// A field's own UnmarshalJSON already named the field.
		return fieldErr
	case errors.As(err, &syntax):
		return apperr.New(apperr.InvalidRequest, "body: invalid JSON at byte %d: %s", syntax.Offset, syntax.Error())
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		return apperr.Field(field, "must be %s, not %s", jsonKind(typ.Type.Kind().String()), typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return apperr.New(apperr.InvalidRequest, "body: truncated JSON")
	default:
		msg := err.Error()
		if f, rest, ok := strings.Cut(strings.TrimPrefix(msg, "json: "), ": "); ok && strings.HasPrefix(f, "field ") {
			return apperr.Field(strings.Trim(strings.TrimPrefix(f, "field "), `"`), "%s", rest)
		}
		return apperr.New(apperr.InvalidRequest, "body: %s", strings.TrimPrefix(msg, "json: "))
	}
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return "an integer"
	case "float32", "float64":
		return "a number"
	case "slice", "array":
		return "an array"
	case "map", "struct", "ptr":
		return "an object"
	}
	return fmt.Sprintf("a %s", goKind)
}
