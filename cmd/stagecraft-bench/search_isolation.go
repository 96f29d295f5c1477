package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/storage/postgres"
)

// benchSearchIsolation measures how much other organisations' documents
// slow one organisation's search: the organisation's n documents are
// searched alone, then again once others documents of 200 other
// organisations share the instance, with the same queries, in one run.
func benchSearchIsolation(url string, n, others, nq, words int, keep bool, copyFrom string) error {
	ctx := context.Background()
	schema := fmt.Sprintf("bench_iso_%d_%d_%d", n, others, words)
	db, done, err := openBenchSchema(ctx, url, schema, keep)
	if err != nil {
		return err
	}
	defer done()
	search := &postgres.Search{DB: db}
	org := "00000000-0000-4000-8000-000000000001"
	gen := newCorpus(11)
	load := func(label string, count int, orgOf func(i int) string) error {
		start := time.Now()
		const batch = 1000
		for i := 0; i < count; i += batch {
			docs := make([]*stagecraft.SearchDoc, 0, batch)
			for j := i; j < min(i+batch, count); j++ {
				docs = append(docs, gen.doc(orgOf(j), words))
			}
			if err := search.Index(ctx, docs...); err != nil {
				return err
			}
			if done := min(i+batch, count); done%(20*batch) == 0 || done == count {
				fmt.Fprintf(os.Stderr, "loading %s: %d/%d (%.0f docs/s)\n", label, done, count, float64(done)/time.Since(start).Seconds())
			}
		}
		_, err := db.Pool.Exec(ctx, `VACUUM ANALYZE search_docs, search_postings, search_terms`)
		return err
	}
	count := func(where string, args ...any) int {
		var c int
		_ = db.Pool.QueryRow(ctx, `SELECT count(*) FROM search_docs WHERE `+where, args...).Scan(&c)
		return c
	}
	if count("org_id = $1", org) != n || count("org_id <> $1", org) != 0 && count("org_id <> $1", org) != others {
		if _, err := db.Pool.Exec(ctx, `TRUNCATE search_docs, search_postings, search_terms`); err != nil {
			return err
		}
		if err := load("the organisation", n, func(int) string { return org }); err != nil {
			return err
		}
	}
	qs := gen.queries(nq)
	measure := func() ([]time.Duration, error) {
		for _, q := range qs[:min(10, len(qs))] {
			_, _ = search.Search(ctx, q.query(org)) // warm
		}
		var d []time.Duration
		for _, q := range qs {
			start := time.Now()
			if _, err := search.Search(ctx, q.query(org)); err != nil {
				return nil, fmt.Errorf("query %q: %w", q.text, err)
			}
			d = append(d, time.Since(start))
		}
		return d, nil
	}
	var alone []time.Duration
	if count("org_id <> $1", org) == 0 {
		if alone, err = measure(); err != nil {
			return err
		}
		orgs := make([]string, 200)
		for i := range orgs {
			orgs[i] = uuid.NewString()
		}
		if copyFrom != "" {
			copies, err := copiesOf(ctx, db, copyFrom, others)
			if err != nil {
				return err
			}
			// The organisation's own rows are kept aside while the copy
			// fills the tables from empty, then put back.
			for _, t := range []string{"search_docs", "search_postings", "search_terms"} {
				if _, err := db.Pool.Exec(ctx, `DROP TABLE IF EXISTS own_`+t); err != nil {
					return err
				}
				if _, err := db.Pool.Exec(ctx, `CREATE TABLE own_`+t+` AS SELECT * FROM `+t); err != nil {
					return err
				}
			}
			// 200 organisations, a copied document's by a hash of its id.
			if err := copyCollection(ctx, db, copyFrom, copies,
				`md5('other-' || (abs(hashtext(s.asset_id::text || ':' || c)) % 200))::uuid`); err != nil {
				return err
			}
			for _, t := range []string{"search_docs", "search_postings", "search_terms"} {
				if _, err := db.Pool.Exec(ctx, `INSERT INTO `+t+` SELECT * FROM own_`+t+` ON CONFLICT DO NOTHING`); err != nil {
					return err
				}
				if _, err := db.Pool.Exec(ctx, `DROP TABLE own_`+t); err != nil {
					return err
				}
				if _, err := db.Pool.Exec(ctx, `VACUUM ANALYZE `+t); err != nil {
					return err
				}
			}
		} else if err := load("other organisations", others, func(i int) string { return orgs[i%len(orgs)] }); err != nil {
			return err
		}
	}
	shared, err := measure()
	if err != nil {
		return err
	}
	var indexes []string
	rows, err := db.Pool.Query(ctx, `SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = 'search_docs' ORDER BY 1`, schema)
	if err == nil {
		indexes, _ = pgx.CollectRows(rows, pgx.RowTo[string])
	}
	fmt.Printf("\nOne organisation of %d documents, alone and beside %d documents of 200 others (%s, %d CPUs); indexes %v\n\n",
		n, others, time.Now().UTC().Format("2006-01-02"), numCPU(), indexes)
	fmt.Println("| instance | queries | p50 ms | p95 ms | p99 ms |")
	fmt.Println("|---|---|---|---|---|")
	if alone != nil {
		fmt.Printf("| the organisation alone | %d | %.1f | %.1f | %.1f |\n", len(alone), ms(pct(alone, 50)), ms(pct(alone, 95)), ms(pct(alone, 99)))
	}
	fmt.Printf("| beside %d others' documents | %d | %.1f | %.1f | %.1f |\n", others, len(shared), ms(pct(shared, 50)), ms(pct(shared, 95)), ms(pct(shared, 99)))
	if alone != nil {
		fmt.Printf("\np95 shared ÷ alone: %.2f\n", float64(pct(shared, 95))/float64(pct(alone, 95)))
	}
	return nil
}
