package stagecraft

import (
	"context"
	"time"
)

// Delivery channels: the ways a message leaves Stagecraft.
const (
	ChannelEmail   = "email"
	ChannelSlack   = "slack"
	ChannelWebhook = "webhook"
)

// Delivery statuses.
const (
	DeliveryPending  = "pending"  // queued, not tried yet
	DeliveryRetrying = "retrying" // an attempt failed; another is scheduled
	DeliverySent     = "sent"
	DeliveryFailed   = "failed" // refused for good, or out of attempts
)

// Delivery is one message to send through a channel, and how sending it
// went. A queue job carries its id; every attempt is recorded.
type Delivery struct {
	ID      string
	OrgID   string
	UserID  string // "" when the message is not for a user (webhooks)
	Channel string
	// Target is the email address or URL the message goes to.
	Target string
	// NotificationIDs are the notifications the message tells of: one, or
	// the many of a daily digest.
	NotificationIDs []string
	// Payload is what to send for deliveries not rendered from
	// notifications (webhooks).
	Payload       map[string]any
	Status        string
	Attempt       int
	Error         string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	NextAttemptAt *time.Time
	SentAt        *time.Time
}

// DeliveryFilter selects an organisation's deliveries, newest first.
type DeliveryFilter struct {
	OrgID   string
	Status  string // "" for any
	Channel string // "" for any
	Limit   int
	Cursor  string
}

// DeliveryService shows admins how deliveries went.
type DeliveryService interface {
	// FindDeliveries returns a page of deliveries and the next cursor.
	// Returns EINVALID for a malformed cursor or an unknown status.
	FindDeliveries(ctx context.Context, f DeliveryFilter) ([]*Delivery, string, error)
}

// DeliveryAttempt is the outcome of one attempt at a delivery.
type DeliveryAttempt struct {
	DeliveryID string
	Attempt    int
	At         time.Time
	OK         bool
	// StatusCode is the HTTP status of a webhook's answer, 0 otherwise.
	StatusCode int
	Error      string
	// Final is true when no attempt follows a failed one.
	Final bool
	// NextAttemptAt is when the next attempt is due after a failure.
	NextAttemptAt *time.Time
}
