package postgres

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stagecraft/stagecraft"
)

var _ stagecraft.AnalyticsService = (*DB)(nil)

// influenceSQL returns the CTEs that compute, for the organisation $1, the
// influence numbers of every asset (or of assetID alone):
//
//	stages    the funnel: stage key → position
//	totals    per stage position k: closed deals that reached k or later
//	ia        per asset and k: its influenced closed deals that reached k
//	infl      the influenced deals the filter keeps
//	cells     infl counted by asset, position of the stage at first use
//	          (k0; 1 when unknown) and outcome
//	per_cell  each cell with its stage-matched baseline
//	per_asset counts, revenue and the mean baseline per asset
//
// The baseline of one influenced closed deal whose first use was at stage
// k0 is the win rate of closed deals that reached k0 or later, less those
// the asset influenced at any time (totals − ia); the asset's baseline is
// the mean over its influenced closed deals (weight 1 each, so a cell
// weighs its deal count), skipping deals whose comparison group is empty.
// See docs/analytics.md.
//
// Without a time window, and for the whole organisation, infl reads the
// rollup asset_outcomes (a few rows per asset); otherwise the per-deal rows
// of asset_deal_outcomes, through their (org, first use) or primary-key
// index.
func influenceSQL(q *queryArgs, f stagecraft.AnalyticsFilter, assetID string) string {
	arg := q.add
	iaWhere := []string{"o.org_id = $1", "o.persona = ''", "o.status <> 'open'"}
	var infl string
	if f.From == nil && f.To == nil && assetID == "" {
		where := []string{"org_id = $1", "persona = " + arg(f.Persona), "deals <> 0"}
		if f.Stage != "" {
			where = append(where, "first_stage = "+arg(f.Stage))
		}
		infl = `SELECT asset_id, first_stage, status, deals AS n, revenue FROM asset_outcomes WHERE ` +
			strings.Join(where, " AND ")
	} else {
		where := []string{"org_id = $1"}
		if assetID != "" {
			a := arg(assetID)
			where = append(where, "asset_id = "+a)
			iaWhere = append(iaWhere, "o.asset_id = "+a)
		}
		if f.From != nil {
			where = append(where, "first_used_at >= "+arg(*f.From))
		}
		if f.To != nil {
			where = append(where, "first_used_at < "+arg(*f.To))
		}
		if f.Stage != "" {
			where = append(where, "first_stage = "+arg(f.Stage))
		}
		if f.Persona != "" {
			where = append(where, "personas @> ARRAY["+arg(f.Persona)+"::text]")
		}
		infl = `SELECT asset_id, first_stage, status, 1 AS n, revenue, personas FROM asset_deal_outcomes WHERE ` +
			strings.Join(where, " AND ")
	}
	return `
WITH stages AS (
    SELECT key, position FROM taxonomy_terms WHERE org_id = $1 AND facet = 'stages'
),
totals AS (
    SELECT s.position AS k, coalesce(sum(o.deals) FILTER (WHERE o.status = 'won'), 0) AS won, sum(o.deals) AS closed
    FROM stage_outcomes o
    LEFT JOIN stages r ON r.key = o.reach_stage
    JOIN stages s ON coalesce(r.position, 0) >= s.position
    WHERE o.org_id = $1
    GROUP BY s.position
),
ia AS (
    -- Grouped by furthest stage first, then spread over the stages at or
    -- below it: a join of a few rows per asset instead of every row.
    SELECT p.asset_id, s.position AS k, sum(p.won) AS won, sum(p.closed) AS closed
    FROM (SELECT o.asset_id, coalesce(r.position, 0) AS reach,
                 coalesce(sum(o.deals) FILTER (WHERE o.status = 'won'), 0) AS won, sum(o.deals) AS closed
          FROM asset_outcomes o LEFT JOIN stages r ON r.key = o.reach_stage
          WHERE ` + strings.Join(iaWhere, " AND ") + `
          GROUP BY o.asset_id, coalesce(r.position, 0)) p
    JOIN stages s ON p.reach >= s.position
    GROUP BY p.asset_id, s.position
),
infl AS (
    ` + infl + `
),
cells AS (
    SELECT i.asset_id, coalesce(st.position, 1) AS k0, i.status, sum(i.n) AS n, sum(i.revenue) AS revenue
    FROM infl i LEFT JOIN stages st ON st.key = i.first_stage
    GROUP BY 1, 2, 3
),
per_cell AS (
    SELECT c.*, CASE WHEN c.status <> 'open'
                     THEN (t.won - coalesce(x.won, 0))::float8 / nullif(t.closed - coalesce(x.closed, 0), 0) END AS baseline
    FROM cells c
    LEFT JOIN totals t ON t.k = c.k0
    LEFT JOIN ia x ON x.asset_id = c.asset_id AND x.k = c.k0
),
per_asset AS (
    SELECT asset_id, sum(n) AS influenced,
           coalesce(sum(n) FILTER (WHERE status <> 'open'), 0) AS closed,
           coalesce(sum(n) FILTER (WHERE status = 'won'), 0) AS won,
           coalesce(sum(revenue) FILTER (WHERE status = 'won'), 0)::float8 AS revenue,
           sum(n * baseline) / nullif(sum(n) FILTER (WHERE baseline IS NOT NULL), 0) AS baseline
    FROM per_cell
    GROUP BY asset_id
)`
}

