package postgres_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/storage/postgres"
)

// Libraries that existed before previews get them: migration 0010 marks
// the current versions of PDFs, decks, documents and spreadsheets pending
// and queues a preview job for each, beside any index job.
func TestPreviewMigrationQueuesExistingAssets(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	types := map[stagecraft.AssetType]stagecraft.PreviewStatus{
		stagecraft.TypePDF:         stagecraft.PreviewPending,
		stagecraft.TypeDeck:        stagecraft.PreviewPending,
		stagecraft.TypeSpreadsheet: stagecraft.PreviewPending,
		stagecraft.TypeText:        stagecraft.PreviewNone,
		stagecraft.TypeImage:       stagecraft.PreviewNone,
	}
	ids := map[stagecraft.AssetType]string{}
	for typ := range types {
		ids[typ] = createAsset(t, f, f.marketer, func(a *stagecraft.Asset) { a.Type = typ }).ID
	}
	// The library as it was before the migration: no preview state.
	if _, err := f.db.Pool.Exec(ctx, `DELETE FROM index_jobs WHERE kind = 'preview';
		UPDATE asset_versions SET preview_status = 'none'`); err != nil {
		t.Fatal(err)
	}
	sql, err := postgres.MigrationSQL("0010_previews.up.sql")
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(sql, "UPDATE asset_versions v SET preview_status = 'pending'")
	if i < 0 {
		t.Fatal("0010_previews.up.sql has no backfill statements")
	}
	backfill := sql[i:]
	if _, err := f.db.Pool.Exec(ctx, backfill); err != nil {
		t.Fatalf("backfill: %v", err)
	}
	for typ, want := range types {
		a, err := f.db.FindAssetByID(ctx, f.marketer.OrgID, ids[typ])
		if err != nil {
			t.Fatal(err)
		}
		if got := a.CurrentVersion.Preview.Status; got != want {
			t.Errorf("%s: preview status %s, want %s", typ, got, want)
		}
	}
	if n, _ := f.db.CountPreviewJobs(ctx); n != 3 {
		t.Errorf("%d preview jobs, want 3", n)
	}
	// Index jobs are separate: every asset still has its own.
	if n, _ := f.db.CountIndexJobs(ctx); n != len(types) {
		t.Errorf("%d index jobs, want %d", n, len(types))
	}
}

// A preview result lands on its version; the thumbnail and page count are
// only filled where missing, and EnqueuePreviews picks statuses.
func TestSavePreviewResult(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := createAsset(t, f, f.marketer, nil)
	v := a.CurrentVersion
	pages := 2
	err := f.db.SavePreviewResult(ctx, &stagecraft.PreviewResult{OrgID: a.OrgID, AssetID: a.ID, VersionID: v.ID,
		Preview: stagecraft.Preview{Status: stagecraft.PreviewReady, Pages: 2, RenditionKey: "r.pdf",
			PageSizes: []stagecraft.PageSize{{Width: 1400, Height: 788}, {Width: 1400, Height: 1980}}},
		ThumbnailKey: "t.png", PageCount: &pages})
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.db.FindAssetByID(ctx, a.OrgID, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	p := got.CurrentVersion.Preview
	if p.Status != stagecraft.PreviewReady || p.Pages != 2 || p.RenditionKey != "r.pdf" || len(p.PageSizes) != 2 ||
		p.PageSizes[1] != (stagecraft.PageSize{Width: 1400, Height: 1980}) {
		t.Errorf("preview = %+v", p)
	}
	if got.ThumbnailKey != "t.png" || got.CurrentVersion.PageCount == nil || *got.CurrentVersion.PageCount != 2 {
		t.Errorf("thumbnail %q, page count %v", got.ThumbnailKey, got.CurrentVersion.PageCount)
	}
	// A second result keeps the thumbnail and page count already there.
	more := 9
	err = f.db.SavePreviewResult(ctx, &stagecraft.PreviewResult{OrgID: a.OrgID, AssetID: a.ID, VersionID: v.ID,
		Preview: stagecraft.Preview{Status: stagecraft.PreviewFailed, Error: "damaged"}, ThumbnailKey: "other.png", PageCount: &more})
	if err != nil {
		t.Fatal(err)
	}
	got, _ = f.db.FindAssetByID(ctx, a.OrgID, a.ID)
	if got.ThumbnailKey != "t.png" || *got.CurrentVersion.PageCount != 2 {
		t.Errorf("overwrote: thumbnail %q, page count %d", got.ThumbnailKey, *got.CurrentVersion.PageCount)
	}
	if p := got.CurrentVersion.Preview; p.Status != stagecraft.PreviewFailed || p.Error != "damaged" || p.Pages != 0 || p.PageSizes != nil {
		t.Errorf("failed preview = %+v", p)
	}
	// The index worker's result never clears a thumbnail the preview set.
	if err := f.db.SaveIndexResult(ctx, &stagecraft.IndexResult{OrgID: a.OrgID, AssetID: a.ID, VersionID: v.ID,
		Status: stagecraft.IndexIndexed}); err != nil {
		t.Fatal(err)
	}
	if got, _ = f.db.FindAssetByID(ctx, a.OrgID, a.ID); got.ThumbnailKey != "t.png" {
		t.Errorf("index result cleared the thumbnail")
	}

	if _, err := f.db.Pool.Exec(ctx, `DELETE FROM index_jobs`); err != nil {
		t.Fatal(err)
	}
	if n, err := f.db.EnqueuePreviews(ctx, stagecraft.PreviewUnavailable); err != nil || n != 0 {
		t.Errorf("EnqueuePreviews(unavailable) = %d, %v", n, err)
	}
	if n, err := f.db.EnqueuePreviews(ctx, stagecraft.PreviewFailed, stagecraft.PreviewUnavailable); err != nil || n != 1 {
		t.Errorf("EnqueuePreviews(failed) = %d, %v", n, err)
	}
	got, _ = f.db.FindAssetByID(ctx, a.OrgID, a.ID)
	if p := got.CurrentVersion.Preview; p.Status != stagecraft.PreviewPending || p.Error != "" {
		t.Errorf("after EnqueuePreviews: %+v", p)
	}
	if n, _ := f.db.CountPreviewJobs(ctx); n != 1 {
		t.Errorf("%d preview jobs", n)
	}
}
