package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stagecraft/stagecraft"
)

// The outcome rollups (migrations/0007_outcomes.up.sql) are brought up to
// date by taking each deal marked in analytics_dirty out of the counts as
// it was counted, and putting it back as it is now. Marks are read and
// deleted in the same transaction that moves the counts, so a refresh that
// fails changes nothing, and a change committed while a refresh runs keeps
// its mark for the next one.

const (
	// refreshChunk is how many deals one refresh transaction folds in
	// (with every mark each has): small enough that a transaction stays
	// well inside the statement timeout, large enough that the fixed cost
	// per transaction does not dominate.
	refreshChunk = 5000
	// readRefreshLimit bounds the deals a read brings up to date before it
	// answers. Past it (after a bulk import, or the first start after an
	// upgrade) the read says that analytics are catching up rather than
	// hold the request, and the background refresher works through them.
	readRefreshLimit = 50000
	// analyzeEvery is how many chunks of a long refresh run between
	// statistics updates of the per-deal rows.
	analyzeEvery = 4
)

// RefreshAnalytics brings the organisation's outcome rollups up to date
// with every deal change and first use committed so far, and returns how
// many marks it processed.
func (db *DB) RefreshAnalytics(ctx context.Context, orgID string) (int, error) {
	marks, _, err := db.refreshAnalytics(ctx, orgID, -1)
	return marks, err
}

// refreshAnalytics processes marked deals chunk by chunk until none are
// left or, with limit ≥ 0, until limit deals have been folded in, and
// returns how many marks and deals it took.
func (db *DB) refreshAnalytics(ctx context.Context, orgID string, limit int) (marks, deals int, err error) {
	for chunk := 1; limit < 0 || deals < limit; chunk++ {
		m, d, err := db.refreshChunk(ctx, orgID, refreshChunk)
		marks += m
		deals += d
		if err != nil {
			return marks, deals, fmt.Errorf("refresh analytics: %w", err)
		}
		// A long catch-up (after an import, or the upgrade that created
		// the rollups) grows the per-deal rows faster than autovacuum
		// analyses them; with statistics of a nearly empty table the
		// planner reads all of an organisation's rows for every chunk
		// (80 s a chunk at 1M rows, measured). Fresh statistics every
		// few chunks keep each one on the deal index.
		if chunk%analyzeEvery == 0 {
			if _, err := db.Pool.Exec(ctx, `ANALYZE deal_outcomes, asset_deal_outcomes`); err != nil {
				return marks, deals, fmt.Errorf("refresh analytics: analyse: %w", mapErr(err))
			}
		}
		// Fewer deals than asked can still leave marks (the chunk looks
		// at the oldest 4 × refreshChunk marks only): stop when none is
		// taken.
		if d == 0 {
			return marks, deals, nil
		}
	}
	return marks, deals, nil
}

