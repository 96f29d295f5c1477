package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stagecraft/stagecraft"
)

var _ stagecraft.IndexStore = (*DB)(nil)

// indexChannel is the LISTEN/NOTIFY channel that wakes idle workers.
const indexChannel = "stagecraft_index"

// enqueueIndex asks for an asset to be indexed, in the caller's
// transaction: the job exists if and only if the change it is for commits.
func enqueueIndex(ctx context.Context, tx pgx.Tx, orgID, assetID string, now time.Time) error {
	return enqueueJob(ctx, tx, stagecraft.JobIndex, orgID, assetID, now)
}

// enqueueJob asks for a job of kind on an asset, in the caller's
// transaction. Asking again while one waits or runs bumps requested_at,
// so the running one is released to run again when it completes.
func enqueueJob(ctx context.Context, tx pgx.Tx, kind, orgID, assetID string, now time.Time) error {
	_, err := tx.Exec(ctx, `
		INSERT INTO index_jobs (asset_id, org_id, kind, requested_at, run_after)
		VALUES ($1, $2, $3, $4, $4)
		ON CONFLICT (asset_id, kind) DO UPDATE SET
		    requested_at = EXCLUDED.requested_at,
		    run_after = least(index_jobs.run_after, EXCLUDED.run_after),
		    attempts = 0`, assetID, orgID, kind, now)
	if err != nil {
		return fmt.Errorf("enqueue %s job: %w", kind, err)
	}
	if _, err := tx.Exec(ctx, `SELECT pg_notify($1, '')`, indexChannel); err != nil {
		return fmt.Errorf("notify index workers: %w", err)
	}
	return nil
}

// ClaimIndexJob leases the next due job. SKIP LOCKED lets any number of
// workers, on any number of machines, claim jobs without blocking on each
// other or taking the same one.
func (db *DB) ClaimIndexJob(ctx context.Context, kind, worker string, lease time.Duration) (*stagecraft.IndexJob, error) {
	now := db.Now().UTC()
	var j stagecraft.IndexJob
	err := db.Pool.QueryRow(ctx, `
		UPDATE index_jobs SET locked_by = $1, locked_until = $2::timestamptz + $3::interval, attempts = attempts + 1
		WHERE kind = $4 AND asset_id = (
		    SELECT asset_id FROM index_jobs
		    WHERE kind = $4 AND run_after <= $2 AND (locked_until IS NULL OR locked_until < $2)
		    ORDER BY run_after
		    LIMIT 1
		    FOR UPDATE SKIP LOCKED)
		RETURNING kind, asset_id, org_id, requested_at, attempts`, worker, now, lease, kind).
		Scan(&j.Kind, &j.AssetID, &j.OrgID, &j.RequestedAt, &j.Attempts)
	if err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, nil
		}
		return nil, fmt.Errorf("claim index job: %w", mapErr(err))
	}
	return &j, nil
}

// CompleteIndexJob removes a finished job, or releases it when the asset
// changed again while it ran.
func (db *DB) CompleteIndexJob(ctx context.Context, job *stagecraft.IndexJob) error {
	tag, err := db.Pool.Exec(ctx, `DELETE FROM index_jobs WHERE asset_id = $1 AND kind = $2 AND requested_at = $3`,
		job.AssetID, jobKind(job), job.RequestedAt)
	if err != nil {
		return fmt.Errorf("complete index job: %w", mapErr(err))
	}
	if tag.RowsAffected() == 0 {
		_, err = db.Pool.Exec(ctx, `
			UPDATE index_jobs SET locked_by = NULL, locked_until = NULL, attempts = 0
			WHERE asset_id = $1 AND kind = $2`, job.AssetID, jobKind(job))
		if err != nil {
			return fmt.Errorf("release index job: %w", mapErr(err))
		}
	}
	return nil
}

// RetryIndexJob releases a job to run again later.
func (db *DB) RetryIndexJob(ctx context.Context, job *stagecraft.IndexJob, retryAt time.Time, cause string) error {
	_, err := db.Pool.Exec(ctx, `
		UPDATE index_jobs SET locked_by = NULL, locked_until = NULL, run_after = $3, last_error = $4
		WHERE asset_id = $1 AND kind = $2`, job.AssetID, jobKind(job), retryAt, cause)
	if err != nil {
		return fmt.Errorf("retry index job: %w", mapErr(err))
	}
	return nil
}

// jobKind is the job's kind; a job made by hand without one is an index job.
func jobKind(job *stagecraft.IndexJob) string {
	if job.Kind == "" {
		return stagecraft.JobIndex
	}
	return job.Kind
}

// EnqueueAllIndexJobs enqueues every asset of every organisation.
func (db *DB) EnqueueAllIndexJobs(ctx context.Context, forgetText bool) (int, error) {
	var n int
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		if forgetText {
			if _, err := tx.Exec(ctx, `DELETE FROM asset_texts`); err != nil {
				return err
			}
		}
		tag, err := tx.Exec(ctx, `
			INSERT INTO index_jobs (asset_id, org_id, kind, requested_at, run_after)
			SELECT id, org_id, 'index', $1, $1 FROM assets
			ON CONFLICT (asset_id, kind) DO UPDATE SET requested_at = EXCLUDED.requested_at,
			    run_after = EXCLUDED.run_after, attempts = 0`, db.Now().UTC())
		if err != nil {
			return err
		}
		n = int(tag.RowsAffected())
		_, err = tx.Exec(ctx, `SELECT pg_notify($1, '')`, indexChannel)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("enqueue all index jobs: %w", err)
	}
	return n, nil
}

