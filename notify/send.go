package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/internal/outbound"
)

// settingsURL is the web app's page of notification settings.
func (s *Service) settingsURL() string {
	if s.PublicURL == "" {
		return ""
	}
	return strings.TrimRight(s.PublicURL, "/") + "/settings/notifications"
}

// sendEmail sends an email delivery: one notification, or a digest.
func (s *Service) sendEmail(ctx context.Context, d *stagecraft.Delivery, ns []*stagecraft.Notification) error {
	if s.Mailer == nil {
		return permanent("Mail is off.", errors.New("mail is off: SMTP_URL is not set"))
	}
	if len(ns) == 0 {
		return permanent("Nothing to send.", errors.New("the notifications of this delivery are gone"))
	}
	var m stagecraft.MailMessage
	if digest, _ := d.Payload["digest"].(bool); digest {
		m = DigestMessage(d.Target, ns, s.settingsURL())
	} else {
		m = EmailMessage(d.Target, ns[0], s.settingsURL())
	}
	err := s.Mailer.Send(ctx, m)
	if err != nil && stagecraft.ErrorCode(err) == stagecraft.EINVALID {
		return permanent("The address cannot be mailed.", err)
	}
	return err
}

// sendSlack posts a Slack-format message {"text": ...} to the delivery's
// URL and returns the HTTP status. 2xx is success; 4xx (except 408 and
// 429, which ask to come back later) means the URL is wrong or revoked:
// the user's settings are marked failing with the reason and no retry
// follows. 5xx, timeouts and network errors are retried.
func (s *Service) sendSlack(ctx context.Context, d *stagecraft.Delivery, ns []*stagecraft.Notification) (int, error) {
	if len(ns) == 0 {
		return 0, permanent("Nothing to send.", errors.New("the notifications of this delivery are gone"))
	}
	texts := make([]string, 0, len(ns))
	for _, n := range ns {
		texts = append(texts, SlackText(n))
	}
	body, err := json.Marshal(map[string]string{"text": strings.Join(texts, "\n\n")})
	if err != nil {
		return 0, err
	}
	if _, err := s.guard().ParseURL(d.Target); err != nil {
		return 0, s.slackRefused(ctx, d, "the URL may not be called: "+reason(err), err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.Target, bytes.NewReader(body))
	if err != nil {
		return 0, s.slackRefused(ctx, d, "the URL is not valid", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Stagecraft")
	resp, err := s.client().Do(req)
	if err != nil {
		if errors.Is(err, outbound.ErrForbidden) {
			return 0, s.slackRefused(ctx, d, "the URL points at an address that may not be called", err)
		}
		return 0, stagecraft.Unavailable("slack", err)
	}
	defer resp.Body.Close() //nolint:errcheck // read-only body
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
	code := resp.StatusCode
	switch {
	case code >= 200 && code < 300:
		return code, nil
	case code >= 400 && code < 500 && code != http.StatusRequestTimeout && code != http.StatusTooManyRequests:
		why := fmt.Sprintf("HTTP %d", code)
		if t := strings.TrimSpace(string(snippet)); t != "" {
			why += ": " + oneLine(t)
		}
		return code, s.slackRefused(ctx, d, why, fmt.Errorf("slack answered %s", why))
	default:
		return code, stagecraft.Unavailable("slack", fmt.Errorf("slack answered HTTP %d", code))
	}
}

// slackRefused marks the user's Slack URL failing and returns the
// permanent error that stops retries.
func (s *Service) slackRefused(ctx context.Context, d *stagecraft.Delivery, why string, err error) error {
	if d.UserID != "" {
		if merr := s.Store.MarkSlackFailing(context.WithoutCancel(ctx), d.UserID, d.Target, why); merr != nil {
			return merr // retried: the failing state must be recorded
		}
	}
	return permanent("The Slack URL refused the message: "+why+".", err)
}
