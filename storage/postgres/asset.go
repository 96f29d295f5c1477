package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/stagecraft/stagecraft"
)

var _ stagecraft.AssetService = (*DB)(nil)

const assetSelect = `
	SELECT a.id, a.org_id, a.title, a.title_from_filename, a.description, a.type, a.status,
	       a.stages, a.personas, a.industries, a.products, a.tags, a.expires_at, a.owner_id,
	       a.index_status, a.index_error, a.thumbnail_key, a.created_at, a.updated_at,
	       v.id, v.number, v.filename, v.content_type, v.size, v.sha256, v.page_count,
	       v.blob_key, v.uploaded_by, v.created_at,
	       v.preview_status, v.preview_error, v.preview_pages, v.preview_page_sizes, v.preview_key
	FROM assets a JOIN asset_versions v ON v.id = a.current_version_id`

func scanAsset(row pgx.Row) (*stagecraft.Asset, error) {
	var a stagecraft.Asset
	var v stagecraft.AssetVersion
	var owner, thumb, uploadedBy *string
	var pv previewColumns
	err := row.Scan(&a.ID, &a.OrgID, &a.Title, &a.TitleFromFilename, &a.Description, &a.Type, &a.Status,
		&a.Stages, &a.Personas, &a.Industries, &a.Products, &a.Tags, &a.ExpiresAt, &owner,
		&a.IndexStatus, &a.IndexError, &thumb, &a.CreatedAt, &a.UpdatedAt,
		&v.ID, &v.Number, &v.Filename, &v.ContentType, &v.Size, &v.SHA256, &v.PageCount,
		&v.BlobKey, &uploadedBy, &v.CreatedAt,
		&pv.status, &pv.err, &pv.pages, &pv.sizes, &pv.key)
	if err != nil {
		return nil, err
	}
	if v.Preview, err = pv.preview(); err != nil {
		return nil, err
	}
	a.OwnerID, a.ThumbnailKey, v.UploadedBy = deref(owner), deref(thumb), deref(uploadedBy)
	v.AssetID = a.ID
	a.CurrentVersion = &v
	return &a, nil
}

// BeginUpload records an upload intent.
func (db *DB) BeginUpload(ctx context.Context, orgID, blobKey string) error {
	_, err := db.Pool.Exec(ctx, `INSERT INTO upload_intents (blob_key, org_id, created_at) VALUES ($1, $2, $3)`,
		blobKey, orgID, db.Now())
	if err != nil {
		return fmt.Errorf("begin upload: %w", mapErr(err))
	}
	return nil
}

// EndUpload clears an upload intent.
func (db *DB) EndUpload(ctx context.Context, blobKey string) error {
	if _, err := db.Pool.Exec(ctx, `DELETE FROM upload_intents WHERE blob_key = $1`, blobKey); err != nil {
		return fmt.Errorf("end upload: %w", mapErr(err))
	}
	return nil
}

// FindStaleUploads returns the keys of intents older than before.
func (db *DB) FindStaleUploads(ctx context.Context, before time.Time, limit int) ([]string, error) {
	rows, err := db.Pool.Query(ctx, `
		SELECT blob_key FROM upload_intents WHERE created_at < $1 ORDER BY created_at LIMIT $2`, before, limit)
	if err != nil {
		return nil, fmt.Errorf("find stale uploads: %w", mapErr(err))
	}
	keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("find stale uploads: %w", mapErr(err))
	}
	return keys, nil
}

// CreateAsset inserts an asset with its first version and clears the
// version's upload intent, all in one transaction.
func (db *DB) CreateAsset(ctx context.Context, a *stagecraft.Asset, v *stagecraft.AssetVersion) error {
	now := db.Now().UTC()
	a.CreatedAt, a.UpdatedAt, v.CreatedAt, v.Number = now, now, now, 1
	a.IndexStatus = stagecraft.IndexPending
	emptyLists(a)
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `
			INSERT INTO assets (id, org_id, title, title_from_filename, description, type, status,
			                    stages, personas, industries, products, tags, expires_at, owner_id,
			                    current_version_id, index_status, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17)`,
			a.ID, a.OrgID, a.Title, a.TitleFromFilename, a.Description, a.Type, a.Status,
			a.Stages, a.Personas, a.Industries, a.Products, a.Tags, a.ExpiresAt, nullable(a.OwnerID),
			v.ID, a.IndexStatus, now)
		if err != nil {
			return fmt.Errorf("insert asset: %w", err)
		}
		if err := insertVersion(ctx, tx, a.OrgID, v); err != nil {
			return err
		}
		if err := audit(ctx, tx, a.OrgID, stagecraft.AuditAssetCreated, stagecraft.TargetAsset, a.ID,
			map[string]any{"title": a.Title, "status": a.Status, "filename": v.Filename}); err != nil {
			return err
		}
		if err := enqueuePreview(ctx, tx, a.OrgID, v, now); err != nil {
			return err
		}
		return enqueueIndex(ctx, tx, a.OrgID, a.ID, now)
	})
	if err != nil {
		return err
	}
	a.CurrentVersion = v
	return nil
}