// CountIndexJobs returns how many index jobs wait or run.
func (db *DB) CountIndexJobs(ctx context.Context) (int, error) {
	return db.countJobs(ctx, stagecraft.JobIndex)
}

// CountPreviewJobs returns how many preview jobs wait or run.
func (db *DB) CountPreviewJobs(ctx context.Context) (int, error) {
	return db.countJobs(ctx, stagecraft.JobPreview)
}

func (db *DB) countJobs(ctx context.Context, kind string) (int, error) {
	var n int
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM index_jobs WHERE kind = $1`, kind).Scan(&n); err != nil {
		return 0, fmt.Errorf("count index jobs: %w", mapErr(err))
	}
	return n, nil
}

// CountFailedAssets returns how many assets failed to index.
func (db *DB) CountFailedAssets(ctx context.Context) (int, error) {
	var n int
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM assets WHERE index_status = 'failed'`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count failed assets: %w", mapErr(err))
	}
	return n, nil
}

// FindAssetText returns the cached text of a version.
func (db *DB) FindAssetText(ctx context.Context, versionID string) (*stagecraft.AssetText, error) {
	var t stagecraft.AssetText
	var note *string
	err := db.Pool.QueryRow(ctx, `
		SELECT version_id, org_id, title, body, language, pages, truncated, failed, note
		FROM asset_texts WHERE version_id = $1`, versionID).
		Scan(&t.VersionID, &t.OrgID, &t.Title, &t.Body, &t.Language, &t.Pages, &t.Truncated, &t.Failed, &note)
	if err != nil {
		return nil, notFound(err, "No text extracted yet.")
	}
	t.Note = deref(note)
	return &t, nil
}

// SaveAssetText stores a version's extracted text.
func (db *DB) SaveAssetText(ctx context.Context, t *stagecraft.AssetText) error {
	_, err := db.Pool.Exec(ctx, `
		INSERT INTO asset_texts (version_id, org_id, title, body, language, pages, truncated, failed, note, extracted_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (version_id) DO UPDATE SET title = EXCLUDED.title, body = EXCLUDED.body,
		    language = EXCLUDED.language, pages = EXCLUDED.pages, truncated = EXCLUDED.truncated,
		    failed = EXCLUDED.failed, note = EXCLUDED.note, extracted_at = EXCLUDED.extracted_at`,
		t.VersionID, t.OrgID, t.Title, strings.ReplaceAll(t.Body, "\x00", ""), t.Language, t.Pages, t.Truncated, t.Failed,
		nullable(t.Note), db.Now().UTC())
	if err != nil {
		return fmt.Errorf("save asset text: %w", mapErr(err))
	}
	return nil
}

// SaveIndexResult records an indexing outcome on the asset and its version,
// unless a newer version has become current meanwhile.
func (db *DB) SaveIndexResult(ctx context.Context, r *stagecraft.IndexResult) error {
	return db.inTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `
			UPDATE assets SET index_status = $4, index_error = $5,
			       -- The preview job may have set the thumbnail of a deck
			       -- meanwhile; a new version clears it (AddVersion), so
			       -- any key present is the current version's.
			       thumbnail_key = coalesce($6, thumbnail_key),
			       title = CASE WHEN title_from_filename AND $7 <> '' THEN $7 ELSE title END
			WHERE id = $1 AND org_id = $2 AND current_version_id = $3`,
			r.AssetID, r.OrgID, r.VersionID, r.Status, nullable(r.Error), nullable(r.ThumbnailKey), r.DocumentTitle)
		if err != nil {
			return fmt.Errorf("save index result: %w", err)
		}
		if r.Pages != nil {
			if _, err := tx.Exec(ctx, `UPDATE asset_versions SET page_count = $2 WHERE id = $1`, r.VersionID, *r.Pages); err != nil {
				return fmt.Errorf("save page count: %w", err)
			}
		}
		return nil
	})
}

// WaitForIndexJobs returns a channel that receives a value whenever index
// jobs are enqueued, listening on a connection of its own that it redials
// after failures, until ctx ends. Workers also poll, so a lost
// notification only delays a job.
func (db *DB) WaitForIndexJobs(ctx context.Context) <-chan struct{} {
	ch := make(chan struct{}, 1)
	go func() {
		defer close(ch)
		for ctx.Err() == nil {
			err := db.listen(ctx, ch)
			if ctx.Err() != nil {
				return
			}
			db.log.Warn("listen for index jobs", "error", err)
			select {
			case <-ctx.Done():
			case <-time.After(5 * time.Second):
			}
		}
	}()
	return ch
}

func (db *DB) listen(ctx context.Context, ch chan<- struct{}) error {
	conn, err := db.Pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// The connection is left in LISTEN state, so it must not go back to
	// the pool: hijack it and close it when done.
	pc := conn.Hijack()
	// Closing ends the LISTEN; the error that ended the loop is the one
	// to report, and a failed close leaves nothing behind but a socket
	// the server drops.
	defer func() { _ = pc.Close(context.WithoutCancel(ctx)) }()
	if _, err := pc.Exec(ctx, "LISTEN "+indexChannel); err != nil {
		return err
	}
	for {
		if _, err := pc.WaitForNotification(ctx); err != nil {
			return err
		}
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}
