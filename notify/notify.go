// Package notify tells users what happened: it sends the deliveries that
// storage queues for notifications (email now or in a daily digest,
// Slack-format webhooks) and keeps each user's settings. It is the one
// outbound path: every channel's attempt is recorded in the same delivery
// log, retried with the same backoff, and every URL passes the same guard.
package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/internal/outbound"
)

// Store is what the service needs of the database.
type Store interface {
	FindNotifications(ctx context.Context, f stagecraft.NotificationFilter) (*stagecraft.NotificationPage, error)
	MarkNotificationsRead(ctx context.Context, orgID, userID string, ids []string, all bool) error
	FindNotificationSettings(ctx context.Context, orgID, userID string) (*stagecraft.NotificationSettings, error)
	UpdateNotificationSettings(ctx context.Context, orgID, userID string, upd stagecraft.NotificationSettingsUpdate) (*stagecraft.NotificationSettings, error)
	FindDeliveryByID(ctx context.Context, id string) (*stagecraft.Delivery, []*stagecraft.Notification, error)
	RecordDeliveryAttempt(ctx context.Context, a *stagecraft.DeliveryAttempt) error
	MarkSlackFailing(ctx context.Context, userID, url, reason string) error
	QueueDigests(ctx context.Context, every time.Duration) (int, error)
}

// Service sends deliveries and serves the bell and its settings.
type Service struct {
	Store  Store
	Mailer stagecraft.Mailer // nil: mail is off
	Guard  *outbound.Guard
	// HTTP sends Slack-format messages; nil means Guard.Client(HTTPTimeout).
	HTTP        *http.Client
	HTTPTimeout time.Duration
	// PublicURL is the web app's base, for links to the settings page.
	PublicURL string
	// DigestEvery is the least time between two digests to one user.
	DigestEvery time.Duration
	Backoff     func(attempt int) time.Duration
	Log         *slog.Logger
	Now         stagecraft.Clock

	httpOnce sync.Once
}

var _ stagecraft.NotificationService = (*Service)(nil)

// Backoff is the wait before the next attempt after attempt n (from 1)
// failed: 10 s, doubling, at most an hour. 32 attempts span about a day.
func Backoff(n int) time.Duration {
	if n < 1 {
		n = 1
	}
	if n > 10 {
		return time.Hour
	}
	return min(10*time.Second<<(n-1), time.Hour)
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.New(slog.DiscardHandler)
}

func (s *Service) client() *http.Client {
	s.httpOnce.Do(func() {
		if s.HTTP != nil {
			return
		}
		t := s.HTTPTimeout
		if t <= 0 {
			t = 10 * time.Second
		}
		s.HTTP = s.guard().Client(t)
	})
	return s.HTTP
}

func (s *Service) guard() *outbound.Guard {
	if s.Guard == nil {
		s.Guard = &outbound.Guard{}
	}
	return s.Guard
}

// FindNotifications returns a page of the user's notifications.
func (s *Service) FindNotifications(ctx context.Context, f stagecraft.NotificationFilter) (*stagecraft.NotificationPage, error) {
	return s.Store.FindNotifications(ctx, f)
}

// MarkNotificationsRead marks the user's notifications read.
func (s *Service) MarkNotificationsRead(ctx context.Context, orgID, userID string, ids []string, all bool) error {
	return s.Store.MarkNotificationsRead(ctx, orgID, userID, ids, all)
}

// FindNotificationSettings returns the user's settings.
func (s *Service) FindNotificationSettings(ctx context.Context, orgID, userID string) (*stagecraft.NotificationSettings, error) {
	return s.Store.FindNotificationSettings(ctx, orgID, userID)
}

