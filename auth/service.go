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

// Service signs users in and out, resolves bearer credentials to users,
// and changes and resets passwords.
type Service struct {
	Users stagecraft.UserService
	Audit stagecraft.AuditService
	// Sign-in failures are counted per email from one client, and per
	// client over every email: a stranger elsewhere can exhaust neither
	// for a user, so the right password from the user's own client still
	// signs in.
	EmailClient stagecraft.LoginThrottle
	Client      stagecraft.LoginThrottle
	Tokens      *JWT
	Log         *slog.Logger
	// Mailer sends password reset links; nil logs them at info level for
	// an admin to pass on.
	Mailer stagecraft.Mailer
	// PublicURL is the web app's address, for links in mail.
	PublicURL string
	// ResetTTL is how long a password reset link works (default 1 h).
	ResetTTL time.Duration

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

// Login checks email and password. Unknown emails, disabled users and
// wrong passwords get the same answer, after the same amount of work, so
// that accounts cannot be enumerated. Repeated failures are throttled per
// email and client, and per client (clientKey names the client: its
// address, or its /64 for IPv6).
func (s *Service) Login(ctx context.Context, email, password, clientKey string) (*Session, error) {
	email = stagecraft.NormalizeEmail(email)
	if email == "" || password == "" {
		return nil, stagecraft.Errorf(stagecraft.EINVALID, "email and password are required.")
	}
	if err := stagecraft.ValidateEmail(email); err != nil {
		return nil, err
	}
	if len(password) > stagecraft.MaxPasswordLength {
		return nil, errBadCredentials
	}
	pairKey, clientOnly := "login:"+email+" "+clientKey, "client:"+clientKey
	if err := s.EmailClient.Check(ctx, pairKey); err != nil {
		return nil, err
	}
	if err := s.Client.Check(ctx, clientOnly); err != nil {
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
		return nil, s.failed(ctx, cred, pairKey, clientOnly)
	}
	if err := s.EmailClient.Reset(ctx, pairKey); err != nil {
		return nil, fmt.Errorf("login: %w", err)
	}
	return s.startSession(ctx, cred.User)
}

// failed records a failed sign-in and returns the answer to give. When
// the failures lock an existing user's email for a client, the audit log
// says so: single mistakes are not worth an entry, repeated ones are.
func (s *Service) failed(ctx context.Context, cred *stagecraft.Credential, pairKey, clientKey string) error {
	pairLocked, err1 := s.EmailClient.Fail(ctx, pairKey)
	_, err2 := s.Client.Fail(ctx, clientKey)
	if err := errors.Join(err1, err2); err != nil {
		return fmt.Errorf("login: %w", err)
	}
	if pairLocked && cred != nil && s.Audit != nil {
		err := s.Audit.RecordAudit(ctx, &stagecraft.AuditEntry{OrgID: cred.User.OrgID,
			Action: stagecraft.AuditSignInFailed, TargetType: stagecraft.TargetUser, TargetID: cred.User.ID,
			Details: map[string]any{"email": cred.User.Email, "reason": "repeated wrong passwords; sign-in paused for this client"}})
		if err != nil {
			s.Log.WarnContext(ctx, "audit failed sign-ins", slog.Any("error", err))
		}
	}
	return errBadCredentials
}

func (s *Service) startSession(ctx context.Context, u *stagecraft.User) (*Session, error) {
	exp := s.Tokens.Expiry()
	sid, err := s.Users.CreateSession(ctx, u, exp)
	if err != nil {
		return nil, fmt.Errorf("login: %w", err)
	}
	token, err := s.Tokens.Issue(u.ID, sid, exp)
	if err != nil {
		return nil, err
	}
	return &Session{Token: token, ExpiresAt: exp, User: u}, nil
}

// Logout ends the session of a session token. API tokens are not
// sessions: they are revoked, not signed out.
func (s *Service) Logout(ctx context.Context, bearer string) error {
	bearer = strings.TrimSpace(bearer)
	if IsAPIToken(bearer) {
		return stagecraft.Errorf(stagecraft.EINVALID,
			"An API token has no session to end; revoke it with DELETE /api/v1/api-tokens/{id}.")
	}
	claims, err := s.Tokens.Verify(bearer)
	if err != nil {
		return errBadToken
	}
	if err := s.Users.RevokeSession(ctx, claims.SessionID); err != nil {
		return err
	}
	s.cache.Delete(bearer)
	return nil
}

// ChangePassword sets u's password after checking the current one, and
// ends u's other sessions (the one of bearer stays signed in). A wrong
// current password is an error naming current_password.
func (s *Service) ChangePassword(ctx context.Context, u *stagecraft.User, bearer, current, next string) error {
	if err := stagecraft.ValidatePassword("new_password", next); err != nil {
		return err
	}
	cred, err := s.Users.FindCredentialByID(ctx, u.ID)
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	if ok, _ := VerifyPassword(cred.PasswordHash, current); !ok || len(current) > stagecraft.MaxPasswordLength {
		return stagecraft.Errorf(stagecraft.EINVALID, "That is not your current password.").
			WithDetails(map[string]any{"field": "current_password"})
	}
	hash, err := HashPassword(next)
	if err != nil {
		return err
	}
	keep := ""
	if claims, err := s.Tokens.Verify(strings.TrimSpace(bearer)); err == nil {
		keep = claims.SessionID
	}
	if err := s.Users.ChangePassword(ctx, u.ID, hash, keep); err != nil {
		return err
	}
	s.Forget()
	return nil
}

// RequestPasswordReset sends a single-use reset link to email when it
// belongs to an enabled user. It says nothing about whether it does:
// the caller answers the same either way.
func (s *Service) RequestPasswordReset(ctx context.Context, email string) error {
	email = stagecraft.NormalizeEmail(email)
	if err := stagecraft.ValidateEmail(email); err != nil {
		return err
	}
	cred, err := s.Users.FindCredentialByEmail(ctx, email)
	if stagecraft.ErrorCode(err) == stagecraft.ENOTFOUND {
		return nil
	} else if err != nil {
		return fmt.Errorf("password reset: %w", err)
	}
	token, _, hash, err := newSecret(resetTokenPrefix)
	if err != nil {
		return fmt.Errorf("password reset: %w", err)
	}
	ttl := s.ResetTTL
	if ttl <= 0 {
		ttl = time.Hour
	}
	expires := s.now().Add(ttl)
	if err := s.Users.CreatePasswordReset(ctx, cred.User.ID, hash, expires); err != nil {
		return err
	}
	link := strings.TrimRight(s.PublicURL, "/") + "/reset-password?token=" + token
	if s.Mailer == nil {
		// Until mail is configured the admin passes the link on.
		s.Log.InfoContext(ctx, "password reset requested; mail is off, so pass this link to the user",
			slog.String("user_id", cred.User.ID), slog.String("email", cred.User.Email),
			slog.String("reset_link", link), slog.Time("expires_at", expires))
		return nil
	}
	return s.Mailer.Send(ctx, stagecraft.MailMessage{
		To:      cred.User.Email,
		Subject: "Reset your Stagecraft password",
		Text: "Someone (we hope you) asked to reset the password of " + cred.User.Email + " on Stagecraft.\n\n" +
			"Choose a new password here (the link works once, until " + expires.UTC().Format("15:04 MST on 2 January 2006") + "):\n" +
			link + "\n\nIf you did not ask for this, ignore this message: your password stays as it is.\n",
	})
}

// ResetPassword sets a new password with a reset token, ending every
// session of the user. A used, expired or unknown token is EINVALID.
func (s *Service) ResetPassword(ctx context.Context, token, next string) error {
	if err := stagecraft.ValidatePassword("new_password", next); err != nil {
		return err
	}
	token = strings.TrimSpace(token)
	if !strings.HasPrefix(token, resetTokenPrefix) || len(token) > 100 {
		return errBadResetToken
	}
	hash, err := HashPassword(next)
	if err != nil {
		return err
	}
	if _, err := s.Users.ResetPassword(ctx, HashAPIToken(token), hash); err != nil {
		return err
	}
	s.Forget()
	return nil
}

var errBadResetToken = &stagecraft.Error{Code: stagecraft.EINVALID,
	Message: "This password reset link is invalid, used or expired; ask for a new one.",
	Details: map[string]any{"field": "token"}}

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
		if c, ok := v.(cachedUser); ok && now.Before(c.expires) {
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
	claims, err := s.Tokens.Verify(bearer)
	if err != nil {
		return nil, time.Time{}, errBadToken
	}
	u, err := s.Users.FindUserBySession(ctx, claims.SessionID)
	if stagecraft.ErrorCode(err) == stagecraft.ENOTFOUND || (err == nil && u.ID != claims.UserID) {
		// Signed out, ended by a password change, the user disabled or
		// deleted: the token is spent.
		return nil, time.Time{}, errBadToken
	}
	return u, claims.ExpiresAt, err
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
