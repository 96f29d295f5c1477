package postgres

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/stagecraft/stagecraft"
)

// AddLinkTime credits a beacon's seconds to its session's row for the
// page, as far as the session has time left: a session began when its
// first beacon arrived less the seconds that beacon reported, and over all
// its pages it is credited at most the whole seconds since. The session's
// row stays locked from the upsert to the commit, so concurrent beacons of
// one session are credited one after the other. A session's first beacon
// joins the visitor's visit, or starts one (under a lock per link and
// visitor, so two tabs opened at once make one visit), and the visit gets
// the same credit. Page sums saturate rather than overflow.
func (db *DB) AddLinkTime(ctx context.Context, t *stagecraft.LinkTime) (*stagecraft.Visit, error) {
	// Microseconds, as PostgreSQL keeps them, so that now − started_at is
	// exactly the first beacon's seconds.
	now := db.Now().UTC().Truncate(time.Microsecond)
	var visit *stagecraft.Visit
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		var started time.Time
		var credited int
		var visitID *string
		err := tx.QueryRow(ctx, `
			INSERT INTO viewer_sessions (link_id, session_id, org_id, started_at, updated_at)
			SELECT l.id, $3, l.org_id, $4::timestamptz - make_interval(secs => $5), $4
			FROM share_links l WHERE l.id = $1 AND l.org_id = $2
			ON CONFLICT (link_id, session_id) DO UPDATE SET updated_at = greatest(viewer_sessions.updated_at, excluded.updated_at)
			RETURNING started_at, credited, visit_id::text`,
			t.LinkID, t.OrgID, t.SessionID, now, t.Seconds).Scan(&started, &credited, &visitID)
		if err != nil {
			return notFound(err, "Link not found.")
		}
		if visitID == nil {
			v, err := db.joinVisit(ctx, tx, t, now)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE viewer_sessions SET visit_id = $3 WHERE link_id = $1 AND session_id = $2`,
				t.LinkID, t.SessionID, v.ID); err != nil {
				return fmt.Errorf("join visit: %w", err)
			}
			visit = v
		} else {
			visit = &stagecraft.Visit{ID: *visitID, OrgID: t.OrgID, LinkID: t.LinkID}
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
		// pages_read is recounted over the visit's few sessions only
		// when this beacon may have read a new page.
		if _, err := tx.Exec(ctx, `UPDATE link_visits
			SET seconds = least(seconds::bigint + $2, 2147483647)::int, last_seen_at = greatest(last_seen_at, $3),
			    pages_read = CASE WHEN $2 > 0 THEN (
			        SELECT count(DISTINCT p.page) FROM viewer_sessions s
			        JOIN link_page_time p ON p.link_id = s.link_id AND p.session_id = s.session_id
			        WHERE s.visit_id = $1 AND p.seconds > 0) ELSE pages_read END
			WHERE id = $1`, visit.ID, grant, now); err != nil {
			return fmt.Errorf("credit visit: %w", err)
		}
		if visit.New && t.OnVisitStart != nil {
			if n := t.OnVisitStart(visit); n != nil {
				if err := db.Notify(ctx, tx, n); err != nil {
					return fmt.Errorf("notify of visit: %w", err)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("add link time: %w", err)
	}
	return visit, nil
}

// joinVisit returns the visitor's visit of the link whose last activity
// is less than VisitGap before now, or starts one.
func (db *DB) joinVisit(ctx context.Context, tx pgx.Tx, t *stagecraft.LinkTime, now time.Time) (*stagecraft.Visit, error) {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 7))`,
		t.LinkID+"\x1f"+t.Visitor.Key); err != nil {
		return nil, fmt.Errorf("lock visitor: %w", err)
	}
	v := &stagecraft.Visit{OrgID: t.OrgID, LinkID: t.LinkID, VisitorKey: t.Visitor.Key, VisitorEmail: t.Visitor.Email,
		Device: t.Visitor.Device, Internal: t.Visitor.Internal, LastSeenAt: now}
	err := tx.QueryRow(ctx, `
		SELECT id, started_at, is_return FROM link_visits
		WHERE link_id = $1 AND visitor_key = $2 AND last_seen_at > $3
		ORDER BY last_seen_at DESC LIMIT 1`,
		t.LinkID, t.Visitor.Key, now.Add(-stagecraft.VisitGap)).Scan(&v.ID, &v.StartedAt, &v.Returning)
	if err == nil {
		return v, nil
	} else if err != pgx.ErrNoRows { //nolint:errorlint // pgx returns ErrNoRows itself, unwrapped
		return nil, fmt.Errorf("find visit: %w", err)
	}
	if v.Device == "" {
		v.Device = stagecraft.DeviceDesktop
	}
	v.ID, v.StartedAt, v.New, v.PageCount, v.VersionID = uuid.NewString(), now, true, max(1, t.PageCount), t.VersionID
	err = tx.QueryRow(ctx, `
		INSERT INTO link_visits (id, org_id, link_id, asset_id, visitor_key, visitor_email, version_id, page_count,
		                         started_at, last_seen_at, device, internal, is_return)
		SELECT $1, $2, $3, l.asset_id, $4, $5, $6, $7, $8, $8, $9, $10,
		       EXISTS (SELECT 1 FROM link_visits WHERE link_id = $3 AND visitor_key = $4)
		FROM share_links l WHERE l.id = $3 AND l.org_id = $2
		RETURNING is_return`,
		v.ID, v.OrgID, v.LinkID, v.VisitorKey, nullable(v.VisitorEmail), nullable(v.VersionID), v.PageCount,
		now, v.Device, v.Internal).Scan(&v.Returning)
	if err != nil {
		return nil, fmt.Errorf("start visit: %w", mapErr(err))
	}
	return v, nil
}

