-- Search at scale: indexes that isolate organisations, and a small
-- vector of what each document is about, for ranking over every match.

-- btree_gin lets one GIN index be keyed by organisation first, so that a
-- query reads only its own organisation's postings, however much the
-- others hold. It ships with PostgreSQL's contrib modules and is trusted
-- (a database owner may create it), and managed services offer it; where
-- it cannot be created the indexes below fall back to plain GIN, which
-- works the same, only without the isolation.
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS btree_gin WITH SCHEMA public;
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'btree_gin is not available (%): search indexes are not keyed by organisation', SQLERRM;
END
$$;

-- key_tsv holds a document's 32 most frequent words (title, description,
-- tags and text) with their frequency up to 4, weighted by rank: A the
-- first 8, B the next 8, C the rest (positions are synthetic, so phrases
-- are matched against it as plain conjunctions). It is small and kept
-- inline, so the documents *about* a query can be found and ordered
-- without reading their whole vectors.
ALTER TABLE search_docs ADD COLUMN key_tsv tsvector NOT NULL DEFAULT ''::tsvector;

CREATE FUNCTION search_key_tsv(doc tsvector) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(string_agg(
        '''' || replace(replace(lexeme, '\', '\\'), '''', '''''') || ''':' ||
        (SELECT string_agg(((n - 1) * 8 + k)::text || CASE WHEN n <= 8 THEN 'A' WHEN n <= 16 THEN 'B' ELSE 'C' END, ',')
         FROM generate_series(1, least(coalesce(cardinality(positions), 1), 4)) AS k),
        ' '), '')::tsvector
    FROM (
        SELECT lexeme, positions, row_number() OVER (ORDER BY coalesce(cardinality(positions), 1) DESC, lexeme) AS n
        FROM unnest(doc)
    ) t
    WHERE n <= 32
$$;

UPDATE search_docs SET key_tsv = search_key_tsv(doc_tsv);

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'btree_gin') THEN
        DROP INDEX IF EXISTS search_docs_doc_idx;
        CREATE INDEX search_docs_org_doc_idx ON search_docs USING gin (org_id, doc_tsv);
        CREATE INDEX search_docs_org_meta_idx ON search_docs USING gin (org_id, meta_tsv);
        CREATE INDEX search_docs_org_key_idx ON search_docs USING gin (org_id, key_tsv);
    ELSE
        CREATE INDEX search_docs_meta_idx ON search_docs USING gin (meta_tsv);
        CREATE INDEX search_docs_key_idx ON search_docs USING gin (key_tsv);
    END IF;
END
$$;
