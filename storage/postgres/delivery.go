package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/stagecraft/stagecraft"
)

var _ stagecraft.DeliveryService = (*DB)(nil)

// MaxDeliveryPage is the most deliveries one page holds.
const MaxDeliveryPage = 100

// queueDelivery records d as pending and queues the job that sends it, in
// tx. It is the one way a message is sent: later producers (signed
// webhooks) call it with their channel and payload.
func (db *DB) queueDelivery(ctx context.Context, tx pgx.Tx, d *stagecraft.Delivery) error {
	ids := d.NotificationIDs
	if ids == nil {
		ids = []string{}
	}
	payload := d.Payload
	if payload == nil {
		payload = map[string]any{}
	}
	err := tx.QueryRow(ctx, `
		INSERT INTO deliveries (org_id, user_id, channel, target, notification_ids, payload, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5::uuid[], $6, $7, $7)
		RETURNING id, status, created_at`,
		d.OrgID, nullable(d.UserID), d.Channel, d.Target, ids, payload, db.Now()).Scan(&d.ID, &d.Status, &d.CreatedAt)
	if err != nil {
		return fmt.Errorf("queue %s delivery: %w", d.Channel, mapErr(err))
	}
	return db.enqueueDelivery(ctx, tx, d.ID)
}

// QueueDelivery records d and queues it in tx; the channel's sender picks
// it up. d.ID, d.Status and d.CreatedAt are set.
func (db *DB) QueueDelivery(ctx context.Context, tx pgx.Tx, d *stagecraft.Delivery) error {
	return db.queueDelivery(ctx, tx, d)
}

const deliveryColumns = `id, org_id, coalesce(user_id::text, ''), channel, target, notification_ids::text[], payload,
	status, attempt, error, created_at, updated_at, next_attempt_at, sent_at`

func scanDelivery(r pgx.CollectableRow) (*stagecraft.Delivery, error) {
	var d stagecraft.Delivery
	err := r.Scan(&d.ID, &d.OrgID, &d.UserID, &d.Channel, &d.Target, &d.NotificationIDs, &d.Payload,
		&d.Status, &d.Attempt, &d.Error, &d.CreatedAt, &d.UpdatedAt, &d.NextAttemptAt, &d.SentAt)
	return &d, err
}

// FindDeliveryByID returns a delivery with the notifications it tells of
// (oldest first). Returns ENOTFOUND when there is no such delivery.
func (db *DB) FindDeliveryByID(ctx context.Context, id string) (*stagecraft.Delivery, []*stagecraft.Notification, error) {
	if !isUUID(id) {
		return nil, nil, stagecraft.Errorf(stagecraft.ENOTFOUND, "Delivery not found.")
	}
	rows, err := db.Pool.Query(ctx, `SELECT `+deliveryColumns+` FROM deliveries WHERE id = $1`, id)
	if err != nil {
		return nil, nil, fmt.Errorf("find delivery %s: %w", id, mapErr(err))
	}
	d, err := pgx.CollectExactlyOneRow(rows, scanDelivery)
	if err != nil {
		return nil, nil, fmt.Errorf("find delivery %s: %w", id, mapErr(err))
	}
	ns, err := findNotificationsByID(ctx, db.Pool, d.NotificationIDs)
	if err != nil {
		return nil, nil, err
	}
	return d, ns, nil
}

