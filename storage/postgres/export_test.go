package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stagecraft/stagecraft"
)

// The scorecard computed from scratch, straight from deals, their stage
// histories and asset_deal_uses, the way the definitions read: the
// reference the rollups are tested against. Too slow to serve (it reads
// every influenced (asset, deal) pair), which is why the rollups exist.

// ReferenceScore is one asset's influence numbers computed from scratch.
type ReferenceScore struct {
	Influenced, Closed, Won int
	Revenue                 float64
	Baseline                *float64
}

const referenceCTEs = `
WITH stages AS (
    SELECT key, position FROM taxonomy_terms WHERE org_id = $1 AND facet = 'stages'
),
closed AS (
    SELECT d.id, d.status, coalesce(d.amount, 0)::float8 AS amount, coalesce(max(s.position), 0) AS reach
    FROM deals d
    JOIN (SELECT id AS deal_id, stage FROM deals WHERE org_id = $1 AND status IN ('won', 'lost')
          UNION ALL
          SELECT deal_id, stage FROM deal_stage_history WHERE org_id = $1) seen ON seen.deal_id = d.id
    LEFT JOIN stages s ON s.key = seen.stage
    WHERE d.org_id = $1 AND d.status IN ('won', 'lost')
    GROUP BY d.id, d.status, d.amount
),
totals AS (
    SELECT s.position AS k, count(*) FILTER (WHERE c.status = 'won') AS won, count(*) AS closed
    FROM stages s JOIN closed c ON c.reach >= s.position
    GROUP BY s.position
),
infl_all AS (
    SELECT u.asset_id, u.deal_id, u.first_used_at, u.first_stage, coalesce(st.position, 1) AS k0,
           c.status, c.amount, c.reach, d.personas
    FROM asset_deal_uses u
    JOIN deals d ON d.id = u.deal_id
    LEFT JOIN closed c ON c.id = u.deal_id
    LEFT JOIN stages st ON st.key = u.first_stage
    WHERE u.org_id = $1 AND (d.closed_at IS NULL OR u.first_used_at < d.closed_at)
),
infl AS (
    SELECT * FROM infl_all
    WHERE ($2::timestamptz IS NULL OR first_used_at >= $2::timestamptz)
      AND ($3::timestamptz IS NULL OR first_used_at < $3::timestamptz)
      AND ($4::text = '' OR first_stage = $4::text)
      AND ($5::text = '' OR personas @> ARRAY[$5::text])
),
ia AS (
    SELECT i.asset_id, s.position AS k, count(*) FILTER (WHERE i.status = 'won') AS won, count(*) AS closed
    FROM infl_all i JOIN stages s ON i.reach >= s.position
    WHERE i.status IS NOT NULL
    GROUP BY i.asset_id, s.position
),
per_deal AS (
    SELECT i.*, (t.won - coalesce(x.won, 0))::float8 / nullif(t.closed - coalesce(x.closed, 0), 0) AS baseline
    FROM infl i
    LEFT JOIN totals t ON t.k = i.k0
    LEFT JOIN ia x ON x.asset_id = i.asset_id AND x.k = i.k0
),
per_asset AS (
    SELECT asset_id, count(*) AS influenced, count(status) AS closed,
           count(*) FILTER (WHERE status = 'won') AS won,
           coalesce(sum(amount) FILTER (WHERE status = 'won'), 0) AS revenue,
           avg(baseline) FILTER (WHERE status IS NOT NULL) AS baseline
    FROM per_deal
    GROUP BY asset_id
)`

// ReferenceScores returns the influence numbers of every asset with at
// least one influenced deal the filter keeps.
func (db *DB) ReferenceScores(ctx context.Context, f stagecraft.AnalyticsFilter) (map[string]ReferenceScore, error) {
	//nolint:rowserrcheck // pgx.ForEachRow below checks rows.Err
	rows, err := db.Pool.Query(ctx, referenceCTEs+`
		SELECT asset_id, influenced, closed, won, revenue, baseline FROM per_asset`,
		f.OrgID, f.From, f.To, f.Stage, f.Persona)
	if err != nil {
		return nil, err
	}
	out := map[string]ReferenceScore{}
	var id string
	var s ReferenceScore
	_, err = pgx.ForEachRow(rows, []any{&id, &s.Influenced, &s.Closed, &s.Won, &s.Revenue, &s.Baseline}, func() error {
		out[id] = s
		return nil
	})
	return out, err
}

// ReferenceUsage is one asset's usage counted from the events.
type ReferenceUsage struct {
	Uses, LinkOpens, Users int
	LastUsedAt             *time.Time
}

// ReferenceUsages counts every asset's usage straight from usage_events:
// all time, or the events in the filter's window [From, To). Users are the
// distinct people with at least one use in it; LastUsedAt is the last of
// those uses.
func (db *DB) ReferenceUsages(ctx context.Context, f stagecraft.AnalyticsFilter) (map[string]ReferenceUsage, error) {
	//nolint:rowserrcheck // pgx.ForEachRow below checks rows.Err
	rows, err := db.Pool.Query(ctx, `
		SELECT asset_id, count(*) FILTER (WHERE type <> 'link_open'), count(*) FILTER (WHERE type = 'link_open'),
		       count(DISTINCT user_id) FILTER (WHERE type <> 'link_open'),
		       max(occurred_at) FILTER (WHERE type <> 'link_open' AND user_id IS NOT NULL)
		FROM usage_events
		WHERE org_id = $1 AND NOT bot
		  AND ($2::timestamptz IS NULL OR occurred_at >= $2) AND ($3::timestamptz IS NULL OR occurred_at < $3)
		GROUP BY asset_id`, f.OrgID, f.From, f.To)
	if err != nil {
		return nil, err
	}
	out := map[string]ReferenceUsage{}
	var id string
	var u ReferenceUsage
	_, err = pgx.ForEachRow(rows, []any{&id, &u.Uses, &u.LinkOpens, &u.Users, &u.LastUsedAt}, func() error {
		out[id] = u
		return nil
	})
	return out, err
}

// MigrationSQL returns the text of an embedded migration file.
func MigrationSQL(name string) (string, error) {
	b, err := migrationFS.ReadFile("migrations/" + name)
	return string(b), err
}

// RefreshChunkForTest runs one refresh transaction of at most limit deals.
func (db *DB) RefreshChunkForTest(ctx context.Context, orgID string, limit int) (marks, deals int, err error) {
	return db.refreshChunk(ctx, orgID, limit)
}