// visitCursor is where a page of visits ended: visits are listed by
// start time, newest first, then id.
type visitCursor struct {
	At time.Time `json:"t"`
	ID string    `json:"i"`
}

func (c visitCursor) String() string {
	b, _ := json.Marshal(c) // a time and a string always marshal
	return base64.RawURLEncoding.EncodeToString(b)
}

func parseVisitCursor(s string) (*visitCursor, error) {
	var c visitCursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || !isUUID(c.ID) {
		return nil, stagecraft.Errorf(stagecraft.EINVALID, "cursor is not one this server gave.").
			WithDetails(map[string]any{"field": "cursor"})
	}
	return &c, nil
}

// FindVisits lists visits of a link, or of every link of a deal, with the
// time read per page over the visit's sessions.
func (db *DB) FindVisits(ctx context.Context, f stagecraft.VisitFilter) ([]*stagecraft.Visit, string, error) {
	where, args := []string{"v.org_id = $1"}, []any{f.OrgID}
	arg := func(x any) string { args = append(args, x); return fmt.Sprintf("$%d", len(args)) }
	switch {
	case f.LinkID != "" && !isUUID(f.LinkID), f.DealID != "" && !isUUID(f.DealID):
		return []*stagecraft.Visit{}, "", nil
	case f.LinkID != "":
		where = append(where, "v.link_id = "+arg(f.LinkID))
	case f.DealID != "":
		where = append(where, "l.deal_id = "+arg(f.DealID))
	}
	if f.Cursor != "" {
		c, err := parseVisitCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		where = append(where, fmt.Sprintf("(v.started_at, v.id) < (%s, %s::uuid)", arg(c.At), arg(c.ID)))
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 20
	}
	rows, err := db.Pool.Query(ctx, `
		SELECT v.id, v.org_id, v.link_id, v.visitor_key, coalesce(v.visitor_email, ''), coalesce(v.version_id::text, ''),
		       v.page_count, v.started_at, v.last_seen_at, v.seconds, v.device, v.is_return, v.internal,
		       l.asset_id, a.title, coalesce(p.pages, '[]')
		FROM link_visits v
		JOIN share_links l ON l.id = v.link_id AND l.org_id = v.org_id
		JOIN assets a ON a.id = l.asset_id AND a.org_id = l.org_id
		LEFT JOIN LATERAL (
			SELECT json_agg(json_build_array(page, seconds) ORDER BY page) AS pages
			FROM (
				SELECT t.page, sum(t.seconds)::int AS seconds
				FROM viewer_sessions s
				JOIN link_page_time t ON t.link_id = s.link_id AND t.session_id = s.session_id
				WHERE s.visit_id = v.id AND t.seconds > 0
				GROUP BY t.page
			) pp
		) p ON true
		WHERE `+strings.Join(where, " AND ")+`
		ORDER BY v.started_at DESC, v.id DESC
		LIMIT `+arg(limit+1), args...)
	if err != nil {
		return nil, "", fmt.Errorf("find visits: %w", mapErr(err))
	}
	visits, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*stagecraft.Visit, error) {
		var v stagecraft.Visit
		var pages [][2]int
		err := r.Scan(&v.ID, &v.OrgID, &v.LinkID, &v.VisitorKey, &v.VisitorEmail, &v.VersionID,
			&v.PageCount, &v.StartedAt, &v.LastSeenAt, &v.Seconds, &v.Device, &v.Returning, &v.Internal,
			&v.AssetID, &v.AssetTitle, &pages)
		v.Pages = make([]stagecraft.PageTime, len(pages))
		for i, p := range pages {
			v.Pages[i] = stagecraft.PageTime{Page: p[0], Seconds: p[1]}
		}
		return &v, err
	})
	if err != nil {
		return nil, "", fmt.Errorf("find visits: %w", mapErr(err))
	}
	next := ""
	if len(visits) > limit {
		visits = visits[:limit]
		last := visits[limit-1]
		next = visitCursor{At: last.StartedAt, ID: last.ID}.String()
	}
	return visits, next, nil
}
