package cursor

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/lucian-app/phase12/shared/apperr"
)

// Version is written into every cursor; a cursor of another version is
// refused (a client simply starts its list again).
const Version = 1

// MaxLength bounds a cursor a client may send back.
const MaxLength = 2048

// Cursor is a position in one owner's list.
type Cursor struct {
	V     int    `json:"v"`
	List  string `json:"l"`
	Owner string `json:"o"` // a digest of the owner, not the owner
	// Pos is the list's own position: sort keys per stream, bounds, flags.
	Pos map[string]string `json:"p"`
}

func ownerDigest(owner string) string {
	sum := sha256.Sum256([]byte("cursor\x00" + owner))
	return hex.EncodeToString(sum[:8])
}

// Encode returns the opaque cursor for pos in owner's list.
func Encode(list, owner string, pos map[string]string) string {
	b, _ := json.Marshal(Cursor{V: Version, List: list, Owner: ownerDigest(owner), Pos: pos})
	return base64.RawURLEncoding.EncodeToString(b)
}

// Decode reads s as a cursor of owner's list, or answers 400 naming why.
// An empty s is the start of the list (nil, nil).
func Decode(s, list, owner string) (map[string]string, error) {
	if s == "" {
		return nil, nil
	}
	bad := func(why string) error { return apperr.Field("cursor", "%s", why) }
	if len(s) > MaxLength {
		return nil, bad("longer than " + strconv.Itoa(MaxLength) + " characters")
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil {
		return nil, bad("not a cursor this API issued")
	}
	var c Cursor
	if err := json.Unmarshal(b, &c); err != nil || c.V != Version || c.Pos == nil {
		return nil, bad("not a cursor this API issued")
	}
	if c.List != list {
		return nil, bad("a cursor of another list")
	}
	if c.Owner != ownerDigest(owner) {
		return nil, bad("a cursor of another user")
	}
	return c.Pos, nil
}

// Limit parses a list's `limit` parameter: def when empty, else 1..max.
func Limit(s string, def, max int) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > max {
		return 0, apperr.Field("limit", "an integer from 1 to %d", max)
	}
	return n, nil
}

// Invalid is the 400 for a cursor whose position does not lie in its list
// (checked by the store that reads it).
func Invalid() error { return apperr.Field("cursor", "not a position in this list") }