// RecordDeliveryAttempt records an attempt and the delivery's new status:
// sent, retrying (failed, another attempt follows) or failed (for good).
func (db *DB) RecordDeliveryAttempt(ctx context.Context, a *stagecraft.DeliveryAttempt) error {
	status := stagecraft.DeliverySent
	switch {
	case !a.OK && a.Final:
		status = stagecraft.DeliveryFailed
	case !a.OK:
		status = stagecraft.DeliveryRetrying
	}
	if len(a.Error) > 1000 {
		a.Error = a.Error[:1000]
	}
	if a.At.IsZero() {
		a.At = db.Now()
	}
	var code *int
	if a.StatusCode != 0 {
		code = &a.StatusCode
	}
	return db.inTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `
			INSERT INTO delivery_attempts (delivery_id, attempt, at, ok, status_code, error)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (delivery_id, attempt) DO UPDATE SET at = excluded.at, ok = excluded.ok,
				status_code = excluded.status_code, error = excluded.error`,
			a.DeliveryID, a.Attempt, a.At, a.OK, code, a.Error)
		if err != nil {
			return fmt.Errorf("record delivery attempt: %w", err)
		}
		var next any
		if status == stagecraft.DeliveryRetrying && a.NextAttemptAt != nil {
			next = *a.NextAttemptAt
		}
		_, err = tx.Exec(ctx, `
			UPDATE deliveries SET status = $2, attempt = greatest(attempt, $3), error = $4, updated_at = $5,
				next_attempt_at = $6, sent_at = CASE WHEN $2 = 'sent' THEN $5 ELSE sent_at END
			WHERE id = $1`,
			a.DeliveryID, status, a.Attempt, a.Error, a.At, next)
		if err != nil {
			return fmt.Errorf("record delivery status: %w", err)
		}
		return nil
	})
}

// FindDeliveryAttempts returns a delivery's attempts in order.
func (db *DB) FindDeliveryAttempts(ctx context.Context, id string) ([]*stagecraft.DeliveryAttempt, error) {
	rows, err := db.Pool.Query(ctx, `
		SELECT delivery_id, attempt, at, ok, coalesce(status_code, 0), error
		FROM delivery_attempts WHERE delivery_id = $1 ORDER BY attempt`, id)
	if err != nil {
		return nil, fmt.Errorf("find delivery attempts: %w", mapErr(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*stagecraft.DeliveryAttempt, error) {
		var a stagecraft.DeliveryAttempt
		return &a, r.Scan(&a.DeliveryID, &a.Attempt, &a.At, &a.OK, &a.StatusCode, &a.Error)
	})
	if err != nil {
		return nil, fmt.Errorf("find delivery attempts: %w", mapErr(err))
	}
	return out, nil
}

// FindDeliveries lists an organisation's deliveries, newest first.
func (db *DB) FindDeliveries(ctx context.Context, f stagecraft.DeliveryFilter) ([]*stagecraft.Delivery, string, error) {
	where := []string{"org_id = $1"}
	args := []any{f.OrgID}
	add := func(clause string, arg any) {
		args = append(args, arg)
		where = append(where, fmt.Sprintf(clause, len(args)))
	}
	if f.Status != "" {
		switch f.Status {
		case stagecraft.DeliveryPending, stagecraft.DeliveryRetrying, stagecraft.DeliverySent, stagecraft.DeliveryFailed:
		default:
			return nil, "", stagecraft.Errorf(stagecraft.EINVALID, "status must be one of pending, retrying, sent, failed.").
				WithDetails(map[string]any{"field": "status"})
		}
		add("status = $%d", f.Status)
	}
	if f.Channel != "" {
		add("channel = $%d", f.Channel)
	}
	if f.Cursor != "" {
		at, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		args = append(args, at, id)
		where = append(where, fmt.Sprintf("(created_at, id) < ($%d, $%d)", len(args)-1, len(args)))
	}
	limit := f.Limit
	if limit <= 0 || limit > MaxDeliveryPage {
		limit = MaxDeliveryPage
	}
	args = append(args, limit+1)
	rows, err := db.Pool.Query(ctx, `SELECT `+deliveryColumns+` FROM deliveries
		WHERE `+strings.Join(where, " AND ")+`
		ORDER BY created_at DESC, id DESC
		LIMIT $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, "", fmt.Errorf("find deliveries: %w", mapErr(err))
	}
	out, err := pgx.CollectRows(rows, scanDelivery)
	if err != nil {
		return nil, "", fmt.Errorf("find deliveries: %w", mapErr(err))
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = encodeCursor(out[limit-1].CreatedAt, out[limit-1].ID)
	}
	return out, next, nil
}
