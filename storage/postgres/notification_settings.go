package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stagecraft/stagecraft"
)

// findNotificationSettings returns a user's settings, the defaults when
// they have no row.
func findNotificationSettings(ctx context.Context, q querier, userID string) (*stagecraft.NotificationSettings, error) {
	s := stagecraft.DefaultNotificationSettings(userID)
	var types map[string]bool
	var slackURL, slackErr *string
	err := q.QueryRow(ctx, `
		SELECT email, slack_webhook_url, types, slack_failed_at, slack_error
		FROM notification_settings WHERE user_id = $1`, userID).
		Scan(&s.Email, &slackURL, &types, &s.SlackFailedAt, &slackErr)
	if errors.Is(err, pgx.ErrNoRows) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find notification settings: %w", mapErr(err))
	}
	s.SlackWebhookURL, s.SlackError = deref(slackURL), deref(slackErr)
	for k, v := range types {
		s.Types[k] = v
	}
	return s, nil
}

// FindNotificationSettings returns a user's settings.
func (db *DB) FindNotificationSettings(ctx context.Context, orgID, userID string) (*stagecraft.NotificationSettings, error) {
	if err := db.checkUser(ctx, orgID, userID); err != nil {
		return nil, err
	}
	return findNotificationSettings(ctx, db.Pool, userID)
}

func (db *DB) checkUser(ctx context.Context, orgID, userID string) error {
	var ok bool
	if !isUUID(userID) || !isUUID(orgID) {
		return stagecraft.Errorf(stagecraft.ENOTFOUND, "User not found.")
	}
	err := db.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE id = $1 AND org_id = $2)`, userID, orgID).Scan(&ok)
	if err != nil {
		return mapErr(err)
	}
	if !ok {
		return stagecraft.Errorf(stagecraft.ENOTFOUND, "User not found.")
	}
	return nil
}

// UpdateNotificationSettings applies upd to the user's settings and returns
// them whole. It checks the fields but not the Slack URL's address: the
// notify service does that before calling.
func (db *DB) UpdateNotificationSettings(ctx context.Context, orgID, userID string, upd stagecraft.NotificationSettingsUpdate) (*stagecraft.NotificationSettings, error) {
	if err := upd.Validate(); err != nil {
		return nil, err
	}
	if err := db.checkUser(ctx, orgID, userID); err != nil {
		return nil, err
	}
	var out *stagecraft.NotificationSettings
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		// Lock the user's row so concurrent partial updates do not lose
		// each other's fields.
		if _, err := tx.Exec(ctx, `SELECT 1 FROM users WHERE id = $1 FOR UPDATE`, userID); err != nil {
			return err
		}
		cur, err := findNotificationSettings(ctx, tx, userID)
		if err != nil {
			return err
		}
		s := upd.Apply(*cur)
		_, err = tx.Exec(ctx, `
			INSERT INTO notification_settings (user_id, org_id, email, slack_webhook_url, types, slack_failed_at, slack_error, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (user_id) DO UPDATE SET email = excluded.email,
				slack_webhook_url = excluded.slack_webhook_url, types = excluded.types,
				slack_failed_at = excluded.slack_failed_at, slack_error = excluded.slack_error,
				updated_at = excluded.updated_at`,
			userID, orgID, s.Email, nullable(s.SlackWebhookURL), s.Types, s.SlackFailedAt, nullable(s.SlackError), db.Now())
		if err != nil {
			return fmt.Errorf("update notification settings: %w", err)
		}
		// Mail turned off: what waited for the digest is not mailed. (From
		// daily to instant, the waiting ones still go in a last digest.)
		if s.Email == stagecraft.EmailOff && cur.Email != stagecraft.EmailOff {
			if _, err := tx.Exec(ctx, `UPDATE notifications SET digest_pending = false WHERE user_id = $1 AND digest_pending`,
				userID); err != nil {
				return fmt.Errorf("drop pending digest: %w", err)
			}
		}
		out = &s
		return nil
	})
	return out, err
}

// MarkSlackFailing records that the user's Slack URL refused a message, so
// nothing more is sent there until they set a URL again. It does nothing
// when the URL was changed meanwhile.
func (db *DB) MarkSlackFailing(ctx context.Context, userID, url, reason string) error {
	if len(reason) > 500 {
		reason = reason[:500]
	}
	_, err := db.Pool.Exec(ctx, `
		UPDATE notification_settings SET slack_failed_at = $3, slack_error = $4, updated_at = $3
		WHERE user_id = $1 AND slack_webhook_url = $2`, userID, url, db.Now(), reason)
	if err != nil {
		return fmt.Errorf("mark slack failing: %w", mapErr(err))
	}
	return nil
}

// digestRecipient is a user with notifications waiting for a digest.
type digestRecipient struct {
	orgID, userID, email string
}

// QueueDigests queues one email delivery of the notifications waiting for
// a digest, for every user who has some (on the daily digest, or just
// moved from it to instant mail) and whose last digest was at least every
// ago (or who never had one); it returns how many it queued. Each user's
// digest is queued in its own transaction with the notifications it
// takes, so a crash loses none and sends none twice.
func (db *DB) QueueDigests(ctx context.Context, every time.Duration) (int, error) {
	now := db.Now()
	rows, err := db.Pool.Query(ctx, `
		SELECT DISTINCT n.org_id, n.user_id, u.email
		FROM notifications n
		JOIN users u ON u.id = n.user_id AND u.disabled_at IS NULL
		JOIN notification_settings s ON s.user_id = n.user_id
		WHERE n.digest_pending AND s.email <> 'off'
		  AND (s.digest_sent_at IS NULL OR s.digest_sent_at <= $1)`, now.Add(-every))
	if err != nil {
		return 0, fmt.Errorf("find digest recipients: %w", mapErr(err))
	}
	recipients, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (digestRecipient, error) {
		var d digestRecipient
		return d, r.Scan(&d.orgID, &d.userID, &d.email)
	})
	if err != nil {
		return 0, fmt.Errorf("find digest recipients: %w", mapErr(err))
	}
	n := 0
	for _, r := range recipients {
		err := db.inTx(ctx, func(tx pgx.Tx) error {
			var ids []string
			err := tx.QueryRow(ctx, `
				WITH taken AS (
					UPDATE notifications SET digest_pending = false
					WHERE user_id = $1 AND digest_pending
					RETURNING id, created_at
				)
				SELECT coalesce(array_agg(id::text ORDER BY created_at), '{}') FROM taken`, r.userID).Scan(&ids)
			if err != nil || len(ids) == 0 {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE notification_settings SET digest_sent_at = $2 WHERE user_id = $1`,
				r.userID, now); err != nil {
				return err
			}
			return db.queueDelivery(ctx, tx, &stagecraft.Delivery{OrgID: r.orgID, UserID: r.userID,
				Channel: stagecraft.ChannelEmail, Target: r.email, NotificationIDs: ids,
				Payload: map[string]any{"digest": true}})
		})
		if err != nil {
			return n, fmt.Errorf("queue digest for %s: %w", r.userID, err)
		}
		n++
	}
	return n, nil
}
