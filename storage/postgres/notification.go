package postgres

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stagecraft/stagecraft"
)

// MaxNotificationPage is the most notifications one page holds.
const MaxNotificationPage = 100

// Notify records a notification for n.UserID in tx, the transaction of the
// event it tells of, and queues its deliveries in the same transaction as
// the user's settings ask: nothing when the type is turned off; an email
// now (instant) or in the daily digest (daily); a Slack-format message
// when a Slack URL is set and not failing. So a notification, and its
// deliveries, exist if and only if the event committed, and are sent even
// if the server restarts. Returns EINVALID for an unknown type or missing
// ids, ENOTFOUND when the user is not in the organisation. A disabled user
// gets nothing.
func (db *DB) Notify(ctx context.Context, tx pgx.Tx, n *stagecraft.NewNotification) error {
	if err := n.Validate(); err != nil {
		return err
	}
	if !isUUID(n.OrgID) || !isUUID(n.UserID) {
		return stagecraft.Errorf(stagecraft.ENOTFOUND, "User not found.")
	}
	var email string
	var disabled bool
	err := tx.QueryRow(ctx, `SELECT email, disabled_at IS NOT NULL FROM users WHERE id = $1 AND org_id = $2`,
		n.UserID, n.OrgID).Scan(&email, &disabled)
	if err != nil {
		return fmt.Errorf("notify %s: %w", n.UserID, mapErr(err))
	}
	if disabled {
		return nil
	}
	s, err := findNotificationSettings(ctx, tx, n.UserID)
	if err != nil {
		return err
	}
	if !s.Wants(n.Type) {
		return nil
	}
	data := n.Data
	if data == nil {
		data = map[string]any{}
	}
	var id string
	err = tx.QueryRow(ctx, `
		INSERT INTO notifications (org_id, user_id, type, title, body, url, data, digest_pending)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		RETURNING id`,
		n.OrgID, n.UserID, n.Type, n.Title, n.Body, n.URL, data, s.Email == stagecraft.EmailDaily).Scan(&id)
	if err != nil {
		return fmt.Errorf("notify %s: %w", n.UserID, mapErr(err))
	}
	if s.Email == stagecraft.EmailInstant {
		if err := db.queueDelivery(ctx, tx, &stagecraft.Delivery{OrgID: n.OrgID, UserID: n.UserID,
			Channel: stagecraft.ChannelEmail, Target: email, NotificationIDs: []string{id}}); err != nil {
			return err
		}
	}
	if s.SlackWebhookURL != "" && s.SlackFailedAt == nil {
		if err := db.queueDelivery(ctx, tx, &stagecraft.Delivery{OrgID: n.OrgID, UserID: n.UserID,
			Channel: stagecraft.ChannelSlack, Target: s.SlackWebhookURL, NotificationIDs: []string{id}}); err != nil {
			return err
		}
	}
	return nil
}

// CreateNotification is Notify in a transaction of its own, for producers
// with no transaction of their own to join.
func (db *DB) CreateNotification(ctx context.Context, n *stagecraft.NewNotification) error {
	return db.inTx(ctx, func(tx pgx.Tx) error { return db.Notify(ctx, tx, n) })
}

