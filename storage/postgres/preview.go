package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stagecraft/stagecraft"
)

var _ stagecraft.PreviewStore = (*DB)(nil)

// previewColumns are the preview_* columns of asset_versions as scanned.
type previewColumns struct {
	status string
	err    *string
	pages  int
	sizes  []byte // jsonb [[w, h], ...]
	key    *string
}

func (pc previewColumns) preview() (stagecraft.Preview, error) {
	p := stagecraft.Preview{Status: stagecraft.PreviewStatus(pc.status), Pages: pc.pages,
		Error: deref(pc.err), RenditionKey: deref(pc.key)}
	if len(pc.sizes) > 0 {
		var pairs [][2]int
		if err := json.Unmarshal(pc.sizes, &pairs); err != nil {
			return p, fmt.Errorf("preview page sizes: %w", err)
		}
		p.PageSizes = make([]stagecraft.PageSize, len(pairs))
		for i, wh := range pairs {
			p.PageSizes[i] = stagecraft.PageSize{Width: wh[0], Height: wh[1]}
		}
	}
	return p, nil
}

// enqueuePreview asks for the previews of v, in the caller's transaction,
// when its type has any (insertVersion set its status to pending).
func enqueuePreview(ctx context.Context, tx pgx.Tx, orgID string, v *stagecraft.AssetVersion, now time.Time) error {
	if v.Preview.Status != stagecraft.PreviewPending {
		return nil
	}
	return enqueueJob(ctx, tx, stagecraft.JobPreview, orgID, v.AssetID, now)
}

// SavePreviewResult records a preview outcome on its version, even when
// a newer version has become current meanwhile (links may show an older
// one). The asset's thumbnail and the version's page count are filled
// only where missing and only for the current version.
func (db *DB) SavePreviewResult(ctx context.Context, r *stagecraft.PreviewResult) error {
	var sizes []byte
	if len(r.Preview.PageSizes) > 0 {
		pairs := make([][2]int, len(r.Preview.PageSizes))
		for i, s := range r.Preview.PageSizes {
			pairs[i] = [2]int{s.Width, s.Height}
		}
		var err error
		if sizes, err = json.Marshal(pairs); err != nil {
			return fmt.Errorf("save preview: %w", err)
		}
	}
	return db.inTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `
			UPDATE asset_versions SET preview_status = $3, preview_error = $4, preview_pages = $5,
			       preview_page_sizes = $6, preview_key = $7, page_count = coalesce(page_count, $8)
			WHERE id = $1 AND org_id = $2`,
			r.VersionID, r.OrgID, r.Preview.Status, nullable(r.Preview.Error), r.Preview.Pages,
			sizes, nullable(r.Preview.RenditionKey), r.PageCount)
		if err != nil {
			return fmt.Errorf("save preview: %w", err)
		}
		if r.ThumbnailKey == "" {
			return nil
		}
		_, err = tx.Exec(ctx, `
			UPDATE assets SET thumbnail_key = $4
			WHERE id = $1 AND org_id = $2 AND current_version_id = $3 AND thumbnail_key IS NULL`,
			r.AssetID, r.OrgID, r.VersionID, r.ThumbnailKey)
		if err != nil {
			return fmt.Errorf("save preview thumbnail: %w", err)
		}
		return nil
	})
}

// EnqueuePreviews queues preview jobs for the current versions whose
// preview status is one of statuses, marking them pending.
func (db *DB) EnqueuePreviews(ctx context.Context, statuses ...stagecraft.PreviewStatus) (int, error) {
	names := make([]string, len(statuses))
	for i, s := range statuses {
		names[i] = string(s)
	}
	var n int
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		now := db.Now().UTC()
		tag, err := tx.Exec(ctx, `
			WITH due AS (
			    UPDATE asset_versions v SET preview_status = 'pending', preview_error = NULL
			    FROM assets a
			    WHERE a.current_version_id = v.id AND v.preview_status = ANY($1)
			    RETURNING a.id, a.org_id)
			INSERT INTO index_jobs (asset_id, org_id, kind, requested_at, run_after)
			SELECT id, org_id, 'preview', $2, $2 FROM due
			ON CONFLICT (asset_id, kind) DO UPDATE SET requested_at = EXCLUDED.requested_at,
			    run_after = EXCLUDED.run_after, attempts = 0`, names, now)
		if err != nil {
			return err
		}
		n = int(tag.RowsAffected())
		_, err = tx.Exec(ctx, `SELECT pg_notify($1, '')`, indexChannel)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("enqueue previews: %w", err)
	}
	return n, nil
}
