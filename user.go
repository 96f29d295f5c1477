package stagecraft

import (
	"context"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// User is a person who signs in to an organisation.
type User struct {
	ID        string
	OrgID     string
	Email     string
	Name      string
	Role      Role
	CreatedAt time.Time
	// Disabled users cannot sign in; their sessions and tokens are
	// refused.
	Disabled   bool
	LastSeenAt *time.Time
}

// NewUser is the input to create a user.
type NewUser struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     Role   `json:"role"`
	Password string `json:"password"`
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// Normalize trims the fields and lower-cases the email so that lookups are
// case-insensitive.
func (n *NewUser) Normalize() {
	n.Email = NormalizeEmail(n.Email)
	n.Name = strings.TrimSpace(n.Name)
}

// Validate checks the fields, naming the first one at fault.
func (n *NewUser) Validate() error {
	if err := ValidateEmail(n.Email); err != nil {
		return err
	}
	if !n.Role.Valid() {
		return errInvalidRole()
	}
	if err := ValidatePassword("password", n.Password); err != nil {
		return err
	}
	if len(n.Name) > MaxUserNameLength || !StorableText(n.Name) {
		return errNameTooLong()
	}
	return nil
}

// MaxEmailLength is the longest email address accepted (RFC 5321's
// limit on a path), in bytes.
const MaxEmailLength = 254

// ValidateEmail checks a normalised email address.
func ValidateEmail(email string) error {
	switch {
	case email == "":
		return fieldErrorf("email", "email is required.")
	case len(email) > MaxEmailLength:
		return fieldErrorf("email", "email must be at most %d characters.", MaxEmailLength)
	}
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email || !StorableText(email) {
		return fieldErrorf("email", "email %q is not a valid address.", email)
	}
	return nil
}

// MaxPasswordLength bounds passwords, so hashing cannot be made costly.
const MaxPasswordLength = 1024

// ValidatePassword checks a new password given in field.
func ValidatePassword(field, password string) error {
	switch {
	case len(password) < MinPasswordLength:
		return fieldErrorf(field, "%s must be at least %d characters.", field, MinPasswordLength)
	case len(password) > MaxPasswordLength:
		return fieldErrorf(field, "%s must be at most %d characters.", field, MaxPasswordLength)
	}
	return nil
}

// MaxUserNameLength is the longest user name accepted, in bytes.
const MaxUserNameLength = 200

func errInvalidRole() error {
	return Errorf(EINVALID, "role must be one of admin, marketer, rep.").
		WithDetails(map[string]any{"field": "role", "valid": []Role{RoleAdmin, RoleMarketer, RoleRep}})
}

func errNameTooLong() error {
	return Errorf(EINVALID, "name must be at most %d characters of text.", MaxUserNameLength).
		WithDetails(map[string]any{"field": "name"})
}

// UserUpdate is a partial update of a user: nil fields are left alone.
// Email and password are not among them: they are the user's own to
// change, not an admin's.
type UserUpdate struct {
	Name     *string `json:"name"`
	Role     *Role   `json:"role"`
	Disabled *bool   `json:"disabled"`
}

// Normalize trims the name.
func (u *UserUpdate) Normalize() {
	if u.Name != nil {
		n := strings.TrimSpace(*u.Name)
		u.Name = &n
	}
}

// Validate checks the fields that are set, naming the first one at fault.
func (u *UserUpdate) Validate() error {
	if u.Name != nil && (len(*u.Name) > MaxUserNameLength || !StorableText(*u.Name)) {
		return errNameTooLong()
	}
	if u.Role != nil && !u.Role.Valid() {
		return errInvalidRole()
	}
	return nil
}

// UserFilter selects an organisation's users. Zero values do not filter.
type UserFilter struct {
	OrgID string
	// Query keeps the users whose name or email contains every word of
	// it, ignoring case.
	Query    string
	Role     Role
	Disabled *bool
	// Email keeps the user with exactly this (normalised) address.
	Email string
	// Limit 0 means no limit: every matching user.
	Limit  int
	Offset int
}

// Validate checks the filter, naming the field at fault.
func (f *UserFilter) Validate() error {
	if f.Role != "" && !f.Role.Valid() {
		return errInvalidRole()
	}
	return ValidateListQuery(f.Query)
}

// MaxListQueryLength is the longest search text (?q=) of a list, in
// characters: enough for a name, an email or a few words of a title.
const MaxListQueryLength = 200

// ValidateListQuery checks the search text of a list, which storage
// matches as words within names, emails and titles: at most
// MaxListQueryLength characters of text PostgreSQL can store.
func ValidateListQuery(q string) error {
	if !StorableText(q) {
		return fieldErrorf("q", "q must be UTF-8 text without NUL characters.")
	}
	if utf8.RuneCountInString(q) > MaxListQueryLength {
		return fieldErrorf("q", "q must be at most %d characters.", MaxListQueryLength)
	}
	return nil
}

// NormalizeEmail trims and lower-cases an email address.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Credential is a user's stored password hash.
type Credential struct {
	User         *User
	PasswordHash string
}

// APIToken is a personal token for scripts and the browser extension. The
// secret is shown once at creation; only its hash is stored.
type APIToken struct {
	ID         string
	UserID     string
	Name       string
	Prefix     string
	CreatedAt  time.Time
	LastUsedAt *time.Time
	// OwnerEmail is filled by listings of a whole organisation's tokens.
	OwnerEmail string
}

// UserService stores organisations, users and their credentials.
type UserService interface {
	// CreateOrganisation creates an organisation with its default taxonomy
	// and first admin. Returns ECONFLICT if the email is taken.
	CreateOrganisation(ctx context.Context, name string, admin NewUser, passwordHash string) (*Organisation, *User, error)
	// CountOrganisations returns how many organisations exist.
	CountOrganisations(ctx context.Context) (int, error)
	// CreateUser adds a user to orgID. Returns ECONFLICT on a duplicate email.
	CreateUser(ctx context.Context, orgID string, n NewUser, passwordHash string) (*User, error)
	// FindUsers returns a page of the users f selects, by name (a user
	// without one by email), then email, and the number matching. Limit
	// 0 returns every match. Returns EINVALID if f does not validate.
	FindUsers(ctx context.Context, f UserFilter) ([]*User, int, error)
	// FindUserByID returns ENOTFOUND unless the user exists.
	FindUserByID(ctx context.Context, id string) (*User, error)
	// UpdateUser applies upd to the user id of orgID and returns the user.
	// Disabling a user also ends their sessions. Returns EINVALID if upd
	// does not validate, ENOTFOUND unless the user exists in orgID
	// (another organisation's user is not found), and ECONFLICT if the
	// change would leave orgID without an active admin.
	UpdateUser(ctx context.Context, orgID, id string, upd UserUpdate) (*User, error)
	// FindCredentialByEmail returns an enabled user and their password
	// hash, or ENOTFOUND.
	FindCredentialByEmail(ctx context.Context, email string) (*Credential, error)
	// FindCredentialByID is FindCredentialByEmail by user id.
	FindCredentialByID(ctx context.Context, id string) (*Credential, error)
	// ChangePassword stores a new password hash for the user and ends
	// every session of theirs but keepSession ("" ends them all).
	ChangePassword(ctx context.Context, userID, passwordHash, keepSession string) error

	// CreateSession records a sign-in that lasts until expires.
	CreateSession(ctx context.Context, u *User, expires time.Time) (string, error)
	// FindUserBySession returns the user of a live session (not revoked,
	// not expired, user enabled), or ENOTFOUND.
	FindUserBySession(ctx context.Context, sessionID string) (*User, error)
	// RevokeSession ends one session; ending one already ended is not an
	// error.
	RevokeSession(ctx context.Context, sessionID string) error

	// CreatePasswordReset stores a reset token's hash for the user.
	CreatePasswordReset(ctx context.Context, userID string, hash []byte, expires time.Time) error
	// ResetPassword uses a reset token once: it sets the password hash
	// and ends every session of the user. Returns EINVALID when the token
	// is unknown, used or expired.
	ResetPassword(ctx context.Context, hash []byte, passwordHash string) (*User, error)

	// CreateAPIToken stores a token's hash for the user.
	CreateAPIToken(ctx context.Context, u *User, name, prefix string, hash []byte) (*APIToken, error)
	// FindAPITokens lists the user's live tokens.
	FindAPITokens(ctx context.Context, userID string) ([]*APIToken, error)
	// RevokeAPIToken revokes one of the user's tokens, or returns ENOTFOUND.
	RevokeAPIToken(ctx context.Context, userID, id string) error
	// FindOrgAPITokens lists the live tokens of every user of orgID, with
	// their owners' emails.
	FindOrgAPITokens(ctx context.Context, orgID string) ([]*APIToken, error)
	// RevokeOrgAPIToken revokes any token of orgID, or returns ENOTFOUND.
	RevokeOrgAPIToken(ctx context.Context, orgID, id string) error
	// FindUserByAPITokenHash returns the enabled owner of a live token, or
	// ENOTFOUND.
	FindUserByAPITokenHash(ctx context.Context, hash []byte) (*User, error)
}

// LoginThrottle counts failed sign-ins so that password guessing is slowed.
type LoginThrottle interface {
	// Check returns ERATELIMITED (with RetryAfter) when key is locked out.
	Check(ctx context.Context, key string) error
	// Fail records a failure for key and reports whether this failure
	// locked it.
	Fail(ctx context.Context, key string) (bool, error)
	// Reset clears key after a successful sign-in.
	Reset(ctx context.Context, key string) error
}
