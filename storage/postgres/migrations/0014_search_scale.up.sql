-- Search at scale: indexes that isolate organisations, and postings read
-- best first, so ranking considers every match without scoring them all.

-- btree_gin lets one GIN index be keyed by organisation first, so that a
-- query reads only its own organisation's postings, however much the
-- others hold. It ships with PostgreSQL's contrib modules and is trusted
-- (a database owner may create it), and managed services offer it; where
-- it cannot be created the plain GIN index stays, which works the same,
-- only without the isolation.
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS btree_gin WITH SCHEMA public;
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'btree_gin is not available (%): the search index is not keyed by organisation', SQLERRM;
END
$$;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'btree_gin') THEN
        DROP INDEX IF EXISTS search_docs_doc_idx;
        CREATE INDEX search_docs_org_doc_idx ON search_docs USING gin (org_id, doc_tsv);
    END IF;
END
$$;

-- A document's strongest words with their impact: how much each adds to
-- the document's rank for a query of that word (occurrences weighted by
-- field — title 1.0, description and tags 0.4, text 0.2 — divided by
-- 1 + ln of the document's length, as ts_rank_cd normalises). Each
-- document keeps its 40 strongest words, its title's and tags' among them
-- as a rule. Read best first through the btree, they give the documents
-- that can rank first for a word without reading every match.
CREATE TABLE search_postings (
    asset_id uuid NOT NULL,
    lexeme   text NOT NULL,
    org_id   uuid NOT NULL,
    impact   real NOT NULL,
    PRIMARY KEY (asset_id, lexeme)
);
CREATE INDEX search_postings_best_idx ON search_postings (org_id, lexeme, impact DESC);

-- The postings of one document's vector.
CREATE FUNCTION search_doc_postings(doc tsvector)
RETURNS TABLE (lexeme text, impact real)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    WITH t AS (
        SELECT u.lexeme,
               (SELECT sum(CASE w WHEN 'A' THEN 1.0 WHEN 'B' THEN 0.4 WHEN 'C' THEN 0.2 ELSE 0.1 END)
                FROM unnest(coalesce(u.weights, ARRAY['D']::text[])) AS w) AS score
        FROM unnest(doc) AS u
    ), n AS (
        SELECT greatest(1, sum(coalesce(cardinality(positions), 1))) AS len FROM unnest(doc)
    )
    SELECT t.lexeme, (t.score / (1 + ln(n.len)))::real
    FROM t, n
    ORDER BY t.score DESC, t.lexeme
    LIMIT 40
$$;

INSERT INTO search_postings (asset_id, lexeme, org_id, impact)
SELECT d.asset_id, p.lexeme, d.org_id, p.impact
FROM search_docs d, search_doc_postings(d.doc_tsv) p;

-- Without statistics the planner takes the postings of a common word for
-- a handful and sorts them all instead of reading the best few in order.
ANALYZE search_postings;
