-- Indexing: a job queue worked with FOR UPDATE SKIP LOCKED, the text
-- extracted from each version, and the built-in full-text search index.

-- In public, where every search_path finds it (a schema-local copy would
-- be invisible to the other schemas of the database).
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

-- One row per asset that needs (re)indexing. Enqueueing again while a job
-- runs bumps requested_at; the worker deletes the row only if requested_at
-- is still the value it started with, so no change is ever missed.
CREATE TABLE index_jobs (
    asset_id     uuid PRIMARY KEY REFERENCES assets (id) ON DELETE CASCADE,
    org_id       uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    requested_at timestamptz NOT NULL,
    run_after    timestamptz NOT NULL,
    attempts     integer NOT NULL DEFAULT 0,
    -- A running job holds a lease; a worker that dies loses it when it
    -- expires and another worker takes the job over.
    locked_by    text,
    locked_until timestamptz,
    last_error   text
);
CREATE INDEX index_jobs_due_idx ON index_jobs (run_after);

-- Text extracted from a version, so that metadata changes and rebuilds of
-- the search index need not read and parse the file again.
CREATE TABLE asset_texts (
    version_id   uuid PRIMARY KEY REFERENCES asset_versions (id) ON DELETE CASCADE,
    org_id       uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    title        text NOT NULL DEFAULT '',
    body         text NOT NULL DEFAULT '',
    language     text NOT NULL DEFAULT 'simple',
    pages        integer,
    truncated    boolean NOT NULL DEFAULT false,
    -- The file could not be read (broken, too large, timed out): retrying
    -- would fail the same way, so the failure is kept like a result.
    failed       boolean NOT NULL DEFAULT false,
    note         text,
    extracted_at timestamptz NOT NULL DEFAULT now()
);

-- The built-in search index: one row per searchable asset. Filters and
-- facets read the narrow columns; the body and its vector are large, so
-- PostgreSQL keeps them out of line (TOAST) and scanning thousands of
-- matches for facet counts does not drag their text through the cache.
-- It is derived data, rebuilt by `stagecraft reindex`, so it holds no
-- foreign keys: the indexer keeps it in step.
CREATE TABLE search_docs (
    asset_id    uuid PRIMARY KEY,
    org_id      uuid NOT NULL,
    status      text NOT NULL,
    expires_at  timestamptz,
    type        text NOT NULL,
    stages      text[] NOT NULL DEFAULT '{}',
    personas    text[] NOT NULL DEFAULT '{}',
    industries  text[] NOT NULL DEFAULT '{}',
    products    text[] NOT NULL DEFAULT '{}',
    updated_at  timestamptz NOT NULL,
    language    regconfig NOT NULL DEFAULT 'simple',
    title       text NOT NULL,
    -- description and tags, for highlights
    meta        text NOT NULL DEFAULT '',
    body        text NOT NULL DEFAULT '',
    -- title (weight A) and description and tags (weight B): small, read
    -- for every match to tell title hits from body hits
    meta_tsv    tsvector NOT NULL,
    -- all of it: meta_tsv and the document's text (weight C). One index
    -- over one vector: a word found in nearly every document costs one
    -- bitmap, not two.
    doc_tsv     tsvector NOT NULL
);
CREATE INDEX search_docs_org_idx ON search_docs (org_id, updated_at DESC);
CREATE INDEX search_docs_doc_idx ON search_docs USING gin (doc_tsv);

-- Words seen per organisation, for typo tolerance: a query word that is
-- not in the vocabulary is widened to the words within one edit of it,
-- found through the trigram index.
CREATE TABLE search_terms (
    org_id uuid NOT NULL,
    term   text NOT NULL,
    PRIMARY KEY (org_id, term)
);
CREATE INDEX search_terms_trgm_idx ON search_terms USING gin (term gin_trgm_ops);

-- Assets uploaded before indexing existed get indexed now.
INSERT INTO index_jobs (asset_id, org_id, requested_at, run_after)
SELECT id, org_id, now(), now() FROM assets
ON CONFLICT DO NOTHING;
