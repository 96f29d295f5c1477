package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

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
			INSERT INTO share_links (id, org_id, asset_id, deal_id, sharer_id, recipient_email, token, expires_at, created_at,
			                         require_email, passcode_hash, passcode_set_at, allow_download, notify)
			SELECT $1, a.org_id, a.id, $4::uuid, $5::uuid, $6::text, $7::text, $8::timestamptz, $9::timestamptz,
			       $10, $11::text, CASE WHEN $11::text IS NULL THEN NULL ELSE $9::timestamptz END, $12, $13
			FROM assets a WHERE a.id = $2 AND a.org_id = $3`,
			l.ID, l.AssetID, l.OrgID, l.DealID, nullable(l.SharerID), l.RecipientEmail, l.Token, l.ExpiresAt, l.CreatedAt,
			l.RequireEmail, nullable(l.PasscodeHash), l.AllowDownload, l.Notify)
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
		if l.PasscodeHash != "" {
			l.PasscodeSetAt = &l.CreatedAt
		}
		return audit(ctx, tx, l.OrgID, stagecraft.AuditLinkCreated, stagecraft.TargetLink, l.ID,
			map[string]any{"asset_id": l.AssetID, "deal_id": l.DealID, "recipient_email": l.RecipientEmail,
				"require_email": l.RequireEmail, "passcode": l.PasscodeHash != "", "allow_download": l.AllowDownload})
	})
	if err != nil {
		return fmt.Errorf("create link: %w", err)
	}
	return nil
}

// linkColumns are a link's own columns, as scanLink reads them.
const linkColumns = `l.id, l.org_id, l.token, l.asset_id, l.deal_id, coalesce(l.sharer_id::text, ''),
	       l.recipient_email, l.expires_at, l.revoked_at, l.created_at, l.updated_at,
	       l.require_email, coalesce(l.passcode_hash, ''), l.passcode_set_at, l.allow_download, l.notify`

func linkFields(l *stagecraft.Link) []any {
	return []any{&l.ID, &l.OrgID, &l.Token, &l.AssetID, &l.DealID, &l.SharerID,
		&l.RecipientEmail, &l.ExpiresAt, &l.RevokedAt, &l.CreatedAt, &l.UpdatedAt,
		&l.RequireEmail, &l.PasscodeHash, &l.PasscodeSetAt, &l.AllowDownload, &l.Notify}
}

// linkCounts are a link's counts, as linkWithCounts reads them: its
// human opens (bot opens are kept for the record but never counted), the
// viewing time reported for it and its external visits. linkCountJoins
// must follow the FROM that names the link l.
const (
	linkCounts = `o.opens, o.last_opened_at, coalesce(t.seconds, 0),
	       (SELECT count(*) FROM link_visits v WHERE v.link_id = l.id AND v.org_id = l.org_id AND NOT v.internal)`
	linkCountJoins = `
	CROSS JOIN LATERAL (
		SELECT count(*) AS opens, max(e.occurred_at) AS last_opened_at
		FROM usage_events e
		WHERE e.link_id = l.id AND e.org_id = l.org_id AND e.type = 'link_open' AND NOT e.bot
	) o
	LEFT JOIN LATERAL (
		SELECT sum(p.seconds) AS seconds FROM link_page_time p WHERE p.link_id = l.id AND p.org_id = l.org_id
	) t ON true`
)

func linkWithCounts(l *stagecraft.Link) []any {
	return append(linkFields(l), &l.Opens, &l.LastOpenedAt, &l.SecondsViewed, &l.Visits)
}

// FindLinks returns a page of an organisation's links, newest first, then
// by id so that pages neither skip nor repeat a link.
//
// The page is chosen first and counted in the same pass; the counts,
// which read the link's events, visits and page times, are then taken
// for the page's links only rather than for every link matching.
func (db *DB) FindLinks(ctx context.Context, f stagecraft.LinkFilter) ([]*stagecraft.Link, int, error) {
	if err := f.Validate(); err != nil {
		return nil, 0, err
	}
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
	for _, p := range containsPatterns(f.Query) {
		p := arg(p)
		where = append(where, "(a.title ILIKE "+p+" OR l.recipient_email ILIKE "+p+" OR d.name ILIKE "+p+")")
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 20
	}
	// The joins serve the search; PostgreSQL drops them when it is not
	// given (each finds at most one row and nothing else reads them).
	matching := `
		FROM share_links l
		LEFT JOIN assets a ON a.id = l.asset_id AND a.org_id = l.org_id
		LEFT JOIN deals d ON d.id = l.deal_id AND d.org_id = l.org_id
		WHERE ` + strings.Join(where, " AND ")
	filterArgs := len(args)
	rows, err := db.Pool.Query(ctx, `
		WITH page AS (
			SELECT l.id, l.created_at, count(*) OVER () AS total`+matching+`
			ORDER BY l.created_at DESC, l.id
			LIMIT `+arg(limit)+` OFFSET `+arg(f.Offset)+`
		)
		SELECT page.total, `+linkColumns+`, `+linkCounts+`
		FROM page JOIN share_links l ON l.id = page.id`+linkCountJoins+`
		ORDER BY page.created_at DESC, page.id`, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find links: %w", mapErr(err))
	}
	total := 0
	links, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*stagecraft.Link, error) {
		var l stagecraft.Link
		err := r.Scan(append([]any{&total}, linkWithCounts(&l)...)...)
		return &l, err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("find links: %w", mapErr(err))
	}
	if len(links) == 0 && f.Offset > 0 {
		// Past the end the window count is unknown; count separately.
		if err := db.Pool.QueryRow(ctx, `SELECT count(*)`+matching, args[:filterArgs]...).Scan(&total); err != nil {
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
		SELECT `+linkColumns+`, o.name, coalesce(u.name, ''), coalesce(u.email, '')
		FROM share_links l
		JOIN organisations o ON o.id = l.org_id
		LEFT JOIN users u ON u.id = l.sharer_id AND u.org_id = l.org_id
		WHERE l.token = $1`, token).
		Scan(append(linkFields(&s.Link), &s.OrgName, &s.SharerName, &s.SharerEmail)...)
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

