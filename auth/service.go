package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/stagecraft/stagecraft"
)

// Service signs users in and resolves bearer credentials to users.
type Service struct {
	Users  stagecraft.UserService
	Email  stagecraft.LoginThrottle // failures per email address
	Client stagecraft.LoginThrottle // failures per client address
	Tokens *JWT
	Log    *slog.Logger

	dummyOnce sync.Once
	dummyPwd  string
}

// Session is the result of a successful sign-in.
type Session struct {
	Token     string
	ExpiresAt time.Time
	User      *stagecraft.User
}

var errBadCredentials = stagecraft.Errorf(stagecraft.EUNAUTHORIZED, "Email or password is incorrect.")

// Login checks email and password. Unknown emails and wrong passwords get
// the same answer, after the same amount of work, so that accounts cannot
// be enumerated. Repeated failures per email or per client are throttled.
func (s *Service) Login(ctx context.Context, email, password, clientIP string) (*Session, error) {
	email = stagecraft.NormalizeEmail(email)
	if email == "" || password == "" {
		return nil, stagecraft.Errorf(stagecraft.EINVALID, "email and password are required.")
	}
	emailKey, clientKey := "email:"+email, "ip:"+clientIP
	if err := s.Email.Check(ctx, emailKey); err != nil {
		return nil, err
	}
	if err := s.Client.Check(ctx, clientKey); err != nil {
		return nil, err
	}
	cred, err := s.Users.FindCredentialByEmail(ctx, email)
	if err != nil && stagecraft.ErrorCode(err) != stagecraft.ENOTFOUND {
		return nil, fmt.Errorf("login: %w", err)
	}
	hash := s.dummyHash()
	if cred != nil {
		hash = cred.PasswordHash
	}
	ok, verr := VerifyPassword(hash, password)
	if verr != nil && cred != nil {
		s.Log.ErrorContext(ctx, "stored password hash is malformed", slog.String("user_id", cred.User.ID))
	}
	if cred == nil || !ok {
		if err := errors.Join(s.Email.Fail(ctx, emailKey), s.Client.Fail(ctx, clientKey)); err != nil {
			return nil, fmt.Errorf("login: %w", err)
		}
		return nil, errBadCredentials
	}
	if err := s.Email.Reset(ctx, emailKey); err != nil {
		return nil, fmt.Errorf("login: %w", err)
	}
	token, exp, err := s.Tokens.Issue(cred.User.ID)
	if err != nil {
		return nil, err
	}
	return &Session{Token: token, ExpiresAt: exp, User: cred.User}, nil
}

// dummyHash is verified against when the email is unknown, so that the
// response takes as long as for a known email.
func (s *Service) dummyHash() string {
	s.dummyOnce.Do(func() { s.dummyPwd, _ = HashPassword("not a real password, only spends time") })
	return s.dummyPwd
}

var errBadToken = stagecraft.Errorf(stagecraft.EUNAUTHORIZED, "The access token is missing, invalid or expired.")

// Authenticate resolves a bearer credential (a JWT or an API token) to
// its user.
func (s *Service) Authenticate(ctx context.Context, bearer string) (*stagecraft.User, error) {
	bearer = strings.TrimSpace(bearer)
	if bearer == "" {
		return nil, errBadToken
	}
	if IsAPIToken(bearer) {
		u, err := s.Users.FindUserByAPITokenHash(ctx, HashAPIToken(bearer))
		if stagecraft.ErrorCode(err) == stagecraft.ENOTFOUND {
			return nil, errBadToken
		}
		return u, err
	}
	userID, err := s.Tokens.Verify(bearer)
	if err != nil {
		return nil, errBadToken
	}
	u, err := s.Users.FindUserByID(ctx, userID)
	if stagecraft.ErrorCode(err) == stagecraft.ENOTFOUND {
		return nil, errBadToken // the user was deleted after the token was issued
	}
	return u, err
}

// CreateAPIToken makes a personal token for u and returns it with its
// secret, which is never shown again.
func (s *Service) CreateAPIToken(ctx context.Context, u *stagecraft.User, name string) (*stagecraft.APIToken, string, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 {
		return nil, "", stagecraft.Errorf(stagecraft.EINVALID, "name is required (at most 100 characters).")
	}
	token, prefix, hash, err := NewAPIToken()
	if err != nil {
		return nil, "", fmt.Errorf("create api token: %w", err)
	}
	t, err := s.Users.CreateAPIToken(ctx, u, name, prefix, hash)
	if err != nil {
		return nil, "", err
	}
	return t, token, nil
}
