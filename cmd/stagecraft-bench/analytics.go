package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/sync/errgroup"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/storage/postgres"
)

// benchAnalytics loads a synthetic organisation (deals with their stage
// history, collateral, usage events through the rollup trigger) into its
// own schema, then times the scorecard and the asset detail, and the cost
// of keeping the rollups current on ingest: RecordEvents with the rollup
// trigger enabled against the same writer with it disabled.
func benchAnalytics(args []string) error {
	fs := flag.NewFlagSet("analytics", flag.ContinueOnError)
	p := analyticsPlan{}
	fs.IntVar(&p.deals, "deals", 200000, "deals")
	fs.Int64Var(&p.events, "events", 10000000, "usage events")
	fs.IntVar(&p.assets, "assets", 2000, "assets")
	fs.Int64Var(&p.chunk, "chunk", 500000, "events per INSERT … SELECT while loading")
	keep := fs.Bool("keep", false, "keep the schema (reruns of the same size reuse it)")
	queries := fs.Int("queries", 30, "runs of each query kind")
	ingestD := fs.Duration("ingest", 5*time.Second, "duration of one ingest measurement")
	rounds := fs.Int("rounds", 2, "ingest measurements per mode, alternating")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx := context.Background()
	db, reused, cleanup, err := analyticsDB(ctx, p, *keep)
	if err != nil {
		return err
	}
	defer cleanup()
	var org string
	var steps []loadStep
	if reused {
		var raw []byte
		if err := db.Pool.QueryRow(ctx, `SELECT org_id, steps FROM bench_load`).Scan(&org, &raw); err != nil {
			return err
		}
		if err := json.Unmarshal(raw, &steps); err != nil {
			return err
		}
		fmt.Fprintln(os.Stderr, "analytics: reusing the kept load")
	} else if org, steps, err = p.load(ctx, db); err != nil {
		return err
	}

	fmt.Printf("\nAnalytics at %d deals, %d usage events, %d assets (%s, %d CPUs)\n\n",
		p.deals, p.events, p.assets, time.Now().UTC().Format("2006-01-02"), numCPU())
	fmt.Println("| load step | rows | seconds | rows/s |")
	fmt.Println("|---|---|---|---|")
	for _, s := range steps {
		if s.Rows == 0 {
			fmt.Printf("| %s | — | %.1f | — |\n", s.Name, s.Seconds)
			continue
		}
		fmt.Printf("| %s | %d | %.1f | %.0f |\n", s.Name, s.Rows, s.Seconds, float64(s.Rows)/max(s.Seconds, 0.001))
	}
	if reused {
		fmt.Println("\n(The load of an earlier run, kept with -keep.)")
	}
	if err := catchUp(ctx, db, org); err != nil {
		return err
	}
	if err := printTables(ctx, db); err != nil {
		return err
	}
	if err := benchScorecard(ctx, db, org, p.deals, *queries); err != nil {
		return err
	}
	return benchIngest(ctx, db, org, p.assets, *ingestD, *rounds, *keep)
}

// analyticsPlan is the size of the synthetic organisation.
type analyticsPlan struct {
	deals, assets int
	events, chunk int64
}

// loadStep is one timed step of the load, kept with a kept schema so that
// reruns can report it.
type loadStep struct {
	Name    string  `json:"name"`
	Rows    int64   `json:"rows"`
	Seconds float64 `json:"seconds"`
}

// benchReps is how many reps own deals and record events.
const benchReps = 50

// seqID is SQL for a UUID made of a prefix per kind of row and the row's
// number n, so that the generator can refer to rows it inserted without
// looking them up.
func seqID(prefix, n string) string {
	return fmt.Sprintf("('%s-0000-4000-8000-' || lpad(to_hex(%s), 12, '0'))::uuid", prefix, n)
}

func assetID(n int) string    { return fmt.Sprintf("b0000000-0000-4000-8000-%012x", n) }
func ingestDeal(n int) string { return fmt.Sprintf("d1000000-0000-4000-8000-%012x", n) }

