package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stagecraft/stagecraft"
)

var _ stagecraft.AnalyticsService = (*DB)(nil)

// influenceCTEs defines, for the organisation $1 and the filters $2 (from),
// $3 (to), $4 (stage at first use), $5 (persona):
//
//	stages    the funnel: stage key → position
//	closed    closed deals with the furthest stage each reached
//	totals    per stage position k: closed deals that reached k or later
//	infl_all  every (asset, deal) where the asset was used before the close
//	infl      the same, narrowed by the filters
//	ia        per asset and k: its influenced closed deals that reached k
//	per_asset counts, revenue and the stage-matched baseline per asset
//
// The baseline of one influenced closed deal whose first use was at stage
// k is the win rate of closed deals that reached k or later, less those the
// asset influenced at any time (totals − ia); the asset's baseline is the
// mean over its influenced closed deals (weight 1 each), skipping deals
// whose comparison group is empty. See docs/analytics.md.
const influenceCTEs = `
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

func filterArgs(f stagecraft.AnalyticsFilter) []any {
	return []any{f.OrgID, f.From, f.To, f.Stage, f.Persona}
}

// Scorecard returns the organisation's overall win rate and a row per
// asset that is not archived.
func (db *DB) Scorecard(ctx context.Context, f stagecraft.AnalyticsFilter) (*stagecraft.OverallScore, []*stagecraft.AssetScore, error) {
	rows, err := db.Pool.Query(ctx, influenceCTEs+`
		SELECT a.id, a.title, coalesce(du.uses, 0), coalesce(du.opens, 0), coalesce(au.n, 0), au.last,
		       coalesce(p.influenced, 0), coalesce(p.closed, 0), coalesce(p.won, 0), coalesce(p.revenue, 0), p.baseline
		FROM assets a
		LEFT JOIN per_asset p ON p.asset_id = a.id
		LEFT JOIN (SELECT asset_id, sum(uses) AS uses, sum(link_opens) AS opens FROM asset_daily_uses
		           WHERE org_id = $1
		             AND ($2::timestamptz IS NULL OR day >= ($2::timestamptz AT TIME ZONE 'UTC')::date)
		             AND ($3::timestamptz IS NULL OR day < ($3::timestamptz AT TIME ZONE 'UTC')::date)
		           GROUP BY asset_id) du ON du.asset_id = a.id
		LEFT JOIN (SELECT asset_id, count(*) AS n, max(last_used_at) AS last FROM asset_users
		           WHERE org_id = $1
		             AND ($2::timestamptz IS NULL OR last_used_at >= $2::timestamptz)
		             AND ($3::timestamptz IS NULL OR first_used_at < $3::timestamptz)
		           GROUP BY asset_id) au ON au.asset_id = a.id
		WHERE a.org_id = $1 AND a.status <> 'archived'
		ORDER BY a.title, a.id`, filterArgs(f)...)
	if err != nil {
		return nil, nil, fmt.Errorf("scorecard: %w", mapErr(err))
	}
	scores, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*stagecraft.AssetScore, error) {
		var s stagecraft.AssetScore
		var uses, opens int64
		err := r.Scan(&s.AssetID, &s.Title, &uses, &opens, &s.UniqueUsers, &s.LastUsedAt,
			&s.DealsInfluenced, &s.DealsClosed, &s.DealsWon, &s.RevenueInfluenced, &s.BaselineWinRate)
		s.Uses, s.LinkOpens = int(uses), int(opens)
		s.Finish()
		return &s, err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("scorecard: %w", mapErr(err))
	}
	var o stagecraft.OverallScore
	err = db.Pool.QueryRow(ctx, `
		SELECT count(*), count(*) FILTER (WHERE status = 'won') FROM deals
		WHERE org_id = $1 AND status IN ('won', 'lost')
		  AND ($2::timestamptz IS NULL OR closed_at >= $2::timestamptz)
		  AND ($3::timestamptz IS NULL OR closed_at < $3::timestamptz)`, f.OrgID, f.From, f.To).Scan(&o.DealsClosed, &o.DealsWon)
	if err != nil {
		return nil, nil, fmt.Errorf("scorecard: %w", mapErr(err))
	}
	if o.DealsClosed > 0 {
		wr := float64(o.DealsWon) / float64(o.DealsClosed)
		o.WinRate = &wr
	}
	return &o, scores, nil
}

// StageEvidence returns the scorecard rows of deals influenced at stage.
func (db *DB) StageEvidence(ctx context.Context, orgID, stage string) (map[string]*stagecraft.AssetScore, error) {
	_, scores, err := db.Scorecard(ctx, stagecraft.AnalyticsFilter{OrgID: orgID, Stage: stage})
	if err != nil {
		return nil, err
	}
	out := make(map[string]*stagecraft.AssetScore, len(scores))
	for _, s := range scores {
		out[s.AssetID] = s
	}
	return out, nil
}

// AssetDetail returns one asset's row with breakdowns by stage at first
// use, by persona of the deal, by user, and a weekly series.
func (db *DB) AssetDetail(ctx context.Context, f stagecraft.AnalyticsFilter, assetID string) (*stagecraft.AssetDetail, error) {
	if !isUUID(assetID) {
		return nil, stagecraft.Errorf(stagecraft.ENOTFOUND, "Asset not found.")
	}
	_, scores, err := db.Scorecard(ctx, f)
	if err != nil {
		return nil, err
	}
	d := &stagecraft.AssetDetail{ByStage: []stagecraft.Breakdown{}, ByPersona: []stagecraft.Breakdown{},
		ByUser: []stagecraft.UserUse{}, Series: []stagecraft.WeekUse{}}
	found := false
	for _, s := range scores {
		if s.AssetID == assetID {
			d.AssetScore, found = *s, true
		}
	}
	if !found {
		return nil, stagecraft.Errorf(stagecraft.ENOTFOUND, "Asset not found.")
	}
	args := append(filterArgs(f), assetID)
	breakdown := func(key string) ([]stagecraft.Breakdown, error) {
		rows, err := db.Pool.Query(ctx, influenceCTEs+`
			SELECT k, count(*), count(status), count(*) FILTER (WHERE status = 'won')
			FROM (SELECT `+key+` AS k, status FROM infl WHERE asset_id = $6) x
			GROUP BY k ORDER BY count(*) DESC, k`, args...)
		if err != nil {
			return nil, err
		}
		return pgx.CollectRows(rows, func(r pgx.CollectableRow) (stagecraft.Breakdown, error) {
			var b stagecraft.Breakdown
			var key *string
			err := r.Scan(&key, &b.DealsInfluenced, &b.DealsClosed, &b.DealsWon)
			b.Key = deref(key)
			if b.DealsClosed > 0 {
				wr := float64(b.DealsWon) / float64(b.DealsClosed)
				b.WinRate = &wr
			}
			return b, err
		})
	}
	if d.ByStage, err = breakdown("first_stage"); err != nil {
		return nil, fmt.Errorf("asset analytics by stage: %w", mapErr(err))
	}
	if d.ByPersona, err = breakdown("unnest(personas)"); err != nil {
		return nil, fmt.Errorf("asset analytics by persona: %w", mapErr(err))
	}
	rows, err := db.Pool.Query(ctx, `
		SELECT u.id, u.email, u.name, au.uses, au.last_used_at
		FROM asset_users au JOIN users u ON u.id = au.user_id
		WHERE au.asset_id = $1 AND au.org_id = $2 ORDER BY au.uses DESC, u.email`, assetID, f.OrgID)
	if err != nil {
		return nil, fmt.Errorf("asset analytics by user: %w", mapErr(err))
	}
	if d.ByUser, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (stagecraft.UserUse, error) {
		var u stagecraft.UserUse
		err := r.Scan(&u.UserID, &u.Email, &u.Name, &u.Uses, &u.LastUsedAt)
		return u, err
	}); err != nil {
		return nil, fmt.Errorf("asset analytics by user: %w", mapErr(err))
	}
	rows, err = db.Pool.Query(ctx, `
		SELECT to_char(date_trunc('week', day), 'YYYY-MM-DD'), sum(uses), sum(link_opens)
		FROM asset_daily_uses
		WHERE asset_id = $1 AND org_id = $2
		  AND ($3::timestamptz IS NULL OR day >= ($3::timestamptz AT TIME ZONE 'UTC')::date)
		  AND ($4::timestamptz IS NULL OR day < ($4::timestamptz AT TIME ZONE 'UTC')::date)
		GROUP BY 1 ORDER BY 1`, assetID, f.OrgID, f.From, f.To)
	if err != nil {
		return nil, fmt.Errorf("asset analytics series: %w", mapErr(err))
	}
	if d.Series, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (stagecraft.WeekUse, error) {
		var w stagecraft.WeekUse
		var uses, opens int64
		err := r.Scan(&w.Week, &uses, &opens)
		w.Uses, w.LinkOpens = int(uses), int(opens)
		return w, err
	}); err != nil {
		return nil, fmt.Errorf("asset analytics series: %w", mapErr(err))
	}
	return d, nil
}

// UnusedAssets returns the organisation's published assets with no use
// (and no human link open) since since.
func (db *DB) UnusedAssets(ctx context.Context, orgID string, since time.Time) ([]*stagecraft.Asset, error) {
	rows, err := db.Pool.Query(ctx, assetSelect+`
		WHERE a.org_id = $1 AND a.status = 'published'
		  AND NOT EXISTS (SELECT 1 FROM asset_daily_uses u
		                  WHERE u.asset_id = a.id AND u.day >= ($2::timestamptz AT TIME ZONE 'UTC')::date
		                    AND u.uses + u.link_opens > 0)
		ORDER BY a.created_at, a.id`, orgID, since)
	if err != nil {
		return nil, fmt.Errorf("unused assets: %w", mapErr(err))
	}
	assets, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*stagecraft.Asset, error) { return scanAsset(r) })
	if err != nil {
		return nil, fmt.Errorf("unused assets: %w", mapErr(err))
	}
	return assets, nil
}
