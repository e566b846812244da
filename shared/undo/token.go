package undo

import (
	"encoding/base64"
	"strings"
)

// Token is what a client presents to undo: the execution record's key,
// the execution, and the item it created. The transaction checks all of
// them against the record, so a token cannot be bent to another item, and
// a key reused after its window cannot be undone with an older token.
type Token struct {
	IdempotencyKey string
	ExecutionID    string
	Kind           string // "task" or "goal"
	ItemID         string
	// Ref is what the store needs to take the item back in one write (for
	// a task, where its open copy is kept), opaque here; the record holds
	// the same value, so a changed Ref cannot be bent to another item.
	Ref string
}

const maxTokenLen = 1024

// String encodes t for the client.
func (t Token) String() string {
	return strings.Join([]string{base64.RawURLEncoding.EncodeToString([]byte(t.IdempotencyKey)),
		t.ExecutionID, t.Kind, t.ItemID, base64.RawURLEncoding.EncodeToString([]byte(t.Ref))}, ".")
}

// ParseToken decodes a token made by Token.String.
func ParseToken(s string) (Token, bool) {
	s = strings.TrimSpace(s)
	parts := strings.Split(s, ".")
	if len(s) > maxTokenLen || len(parts) != 5 {
		return Token{}, false
	}
	k, err := base64.RawURLEncoding.DecodeString(parts[0])
	ref, refErr := base64.RawURLEncoding.DecodeString(parts[4])
	if err != nil || refErr != nil || len(k) == 0 || parts[1] == "" || parts[3] == "" || (parts[2] != "task" && parts[2] != "goal") {
		return Token{}, false
	}
	return Token{IdempotencyKey: string(k), ExecutionID: parts[1], Kind: parts[2], ItemID: parts[3], Ref: string(ref)}, true
}