// queryArgs numbers the arguments of a query built from parts; the first
// is always the organisation.
type queryArgs struct{ args []any }

func newQueryArgs(orgID string) *queryArgs { return &queryArgs{args: []any{orgID}} }

// add appends v and returns its placeholder.
func (q *queryArgs) add(v any) string {
	q.args = append(q.args, v)
	return fmt.Sprintf("$%d", len(q.args))
}

// scores runs the scorecard for the organisation's assets that are not
// archived, or for assetID alone.
func (db *DB) scores(ctx context.Context, f stagecraft.AnalyticsFilter, assetID string) ([]*stagecraft.AssetScore, error) {
	q := newQueryArgs(f.OrgID)
	cte := influenceSQL(q, f, assetID)
	assetWhere := []string{"a.org_id = $1", "a.status <> 'archived'"}
	if assetID != "" {
		assetWhere = append(assetWhere, "a.id = "+q.add(assetID))
	}
	// All-time usage comes from asset_totals; a window from the daily
	// rollups and the events of its partial days (analytics_window.go).
	cols := "coalesce(t.uses, 0), coalesce(t.link_opens, 0), coalesce(t.users, 0), t.last_used_at"
	usage := `
		LEFT JOIN asset_totals t ON t.asset_id = a.id`
	if f.From != nil || f.To != nil {
		cols = "coalesce(wu.uses, 0), coalesce(wu.opens, 0), coalesce(wu.n, 0), wu.last"
		usage = usageWindowSQL(q, f.From, f.To, assetID)
	}
	// Reading: external visits of the asset's links started in the window.
	visitWhere := []string{"org_id = $1", "NOT internal"}
	if f.From != nil {
		visitWhere = append(visitWhere, "started_at >= "+q.add(*f.From))
	}
	if f.To != nil {
		visitWhere = append(visitWhere, "started_at < "+q.add(*f.To))
	}
	if assetID != "" {
		visitWhere = append(visitWhere, "asset_id = "+q.add(assetID))
	}
	usage += `
		LEFT JOIN (SELECT asset_id, avg(seconds)::float8 AS seconds,
		                  avg(least(1.0, pages_read::float8 / page_count))::float8 AS completion
		           FROM link_visits WHERE ` + strings.Join(visitWhere, " AND ") + `
		           GROUP BY asset_id) rv ON rv.asset_id = a.id`
	rows, err := db.Pool.Query(ctx, cte+`
		SELECT a.id, a.title, `+cols+`,
		       coalesce(p.influenced, 0), coalesce(p.closed, 0), coalesce(p.won, 0), coalesce(p.revenue, 0), p.baseline,
		       rv.seconds, rv.completion
		FROM assets a
		LEFT JOIN per_asset p ON p.asset_id = a.id`+usage+`
		WHERE `+strings.Join(assetWhere, " AND ")+`
		ORDER BY a.title, a.id`, q.args...)
	if err != nil {
		return nil, fmt.Errorf("scorecard: %w", mapErr(err))
	}
	scores, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*stagecraft.AssetScore, error) {
		var s stagecraft.AssetScore
		var uses, opens int64
		err := r.Scan(&s.AssetID, &s.Title, &uses, &opens, &s.UniqueUsers, &s.LastUsedAt,
			&s.DealsInfluenced, &s.DealsClosed, &s.DealsWon, &s.RevenueInfluenced, &s.BaselineWinRate,
			&s.AvgViewSeconds, &s.Completion)
		s.Uses, s.LinkOpens = int(uses), int(opens)
		s.Finish()
		return &s, err
	})
	if err != nil {
		return nil, fmt.Errorf("scorecard: %w", mapErr(err))
	}
	return scores, nil
}

