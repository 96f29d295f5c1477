package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/storage/postgres"
)

// load generates the organisation in SQL, one step at a time, on one
// connection without a statement timeout.
func (p analyticsPlan) load(ctx context.Context, db *postgres.DB) (string, []loadStep, error) {
	tax := stagecraft.DefaultTaxonomy()
	keys := func(ts []stagecraft.Term) []string {
		var out []string
		for _, t := range ts {
			out = append(out, t.Key)
		}
		return out
	}
	stages, personas, industries := keys(tax.Stages), keys(tax.Personas), keys(tax.Industries)
	o, admin, err := db.CreateOrganisation(ctx, "Bench analytics", stagecraft.NewUser{Email: "admin@bench.example", Role: stagecraft.RoleAdmin}, "x")
	if err != nil {
		return "", nil, err
	}
	org := o.ID
	conn, err := db.Pool.Acquire(ctx)
	if err != nil {
		return "", nil, err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SET statement_timeout = 0`); err != nil {
		return "", nil, err
	}
	defer resetConn(conn, `RESET statement_timeout`)
	var steps []loadStep
	step := func(name string, fn func() (int64, error)) error {
		start := time.Now()
		n, err := fn()
		if err != nil {
			return fmt.Errorf("load %s: %w", name, err)
		}
		s := loadStep{Name: name, Rows: n, Seconds: time.Since(start).Seconds()}
		steps = append(steps, s)
		fmt.Fprintf(os.Stderr, "analytics load: %s: %d rows in %.1f s\n", name, n, s.Seconds)
		return nil
	}
	exec := func(sql string, args ...any) (int64, error) {
		tag, err := conn.Exec(ctx, sql, args...)
		return tag.RowsAffected(), err
	}
	err = step("users (reps)", func() (int64, error) {
		return exec(`INSERT INTO users (id, org_id, email, name, role, password_hash)
			SELECT `+seqID("a0000000", "g")+`, $1, 'rep' || g || '@bench.example', 'Rep ' || g, 'rep', 'x'
			FROM generate_series(1, $2::int) g`, org, benchReps)
	})
	if err != nil {
		return "", nil, err
	}
	err = step("assets + asset_versions", func() (int64, error) {
		var n int64
		// One transaction: current_version_id is checked at commit.
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			tag, err := tx.Exec(ctx, `INSERT INTO assets (id, org_id, title, type, status, stages, personas,
				    owner_id, current_version_id, index_status, created_at, updated_at)
				SELECT `+seqID("b0000000", "g")+`, $1,
				       (ARRAY['Battlecard', 'Case study', 'ROI calculator', 'Pricing sheet', 'Security whitepaper',
				              'Demo deck', 'One-pager'])[1 + g % 7] || ' ' || g,
				       'pdf', CASE g % 20 WHEN 0 THEN 'archived' WHEN 10 THEN 'draft' ELSE 'published' END,
				       ARRAY[($3::text[])[1 + g % 5]], ARRAY[($4::text[])[1 + g % 6]], $5,
				       `+seqID("c0000000", "g")+`, 'indexed', now() - g * interval '3 hours', now()
				FROM generate_series(1, $2::int) g`, org, p.assets, stages, personas, admin.ID)
			if err != nil {
				return err
			}
			n = tag.RowsAffected()
			_, err = tx.Exec(ctx, `INSERT INTO asset_versions (id, org_id, asset_id, number, filename, content_type,
				    size, sha256, blob_key, uploaded_by)
				SELECT `+seqID("c0000000", "g")+`, $1, `+seqID("b0000000", "g")+`, 1, 'asset-' || g || '.pdf',
				       'application/pdf', 100000 + g, md5(g::text), 'bench/' || $1::uuid || '/' || g, $3
				FROM generate_series(1, $2::int) g`, org, p.assets, admin.ID)
			return err
		})
		return n, err
	})
	if err != nil {
		return "", nil, err
	}
	// The plan of every deal: outcome, the furthest stage reached, when it
	// started, how long each stage took, and the assets its reps use (a
	// few, the popular ones more often). Closed: 60%, won 27% of those;
	// open deals mostly early in the funnel, won deals mostly at the last
	// stage.
	err = step("deals", func() (int64, error) {
		if _, err := exec(`CREATE UNLOGGED TABLE bench_deal_plan (n int PRIMARY KEY, status text, reach int,
			created timestamptz, dur float8, closed_at timestamptz, kit int[], owner int)`); err != nil {
			return 0, err
		}
		_, err := exec(`INSERT INTO bench_deal_plan
			WITH r AS MATERIALIZED (
			    SELECT g AS n, random() AS rc, random() AS rw, random() AS rr, random() AS rt, random() AS rd, random() AS rk
			    FROM generate_series(1, $1::int) g
			), q AS MATERIALIZED (
			    SELECT n, rt, rk, rr, 86400 * (3 + rd * 25) AS dur,
			           CASE WHEN rc >= 0.6 THEN 'open' WHEN rw < 0.27 THEN 'won' ELSE 'lost' END AS status
			    FROM r
			), s AS MATERIALIZED (
			    SELECT q.*, CASE WHEN status = 'won' THEN CASE WHEN rr < 0.85 THEN 5 ELSE 4 END
			                     WHEN status = 'lost' THEN 1 + width_bucket(rr, ARRAY[0.30, 0.55, 0.75, 0.90]::float8[])
			                     ELSE 1 + width_bucket(rr, ARRAY[0.35, 0.60, 0.80, 0.92]::float8[]) END AS reach
			    FROM q
			)
			SELECT n, status, reach,
			       CASE WHEN status = 'open' THEN now() - ((reach - 1) + rt) * dur * interval '1 second'
			            ELSE now() - interval '1 day' - rt * interval '700 days' - reach * dur * interval '1 second' END,
			       dur,
			       CASE WHEN status <> 'open' THEN now() - interval '1 day' - rt * interval '700 days' END,
			       (SELECT array_agg(1 + floor($2::int * power(random(), 2))::int) FROM generate_series(1, 3 + floor(rk * 10)::int)),
			       1 + n % $3::int
			FROM s`, p.deals, p.assets, benchReps)
		if err != nil {
			return 0, err
		}
		return exec(`INSERT INTO deals (id, org_id, external_id, name, account, amount, stage, status, owner_id,
			    personas, industry, closed_at, created_at, updated_at)
			SELECT `+seqID("d0000000", "n")+`, $1, 'CRM-' || n, 'Deal ' || n, 'Account ' || (1 + n % 40000),
			       round((5000 + random() * 195000)::numeric, 2), ($2::text[])[reach], status, `+seqID("a0000000", "owner")+`,
			       ARRAY[($3::text[])[1 + n % 6]] || CASE WHEN n % 3 = 0 THEN ARRAY[($3::text[])[1 + (n % 6 + 1 + (n / 6) % 5) % 6]]
			                                             ELSE '{}'::text[] END,
			       ($4::text[])[1 + n % cardinality($4::text[])], closed_at, created, coalesce(closed_at, now())
			FROM bench_deal_plan`, org, stages, personas, industries)
	})
	if err != nil {
		return "", nil, err
	}
	err = step("deal_stage_history", func() (int64, error) {
		return exec(`INSERT INTO deal_stage_history (org_id, deal_id, stage, status, seen_at)
			SELECT $1::uuid, `+seqID("d0000000", "p.n")+`, ($2::text[])[s], 'open', p.created + (s - 1) * p.dur * interval '1 second'
			FROM bench_deal_plan p CROSS JOIN LATERAL generate_series(1, p.reach) s
			UNION ALL
			SELECT $1::uuid, `+seqID("d0000000", "n")+`, ($2::text[])[reach], status, closed_at
			FROM bench_deal_plan WHERE status <> 'open'`, org, stages)
	})
	if err != nil {
		return "", nil, err
	}
	// The generated references are valid by construction, so their
	// foreign-key checks are skipped where the role may (as pg_restore
	// --disable-triggers does); the rollup trigger is set to fire anyway.
	fk := "foreign keys checked"
	if _, err := conn.Exec(ctx, `SET session_replication_role = replica`); err == nil {
		if _, err := exec(`ALTER TABLE usage_events ENABLE ALWAYS TRIGGER usage_events_rollup`); err != nil {
			return "", nil, err
		}
		fk = "foreign-key checks skipped"
		defer resetConn(conn, `RESET session_replication_role; ALTER TABLE usage_events ENABLE TRIGGER usage_events_rollup`)
	}
	err = step(fmt.Sprintf("usage_events (chunks of %d, rollup trigger on, %s)", p.chunk, fk), func() (int64, error) {
		return p.loadEvents(ctx, conn, org, stages)
	})
	if err != nil {
		return "", nil, err
	}
	err = step("VACUUM ANALYZE", func() (int64, error) {
		if _, err := exec(`DROP TABLE bench_deal_plan`); err != nil {
			return 0, err
		}
		_, err := exec(`VACUUM ANALYZE`)
		return 0, err
	})
	if err != nil {
		return "", nil, err
	}
	// The marker of a complete load, and what it took.
	raw, _ := json.Marshal(steps)
	if _, err := exec(`CREATE TABLE bench_load AS SELECT $1::uuid AS org_id, $2::jsonb AS steps, now() AS loaded_at`, org, raw); err != nil {
		return "", nil, err
	}
	return org, steps, nil
}

// loadEvents inserts the events chunk by chunk. 80% carry a deal, at one
// of the stages it reached (8% of a closed deal's after its close); the
// rest are uses outside deals. 5% are link opens, 30% of those by bots.
func (p analyticsPlan) loadEvents(ctx context.Context, conn *pgxpool.Conn, org string, stages []string) (int64, error) {
	start := time.Now()
	var total int64
	next := p.events / 10
	for off := int64(0); off < p.events; off += p.chunk {
		tag, err := conn.Exec(ctx, `INSERT INTO usage_events (id, org_id, type, asset_id, version_id, deal_id, user_id,
			    stage_at_event, occurred_at, recorded_at, bot)
			WITH r AS MATERIALIZED (
			    SELECT g, random() AS rt, random() AS ra, random() AS rs, random() AS rd, random() AS rp, random() AS ru,
			           random() AS rb, CASE WHEN random() < 0.8 THEN 1 + floor(random() * $3::int)::int END AS n
			    FROM generate_series($1::bigint, $2::bigint) g
			), e AS MATERIALIZED (
			    SELECT r.g, r.n, r.rd, r.rb, p.reach, p.created, p.dur, p.closed_at,
			           CASE WHEN rt < 0.05 THEN 'link_open' WHEN rt < 0.55 THEN 'view' WHEN rt < 0.70 THEN 'download'
			                WHEN rt < 0.80 THEN 'share' WHEN rt < 0.90 THEN 'present' WHEN rt < 0.95 THEN 'copy_link'
			                ELSE 'attach' END AS type,
			           CASE WHEN p.n IS NULL THEN 1 + floor($4::int * power(ra, 2))::int
			                ELSE p.kit[1 + floor(ra * cardinality(p.kit))::int] END AS asset,
			           CASE WHEN p.n IS NOT NULL AND ru < 0.8 THEN p.owner ELSE 1 + floor(ru * $5::int)::int END AS usr,
			           p.closed_at IS NOT NULL AND rp < 0.08 AS after_close,
			           1 + floor(rs * p.reach)::int AS s
			    FROM r LEFT JOIN bench_deal_plan p ON p.n = r.n
			), t AS (
			    SELECT e.*, CASE
			        WHEN n IS NULL THEN now() - rd * interval '730 days'
			        WHEN after_close THEN least(closed_at + rd * interval '60 days', now())
			        WHEN closed_at IS NULL AND s = reach THEN created + (s - 1) * dur * interval '1 second'
			             + rd * (now() - (created + (s - 1) * dur * interval '1 second'))
			        ELSE created + ((s - 1) + rd) * dur * interval '1 second' END AS at
			    FROM e
			)
			SELECT `+seqID("e0000000", "g")+`, $6, type, `+seqID("b0000000", "asset")+`, `+seqID("c0000000", "asset")+`,
			       CASE WHEN n IS NOT NULL THEN `+seqID("d0000000", "n")+` END,
			       CASE WHEN type <> 'link_open' THEN `+seqID("a0000000", "usr")+` END,
			       CASE WHEN n IS NULL THEN NULL WHEN after_close THEN ($7::text[])[reach] ELSE ($7::text[])[s] END,
			       at, at, (type = 'link_open' AND rb < 0.3) OR rb < 0.005
			FROM t`, off+1, min(off+p.chunk, p.events), p.deals, p.assets, benchReps, org, stages)
		if err != nil {
			return total, err
		}
		total += tag.RowsAffected()
		if total >= next || total == p.events {
			fmt.Fprintf(os.Stderr, "analytics load: usage_events %d/%d (%.0f%%), %.0f s, %.0f events/s\n",
				total, p.events, 100*float64(total)/float64(p.events), time.Since(start).Seconds(),
				float64(total)/time.Since(start).Seconds())
			next += p.events / 10
		}
	}
	return total, nil
}

// catchUp folds every change not yet in the outcome rollups into them, as
// the background refresher does after a load (or an upgrade that created
// the rollups), and reports how long that took.
func catchUp(ctx context.Context, db *postgres.DB, org string) error {
	backlog, err := db.AnalyticsBacklog(ctx)
	if err != nil {
		return err
	}
	if backlog[org] == 0 {
		fmt.Println("\nOutcome rollups: up to date (nothing to fold in).")
		return nil
	}
	fmt.Fprintf(os.Stderr, "analytics: folding %d deal marks into the outcome rollups\n", backlog[org])
	start := time.Now()
	n, err := db.RefreshAnalytics(ctx, org)
	if err != nil {
		return err
	}
	took := time.Since(start)
	if err := db.PruneAnalytics(ctx, org); err != nil {
		return err
	}
	if _, err := db.Pool.Exec(ctx, `VACUUM ANALYZE deal_outcomes, stage_outcomes, asset_deal_outcomes, asset_outcomes`); err != nil {
		return err
	}
	fmt.Printf("\nOutcome rollups built from scratch: %d deal marks in %.1f s (%.0f marks/s).\n",
		n, took.Seconds(), float64(n)/max(took.Seconds(), 0.001))
	return nil
}
