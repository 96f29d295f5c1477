package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

// APITokenPrefix marks personal API tokens so they are told apart from
// JWTs at a glance and can be found by secret scanners.
const APITokenPrefix = "sc_"

// resetTokenPrefix marks password reset tokens.
const resetTokenPrefix = "pr_"

// NewAPIToken returns a new token of 256 random bits, the short prefix
// shown in lists, and the hash to store.
func NewAPIToken() (token, prefix string, hash []byte, err error) {
	return newSecret(APITokenPrefix)
}

// newSecret returns prefix and 256 random bits, the first characters to
// show in lists, and the hash to store.
func newSecret(prefix string) (token, shown string, hash []byte, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", nil, err
	}
	token = prefix + base64.RawURLEncoding.EncodeToString(b)
	return token, token[:len(prefix)+6], HashAPIToken(token), nil
}

// HashAPIToken returns the stored form of a token (an API token or a
// password reset token): 256 random bits need no slow hash.
func HashAPIToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// IsAPIToken reports whether a bearer credential looks like an API token.
func IsAPIToken(s string) bool { return strings.HasPrefix(s, APITokenPrefix) }
