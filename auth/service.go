package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
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

	// CacheTTL, when set, keeps resolved credentials for that long, so
	// that busy clients (event streams, the extension) do not cost a
	// database query per request. A revoked token or a changed role takes
	// effect within CacheTTL.
	CacheTTL time.Duration
	Now      func() time.Time

	dummyOnce sync.Once
	dummyPwd  string
	cache     sync.Map // bearer → cachedUser
	cached    atomic.Int64
}

type cachedUser struct {
	user    *stagecraft.User
	expires time.Time
}

// maxCachedCredentials bounds the cache; past it, it starts afresh.
const maxCachedCredentials = 10000

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
	if s.CacheTTL <= 0 {
		u, _, err := s.authenticate(ctx, bearer)
		return u, err
	}
	now := s.now()
	if v, ok := s.cache.Load(bearer); ok {
		if c := v.(cachedUser); now.Before(c.expires) {
			return c.user, nil
		}
	}
	u, exp, err := s.authenticate(ctx, bearer)
	if err != nil {
		return nil, err
	}
	if s.cached.Add(1) > maxCachedCredentials {
		s.cache.Clear()
		s.cached.Store(1)
	}
	expires := now.Add(s.CacheTTL)
	if !exp.IsZero() && exp.Before(expires) {
		expires = exp // never past the token's own expiry
	}
	s.cache.Store(bearer, cachedUser{user: u, expires: expires})
	return u, nil
}

// Forget drops every cached credential, so that a revocation or a role
// change made by this server takes effect at once.
func (s *Service) Forget() {
	s.cache.Clear()
	s.cached.Store(0)
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// authenticate resolves a credential and returns when it expires (zero
// for API tokens, which last until revoked).
func (s *Service) authenticate(ctx context.Context, bearer string) (*stagecraft.User, time.Time, error) {
	if IsAPIToken(bearer) {
		u, err := s.Users.FindUserByAPITokenHash(ctx, HashAPIToken(bearer))
		if stagecraft.ErrorCode(err) == stagecraft.ENOTFOUND {
			return nil, time.Time{}, errBadToken
		}
		return u, time.Time{}, err
	}
	userID, exp, err := s.Tokens.VerifyExpiry(bearer)
	if err != nil {
		return nil, time.Time{}, errBadToken
	}
	u, err := s.Users.FindUserByID(ctx, userID)
	if stagecraft.ErrorCode(err) == stagecraft.ENOTFOUND {
		return nil, time.Time{}, errBadToken // the user was deleted after the token was issued
	}
	return u, exp, err
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
