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
	tok, exp, err := j.Issue("user-1")
	if err != nil {
		t.Fatal(err)
	}
	if !exp.Equal(now.Add(time.Hour)) {
		t.Errorf("exp = %v", exp)
	}
	sub, err := j.Verify(tok)
	if err != nil || sub != "user-1" {
		t.Fatalf("Verify = %q, %v", sub, err)
	}
}

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
	good, _, _ := j.Issue("user-1")
	valid := func() jwt.MapClaims {
		return jwt.MapClaims{"sub": "user-1", "iss": jwtIssuer, "aud": jwtAudience,
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if sub, err := j.Verify(tt.token); !errors.Is(err, ErrInvalidToken) {
				t.Errorf("Verify = %q, %v; want ErrInvalidToken", sub, err)
			}
		})
	}
}