// UpdateNotificationSettings checks the fields, and a Slack URL against
// the outgoing-URL guard (after DNS), then saves them. Returns EINVALID
// naming slack_webhook_url for a URL that may not be called.
func (s *Service) UpdateNotificationSettings(ctx context.Context, orgID, userID string, upd stagecraft.NotificationSettingsUpdate) (*stagecraft.NotificationSettings, error) {
	if err := upd.Validate(); err != nil {
		return nil, err
	}
	if upd.SlackWebhookURL != nil && *upd.SlackWebhookURL != "" {
		if err := s.guard().CheckURL(ctx, *upd.SlackWebhookURL); err != nil {
			return nil, &stagecraft.Error{Code: stagecraft.EINVALID,
				Message: "slack_webhook_url cannot be used: " + reason(err) + ".",
				Details: map[string]any{"field": "slack_webhook_url"}, Err: err}
		}
	}
	return s.Store.UpdateNotificationSettings(ctx, orgID, userID, upd)
}

// reason is err's message without the sentinel's suffix.
func reason(err error) string {
	msg := err.Error()
	suffix := ": " + outbound.ErrForbidden.Error()
	if len(msg) > len(suffix) && msg[len(msg)-len(suffix):] == suffix {
		return msg[:len(msg)-len(suffix)]
	}
	return msg
}

// SendDigests queues the daily digests that are due.
func (s *Service) SendDigests(ctx context.Context) error {
	every := s.DigestEvery
	if every <= 0 {
		every = 24 * time.Hour
	}
	n, err := s.Store.QueueDigests(ctx, every)
	if n > 0 {
		s.log().Info("queued daily digests", slog.Int("digests", n))
	}
	return err
}

// permanent marks a failure no retry can fix.
func permanent(msg string, err error) error {
	return &stagecraft.Error{Code: stagecraft.EUNPROCESSABLE, Message: msg, Err: err}
}

// Deliver makes attempt (from 1) at delivery id and records how it went.
// It returns nil when the message went out or was refused for good (then
// an error coded EUNPROCESSABLE, so the queue stops trying), and any other
// error when it should be tried again after Backoff; final says no
// attempt follows this one.
func (s *Service) Deliver(ctx context.Context, id string, attempt int, final bool) error {
	d, ns, err := s.Store.FindDeliveryByID(ctx, id)
	if stagecraft.ErrorCode(err) == stagecraft.ENOTFOUND {
		// Its user or organisation was deleted since: nothing to send.
		return nil
	}
	if err != nil {
		return err
	}
	if d.Status == stagecraft.DeliverySent || d.Status == stagecraft.DeliveryFailed {
		return nil // a job run again after a crash between send and completion
	}
	var code int
	switch d.Channel {
	case stagecraft.ChannelEmail:
		err = s.sendEmail(ctx, d, ns)
	case stagecraft.ChannelSlack:
		code, err = s.sendSlack(ctx, d, ns)
	default:
		err = permanent("Unknown channel.", fmt.Errorf("no sender for channel %q", d.Channel))
	}
	a := &stagecraft.DeliveryAttempt{DeliveryID: id, Attempt: attempt, At: s.now(), OK: err == nil, StatusCode: code}
	if err != nil {
		a.Error = errorText(err)
		a.Final = final || stagecraft.ErrorCode(err) == stagecraft.EUNPROCESSABLE
		if !a.Final {
			next := a.At.Add(s.backoff(attempt))
			a.NextAttemptAt = &next
		}
	}
	if rerr := s.Store.RecordDeliveryAttempt(context.WithoutCancel(ctx), a); rerr != nil {
		s.log().Warn("record delivery attempt", slog.String("delivery_id", id), slog.Any("error", rerr))
	}
	if err != nil {
		lvl := slog.LevelWarn
		if !a.Final {
			lvl = slog.LevelInfo
		}
		s.log().Log(ctx, lvl, "delivery failed", slog.String("delivery_id", id), slog.String("channel", d.Channel),
			slog.Int("attempt", attempt), slog.Bool("final", a.Final), slog.Any("error", err))
	}
	return err
}

func (s *Service) backoff(attempt int) time.Duration {
	if s.Backoff != nil {
		return s.Backoff(attempt)
	}
	return Backoff(attempt)
}

// errorText is what the delivery log shows of err: the cause's text,
// which admins need to fix a server or a URL.
func errorText(err error) string {
	var e *stagecraft.Error
	if errors.As(err, &e) && e.Err != nil {
		return e.Message + " " + e.Err.Error()
	}
	return err.Error()
}