// FindNotifications returns a page of one user's notifications, newest
// first, with their unread count.
func (db *DB) FindNotifications(ctx context.Context, f stagecraft.NotificationFilter) (*stagecraft.NotificationPage, error) {
	page := &stagecraft.NotificationPage{Items: []*stagecraft.Notification{}}
	if !isUUID(f.UserID) {
		return page, nil
	}
	where := []string{"org_id = $1", "user_id = $2"}
	args := []any{f.OrgID, f.UserID}
	if f.Unread {
		where = append(where, "read_at IS NULL")
	}
	if f.Cursor != "" {
		at, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, err
		}
		args = append(args, at, id)
		where = append(where, fmt.Sprintf("(created_at, id) < ($%d, $%d)", len(args)-1, len(args)))
	}
	limit := f.Limit
	if limit <= 0 || limit > MaxNotificationPage {
		limit = MaxNotificationPage
	}
	args = append(args, limit+1)
	rows, err := db.Pool.Query(ctx, `
		SELECT id, org_id, user_id, type, title, body, url, data, created_at, read_at
		FROM notifications
		WHERE `+strings.Join(where, " AND ")+`
		ORDER BY created_at DESC, id DESC
		LIMIT $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("find notifications: %w", mapErr(err))
	}
	items, err := pgx.CollectRows(rows, scanNotification)
	if err != nil {
		return nil, fmt.Errorf("find notifications: %w", mapErr(err))
	}
	if len(items) > limit {
		items = items[:limit]
		last := items[limit-1]
		page.NextCursor = encodeCursor(last.CreatedAt, last.ID)
	}
	page.Items = items
	err = db.Pool.QueryRow(ctx, `SELECT count(*) FROM notifications WHERE user_id = $1 AND org_id = $2 AND read_at IS NULL`,
		f.UserID, f.OrgID).Scan(&page.Unread)
	if err != nil {
		return nil, fmt.Errorf("count unread notifications: %w", mapErr(err))
	}
	return page, nil
}

func scanNotification(r pgx.CollectableRow) (*stagecraft.Notification, error) {
	var n stagecraft.Notification
	err := r.Scan(&n.ID, &n.OrgID, &n.UserID, &n.Type, &n.Title, &n.Body, &n.URL, &n.Data, &n.CreatedAt, &n.ReadAt)
	return &n, err
}

// findNotificationsByID returns the notifications with these ids, oldest
// first.
func findNotificationsByID(ctx context.Context, q querier, ids []string) ([]*stagecraft.Notification, error) {
	rows, err := q.Query(ctx, `
		SELECT id, org_id, user_id, type, title, body, url, data, created_at, read_at
		FROM notifications WHERE id = ANY($1::uuid[])
		ORDER BY created_at, id`, ids)
	if err != nil {
		return nil, fmt.Errorf("find notifications: %w", mapErr(err))
	}
	items, err := pgx.CollectRows(rows, scanNotification)
	if err != nil {
		return nil, fmt.Errorf("find notifications: %w", mapErr(err))
	}
	return items, nil
}

// MarkNotificationsRead marks the user's notifications read: those with
// these ids, or all of them.
func (db *DB) MarkNotificationsRead(ctx context.Context, orgID, userID string, ids []string, all bool) error {
	if !isUUID(userID) {
		return nil
	}
	var err error
	if all {
		_, err = db.Pool.Exec(ctx, `UPDATE notifications SET read_at = $3
			WHERE user_id = $1 AND org_id = $2 AND read_at IS NULL`, userID, orgID, db.Now())
	} else {
		valid := make([]string, 0, len(ids))
		for _, id := range ids {
			if isUUID(id) {
				valid = append(valid, id)
			}
		}
		if len(valid) == 0 {
			return nil
		}
		_, err = db.Pool.Exec(ctx, `UPDATE notifications SET read_at = $4
			WHERE user_id = $1 AND org_id = $2 AND id = ANY($3::uuid[]) AND read_at IS NULL`,
			userID, orgID, valid, db.Now())
	}
	if err != nil {
		return fmt.Errorf("mark notifications read: %w", mapErr(err))
	}
	return nil
}

// encodeCursor makes an opaque cursor of a row's sort key.
func encodeCursor(at time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(at.UTC().Format(time.RFC3339Nano) + "|" + id))
}

func decodeCursor(c string) (time.Time, string, error) {
	bad := &stagecraft.Error{Code: stagecraft.EINVALID, Message: "cursor is not one this server gave.",
		Details: map[string]any{"field": "cursor"}}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return time.Time{}, "", bad
	}
	ts, id, ok := strings.Cut(string(b), "|")
	at, err := time.Parse(time.RFC3339Nano, ts)
	if !ok || err != nil || !isUUID(id) {
		return time.Time{}, "", bad
	}
	return at, id, nil
}
