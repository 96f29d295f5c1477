package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stagecraft/stagecraft/storage/postgres"
)

// copyCollection fills the current schema's search tables with copies of
// the collection kept in schema src (a previous run's -keep), in SQL:
// each copy gets new asset ids and is aged by a further week, and its
// organisation is orgExpr, an SQL expression over the source row s and the
// copy number c. The indexing path loads ~110 documents/s at a million
// documents (hours); this writes the same rows (vectors, postings,
// vocabulary) as indexing the copied text would, in minutes. Indexes are
// dropped while copying and built again after, as a bulk load does.
func copyCollection(ctx context.Context, db *postgres.DB, src string, copies int, orgExpr string) error {
	conn, err := db.Pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	exec := func(sql string, args ...any) error {
		_, err := conn.Exec(ctx, sql, args...)
		if err != nil {
			return fmt.Errorf("%s: %w", strings.Fields(sql)[0]+" "+strings.Fields(sql)[1], err)
		}
		return nil
	}
	if err := exec(`SET maintenance_work_mem = '1GB'`); err != nil {
		return err
	}
	if err := exec(`SET statement_timeout = 0`); err != nil {
		return err
	}
	if err := exec(`TRUNCATE search_docs, search_postings, search_terms`); err != nil {
		return err
	}
	// The indexes and primary keys of the search tables, to drop now and
	// build again after the copy.
	rows, err := conn.Query(ctx, `
		SELECT format('ALTER TABLE %I DROP CONSTRAINT %I', c.conrelid::regclass::text, c.conname),
		       format('ALTER TABLE %I ADD CONSTRAINT %I %s', c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid))
		FROM pg_constraint c
		WHERE c.contype = 'p' AND c.conrelid IN ('search_docs'::regclass, 'search_postings'::regclass, 'search_terms'::regclass)
		UNION ALL
		SELECT format('DROP INDEX %I', i.indexname), i.indexdef
		FROM pg_indexes i
		WHERE i.schemaname = current_schema() AND i.tablename IN ('search_docs', 'search_postings', 'search_terms')
		  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`)
	if err != nil {
		return err
	}
	type ddl struct{ drop, create string }
	defs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ddl, error) {
		var d ddl
		return d, r.Scan(&d.drop, &d.create)
	})
	if err != nil {
		return err
	}
	for _, d := range defs {
		if err := exec(d.drop); err != nil {
			return err
		}
	}
	id := `md5(s.asset_id::text || ':' || c)::uuid`
	start := time.Now()
	for c := range copies {
		if err := exec(`
			INSERT INTO search_docs (asset_id, org_id, status, expires_at, type, stages, personas, industries, products,
			                         updated_at, language, title, meta, body, meta_tsv, doc_tsv)
			SELECT `+id+`, `+orgExpr+`, s.status, s.expires_at, s.type, s.stages, s.personas, s.industries, s.products,
			       s.updated_at - c * interval '7 days', s.language, s.title, s.meta, s.body, s.meta_tsv, s.doc_tsv
			FROM `+pgx.Identifier{src, "search_docs"}.Sanitize()+` s, (SELECT $1::int AS c) k`, c); err != nil {
			return err
		}
		if err := exec(`
			INSERT INTO search_postings (asset_id, lexeme, org_id, impact)
			SELECT `+id+`, p.lexeme, `+orgExpr+`, p.impact
			FROM `+pgx.Identifier{src, "search_postings"}.Sanitize()+` p
			JOIN `+pgx.Identifier{src, "search_docs"}.Sanitize()+` s ON s.asset_id = p.asset_id,
			     (SELECT $1::int AS c) k`, c); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "copying %s: copy %d/%d done (%.0f s)\n", src, c+1, copies, time.Since(start).Seconds())
	}
	if err := exec(`
		INSERT INTO search_terms (org_id, term)
		SELECT DISTINCT d.org_id, t.term FROM ` + pgx.Identifier{src, "search_terms"}.Sanitize() + ` t,
		       (SELECT DISTINCT org_id FROM search_docs) d
		ON CONFLICT DO NOTHING`); err != nil {
		return err
	}
	for i, d := range defs {
		t := time.Now()
		if err := exec(d.create); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "copying %s: index %d/%d built in %.0f s\n", src, i+1, len(defs), time.Since(t).Seconds())
	}
	return exec(`VACUUM ANALYZE search_docs, search_postings, search_terms`)
}

// copiesOf returns how many copies of schema src's collection make n
// documents.
func copiesOf(ctx context.Context, db *postgres.DB, src string, n int) (int, error) {
	var have int
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM `+pgx.Identifier{src, "search_docs"}.Sanitize()).Scan(&have); err != nil {
		return 0, fmt.Errorf("-copy-from %s: %w", src, err)
	}
	if have == 0 || n%have != 0 {
		return 0, fmt.Errorf("-copy-from %s holds %d documents; %d is not a multiple of it", src, have, n)
	}
	return n / have, nil
}