func insertVersion(ctx context.Context, tx pgx.Tx, orgID string, v *stagecraft.AssetVersion) error {
	v.Preview = stagecraft.Preview{Status: stagecraft.InitialPreviewStatus(v.ContentType)}
	_, err := tx.Exec(ctx, `
		INSERT INTO asset_versions (id, org_id, asset_id, number, filename, content_type, size, sha256,
		                            page_count, blob_key, uploaded_by, created_at, preview_status)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		v.ID, orgID, v.AssetID, v.Number, v.Filename, v.ContentType, v.Size, v.SHA256,
		v.PageCount, v.BlobKey, nullable(v.UploadedBy), v.CreatedAt, v.Preview.Status)
	if err != nil {
		return fmt.Errorf("insert version: %w", err)
	}
	tag, err := tx.Exec(ctx, `DELETE FROM upload_intents WHERE blob_key = $1`, v.BlobKey)
	if err != nil {
		return fmt.Errorf("clear upload intent: %w", err)
	}
	if tag.RowsAffected() != 1 {
		// The orphan sweeper judged this upload abandoned and may have
		// deleted its object: refuse to point a row at it.
		return &stagecraft.Error{Code: stagecraft.ECONFLICT,
			Message: "The upload took too long and was discarded; please upload the file again."}
	}
	return nil
}

// AddVersion adds a version and makes it current. The asset's index
// status returns to pending: the new file has not been indexed yet.
func (db *DB) AddVersion(ctx context.Context, orgID string, v *stagecraft.AssetVersion) (*stagecraft.Asset, error) {
	var a *stagecraft.Asset
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		if a, err = lockAsset(ctx, tx, orgID, v.AssetID); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(number), 0) + 1 FROM asset_versions WHERE asset_id = $1`, a.ID).Scan(&v.Number); err != nil {
			return fmt.Errorf("next version number: %w", err)
		}
		v.CreatedAt = db.Now().UTC()
		if err := insertVersion(ctx, tx, orgID, v); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `
			UPDATE assets SET current_version_id = $2, index_status = 'pending', index_error = NULL,
			       thumbnail_key = NULL, updated_at = $3
			WHERE id = $1`, a.ID, v.ID, v.CreatedAt)
		if err != nil {
			return fmt.Errorf("set current version: %w", err)
		}
		if err := enqueueIndex(ctx, tx, orgID, a.ID, v.CreatedAt); err != nil {
			return err
		}
		if err := enqueuePreview(ctx, tx, orgID, v, v.CreatedAt); err != nil {
			return err
		}
		a, err = scanAsset(tx.QueryRow(ctx, assetSelect+` WHERE a.id = $1`, a.ID))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("add version: %w", notFound(err, "Asset not found."))
	}
	return a, nil
}

// FindAssetByID returns one asset of an organisation.
func (db *DB) FindAssetByID(ctx context.Context, orgID, id string) (*stagecraft.Asset, error) {
	if !isUUID(id) {
		return nil, stagecraft.Errorf(stagecraft.ENOTFOUND, "Asset not found.")
	}
	a, err := scanAsset(db.Pool.QueryRow(ctx, assetSelect+` WHERE a.id = $1 AND a.org_id = $2`, id, orgID))
	if err != nil {
		return nil, notFound(err, "Asset not found.")
	}
	return a, nil
}