// FindLink returns one link of orgID with its counts.
func (db *DB) FindLink(ctx context.Context, orgID, id string) (*stagecraft.Link, error) {
	if !isUUID(id) {
		return nil, stagecraft.Errorf(stagecraft.ENOTFOUND, "Link not found.")
	}
	var l stagecraft.Link
	err := db.Pool.QueryRow(ctx, `SELECT `+linkColumns+`, `+linkCounts+`
		FROM share_links l`+linkCountJoins+`
		WHERE l.org_id = $1 AND l.id = $2`, orgID, id).Scan(linkWithCounts(&l)...)
	if err != nil {
		return nil, notFound(fmt.Errorf("find link: %w", mapErr(err)), "Link not found.")
	}
	return &l, nil
}

// UpdateLink changes a link's protection and expiry and writes
// link.updated, naming the fields changed (never the passcode).
func (db *DB) UpdateLink(ctx context.Context, orgID, id, sharerID string, u *stagecraft.LinkUpdate) (*stagecraft.Link, error) {
	if !isUUID(id) {
		return nil, stagecraft.Errorf(stagecraft.ENOTFOUND, "Link not found.")
	}
	now := db.Now().UTC()
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		var ok bool
		err := tx.QueryRow(ctx, `SELECT true FROM share_links WHERE id = $1 AND org_id = $2
			AND ($3::uuid IS NULL OR sharer_id = $3) FOR UPDATE`, id, orgID, nullable(sharerID)).Scan(&ok)
		if err != nil {
			return notFound(fmt.Errorf("lock link: %w", err), "Link not found.")
		}
		set, args := []string{"updated_at = $3"}, []any{id, orgID, now}
		arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
		changed := map[string]any{}
		if u.RequireEmail != nil {
			set = append(set, "require_email = "+arg(*u.RequireEmail))
			changed["require_email"] = *u.RequireEmail
		}
		if u.PasscodeHash != nil {
			if *u.PasscodeHash == "" {
				set = append(set, "passcode_hash = NULL", "passcode_set_at = NULL")
			} else {
				set = append(set, "passcode_hash = "+arg(*u.PasscodeHash), "passcode_set_at = $3")
			}
			changed["passcode"] = *u.PasscodeHash != ""
		}
		if u.AllowDownload != nil {
			set = append(set, "allow_download = "+arg(*u.AllowDownload))
			changed["allow_download"] = *u.AllowDownload
		}
		if u.Notify != nil {
			set = append(set, "notify = "+arg(*u.Notify))
			changed["notify"] = *u.Notify
		}
		switch {
		case u.ClearExpiry:
			set = append(set, "expires_at = NULL")
			changed["expires_at"] = nil
		case u.ExpiresAt != nil:
			set = append(set, "expires_at = "+arg(*u.ExpiresAt))
			changed["expires_at"] = *u.ExpiresAt
		}
		if _, err := tx.Exec(ctx, `UPDATE share_links SET `+strings.Join(set, ", ")+` WHERE id = $1 AND org_id = $2`, args...); err != nil {
			return fmt.Errorf("update link: %w", mapErr(err))
		}
		return audit(ctx, tx, orgID, stagecraft.AuditLinkUpdated, stagecraft.TargetLink, id, changed)
	})
	if err != nil {
		return nil, err
	}
	return db.FindLink(ctx, orgID, id)
}
