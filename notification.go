package stagecraft

import (
	"context"
	"time"
)

// Notification types: what a user can be told about.
const (
	NotifyLinkOpened       = "link.opened"
	NotifyRoomOpened       = "room.opened"
	NotifyRequestUpdated   = "request.updated"
	NotifyRequestDelivered = "request.delivered"
	NotifyAssetReviewDue   = "asset.review_due"
	NotifyAssetPublished   = "asset.published"
)

// NotificationTypes lists every type, for settings and validation.
var NotificationTypes = []string{
	NotifyLinkOpened, NotifyRoomOpened, NotifyRequestUpdated,
	NotifyRequestDelivered, NotifyAssetReviewDue, NotifyAssetPublished,
}

// Limits on the text of a notification; longer text is cut, not refused,
// since producers build it from names users chose.
const (
	MaxNotificationTitle = 300
	MaxNotificationBody  = 2000
	MaxNotificationURL   = 2000
)

// NewNotification is what a producer (a visit, a room, a request) asks to
// tell one user. Title says what happened in a line ("jane@acme.com opened
// “Pricing 2026”"); Body adds the details; URL is the absolute URL of the
// web app page to open; Data holds the ids the type is about (link_id,
// visit_id, room_id, request_id, asset_id, deal_id, visitor_email).
type NewNotification struct {
	OrgID  string
	UserID string
	Type   string
	Title  string
	Body   string
	URL    string
	Data   map[string]any
}

// Validate checks what a producer must always give.
func (n *NewNotification) Validate() error {
	switch {
	case n.OrgID == "" || n.UserID == "":
		return Errorf(EINVALID, "A notification needs an organisation and a user.")
	case !isNotificationType(n.Type):
		return Errorf(EINVALID, "Unknown notification type %q.", n.Type)
	case n.Title == "":
		return Errorf(EINVALID, "A notification needs a title.")
	}
	n.Title = truncate(n.Title, MaxNotificationTitle)
	n.Body = truncate(n.Body, MaxNotificationBody)
	n.URL = truncate(n.URL, MaxNotificationURL)
	return nil
}

func isNotificationType(t string) bool {
	for _, v := range NotificationTypes {
		if v == t {
			return true
		}
	}
	return false
}

// truncate cuts s to at most n runes.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// Notification is one entry of a user's bell.
type Notification struct {
	ID        string
	OrgID     string
	UserID    string
	Type      string
	Title     string
	Body      string
	URL       string
	Data      map[string]any
	CreatedAt time.Time
	ReadAt    *time.Time
}

// NotificationFilter selects one user's notifications, newest first.
type NotificationFilter struct {
	OrgID  string
	UserID string
	Unread bool
	Limit  int
	// Cursor continues a listing where the previous page ended.
	Cursor string
}

// NotificationPage is one page of a listing with the user's unread count.
type NotificationPage struct {
	Items      []*Notification
	Unread     int
	NextCursor string
}

// Email delivery choices.
const (
	EmailInstant = "instant"
	EmailDaily   = "daily"
	EmailOff     = "off"
)

// NotificationSettings is how one user hears of their notifications.
type NotificationSettings struct {
	UserID          string
	Email           string // EmailInstant, EmailDaily or EmailOff
	SlackWebhookURL string // "" for none
	// Types says, for every type, whether it notifies at all.
	Types map[string]bool
	// SlackFailedAt is set when the Slack URL refused a message (4xx);
	// nothing more is sent there until the user sets a URL again.
	SlackFailedAt *time.Time
	SlackError    string
}

// DefaultNotificationSettings are a user's settings until they change them:
// instant email, no Slack, every type on.
func DefaultNotificationSettings(userID string) *NotificationSettings {
	s := &NotificationSettings{UserID: userID, Email: EmailInstant, Types: map[string]bool{}}
	for _, t := range NotificationTypes {
		s.Types[t] = true
	}
	return s
}

// Wants reports whether the user wants notifications of type t at all.
func (s *NotificationSettings) Wants(t string) bool {
	on, ok := s.Types[t]
	return !ok || on
}

// MaxWebhookURLLength bounds outgoing URLs users give.
const MaxWebhookURLLength = 2000

// NotificationSettingsUpdate changes the fields that are set. A
// SlackWebhookURL pointing at "" removes the URL; setting one (even the
// same) clears a failing state.
type NotificationSettingsUpdate struct {
	Email           *string
	SlackWebhookURL *string
	Types           map[string]bool
}

// Validate checks the fields that are set, naming the first one at fault.
// The Slack URL's address is checked by the service that sends to it.
func (u *NotificationSettingsUpdate) Validate() error {
	if u.Email != nil {
		switch *u.Email {
		case EmailInstant, EmailDaily, EmailOff:
		default:
			return fieldErrorf("email", "email must be one of instant, daily, off.")
		}
	}
	if u.SlackWebhookURL != nil && len(*u.SlackWebhookURL) > MaxWebhookURLLength {
		return fieldErrorf("slack_webhook_url", "slack_webhook_url must be at most %d characters.", MaxWebhookURLLength)
	}
	for t := range u.Types {
		if !isNotificationType(t) {
			return Errorf(EINVALID, "types: unknown notification type %q.", truncate(t, 100)).
				WithDetails(map[string]any{"field": "types", "valid": NotificationTypes})
		}
	}
	return nil
}

// Apply returns s with u's changes.
func (u *NotificationSettingsUpdate) Apply(s NotificationSettings) NotificationSettings {
	if u.Email != nil {
		s.Email = *u.Email
	}
	if u.SlackWebhookURL != nil {
		s.SlackWebhookURL = *u.SlackWebhookURL
		s.SlackFailedAt, s.SlackError = nil, ""
	}
	if len(u.Types) > 0 {
		types := make(map[string]bool, len(s.Types))
		for k, v := range s.Types {
			types[k] = v
		}
		for k, v := range u.Types {
			types[k] = v
		}
		s.Types = types
	}
	return s
}

// NotificationService is the bell and its settings, for the signed-in user.
type NotificationService interface {
	// FindNotifications returns a page of the user's notifications.
	// Returns EINVALID for a malformed cursor.
	FindNotifications(ctx context.Context, f NotificationFilter) (*NotificationPage, error)
	// MarkNotificationsRead marks the user's notifications with these ids
	// (or all of them when all is true) read. Ids of others' are ignored.
	MarkNotificationsRead(ctx context.Context, orgID, userID string, ids []string, all bool) error
	// FindNotificationSettings returns the user's settings (defaults when
	// they never changed them).
	FindNotificationSettings(ctx context.Context, orgID, userID string) (*NotificationSettings, error)
	// UpdateNotificationSettings changes the fields set in upd and returns
	// the whole settings. Returns EINVALID naming the field at fault,
	// slack_webhook_url for a URL that may not be called.
	UpdateNotificationSettings(ctx context.Context, orgID, userID string, upd NotificationSettingsUpdate) (*NotificationSettings, error)
}