// Scorecard returns the organisation's overall win rate and a row per
// asset that is not archived.
func (db *DB) Scorecard(ctx context.Context, f stagecraft.AnalyticsFilter) (*stagecraft.OverallScore, []*stagecraft.AssetScore, error) {
	if err := db.refreshForRead(ctx, f.OrgID); err != nil {
		return nil, nil, err
	}
	scores, err := db.scores(ctx, f, "")
	if err != nil {
		return nil, nil, err
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
	if err := db.refreshForRead(ctx, orgID); err != nil {
		return nil, err
	}
	scores, err := db.scores(ctx, stagecraft.AnalyticsFilter{OrgID: orgID, Stage: stage}, "")
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
// use, by persona of the deal, by user, and a weekly series. It reads only
// that asset's rows.
func (db *DB) AssetDetail(ctx context.Context, f stagecraft.AnalyticsFilter, assetID string) (*stagecraft.AssetDetail, error) {
	if !isUUID(assetID) {
		return nil, stagecraft.Errorf(stagecraft.ENOTFOUND, "Asset not found.")
	}
	if err := db.refreshForRead(ctx, f.OrgID); err != nil {
		return nil, err
	}
	scores, err := db.scores(ctx, f, assetID)
	if err != nil {
		return nil, err
	}
	if len(scores) == 0 {
		return nil, stagecraft.Errorf(stagecraft.ENOTFOUND, "Asset not found.")
	}
	d := &stagecraft.AssetDetail{AssetScore: *scores[0]}
	breakdown := func(key string) ([]stagecraft.Breakdown, error) {
		q := newQueryArgs(f.OrgID)
		cte := influenceSQL(q, f, assetID)
		rows, err := db.Pool.Query(ctx, cte+`
			SELECT k, count(*), count(*) FILTER (WHERE status <> 'open'), count(*) FILTER (WHERE status = 'won')
			FROM (SELECT `+key+` AS k, status FROM infl) x
			GROUP BY k ORDER BY count(*) DESC, k`, q.args...)
		if err != nil {
			return nil, err
		}
		return pgx.CollectRows(rows, func(r pgx.CollectableRow) (stagecraft.Breakdown, error) {
			var b stagecraft.Breakdown
			err := r.Scan(&b.Key, &b.DealsInfluenced, &b.DealsClosed, &b.DealsWon)
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
	if d.Series, err = db.weeklyUses(ctx, f, &assetID); err != nil {
		return nil, fmt.Errorf("asset analytics series: %w", err)
	}
	if d.Pages, err = db.pageAttention(ctx, f, assetID); err != nil {
		return nil, fmt.Errorf("asset analytics pages: %w", err)
	}
	return d, nil
}

// pageAttention is the reading of each page of the asset's current
// version over the external visits of its links that showed that version
// (page numbers of other versions are other pages) and started in the
// window.
func (db *DB) pageAttention(ctx context.Context, f stagecraft.AnalyticsFilter, assetID string) ([]stagecraft.PageAttention, error) {
	rows, err := db.Pool.Query(ctx, `
		WITH ver AS (
			SELECT v.id, greatest(coalesce(v.preview_pages, 0), coalesce(v.page_count, 0), 1) AS pages
			FROM assets a JOIN asset_versions v ON v.id = a.current_version_id
			WHERE a.id = $2 AND a.org_id = $1
		), vis AS (
			SELECT lv.id FROM link_visits lv JOIN ver ON ver.id = lv.version_id
			WHERE lv.org_id = $1 AND lv.asset_id = $2 AND NOT lv.internal
			  AND ($3::timestamptz IS NULL OR lv.started_at >= $3) AND ($4::timestamptz IS NULL OR lv.started_at < $4)
		), per AS (
			SELECT s.visit_id, t.page, sum(t.seconds) AS seconds
			FROM vis JOIN viewer_sessions s ON s.visit_id = vis.id
			JOIN link_page_time t ON t.link_id = s.link_id AND t.session_id = s.session_id
			WHERE t.seconds > 0
			GROUP BY s.visit_id, t.page
		)
		SELECT g.page, count(per.visit_id), (SELECT count(*) FROM vis),
		       coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY per.seconds), 0)
		FROM ver CROSS JOIN generate_series(1, ver.pages) AS g(page)
		LEFT JOIN per ON per.page = g.page
		GROUP BY g.page ORDER BY g.page`, f.OrgID, assetID, f.From, f.To)
	if err != nil {
		return nil, mapErr(err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (stagecraft.PageAttention, error) {
		var p stagecraft.PageAttention
		var total int
		err := r.Scan(&p.Page, &p.Visits, &total, &p.MedianSeconds)
		if total > 0 {
			p.Reach = math.Round(float64(p.Visits)/float64(total)*1000) / 1000
		}
		return p, err
	})
}

// UsageSeries returns the organisation's uses and link opens per week.
func (db *DB) UsageSeries(ctx context.Context, f stagecraft.AnalyticsFilter) ([]stagecraft.WeekUse, error) {
	s, err := db.weeklyUses(ctx, f, nil)
	if err != nil {
		return nil, fmt.Errorf("usage series: %w", err)
	}
	return s, nil
}

// weeklyUses sums the daily rollup by week, for one asset or (assetID
// nil) the whole organisation.
func (db *DB) weeklyUses(ctx context.Context, f stagecraft.AnalyticsFilter, assetID *string) ([]stagecraft.WeekUse, error) {
	rows, err := db.Pool.Query(ctx, `
		SELECT to_char(date_trunc('week', day), 'YYYY-MM-DD'), sum(uses), sum(link_opens)
		FROM asset_daily_uses
		WHERE org_id = $1 AND ($2::uuid IS NULL OR asset_id = $2)
		  AND ($3::timestamptz IS NULL OR day >= ($3::timestamptz AT TIME ZONE 'UTC')::date)
		  AND ($4::timestamptz IS NULL OR day < ($4::timestamptz AT TIME ZONE 'UTC')::date)
		GROUP BY 1 ORDER BY 1`, f.OrgID, assetID, f.From, f.To)
	if err != nil {
		return nil, mapErr(err)
	}
	series, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (stagecraft.WeekUse, error) {
		var w stagecraft.WeekUse
		var uses, opens int64
		err := r.Scan(&w.Week, &uses, &opens)
		w.Uses, w.LinkOpens = int(uses), int(opens)
		return w, err
	})
	if err != nil {
		return nil, mapErr(err)
	}
	if series == nil {
		series = []stagecraft.WeekUse{}
	}
	return series, nil
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
