package auth

import (
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
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

// Claims are what a verified session token says.
type Claims struct {
	UserID    string
	SessionID string
	ExpiresAt time.Time
}

// Issue returns a signed token for the session sessionID of userID, and
// its expiry.
func (j *JWT) Issue(userID, sessionID string, exp time.Time) (string, error) {
	now := j.Now().UTC().Truncate(time.Second)
	claims := jwt.RegisteredClaims{
		Subject:   userID,
		ID:        sessionID,
		Issuer:    jwtIssuer,
		Audience:  jwt.ClaimStrings{jwtAudience},
		IssuedAt:  jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(exp),
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(j.Secret)
	if err != nil {
		return "", fmt.Errorf("sign token: %w", err)
	}
	return s, nil
}

// Expiry is when a token issued now would expire.
func (j *JWT) Expiry() time.Time {
	return j.Now().UTC().Truncate(time.Second).Add(j.TTL)
}

// ErrInvalidToken is returned for any token that fails verification.
var ErrInvalidToken = errors.New("invalid token")

// Verify checks the token's algorithm (HS256 only: "none" and RS/ES
// confusion are refused), signature, expiry, issuer and audience, and
// that it names a user and a session by UUID: a token signed with the
// right key but naming anything else is as invalid as a forged one.
func (j *JWT) Verify(token string) (*Claims, error) {
	var claims jwt.RegisteredClaims
	_, err := jwt.ParseWithClaims(token, &claims,
		func(*jwt.Token) (any, error) { return j.Secret, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithIssuer(jwtIssuer),
		jwt.WithAudience(jwtAudience),
		jwt.WithTimeFunc(j.Now),
		jwt.WithLeeway(30*time.Second),
	)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	if !canonicalUUID(claims.Subject) {
		return nil, fmt.Errorf("%w: the subject is not a user id", ErrInvalidToken)
	}
	if !canonicalUUID(claims.ID) {
		return nil, fmt.Errorf("%w: no session id", ErrInvalidToken)
	}
	return &Claims{UserID: claims.Subject, SessionID: claims.ID, ExpiresAt: claims.ExpiresAt.Time}, nil
}

// canonicalUUID reports whether s is a UUID in its usual 36-character
// form, the only one the database is asked about.
func canonicalUUID(s string) bool { return len(s) == 36 && uuid.Validate(s) == nil }
