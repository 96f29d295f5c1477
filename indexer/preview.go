package indexer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"time"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/indexer/convert"
)

// Renderer makes the page images of a file (convert.Converter).
type Renderer interface {
	Render(ctx context.Context, src, contentType, dir string) (*convert.Result, error)
}

// PreviewStore is what the preview worker needs of the database.
type PreviewStore interface {
	ClaimIndexJob(ctx context.Context, kind, worker string, lease time.Duration) (*stagecraft.IndexJob, error)
	CompleteIndexJob(ctx context.Context, job *stagecraft.IndexJob) error
	RetryIndexJob(ctx context.Context, job *stagecraft.IndexJob, retryAt time.Time, cause string) error
	FindAssetByID(ctx context.Context, orgID, id string) (*stagecraft.Asset, error)
	stagecraft.PreviewStore
}

// PreviewWorker processes preview jobs: it converts the current version of
// an asset to PDF when it is a deck, document or spreadsheet, renders its
// pages, and stores the rendition and page images next to the file (keys
// from stagecraft.RenditionKey and stagecraft.PageKey). Run one per
// process: conversions are serialised anyway (convert's slot), and index
// jobs have workers of their own, so a slow conversion delays only other
// previews.
type PreviewWorker struct {
	Store    PreviewStore
	Blobs    stagecraft.BlobStore
	Renderer Renderer
	// Thumbnails renders the asset's thumbnail from the first page of a
	// rendition when the asset has none (decks and documents).
	Thumbnails Extractor
	Log        *slog.Logger
	Now        stagecraft.Clock

	// ID, Lease, MaxAttempts, Poll and TempDir are as in Worker. Lease
	// must exceed the conversion and rendering time limits together.
	ID          string
	Lease       time.Duration
	MaxAttempts int
	Poll        time.Duration
	TempDir     string
}

// Run processes preview jobs until ctx ends. wake (optional) signals new jobs.
func (w *PreviewWorker) Run(ctx context.Context, wake <-chan struct{}) {
	runJobs(ctx, wake, w.Poll, w.Log, "preview worker", w.ProcessOne)
}

// ProcessOne claims and processes one due preview job, reporting whether
// there was one; the error is about the queue, not the document.
func (w *PreviewWorker) ProcessOne(ctx context.Context) (bool, error) {
	job, err := w.Store.ClaimIndexJob(ctx, stagecraft.JobPreview, w.ID, w.Lease)
	if err != nil || job == nil {
		return false, err
	}
	log := w.Log.With(slog.String("asset_id", job.AssetID), slog.String("org_id", job.OrgID), slog.Int("attempt", job.Attempts))
	start := time.Now()
	err = w.safePreview(ctx, job)
	bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err == nil {
		log.Info("previews made", slog.Duration("duration", time.Since(start)))
		return true, w.Store.CompleteIndexJob(bctx, job)
	}
	if ctx.Err() != nil {
		// Shutting down: the job runs again after its lease (or at once,
		// released here), and the file is not blamed.
		return true, w.Store.RetryIndexJob(bctx, job, w.Now(), "interrupted")
	}
	if job.Attempts >= w.MaxAttempts || !temporary(err) {
		log.Error("preview job failed", slog.Any("error", err))
		msg := stagecraft.ErrorMessage(err)
		if temporary(err) {
			msg = fmt.Sprintf("Previews gave up after %d attempts: %s", job.Attempts, msg)
		}
		w.markFailed(bctx, job, msg)
		return true, w.Store.CompleteIndexJob(bctx, job)
	}
	retry := w.Now().Add(backoff(job.Attempts))
	log.Warn("preview job will be retried", slog.Any("error", err), slog.Time("retry_at", retry))
	return true, w.Store.RetryIndexJob(bctx, job, retry, err.Error())
}

// markFailed records a failure that is not the file's (storage down for
// good, a bug) on the asset's current version.
func (w *PreviewWorker) markFailed(ctx context.Context, job *stagecraft.IndexJob, msg string) {
	a, err := w.Store.FindAssetByID(ctx, job.OrgID, job.AssetID)
	if err != nil {
		return
	}
	_ = w.Store.SavePreviewResult(ctx, &stagecraft.PreviewResult{OrgID: a.OrgID, AssetID: a.ID,
		VersionID: a.CurrentVersion.ID, Preview: stagecraft.Preview{Status: stagecraft.PreviewFailed, Error: msg}})
}

// safePreview turns a panic into an error so that the worker carries on.
func (w *PreviewWorker) safePreview(ctx context.Context, job *stagecraft.IndexJob) (err error) {
	defer func() {
		if p := recover(); p != nil {
			w.Log.Error("panic while making previews", slog.String("asset_id", job.AssetID), slog.Any("panic", p),
				slog.String("stack", string(debug.Stack())))
			err = stagecraft.Errorf(stagecraft.EINTERNAL, "An internal error stopped the previews of this file.")
		}
	}()
	return w.preview(ctx, job)
}

