package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/stagecraft/stagecraft"
)

var _ stagecraft.LinkService = (*DB)(nil)

// CreateLink inserts a share link and its share event in one transaction.
func (db *DB) CreateLink(ctx context.Context, l *stagecraft.Link, versionID string) error {
	l.ID, l.CreatedAt = uuid.NewString(), db.Now().UTC()
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		var stage *string
		if l.DealID != nil {
			if !isUUID(*l.DealID) {
				return stagecraft.Errorf(stagecraft.ENOTFOUND, "Deal not found.")
			}
			err := tx.QueryRow(ctx, `SELECT stage FROM deals WHERE id = $1 AND org_id = $2`, *l.DealID, l.OrgID).Scan(&stage)
			if err != nil {
				return notFound(err, "Deal not found.")
			}
		}
		// Selecting the asset within the org keeps a link from ever
		// pointing across organisations, whatever the caller checked.
		tag, err := tx.Exec(ctx, `
			INSERT INTO share_links (id, org_id, asset_id, deal_id, sharer_id, recipient_email, token, expires_at, created_at)
			SELECT $1, a.org_id, a.id, $4::uuid, $5::uuid, $6::text, $7::text, $8::timestamptz, $9::timestamptz FROM assets a WHERE a.id = $2 AND a.org_id = $3`,
			l.ID, l.AssetID, l.OrgID, l.DealID, nullable(l.SharerID), l.RecipientEmail, l.Token, l.ExpiresAt, l.CreatedAt)
		if err != nil {
			return fmt.Errorf("insert share link: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return stagecraft.Errorf(stagecraft.ENOTFOUND, "Asset not found.")
		}
		_, err = tx.Exec(ctx, `
			INSERT INTO usage_events (id, org_id, type, asset_id, version_id, deal_id, user_id,
			                          stage_at_event, occurred_at, recorded_at, meta, link_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, '{}', $10)`,
			uuid.NewString(), l.OrgID, stagecraft.EventShare, l.AssetID, nullable(versionID), l.DealID,
			nullable(l.SharerID), stage, l.CreatedAt, l.ID)
		if err != nil {
			return fmt.Errorf("insert share event: %w", err)
		}
		return audit(ctx, tx, l.OrgID, stagecraft.AuditLinkCreated, stagecraft.TargetLink, l.ID,
			map[string]any{"asset_id": l.AssetID, "deal_id": l.DealID, "recipient_email": l.RecipientEmail})
	})
	if err != nil {
		return fmt.Errorf("create link: %w", err)
	}
	return nil
}

// linkSelect reads links with their human opens (bot opens are kept for
// the record but never counted) and the viewing time reported for them.
const linkSelect = `
	SELECT count(*) OVER (), l.id, l.org_id, l.token, l.asset_id, l.deal_id, coalesce(l.sharer_id::text, ''),
	       l.recipient_email, l.expires_at, l.revoked_at, l.created_at,
	       o.opens, o.last_opened_at, coalesce(t.seconds, 0)
	FROM share_links l
	CROSS JOIN LATERAL (
		SELECT count(*) AS opens, max(e.occurred_at) AS last_opened_at
		FROM usage_events e
		WHERE e.link_id = l.id AND e.org_id = l.org_id AND e.type = 'link_open' AND NOT e.bot
	) o
	LEFT JOIN LATERAL (
		SELECT sum(p.seconds) AS seconds FROM link_page_time p WHERE p.link_id = l.id AND p.org_id = l.org_id
	) t ON true`

