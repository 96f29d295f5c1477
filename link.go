package stagecraft

import (
	"context"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// LinkTokenLen is the length of a share-link token: 32 random bytes in
// unpadded base64url.
const LinkTokenLen = 43

var linkTokenPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)

// ValidLinkToken reports whether s has the shape of a link token, so that
// malformed guesses are turned away without a database query.
func ValidLinkToken(s string) bool { return linkTokenPattern.MatchString(s) }

// Link is a tracked share link: a prospect who holds its URL may view the
// asset's current version, and every open is recorded against the deal.
type Link struct {
	ID             string
	OrgID          string
	Token          string
	AssetID        string
	DealID         *string
	SharerID       string
	RecipientEmail *string
	ExpiresAt      *time.Time
	RevokedAt      *time.Time
	CreatedAt      time.Time
	UpdatedAt      *time.Time

	// Protection: a visitor must give an email, or know the passcode
	// (kept only as a hash), before anything of the document is served.
	RequireEmail bool
	PasscodeHash string
	// PasscodeSetAt changes with the passcode; admissions granted before
	// it no longer hold.
	PasscodeSetAt *time.Time
	// AllowDownload offers the original file; without it the viewer shows
	// pages only.
	AllowDownload bool
	// Notify alerts the sharer when a visit starts.
	Notify bool

	// Opens counts human opens only: link_open events not flagged as bots.
	Opens        int
	LastOpenedAt *time.Time
	// SecondsViewed is the viewing time the viewer page reported, over
	// every session and page.
	SecondsViewed int
	// Visits counts visits by people outside the organisation.
	Visits int
}

// Protected reports whether a visitor must be admitted before seeing
// anything of the document.
func (l *Link) Protected() bool { return l.RequireEmail || l.PasscodeHash != "" }

// Gone reports whether the link may no longer be opened at time now,
// with a message for the viewer. It does not look at the asset.
func (l *Link) Gone(now time.Time) (bool, string) {
	switch {
	case l.RevokedAt != nil:
		return true, "This link is no longer available."
	case l.ExpiresAt != nil && !l.ExpiresAt.After(now):
		return true, "This link has expired."
	}
	return false, ""
}

// NewLink is the input to share an asset.
type NewLink struct {
	AssetID        string
	DealID         string
	RecipientEmail string
	ExpiresAt      *time.Time
	RequireEmail   bool
	Passcode       string // "" for none
	AllowDownload  *bool  // nil: true
	Notify         *bool  // nil: true
}

// Passcode limits: long enough to resist guessing at the rate limit, short
// enough to be typed.
const (
	MinPasscodeLen = 4
	MaxPasscodeLen = 128
)

// ValidatePasscode checks a passcode a sharer sets.
func ValidatePasscode(p string) error {
	if n := len([]rune(p)); n < MinPasscodeLen || n > MaxPasscodeLen || len(p) > 4*MaxPasscodeLen {
		return linkFieldError("passcode", "passcode must be %d to %d characters.", MinPasscodeLen, MaxPasscodeLen)
	}
	if !utf8.ValidString(p) || strings.ContainsRune(p, 0) {
		return linkFieldError("passcode", "passcode must be text without NUL characters.")
	}
	return nil
}

// LinkUpdate changes a link's protection and expiry. Nil fields stay as
// they are; Passcode "" removes the passcode; ClearExpiry removes the
// expiry.
type LinkUpdate struct {
	RequireEmail  *bool
	Passcode      *string
	AllowDownload *bool
	Notify        *bool
	ExpiresAt     *time.Time
	ClearExpiry   bool

	// PasscodeHash is set by the service from Passcode before storing.
	PasscodeHash *string
}

// Validate checks the fields at time now.
func (u *LinkUpdate) Validate(now time.Time) error {
	if u.Passcode != nil && *u.Passcode != "" {
		if err := ValidatePasscode(*u.Passcode); err != nil {
			return err
		}
	}
	if u.ExpiresAt != nil && !u.ExpiresAt.After(now) {
		return linkFieldError("expires_at", "expires_at must be in the future.")
	}
	return nil
}

// Validate normalizes the recipient's email and checks the fields at time
// now, naming the first one at fault.
func (n *NewLink) Validate(now time.Time) error {
	if n.AssetID == "" {
		return linkFieldError("asset_id", "asset_id is required.")
	}
	n.RecipientEmail = NormalizeEmail(n.RecipientEmail)
	if e := n.RecipientEmail; e != "" {
		if a, err := mail.ParseAddress(e); err != nil || a.Address != e || len(e) > 254 {
			return linkFieldError("recipient_email", "recipient_email %q is not a valid address.", e)
		}
	}
	if n.ExpiresAt != nil && !n.ExpiresAt.After(now) {
		return linkFieldError("expires_at", "expires_at must be in the future.")
	}
	if n.Passcode != "" {
		return ValidatePasscode(n.Passcode)
	}
	return nil
}

func linkFieldError(field, format string, args ...any) *Error {
	return Errorf(EINVALID, format, args...).WithDetails(map[string]any{"field": field})
}

