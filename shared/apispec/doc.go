// Package apispec reads the API description, docs/openapi.yaml (OpenAPI 3.1), and checks
// answers against it: that a route is described, that a status is documented for it, and
// that the body conforms to the JSON Schema of that status and media type, with the headers
// it requires. The tests hold the description to template.yaml's routes and to the answers
// the functions give in the wiring tour.
//
// It implements the part of JSON Schema 2020-12 the description uses ($ref within the
// document, allOf/anyOf/oneOf, type, enum, const, properties, required,
// additionalProperties, items, the length, size and range bounds, pattern, and the date and
// date-time formats, which it asserts). It deliberately does not fetch remote $refs, check
// requests, or replace openapi-spec-validator, which lints the document itself (make lint).
package apispec