func (w *PreviewWorker) preview(ctx context.Context, job *stagecraft.IndexJob) error {
	a, err := w.Store.FindAssetByID(ctx, job.OrgID, job.AssetID)
	if stagecraft.ErrorCode(err) == stagecraft.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	v := a.CurrentVersion
	res := &stagecraft.PreviewResult{OrgID: a.OrgID, AssetID: a.ID, VersionID: v.ID}
	if stagecraft.PreviewSourceOf(v.ContentType) == stagecraft.PreviewSourceNone {
		res.Preview.Status = stagecraft.PreviewNone
		return w.Store.SavePreviewResult(ctx, res)
	}
	dir, err := os.MkdirTemp(w.TempDir, "stagecraft-preview-*")
	if err != nil {
		return fmt.Errorf("preview directory: %w", err)
	}
	defer func() {
		if err := os.RemoveAll(dir); err != nil {
			w.Log.Warn("remove preview directory", slog.String("path", dir), slog.Any("error", err))
		}
	}()
	src, err := downloadTo(ctx, w.Blobs, v.BlobKey, dir)
	if err != nil {
		return err
	}
	out, err := w.Renderer.Render(ctx, src, v.ContentType, dir)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("render previews: %w", ctx.Err())
		}
		kind := convert.KindOf(err)
		if kind == "" {
			return fmt.Errorf("render previews: %w", err)
		}
		var cerr *convert.Error
		errors.As(err, &cerr)
		res.Preview.Status, res.Preview.Error = stagecraft.PreviewFailed, cerr.Message
		switch kind {
		case convert.KindUnavailable:
			res.Preview.Status = stagecraft.PreviewUnavailable
		case convert.KindUnsupported:
			res.Preview.Status, res.Preview.Error = stagecraft.PreviewNone, ""
		}
		w.Log.Info("no previews", slog.String("asset_id", a.ID), slog.String("kind", string(kind)), slog.Any("error", err))
		return w.Store.SavePreviewResult(ctx, res)
	}
	if err := w.store(ctx, a, out, res); err != nil {
		return err
	}
	return w.Store.SavePreviewResult(ctx, res)
}

// store puts the rendition and the page images in the blob store and
// fills res. The page images are written before the status says ready, so
// a viewer never sees a ready preview with missing pages.
func (w *PreviewWorker) store(ctx context.Context, a *stagecraft.Asset, out *convert.Result, res *stagecraft.PreviewResult) error {
	v := a.CurrentVersion
	p := &res.Preview
	if out.PDF != "" {
		p.RenditionKey = stagecraft.RenditionKey(v.BlobKey)
		if err := putFile(ctx, w.Blobs, p.RenditionKey, out.PDF, "application/pdf"); err != nil {
			return err
		}
	}
	for i, page := range out.Pages.Pages {
		if err := putFile(ctx, w.Blobs, stagecraft.PageKey(v.BlobKey, i+1), page.Path, "image/jpeg"); err != nil {
			return err
		}
		p.PageSizes = append(p.PageSizes, stagecraft.PageSize{Width: page.Width, Height: page.Height})
	}
	p.Status, p.Pages = stagecraft.PreviewReady, len(out.Pages.Pages)
	switch {
	case out.Cut:
		// The converter stopped past the limit: the true count is unknown.
		p.Error = fmt.Sprintf("Only the first %d pages have previews.", p.Pages)
	case out.Total > p.Pages:
		p.Error = fmt.Sprintf("Only the first %d of the %d pages have previews.", p.Pages, out.Total)
		total := out.Total
		res.PageCount = &total
	default:
		total := out.Total
		res.PageCount = &total
	}
	if out.PDF != "" && a.ThumbnailKey == "" && w.Thumbnails != nil {
		res.ThumbnailKey = w.thumbnail(ctx, a, out.PDF)
	}
	return nil
}

// thumbnail renders the first page of the rendition as the asset's
// thumbnail (the .thumb.png convention of Worker.thumbnail). Failures
// only cost the thumbnail.
func (w *PreviewWorker) thumbnail(ctx context.Context, a *stagecraft.Asset, pdf string) string {
	png, err := w.Thumbnails.Thumbnail(ctx, pdf, "application/pdf")
	if err != nil {
		w.Log.Info("no thumbnail from the rendition", slog.String("asset_id", a.ID), slog.Any("error", err))
		return ""
	}
	key := a.CurrentVersion.BlobKey + ".thumb.png"
	if err := putBytes(ctx, w.Blobs, key, png, "image/png"); err != nil {
		w.Log.Warn("store thumbnail", slog.String("asset_id", a.ID), slog.Any("error", err))
		return ""
	}
	return key
}