// refreshForRead brings the rollups up to date before a read, or answers
// EUNAVAILABLE when more changes wait than a read should take on.
func (db *DB) refreshForRead(ctx context.Context, orgID string) error {
	_, deals, err := db.refreshAnalytics(ctx, orgID, readRefreshLimit)
	if err != nil {
		return err
	}
	if deals < readRefreshLimit {
		return nil
	}
	var left int
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM analytics_dirty WHERE org_id = $1`, orgID).Scan(&left); err != nil {
		return fmt.Errorf("count analytics changes: %w", mapErr(err))
	}
	if left == 0 {
		return nil
	}
	return &stagecraft.Error{Code: stagecraft.EUNAVAILABLE, RetryAfter: 30 * time.Second,
		Message: fmt.Sprintf("Analytics are catching up with %d recent deal changes; try again in a minute.", left)}
}

// analyticsLock serialises the refreshes of one organisation; the key is
// the organisation's id hashed into the advisory lock space.
const analyticsLock = `SELECT pg_advisory_xact_lock(hashtextextended('stagecraft analytics ' || $1::text, 0))`

// refreshChunk folds in the deals of the oldest 4 × limit marks, at most
// limit deals, taking every mark each has, and returns how many marks and
// deals it took.
func (db *DB) refreshChunk(ctx context.Context, orgID string, limit int) (marks, deals int, err error) {
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, analyticsLock, orgID); err != nil {
			return fmt.Errorf("lock analytics: %w", err)
		}
		// The deals of the oldest marks, then all their marks: a deal is
		// counted as it is now, so one recount covers every change.
		rows, err := tx.Query(ctx, `
			WITH taken AS (
			    DELETE FROM analytics_dirty
			    WHERE org_id = $1 AND deal_id IN (
			        SELECT deal_id FROM (SELECT deal_id, min(id) AS first FROM (
			            SELECT deal_id, id FROM analytics_dirty WHERE org_id = $1 ORDER BY id LIMIT $2 * 4) m
			          GROUP BY deal_id ORDER BY first LIMIT $2) d)
			    RETURNING deal_id
			)
			SELECT deal_id, count(*) FROM taken GROUP BY deal_id`, orgID, limit)
		if err != nil {
			return fmt.Errorf("take marks: %w", err)
		}
		var marked []string
		for rows.Next() {
			var id string
			var n int
			if err := rows.Scan(&id, &n); err != nil {
				rows.Close()
				return fmt.Errorf("take marks: %w", err)
			}
			marked = append(marked, id)
			marks += n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("take marks: %w", err)
		}
		if deals = len(marked); deals == 0 {
			return nil
		}
		if _, err := tx.Exec(ctx, uncountDeals, orgID, marked); err != nil {
			return fmt.Errorf("uncount deals: %w", err)
		}
		if _, err := tx.Exec(ctx, countDeals, orgID, marked); err != nil {
			return fmt.Errorf("count deals: %w", err)
		}
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	return marks, deals, nil
}

// uncountDeals takes the deals $2 out of the rollups, exactly as their
// rows in deal_outcomes and asset_deal_outcomes say they were counted.
var uncountDeals = `
WITH ids AS (
    SELECT DISTINCT unnest($2::uuid[]) AS id
),
gone_deals AS (
    DELETE FROM deal_outcomes o USING ids WHERE o.deal_id = ids.id AND o.org_id = $1
    RETURNING o.org_id, o.reach_stage, o.status
),
gone_pairs AS (
    DELETE FROM asset_deal_outcomes o USING ids WHERE o.deal_id = ids.id AND o.org_id = $1
    RETURNING o.org_id, o.asset_id, o.first_stage, o.reach_stage, o.status, o.revenue, o.personas
),
stage_delta AS (
    INSERT INTO stage_outcomes AS s (org_id, reach_stage, status, deals)
    SELECT org_id, reach_stage, status, -count(*) FROM gone_deals
    GROUP BY org_id, reach_stage, status
    ON CONFLICT (org_id, reach_stage, status) DO UPDATE SET deals = s.deals + EXCLUDED.deals
)
` + addPairs("gone_pairs", "-")

// countDeals puts the deals $2 of organisation $1 back into the rollups as
// they are now: closed deals with their furthest stage, and every use of
// an asset before the deal's close with the stage at that first use.
var countDeals = `
WITH ids AS (
    SELECT DISTINCT unnest($2::uuid[]) AS id
),
stages AS (
    SELECT key, position FROM taxonomy_terms WHERE org_id = $1 AND facet = 'stages'
),
cur AS MATERIALIZED (
    SELECT d.id, d.org_id, d.status, d.closed_at,
           CASE WHEN d.status = 'won' THEN coalesce(d.amount, 0) ELSE 0 END AS revenue,
           CASE WHEN d.status = 'open' THEN '' ELSE coalesce((
               SELECT s.key
               FROM (SELECT h.stage FROM deal_stage_history h WHERE h.deal_id = d.id UNION ALL SELECT d.stage) seen
               JOIN stages s ON s.key = seen.stage
               ORDER BY s.position DESC LIMIT 1), '') END AS reach_stage,
           ARRAY(SELECT DISTINCT p FROM unnest(d.personas) p ORDER BY p) AS personas
    FROM ids JOIN deals d ON d.id = ids.id
    WHERE d.org_id = $1
),
new_deals AS (
    INSERT INTO deal_outcomes (deal_id, org_id, status, reach_stage)
    SELECT id, org_id, status, reach_stage FROM cur WHERE status <> 'open'
    RETURNING org_id, reach_stage, status
),
new_pairs AS (
    INSERT INTO asset_deal_outcomes (asset_id, deal_id, org_id, first_used_at, first_stage, reach_stage, status, revenue, personas)
    SELECT u.asset_id, u.deal_id, c.org_id, u.first_used_at, coalesce(u.first_stage, ''), c.reach_stage, c.status,
           c.revenue, c.personas
    FROM cur c JOIN asset_deal_uses u ON u.deal_id = c.id
    WHERE c.closed_at IS NULL OR u.first_used_at < c.closed_at
    RETURNING org_id, asset_id, first_stage, reach_stage, status, revenue, personas
),
stage_delta AS (
    INSERT INTO stage_outcomes AS s (org_id, reach_stage, status, deals)
    SELECT org_id, reach_stage, status, count(*) FROM new_deals
    GROUP BY org_id, reach_stage, status
    ON CONFLICT (org_id, reach_stage, status) DO UPDATE SET deals = s.deals + EXCLUDED.deals
)
` + addPairs("new_pairs", "")

// PruneAnalytics deletes rollup rows whose counts have gone back to zero
// (deals that moved to another stage or outcome leave them behind). They
// change no number; pruning only keeps the rollups small.
func (db *DB) PruneAnalytics(ctx context.Context, orgID string) error {
	return db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, analyticsLock, orgID); err != nil {
			return fmt.Errorf("lock analytics: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM asset_outcomes WHERE org_id = $1 AND deals = 0`, orgID); err != nil {
			return fmt.Errorf("prune asset outcomes: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM stage_outcomes WHERE org_id = $1 AND deals = 0`, orgID); err != nil {
			return fmt.Errorf("prune stage outcomes: %w", err)
		}
		return nil
	})
}

