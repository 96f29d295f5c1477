package auth

import (
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

var secret = []byte("0123456789abcdef0123456789abcdef")

func fixedJWT(now time.Time) *JWT {
	return &JWT{Secret: secret, TTL: time.Hour, Now: func() time.Time { return now }}
}

func TestJWTRoundTrip(t *testing.T) {
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	j := fixedJWT(now)
	exp := j.Expiry()
	if !exp.Equal(now.Add(time.Hour)) {
		t.Errorf("exp = %v", exp)
	}
	tok, err := j.Issue(userID, sessionID, exp)
	if err != nil {
		t.Fatal(err)
	}
	c, err := j.Verify(tok)
	if err != nil || c.UserID != userID || c.SessionID != sessionID || !c.ExpiresAt.Equal(exp) {
		t.Fatalf("Verify = %+v, %v", c, err)
	}
}

const (
	userID    = "6f1c2a4e-1b2c-4d3e-8f90-123456789abc"
	sessionID = "0b6e8f3a-7c1d-4e2f-9a8b-abcdef012345"
)

func sign(t *testing.T, method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestJWTRejects(t *testing.T) {
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	j := fixedJWT(now)
	good, _ := j.Issue(userID, sessionID, j.Expiry())
	valid := func() jwt.MapClaims {
		return jwt.MapClaims{"sub": userID, "jti": sessionID, "iss": jwtIssuer, "aud": jwtAudience,
			"iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
	}
	with := func(k string, v any) jwt.MapClaims {
		c := valid()
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		return c
	}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, ".")
	tests := []struct {
		name  string
		token string
	}{
		{"empty", ""},
		{"garbage", "not.a.jwt"},
		{"tampered payload", parts[0] + "." + strings.TrimRight(parts[1], "=") + "x." + parts[2]},
		{"tampered signature", parts[0] + "." + parts[1] + "." + strings.Repeat("A", len(parts[2]))},
		{"alg none", sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, valid())},
		{"alg HS512", sign(t, jwt.SigningMethodHS512, secret, valid())},
		{"alg RS256", sign(t, jwt.SigningMethodRS256, rsaKey, valid())},
		{"wrong key", sign(t, jwt.SigningMethodHS256, []byte("another secret of enough length!"), valid())},
		{"expired", sign(t, jwt.SigningMethodHS256, secret, with("exp", now.Add(-time.Minute).Unix()))},
		{"no exp", sign(t, jwt.SigningMethodHS256, secret, with("exp", nil))},
		{"issued in the future", sign(t, jwt.SigningMethodHS256, secret, with("iat", now.Add(time.Hour).Unix()))},
		{"wrong issuer", sign(t, jwt.SigningMethodHS256, secret, with("iss", "someone-else"))},
		{"wrong audience", sign(t, jwt.SigningMethodHS256, secret, with("aud", "another-api"))},
		{"no subject", sign(t, jwt.SigningMethodHS256, secret, with("sub", nil))},
		{"subject not a UUID", sign(t, jwt.SigningMethodHS256, secret, with("sub", "admin"))},
		{"subject a UUID in braces", sign(t, jwt.SigningMethodHS256, secret, with("sub", "{"+userID+"}"))},
		{"no session", sign(t, jwt.SigningMethodHS256, secret, with("jti", nil))},
		{"session not a UUID", sign(t, jwt.SigningMethodHS256, secret, with("jti", "x' OR 1=1"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if c, err := j.Verify(tt.token); !errors.Is(err, ErrInvalidToken) {
				t.Errorf("Verify = %+v, %v; want ErrInvalidToken", c, err)
			}
		})
	}
}