// FindAssetsByIDs returns the organisation's assets among ids.
func (db *DB) FindAssetsByIDs(ctx context.Context, orgID string, ids []string) (map[string]*stagecraft.Asset, error) {
	out := make(map[string]*stagecraft.Asset, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := db.Pool.Query(ctx, assetSelect+` WHERE a.id = ANY($1::uuid[]) AND a.org_id = $2`, ids, orgID)
	if err != nil {
		return nil, fmt.Errorf("find assets by id: %w", mapErr(err))
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanAsset(rows)
		if err != nil {
			return nil, fmt.Errorf("find assets by id: %w", mapErr(err))
		}
		out[a.ID] = a
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find assets by id: %w", mapErr(err))
	}
	return out, nil
}

func lockAsset(ctx context.Context, tx pgx.Tx, orgID, id string) (*stagecraft.Asset, error) {
	if !isUUID(id) {
		return nil, stagecraft.Errorf(stagecraft.ENOTFOUND, "Asset not found.")
	}
	a, err := scanAsset(tx.QueryRow(ctx, assetSelect+` WHERE a.id = $1 AND a.org_id = $2 FOR UPDATE OF a`, id, orgID))
	if err != nil {
		return nil, notFound(err, "Asset not found.")
	}
	return a, nil
}

// FindAssets returns a page of an organisation's assets, most recently
// updated first, and the number matching.
func (db *DB) FindAssets(ctx context.Context, f stagecraft.AssetFilter) ([]*stagecraft.Asset, int, error) {
	where, args := []string{"a.org_id = $1"}, []any{f.OrgID}
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if len(f.Statuses) > 0 {
		where = append(where, "a.status = ANY("+arg(statusStrings(f.Statuses))+")")
	}
	if len(f.Stages) > 0 {
		where = append(where, "a.stages && "+arg(f.Stages))
	}
	if len(f.Personas) > 0 {
		where = append(where, "a.personas && "+arg(f.Personas))
	}
	if f.VisibleAt != nil {
		where = append(where, "a.status = 'published' AND (a.expires_at IS NULL OR a.expires_at > "+arg(*f.VisibleAt)+")")
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 20
	}
	q := strings.Replace(assetSelect, "SELECT ", "SELECT count(*) OVER (), ", 1) +
		" WHERE " + strings.Join(where, " AND ") +
		" ORDER BY a.updated_at DESC, a.id LIMIT " + arg(limit) + " OFFSET " + arg(f.Offset)
	rows, err := db.Pool.Query(ctx, q, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find assets: %w", mapErr(err))
	}
	defer rows.Close()
	total := 0
	assets := []*stagecraft.Asset{}
	for rows.Next() {
		var n int
		a, err := scanAsset(prefixScanner{rows, &n})
		if err != nil {
			return nil, 0, fmt.Errorf("find assets: %w", mapErr(err))
		}
		total = n
		assets = append(assets, a)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("find assets: %w", mapErr(err))
	}
	if len(assets) == 0 && f.Offset > 0 {
		// Past the end the window count is unknown; count separately.
		if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM assets a WHERE `+strings.Join(where, " AND "),
			args[:len(args)-2]...).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("count assets: %w", mapErr(err))
		}
	}
	return assets, total, nil
}

// FindVersions lists an asset's versions, newest first.
func (db *DB) FindVersions(ctx context.Context, orgID, assetID string) ([]*stagecraft.AssetVersion, error) {
	if _, err := db.FindAssetByID(ctx, orgID, assetID); err != nil {
		return nil, err
	}
	rows, err := db.Pool.Query(ctx, `
		SELECT id, asset_id, number, filename, content_type, size, sha256, page_count, blob_key,
		       coalesce(uploaded_by::text, ''), created_at,
		       preview_status, preview_error, preview_pages, preview_page_sizes, preview_key
		FROM asset_versions WHERE asset_id = $1 AND org_id = $2 ORDER BY number DESC`, assetID, orgID)
	if err != nil {
		return nil, fmt.Errorf("find versions: %w", mapErr(err))
	}
	vs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*stagecraft.AssetVersion, error) {
		var v stagecraft.AssetVersion
		var pv previewColumns
		err := r.Scan(&v.ID, &v.AssetID, &v.Number, &v.Filename, &v.ContentType, &v.Size, &v.SHA256,
			&v.PageCount, &v.BlobKey, &v.UploadedBy, &v.CreatedAt,
			&pv.status, &pv.err, &pv.pages, &pv.sizes, &pv.key)
		if err != nil {
			return nil, err
		}
		v.Preview, err = pv.preview()
		return &v, err
	})
	if err != nil {
		return nil, fmt.Errorf("find versions: %w", mapErr(err))
	}
	return vs, nil
}

// UpdateAsset applies fn to the asset under a row lock, saves the
// editable fields and enqueues the asset for indexing.
func (db *DB) UpdateAsset(ctx context.Context, orgID, id string, fn func(*stagecraft.Asset) error) (*stagecraft.Asset, error) {
	var a *stagecraft.Asset
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		if a, err = lockAsset(ctx, tx, orgID, id); err != nil {
			return err
		}
		before := *a
		if err := fn(a); err != nil {
			return err
		}
		a.UpdatedAt = db.Now().UTC()
		emptyLists(a)
		a.IndexStatus = stagecraft.IndexPending
		_, err = tx.Exec(ctx, `
			UPDATE assets SET title = $2, title_from_filename = $3, description = $4, status = $5,
			       stages = $6, personas = $7, industries = $8, products = $9, tags = $10,
			       expires_at = $11, updated_at = $12, index_status = 'pending'
			WHERE id = $1`,
			a.ID, a.Title, a.TitleFromFilename, a.Description, a.Status,
			a.Stages, a.Personas, a.Industries, a.Products, a.Tags, a.ExpiresAt, a.UpdatedAt)
		if err != nil {
			return fmt.Errorf("update asset: %w", err)
		}
		if err := auditAssetChanges(ctx, tx, &before, a); err != nil {
			return err
		}
		// The search index holds the metadata too (and drops archived
		// assets), so every change goes back to the indexer.
		return enqueueIndex(ctx, tx, orgID, a.ID, a.UpdatedAt)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// auditAssetChanges records an update: asset.archived when it archived
// the asset, else asset.updated naming the fields that changed (nothing
// when none did).
func auditAssetChanges(ctx context.Context, tx pgx.Tx, before, after *stagecraft.Asset) error {
	if after.Status == stagecraft.StatusArchived && before.Status != stagecraft.StatusArchived {
		return audit(ctx, tx, after.OrgID, stagecraft.AuditAssetArchived, stagecraft.TargetAsset, after.ID,
			map[string]any{"title": after.Title})
	}
	var changed []string
	for _, f := range []struct {
		name string
		same bool
	}{
		{"title", before.Title == after.Title},
		{"description", before.Description == after.Description},
		{"status", before.Status == after.Status},
		{"stages", slices.Equal(before.Stages, after.Stages)},
		{"personas", slices.Equal(before.Personas, after.Personas)},
		{"industries", slices.Equal(before.Industries, after.Industries)},
		{"products", slices.Equal(before.Products, after.Products)},
		{"tags", slices.Equal(before.Tags, after.Tags)},
		{"expires_at", equalTimes(before.ExpiresAt, after.ExpiresAt)},
	} {
		if !f.same {
			changed = append(changed, f.name)
		}
	}
	if len(changed) == 0 {
		return nil
	}
	details := map[string]any{"title": after.Title, "fields": changed}
	if before.Status != after.Status {
		details["status"] = map[string]any{"from": before.Status, "to": after.Status}
	}
	return audit(ctx, tx, after.OrgID, stagecraft.AuditAssetUpdated, stagecraft.TargetAsset, after.ID, details)
}

func equalTimes(a, b *time.Time) bool {
	return (a == nil) == (b == nil) && (a == nil || a.Equal(*b))
}

// prefixScanner scans a leading column into n, then the rest into dest.
type prefixScanner struct {
	row pgx.Row
	n   *int
}

// Scan implements pgx.Row: the leading column into p.n, the rest into dest.
func (p prefixScanner) Scan(dest ...any) error {
	return p.row.Scan(append([]any{p.n}, dest...)...)
}

func statusStrings(ss []stagecraft.AssetStatus) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return out
}

func isUUID(s string) bool { return uuid.Validate(s) == nil && len(s) == 36 }

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// emptyLists turns nil tag lists into empty ones: the columns are NOT NULL
// and the JSON shows [] rather than null.
func emptyLists(a *stagecraft.Asset) {
	for _, l := range []*[]string{&a.Stages, &a.Personas, &a.Industries, &a.Products, &a.Tags} {
		if *l == nil {
			*l = []string{}
		}
	}
}