// FindLinks returns a page of an organisation's links, newest first.
func (db *DB) FindLinks(ctx context.Context, f stagecraft.LinkFilter) ([]*stagecraft.Link, int, error) {
	where, args := []string{"l.org_id = $1"}, []any{f.OrgID}
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	for _, c := range []struct{ col, val string }{
		{"l.asset_id", f.AssetID}, {"l.deal_id", f.DealID}, {"l.sharer_id", f.SharerID},
	} {
		if c.val == "" {
			continue
		}
		if !isUUID(c.val) {
			return []*stagecraft.Link{}, 0, nil // no link has a malformed id
		}
		where = append(where, c.col+" = "+arg(c.val))
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 20
	}
	cond := strings.Join(where, " AND ")
	rows, err := db.Pool.Query(ctx, linkSelect+" WHERE "+cond+
		" ORDER BY l.created_at DESC, l.id LIMIT "+arg(limit)+" OFFSET "+arg(f.Offset), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find links: %w", mapErr(err))
	}
	total := 0
	links, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*stagecraft.Link, error) {
		var l stagecraft.Link
		err := r.Scan(&total, &l.ID, &l.OrgID, &l.Token, &l.AssetID, &l.DealID, &l.SharerID,
			&l.RecipientEmail, &l.ExpiresAt, &l.RevokedAt, &l.CreatedAt,
			&l.Opens, &l.LastOpenedAt, &l.SecondsViewed)
		return &l, err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("find links: %w", mapErr(err))
	}
	if len(links) == 0 && f.Offset > 0 {
		// Past the end the window count is unknown; count separately.
		if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM share_links l WHERE `+cond,
			args[:len(args)-2]...).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("count links: %w", mapErr(err))
		}
	}
	return links, total, nil
}

// RevokeLink stamps a link revoked, keeping the first revocation time.
func (db *DB) RevokeLink(ctx context.Context, orgID, id, sharerID string) error {
	if !isUUID(id) {
		return stagecraft.Errorf(stagecraft.ENOTFOUND, "Link not found.")
	}
	return db.inTx(ctx, func(tx pgx.Tx) error {
		var first bool
		err := tx.QueryRow(ctx, `
			UPDATE share_links SET revoked_at = coalesce(revoked_at, $3)
			WHERE id = $1 AND org_id = $2 AND ($4::uuid IS NULL OR sharer_id = $4)
			RETURNING revoked_at = $3`,
			id, orgID, db.Now().UTC(), nullable(sharerID)).Scan(&first)
		if err != nil {
			return notFound(fmt.Errorf("revoke link: %w", err), "Link not found.")
		}
		if !first {
			return nil // revoked before: nothing changed
		}
		return audit(ctx, tx, orgID, stagecraft.AuditLinkRevoked, stagecraft.TargetLink, id, nil)
	})
}

// FindLinkByToken returns the link holding token, for the public viewer.
// Opens are not counted here: the viewer does not show them.
func (db *DB) FindLinkByToken(ctx context.Context, token string) (*stagecraft.SharedLink, error) {
	if !stagecraft.ValidLinkToken(token) {
		return nil, stagecraft.Errorf(stagecraft.ENOTFOUND, "Link not found.")
	}
	var s stagecraft.SharedLink
	err := db.Pool.QueryRow(ctx, `
		SELECT l.id, l.org_id, l.token, l.asset_id, l.deal_id, coalesce(l.sharer_id::text, ''),
		       l.recipient_email, l.expires_at, l.revoked_at, l.created_at, o.name, coalesce(u.name, '')
		FROM share_links l
		JOIN organisations o ON o.id = l.org_id
		LEFT JOIN users u ON u.id = l.sharer_id AND u.org_id = l.org_id
		WHERE l.token = $1`, token).
		Scan(&s.ID, &s.OrgID, &s.Token, &s.AssetID, &s.DealID, &s.SharerID,
			&s.RecipientEmail, &s.ExpiresAt, &s.RevokedAt, &s.CreatedAt, &s.OrgName, &s.SharerName)
	if err != nil {
		return nil, notFound(err, "Link not found.")
	}
	return &s, nil
}

// RecordLinkOpen stores a link_open event. The deal and its stage are
// read in the same statement, so the stage is the one at this moment and
// a deal deleted since the link was made is simply left out.
func (db *DB) RecordLinkOpen(ctx context.Context, o *stagecraft.LinkOpen) error {
	meta, err := json.Marshal(o.Meta)
	if err != nil || o.Meta == nil {
		meta = []byte("{}")
	}
	at := o.At
	if at.IsZero() {
		at = db.Now()
	}
	tag, err := db.Pool.Exec(ctx, `
		INSERT INTO usage_events (id, org_id, type, asset_id, version_id, deal_id, user_id,
		                          stage_at_event, occurred_at, recorded_at, meta, link_id, bot)
		SELECT $1::uuid, l.org_id, $4::text, l.asset_id, $5::uuid, d.id, l.sharer_id, d.stage, $6::timestamptz, $7::timestamptz, $8::jsonb, l.id, $9::boolean
		FROM share_links l LEFT JOIN deals d ON d.id = l.deal_id AND d.org_id = l.org_id
		WHERE l.id = $2 AND l.org_id = $3`,
		uuid.NewString(), o.Link.ID, o.Link.OrgID, stagecraft.EventLinkOpen, nullable(o.VersionID),
		at.UTC(), db.Now().UTC(), meta, o.Bot)
	if err != nil {
		return fmt.Errorf("record link open: %w", mapErr(err))
	}
	if tag.RowsAffected() == 0 {
		return stagecraft.Errorf(stagecraft.ENOTFOUND, "Link not found.")
	}
	return nil
}

// AddLinkTime credits a beacon's seconds to its session's row for the
// page, as far as the session has time left: a session began when its
// first beacon arrived less the seconds that beacon reported, and over all
// its pages it is credited at most the whole seconds since. The session's
// row stays locked from the upsert to the commit, so concurrent beacons of
// one session are credited one after the other. Page sums saturate rather
// than overflow the integer column.
func (db *DB) AddLinkTime(ctx context.Context, t *stagecraft.LinkTime) error {
	// Microseconds, as PostgreSQL keeps them, so that now − started_at is
	// exactly the first beacon's seconds.
	now := db.Now().UTC().Truncate(time.Microsecond)
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		var started time.Time
		var credited int
		err := tx.QueryRow(ctx, `
			INSERT INTO viewer_sessions (link_id, session_id, org_id, started_at, updated_at)
			SELECT l.id, $3, l.org_id, $4::timestamptz - make_interval(secs => $5), $4
			FROM share_links l WHERE l.id = $1 AND l.org_id = $2
			ON CONFLICT (link_id, session_id) DO UPDATE SET updated_at = greatest(viewer_sessions.updated_at, excluded.updated_at)
			RETURNING started_at, credited`,
			t.LinkID, t.OrgID, t.SessionID, now, t.Seconds).Scan(&started, &credited)
		if err != nil {
			return notFound(err, "Link not found.")
		}
		grant := min(t.Seconds, max(0, int(now.Sub(started)/time.Second)-credited))
		if _, err := tx.Exec(ctx, `UPDATE viewer_sessions SET credited = credited + $3
			WHERE link_id = $1 AND session_id = $2`, t.LinkID, t.SessionID, grant); err != nil {
			return fmt.Errorf("credit session: %w", err)
		}
		_, err = tx.Exec(ctx, `
			INSERT INTO link_page_time (link_id, org_id, session_id, page, seconds, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (link_id, session_id, page) DO UPDATE
			SET seconds = least(link_page_time.seconds::bigint + excluded.seconds, 2147483647)::int,
			    updated_at = excluded.updated_at`,
			t.LinkID, t.OrgID, t.SessionID, t.Page, grant, now)
		if err != nil {
			return fmt.Errorf("add page time: %w", err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("add link time: %w", err)
	}
	return nil
}
