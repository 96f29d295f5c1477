package auth

import (
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Issuer and audience of Stagecraft session tokens. Verification requires
// both, so a token minted for another service with the same key is refused.
const (
	jwtIssuer   = "stagecraft"
	jwtAudience = "stagecraft-api"
)

// JWT issues and verifies session tokens signed with HMAC-SHA256.
type JWT struct {
	Secret []byte
	TTL    time.Duration
	Now    func() time.Time
}

// Issue returns a signed token for userID and its expiry.
func (j *JWT) Issue(userID string) (string, time.Time, error) {
	now := j.Now().UTC().Truncate(time.Second)
	exp := now.Add(j.TTL)
	claims := jwt.RegisteredClaims{
		Subject:   userID,
		Issuer:    jwtIssuer,
		Audience:  jwt.ClaimStrings{jwtAudience},
		IssuedAt:  jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(exp),
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(j.Secret)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("sign token: %w", err)
	}
	return s, exp, nil
}

// ErrInvalidToken is returned for any token that fails verification.
var ErrInvalidToken = errors.New("invalid token")

// Verify checks the token's algorithm (HS256 only: "none" and RS/ES
// confusion are refused), signature, expiry, issuer and audience, and
// returns the subject.
func (j *JWT) Verify(token string) (string, error) {
	sub, _, err := j.VerifyExpiry(token)
	return sub, err
}

// VerifyExpiry is Verify that also returns the token's expiry.
func (j *JWT) VerifyExpiry(token string) (string, time.Time, error) {
	var claims jwt.RegisteredClaims
	_, err := jwt.ParseWithClaims(token, &claims,
		func(t *jwt.Token) (any, error) { return j.Secret, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithIssuer(jwtIssuer),
		jwt.WithAudience(jwtAudience),
		jwt.WithTimeFunc(j.Now),
		jwt.WithLeeway(30*time.Second),
	)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("%w: %v", ErrInvalidToken, err)
	}
	if claims.Subject == "" {
		return "", time.Time{}, fmt.Errorf("%w: no subject", ErrInvalidToken)
	}
	return claims.Subject, claims.ExpiresAt.Time, nil
}