// AnalyticsBacklog returns the organisations with changes not yet in their
// rollups and how many marks each has.
func (db *DB) AnalyticsBacklog(ctx context.Context) (map[string]int, error) {
	rows, err := db.Pool.Query(ctx, `SELECT org_id, count(*) FROM analytics_dirty GROUP BY org_id`)
	if err != nil {
		return nil, fmt.Errorf("analytics backlog: %w", mapErr(err))
	}
	out := map[string]int{}
	for rows.Next() {
		var org string
		var n int
		if err := rows.Scan(&org, &n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("analytics backlog: %w", mapErr(err))
		}
		out[org] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("analytics backlog: %w", mapErr(err))
	}
	return out, nil
}

// addPairs is the statement that adds the (asset, deal) rows of the CTE
// pairs to asset_outcomes with sign ("" or "-"): once under persona ”,
// with the furthest stage, and once under each of the deal's personas.
func addPairs(pairs, sign string) string {
	return `
INSERT INTO asset_outcomes AS a (org_id, asset_id, persona, first_stage, reach_stage, status, deals, revenue)
SELECT org_id, asset_id, persona, first_stage, reach_stage, status, ` + sign + `count(*), ` + sign + `sum(revenue)
FROM (SELECT org_id, asset_id, '' AS persona, first_stage, reach_stage, status, revenue FROM ` + pairs + `
      UNION ALL
      SELECT x.org_id, x.asset_id, p, x.first_stage, '', x.status, x.revenue FROM ` + pairs + ` x, unnest(x.personas) p) x
GROUP BY org_id, asset_id, persona, first_stage, reach_stage, status
ON CONFLICT (asset_id, persona, first_stage, reach_stage, status) DO UPDATE SET
    deals = a.deals + EXCLUDED.deals, revenue = a.revenue + EXCLUDED.revenue`
}