// LinkFilter selects an organisation's links. Empty fields do not filter.
type LinkFilter struct {
	OrgID    string
	AssetID  string
	DealID   string
	SharerID string
	// Query keeps the links whose asset title, recipient email or deal
	// name contains every word of it, ignoring case.
	Query  string
	Limit  int
	Offset int
}

// Validate checks the filter's search text.
func (f *LinkFilter) Validate() error { return ValidateListQuery(f.Query) }

// SharedLink is a link found by its token, for the public viewer, with the
// names a viewer is shown.
type SharedLink struct {
	Link
	OrgName     string
	SharerName  string
	SharerEmail string
}

// LinkOpen is one opening of a link's viewer page.
type LinkOpen struct {
	Link      *Link
	VersionID string
	At        time.Time
	// Bot is set when a link scanner, unfurler or headless fetcher opened
	// the link: the open is kept but never counted.
	Bot  bool
	Meta map[string]any
}

// Beacon limits: a viewer reports at most MaxBeaconSeconds at a time.
const (
	MaxBeaconSeconds = 60
	MaxLinkPage      = 10000
)

var sessionIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{8,64}$`)

// LinkTime is time a viewer spent on one page of a shared document.
type LinkTime struct {
	LinkID    string
	OrgID     string
	SessionID string
	Page      int
	Seconds   int

	// Visitor is who reads; a session's first beacon joins (or starts)
	// the visitor's visit.
	Visitor Visitor
	// VersionID and PageCount are the version shown, for a visit that
	// starts with this beacon.
	VersionID string
	PageCount int
	// OnVisitStart, when set, is called inside the transaction that
	// starts a visit; the notification it returns (nil for none) is
	// committed with the visit.
	OnVisitStart func(*Visit) *NewNotification
}

// Validate checks the viewer-supplied fields.
func (t *LinkTime) Validate() error {
	if !sessionIDPattern.MatchString(t.SessionID) {
		return linkFieldError("session_id", "session_id must be 8 to 64 characters of A-Z, a-z, 0-9, _ and -.")
	}
	if t.Page < 1 || t.Page > MaxLinkPage {
		return linkFieldError("page", "page must be a whole number from 1 to %d.", MaxLinkPage)
	}
	if t.Seconds < 0 || t.Seconds > MaxBeaconSeconds {
		return linkFieldError("seconds", "seconds must be from 0 to %d.", MaxBeaconSeconds)
	}
	return nil
}

// LinkService stores share links and what their viewers do. Every method
// but FindLinkByToken is scoped by organisation.
type LinkService interface {
	// CreateLink inserts l, filling ID and CreatedAt, and records a share
	// event by the sharer on versionID in the same transaction, keeping
	// the deal's current stage. Returns ENOTFOUND when the deal is not of
	// l's organisation.
	CreateLink(ctx context.Context, l *Link, versionID string) error
	// FindLinks returns a page of links, newest first, with their human
	// opens, and the total matching. Returns EINVALID if f does not
	// validate.
	FindLinks(ctx context.Context, f LinkFilter) ([]*Link, int, error)
	// RevokeLink revokes a link of orgID; with sharerID set, only one that
	// user shared. Revoking twice keeps the first time. Returns ENOTFOUND
	// for an unknown link, another organisation's, or another sharer's.
	RevokeLink(ctx context.Context, orgID, id, sharerID string) error
	// FindLinkByToken returns the link holding token, revoked or expired
	// ones included, or ENOTFOUND.
	FindLinkByToken(ctx context.Context, token string) (*SharedLink, error)
	// RecordLinkOpen stores a link_open event of the link's asset,
	// attributed to its sharer and deal, with the deal's current stage.
	RecordLinkOpen(ctx context.Context, o *LinkOpen) error
	// AddLinkTime adds t.Seconds to the viewer's time on t.Page, as far
	// as the session has time left: over all its pages a session is
	// credited no more seconds than have passed since it began (its first
	// beacon's arrival less that beacon's seconds). A session's first
	// beacon joins the visitor's visit of the link when its last activity
	// is less than VisitGap ago, else starts a visit (Visit.New set).
	// Returns the visit, or ENOTFOUND when the link is not of t's
	// organisation.
	AddLinkTime(ctx context.Context, t *LinkTime) (*Visit, error)
	// FindLink returns a link of orgID with its counts, or ENOTFOUND.
	FindLink(ctx context.Context, orgID, id string) (*Link, error)
	// UpdateLink applies u (its passcode already hashed) to a link of
	// orgID, with sharerID set only to one that user shared, writing
	// link.updated to the audit log. Returns ENOTFOUND otherwise.
	UpdateLink(ctx context.Context, orgID, id, sharerID string, u *LinkUpdate) (*Link, error)
	// FindVisits returns visits newest first, a page at a time, and the
	// cursor of the next page ("" at the end).
	FindVisits(ctx context.Context, f VisitFilter) ([]*Visit, string, error)
}