const ingestUser = "a1000000-0000-4000-8000-000000000001"

// analyticsDB opens the benchmark's schema: a fresh one, or with keep the
// schema named after the size, reused when a previous load completed.
func analyticsDB(ctx context.Context, p analyticsPlan, keep bool) (*postgres.DB, bool, func(), error) {
	if !keep {
		db, cleanup, err := benchDB(ctx, "bench_analytics")
		return db, false, cleanup, err
	}
	url, err := benchURL()
	if err != nil {
		return nil, false, nil, err
	}
	schema := fmt.Sprintf("bench_analytics_%d_%d_%d", p.deals, p.events, p.assets)
	admin, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, false, nil, err
	}
	defer closeConn(admin)
	var complete bool
	_ = admin.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, schema+".bench_load").Scan(&complete)
	if !complete { // absent, or a load that did not finish
		if _, err := admin.Exec(ctx, `DROP SCHEMA IF EXISTS `+schema+` CASCADE; CREATE SCHEMA `+schema); err != nil {
			return nil, false, nil, err
		}
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, false, nil, err
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema + ",public"
	db, err := postgres.OpenConfig(ctx, cfg, nil)
	if err != nil {
		return nil, false, nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, false, nil, err
	}
	return db, complete, db.Close, nil
}

// printTables reports the size of what the scorecard reads.
func printTables(ctx context.Context, db *postgres.DB) error {
	fmt.Println()
	fmt.Println("| table | rows | MB (with indexes) |")
	fmt.Println("|---|---|---|")
	for _, t := range []string{"deals", "deal_stage_history", "usage_events", "asset_deal_uses", "asset_daily_uses",
		"asset_users", "asset_user_days", "asset_deal_outcomes", "asset_outcomes", "stage_outcomes"} {
		var n, size int64
		if err := db.Pool.QueryRow(ctx, `SELECT count(*), pg_total_relation_size('`+t+`') FROM `+t).Scan(&n, &size); err != nil {
			return err
		}
		fmt.Printf("| %s | %d | %.0f |\n", t, n, float64(size)/(1<<20))
	}
	var closed, won int64
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE status <> 'open'), count(*) FILTER (WHERE status = 'won') FROM deals`).Scan(&closed, &won); err != nil {
		return err
	}
	fmt.Printf("\nClosed deals: %d, won: %d (%.1f%%).\n", closed, won, 100*float64(won)/float64(max(closed, 1)))
	return nil
}

// benchScorecard times each kind of analytics query, interleaved so that
// noise on the machine falls on all of them alike.
func benchScorecard(ctx context.Context, db *postgres.DB, org string, deals, n int) error {
	rows, err := db.Pool.Query(ctx, `SELECT id FROM assets WHERE org_id = $1 AND status <> 'archived' ORDER BY id`, org)
	if err != nil {
		return err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	tax := stagecraft.DefaultTaxonomy()
	rng := rand.New(rand.NewPCG(11, 11))
	now := time.Now()
	type kind struct {
		name string
		prep func() error // before the timed run
		run  func(i int) (int, error)
	}
	scorecard := func(f stagecraft.AnalyticsFilter) (int, error) {
		f.OrgID = org
		_, s, err := db.Scorecard(ctx, f)
		return len(s), err
	}
	kinds := []kind{
		{"Scorecard, no filter", nil, func(int) (int, error) { return scorecard(stagecraft.AnalyticsFilter{}) }},
		{"Scorecard, stage (each in turn)", nil, func(i int) (int, error) {
			return scorecard(stagecraft.AnalyticsFilter{Stage: tax.Stages[i%len(tax.Stages)].Key})
		}},
		{"Scorecard, persona (each in turn)", nil, func(i int) (int, error) {
			return scorecard(stagecraft.AnalyticsFilter{Persona: tax.Personas[i%len(tax.Personas)].Key})
		}},
		{"Scorecard, 90-day window in the last 2 years", nil, func(int) (int, error) {
			from := now.Add(-time.Duration(90+rng.IntN(640)) * 24 * time.Hour)
			to := from.Add(90 * 24 * time.Hour)
			return scorecard(stagecraft.AnalyticsFilter{From: &from, To: &to})
		}},
		// The usage columns of a window alone, as the scorecard read them
		// before asset_user_days (people whose first-to-last span meets the
		// window; whole days) and as it reads them now (exact), on the same
		// random windows.
		{"Window usage columns, previous (asset_users spans, whole days)", nil, func(int) (int, error) {
			from := now.Add(-time.Duration(90+rng.IntN(640)) * 24 * time.Hour)
			return windowUsage(ctx, db, previousWindowUsage, org, from, from.Add(90*24*time.Hour))
		}},
		{"Window usage columns, now (asset_user_days, partial days from events)", nil, func(int) (int, error) {
			from := now.Add(-time.Duration(90+rng.IntN(640)) * 24 * time.Hour)
			return windowUsage(ctx, db, exactWindowUsage, org, from, from.Add(90*24*time.Hour))
		}},
		{"Scorecard, right after 200 new uses (folded in first)", func() error {
			// Uses of popular assets on random deals, as reps work: most
			// are first uses of an asset on a deal, which mark the deal.
			evs := make([]*stagecraft.Event, 200)
			for i := range evs {
				evs[i] = &stagecraft.Event{ID: uuid.NewString(), OrgID: org, Type: stagecraft.EventView,
					AssetID: ids[rng.IntN(len(ids))], DealID: fmt.Sprintf("d0000000-0000-4000-8000-%012x", 1+rng.IntN(deals)),
					OccurredAt: time.Now().UTC()}
			}
			_, err := db.RecordEvents(ctx, evs)
			return err
		}, func(int) (int, error) { return scorecard(stagecraft.AnalyticsFilter{}) }},
		{"AssetDetail, random asset", nil, func(int) (int, error) {
			d, err := db.AssetDetail(ctx, stagecraft.AnalyticsFilter{OrgID: org}, ids[rng.IntN(len(ids))])
			if err != nil {
				return 0, err
			}
			return len(d.ByStage) + len(d.ByPersona) + len(d.ByUser) + len(d.Series), nil
		}},
	}
	lat := make([][]time.Duration, len(kinds))
	nrows := make([]int, len(kinds))
	for i := -1; i < n; i++ { // i = -1 warms the cache
		for k, q := range kinds {
			if q.prep != nil {
				if err := q.prep(); err != nil {
					return fmt.Errorf("%s: %w", q.name, err)
				}
			}
			start := time.Now()
			r, err := q.run(max(i, 0))
			if err != nil {
				return fmt.Errorf("%s: %w", q.name, err)
			}
			if i >= 0 {
				lat[k] = append(lat[k], time.Since(start))
				nrows[k] += r
			}
		}
		if i >= 0 && ((i+1)%10 == 0 || i+1 == n) {
			fmt.Fprintf(os.Stderr, "analytics queries: %d/%d rounds\n", i+1, n)
		}
	}
	fmt.Printf("\nQueries, %d runs each, interleaved, after VACUUM ANALYZE:\n\n", n)
	fmt.Println("| query | runs | p50 ms | p95 ms | max ms | rows (mean) |")
	fmt.Println("|---|---|---|---|---|---|")
	for k, q := range kinds {
		fmt.Printf("| %s | %d | %.0f | %.0f | %.0f | %.0f |\n", q.name, len(lat[k]),
			ms(pct(lat[k], 50)), ms(pct(lat[k], 95)), ms(pct(lat[k], 100)), float64(nrows[k])/float64(max(len(lat[k]), 1)))
	}
	return nil
}

// benchIngest measures events/s through RecordEvents with the rollup
// trigger enabled and disabled, alternating. The events go to deals and a
// user made for the purpose, on a day of their own (2001-01-01), so that
// with keep they and their rollups can be removed exactly.
func benchIngest(ctx context.Context, db *postgres.DB, org string, assets int, d time.Duration, rounds int, keep bool) error {
	const deals, workers, batch = 2000, 8, 100
	day := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := cleanIngest(ctx, db, org); err != nil { // after a run that did not finish
		return err
	}
	if _, err := db.Pool.Exec(ctx, `INSERT INTO users (id, org_id, email, role, password_hash)
		VALUES ($1, $2, 'ingest@bench.example', 'rep', 'x')`, ingestUser, org); err != nil {
		return err
	}
	if _, err := db.Pool.Exec(ctx, `INSERT INTO deals (id, org_id, external_id, stage, status, owner_id, personas)
		SELECT `+seqID("d1000000", "g")+`, $1, 'ingest-' || g, ($2::text[])[1 + g % 5], 'open', $3, ARRAY['champion']
		FROM generate_series(1, $4::int) g`, org, stagesList, ingestUser, deals); err != nil {
		return err
	}
	// Each deal's reps use a few assets, the popular ones more often.
	kit := func(deal, slot int) string {
		r := rand.New(rand.NewPCG(uint64(deal), uint64(slot))) //nolint:gosec // G115: a seed; any bits will do
		return assetID(1 + int(float64(assets)*r.Float64()*r.Float64()))
	}
	types := []stagecraft.EventType{stagecraft.EventView, stagecraft.EventView, stagecraft.EventDownload,
		stagecraft.EventShare, stagecraft.EventPresent, stagecraft.EventAttach}
	measure := func() (float64, error) {
		var stored atomic.Int64
		deadline := time.Now().Add(d)
		start := time.Now()
		g, ctx := errgroup.WithContext(ctx)
		for w := range workers {
			g.Go(func() error {
				rng := rand.New(rand.NewPCG(uint64(w), uint64(time.Now().UnixNano()))) //nolint:gosec // G115: a seed; any bits will do
				for time.Now().Before(deadline) {
					evs := make([]*stagecraft.Event, batch)
					for i := range evs {
						e := &stagecraft.Event{ID: uuid.NewString(), OrgID: org, Type: types[rng.IntN(len(types))], UserID: ingestUser,
							OccurredAt: day.Add(time.Duration(rng.IntN(86400)) * time.Second)}
						if rng.IntN(10) < 8 {
							deal := 1 + rng.IntN(deals)
							e.DealID = ingestDeal(deal)
							e.AssetID = kit(deal, rng.IntN(6))
						} else {
							e.AssetID = assetID(1 + int(float64(assets)*rng.Float64()*rng.Float64()))
						}
						evs[i] = e
					}
					out, err := db.RecordEvents(ctx, evs)
					if err != nil {
						return err
					}
					for _, o := range out {
						if o == stagecraft.EventAccepted {
							stored.Add(1)
						}
					}
				}
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			return 0, err
		}
		return float64(stored.Load()) / time.Since(start).Seconds(), nil
	}
	setTrigger := func(on bool) error {
		verb := "DISABLE"
		if on {
			verb = "ENABLE"
		}
		_, err := db.Pool.Exec(context.Background(), `ALTER TABLE usage_events `+verb+` TRIGGER usage_events_rollup`)
		return err
	}
	// The rollup function as shipped, and as it was before asset_user_days
	// (the same without that statement), to price the new rollup in the
	// same run.
	var shipped string
	if err := db.Pool.QueryRow(ctx, `SELECT pg_get_functiondef('usage_rollup'::regproc)`).Scan(&shipped); err != nil {
		return err
	}
	previous, ok := withoutUserDays(shipped)
	setFunc := func(def string) error {
		_, err := db.Pool.Exec(context.Background(), def)
		return err
	}
	defer func() {
		warn("restore the rollup function", setFunc(shipped))
		warn("enable the rollup trigger again", setTrigger(true))
	}()
	modes := []string{"on", "off"}
	if ok {
		modes = append(modes, "previous")
	}
	var with, without, prev []float64
	var refreshed int
	var refreshTook time.Duration
	for r := range rounds {
		for _, mode := range modes {
			on := mode != "off"
			if err := setTrigger(on); err != nil {
				return err
			}
			def := shipped
			if mode == "previous" {
				def = previous
			}
			if err := setFunc(def); err != nil {
				return err
			}
			eps, err := measure()
			if err != nil {
				return fmt.Errorf("ingest: %w", err)
			}
			switch mode {
			case "previous":
				prev = append(prev, eps)
			case "on":
				with = append(with, eps)
			default:
				without = append(without, eps)
			}
			if on {
				// What the background refresher then does with the deals
				// these uses marked (timed for the shipped trigger only).
				start := time.Now()
				n, err := db.RefreshAnalytics(ctx, org)
				if err != nil {
					return fmt.Errorf("ingest: %w", err)
				}
				if mode == "on" {
					refreshed, refreshTook = refreshed+n, refreshTook+time.Since(start)
				}
			}
			fmt.Fprintf(os.Stderr, "analytics ingest round %d/%d, rollup trigger %s: %.0f events/s\n", r+1, rounds, mode, eps)
		}
	}
	if err := setFunc(shipped); err != nil {
		return err
	}
	if err := setTrigger(true); err != nil {
		return err
	}
	base := median(without)
	fmt.Printf("\nIngest through RecordEvents (group commit), %d goroutines × batches of %d, %d × %s per mode, alternating:\n\n",
		workers, batch, rounds, d)
	fmt.Println("| path | events/s (median) | runs | ratio to baseline |")
	fmt.Println("|---|---|---|---|")
	fmt.Printf("| rollup trigger disabled (baseline) | %.0f | %s | 1.00 |\n", base, fmtRuns(without))
	fmt.Printf("| rollup trigger enabled (as shipped) | %.0f | %s | %.2f |\n", median(with), fmtRuns(with), median(with)/base)
	if len(prev) > 0 {
		fmt.Printf("| rollup trigger enabled, without asset_user_days (before) | %.0f | %s | %.2f |\n", median(prev), fmtRuns(prev), median(prev)/base)
	}
	fmt.Printf("\nFolding the enabled rounds' changes into the outcome rollups afterwards: %d deal marks in %.2f s (%.0f marks/s).\n",
		refreshed, refreshTook.Seconds(), float64(refreshed)/max(refreshTook.Seconds(), 0.001))
	if keep {
		return cleanIngest(ctx, db, org)
	}
	return nil
}

// cleanIngest removes what benchIngest wrote, rollups included.
func cleanIngest(ctx context.Context, db *postgres.DB, org string) error {
	for _, q := range []string{
		`DELETE FROM usage_events WHERE org_id = $1 AND occurred_at < '2002-01-01'`,
		`DELETE FROM asset_daily_uses WHERE org_id = $1 AND day < '2002-01-01'`,
		`DELETE FROM asset_users WHERE org_id = $1 AND user_id = '` + ingestUser + `'`,
		`DELETE FROM asset_user_days WHERE org_id = $1 AND day < '2002-01-01'`,
		`DELETE FROM deals WHERE org_id = $1 AND external_id LIKE 'ingest-%'`,
		`DELETE FROM users WHERE org_id = $1 AND id = '` + ingestUser + `'`,
	} {
		if _, err := db.Pool.Exec(ctx, q, org); err != nil {
			return fmt.Errorf("clean up ingest: %w", err)
		}
	}
	// The deleted deals leave the outcome rollups.
	if _, err := db.RefreshAnalytics(ctx, org); err != nil {
		return fmt.Errorf("clean up ingest: %w", err)
	}
	// What the scorecard reads; usage_events is left to the next vacuum.
	_, err := db.Pool.Exec(ctx, `VACUUM ANALYZE asset_deal_uses, asset_daily_uses, asset_users, asset_user_days, deals, asset_deal_outcomes, asset_outcomes`)
	return err
}
