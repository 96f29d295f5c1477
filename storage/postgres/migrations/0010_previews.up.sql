-- Page previews: every page of PDFs, decks, documents and spreadsheets as
-- an image, made by a background job, so viewers need no PDF plugin.

-- The index job queue gets a kind: 'index' (search) or 'preview' (convert
-- and render pages). Each kind has its own workers, so a slow conversion
-- never delays search indexing; an asset has at most one job of each kind.
ALTER TABLE index_jobs ADD COLUMN kind text NOT NULL DEFAULT 'index'
    CHECK (kind IN ('index', 'preview'));
ALTER TABLE index_jobs DROP CONSTRAINT index_jobs_pkey;
ALTER TABLE index_jobs ADD PRIMARY KEY (asset_id, kind);
DROP INDEX index_jobs_due_idx;
CREATE INDEX index_jobs_due_idx ON index_jobs (kind, run_after);

-- The previews of each version. The objects live next to the version's
-- file in the blob store: the converted PDF at preview_key
-- ("<blob_key>.preview.pdf"; NULL for PDFs, which are shown as they are)
-- and page n at "<blob_key>.pages/<n>.jpg". preview_page_sizes holds the
-- pixel size of each page image, [[width, height], ...], in page order.
ALTER TABLE asset_versions
    ADD COLUMN preview_status text NOT NULL DEFAULT 'none'
        CHECK (preview_status IN ('none', 'pending', 'ready', 'failed', 'unavailable')),
    ADD COLUMN preview_error text,
    ADD COLUMN preview_pages integer NOT NULL DEFAULT 0 CHECK (preview_pages >= 0),
    ADD COLUMN preview_page_sizes jsonb,
    ADD COLUMN preview_key text;

-- Existing libraries get previews: the current versions of PDFs, decks,
-- documents and spreadsheets are marked pending and queued. The worker
-- decides from the content type (a CSV is a spreadsheet but has no pages)
-- and sets 'none' where there is nothing to render.
UPDATE asset_versions v SET preview_status = 'pending'
FROM assets a
WHERE a.current_version_id = v.id AND a.type IN ('pdf', 'deck', 'document', 'spreadsheet');

INSERT INTO index_jobs (asset_id, org_id, kind, requested_at, run_after)
SELECT a.id, a.org_id, 'preview', now(), now()
FROM assets a JOIN asset_versions v ON v.id = a.current_version_id
WHERE v.preview_status = 'pending'
ON CONFLICT DO NOTHING;
