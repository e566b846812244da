package opsauth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
)

// KeySize is the AES-256 key's size in bytes.
const KeySize = 32

// Sealer seals cookie values with AES-256-GCM: confidential (the login cookie holds the PKCE
// verifier) and authenticated (a changed byte fails to open). The cookie's name is the
// additional data, so a value sealed for one cookie does not open as another.
type Sealer struct {
	aead cipher.AEAD
}

// NewSealer makes a Sealer with a 32-byte key.
func NewSealer(key []byte) (*Sealer, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("session key: %d bytes, want %d", len(key), KeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead}, nil
}

// KeyFromSecret derives the session key from the secret's value (Secrets Manager's
// generated string): SHA-256 over a label and the value, so any length of secret gives a
// key of the right size. An empty or short secret is refused.
func KeyFromSecret(secret string) ([]byte, error) {
	if len(secret) < 32 {
		return nil, errors.New("session secret: shorter than 32 characters")
	}
	sum := sha256.Sum256([]byte("phase12 ops session v1\x00" + secret))
	return sum[:], nil
}

// errSeal is every failure to open a value: a forged, tampered or foreign value reads the
// same, and the reason is never shown to the caller.
var errSeal = errors.New("cookie does not open: forged, tampered or sealed with another key")

// Seal encodes v as JSON and seals it for the cookie name.
func (s *Sealer) Seal(name string, v any) (string, error) {
	plain, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(s.aead.Seal(nonce, nonce, plain, []byte(name))), nil
}

// maxSealed bounds what Open decodes: a cookie is at most 4 KB.
const maxSealed = 4096

// Open opens a value sealed for the cookie name into v.
func (s *Sealer) Open(name, value string, v any) error {
	if len(value) > maxSealed {
		return errSeal
	}
	b, err := base64.RawURLEncoding.DecodeString(value)
	if err != nil || len(b) < s.aead.NonceSize()+s.aead.Overhead() {
		return errSeal
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, b[:n], b[n:], []byte(name))
	if err != nil {
		return errSeal
	}
	if json.Unmarshal(plain, v) != nil {
		return errSeal
	}
	return nil
}
