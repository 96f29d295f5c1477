// Package indexer keeps the search index in step with the library. Every
// change to an asset enqueues a job (in the transaction of the change);
// workers claim jobs from PostgreSQL, read the file from storage, extract
// its text (indexer/extract), render a thumbnail, and write the asset's
// document to the search backend. Any number of workers on any number of
// machines share the queue.
package indexer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"runtime/debug"
	"time"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/indexer/extract"
)

// Extractor turns files into text and previews.
type Extractor interface {
	Extract(ctx context.Context, path, contentType string) (*extract.Result, error)
	Thumbnail(ctx context.Context, path, contentType string) ([]byte, error)
}

// Worker processes index jobs.
type Worker struct {
	Store     stagecraft.IndexStore
	Blobs     stagecraft.BlobStore
	Search    stagecraft.SearchIndex
	Extractor Extractor
	Log       *slog.Logger
	Now       stagecraft.Clock

	// ID names the worker in job leases (host and process, say).
	ID string
	// Lease is how long a claimed job is reserved; a worker that dies
	// loses its jobs when their leases expire. Longer than any extraction.
	Lease time.Duration
	// MaxAttempts bounds retries of a job whose failure may be temporary
	// (storage or search unreachable).
	MaxAttempts int
	// Poll is how often an idle worker looks for jobs when no
	// notification arrives.
	Poll time.Duration
	// TempDir holds downloaded files while they are read ("" = os.TempDir).
	TempDir string
}

// Run processes jobs until ctx ends. wake (optional) signals new jobs.
func (w *Worker) Run(ctx context.Context, wake <-chan struct{}) {
	runJobs(ctx, wake, w.Poll, w.Log, "index worker", w.ProcessOne)
}

// runJobs calls processOne until ctx ends; when no job was due it waits
// for wake, the poll interval or the end. Errors about the queue itself
// are logged and the loop goes on.
func runJobs(ctx context.Context, wake <-chan struct{}, poll time.Duration, log *slog.Logger, name string,
	processOne func(context.Context) (bool, error)) {
	for ctx.Err() == nil {
		did, err := processOne(ctx)
		if err != nil && ctx.Err() == nil {
			log.Warn(name, slog.Any("error", err))
		}
		if did {
			continue
		}
		select {
		case <-ctx.Done():
		case <-wake:
		case <-time.After(poll):
		}
	}
}

// ProcessOne claims and processes one due job. It reports whether there
// was one; the error is about the queue itself, not the document.
func (w *Worker) ProcessOne(ctx context.Context) (bool, error) {
	job, err := w.Store.ClaimIndexJob(ctx, stagecraft.JobIndex, w.ID, w.Lease)
	if err != nil || job == nil {
		return false, err
	}
	log := w.Log.With(slog.String("asset_id", job.AssetID), slog.String("org_id", job.OrgID), slog.Int("attempt", job.Attempts))
	start := time.Now()
	err = w.safeIndex(ctx, job)
	// Bookkeeping must happen even when ctx was cancelled mid-job.
	bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err == nil {
		log.Debug("indexed", slog.Duration("duration", time.Since(start)))
		return true, w.Store.CompleteIndexJob(bctx, job)
	}
	if job.Attempts >= w.MaxAttempts || !temporary(err) {
		log.Error("index job failed", slog.Any("error", err))
		msg := stagecraft.ErrorMessage(err)
		if temporary(err) {
			msg = fmt.Sprintf("Indexing gave up after %d attempts: %s", job.Attempts, msg)
		}
		w.markFailed(bctx, job, msg)
		return true, w.Store.CompleteIndexJob(bctx, job)
	}
	retry := w.Now().Add(backoff(job.Attempts))
	log.Warn("index job will be retried", slog.Any("error", err), slog.Time("retry_at", retry))
	return true, w.Store.RetryIndexJob(bctx, job, retry, err.Error())
}

// backoff is exponential with jitter: about 2 s, 4 s, 8 s, … capped at 5 min.
func backoff(attempt int) time.Duration {
	d := time.Second << min(attempt, 8)
	d = min(d, 5*time.Minute)
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1)) //nolint:gosec // G404: jitter, not a secret
}

// temporary reports whether a failure may pass by itself: a dependency
// that is down, or a deadline.
func temporary(err error) bool {
	return stagecraft.ErrorCode(err) == stagecraft.EUNAVAILABLE || errors.Is(err, context.DeadlineExceeded)
}

func (w *Worker) markFailed(ctx context.Context, job *stagecraft.IndexJob, msg string) {
	a, err := w.Store.FindAssetByID(ctx, job.OrgID, job.AssetID)
	if err != nil {
		return
	}
	_ = w.Store.SaveIndexResult(ctx, &stagecraft.IndexResult{OrgID: a.OrgID, AssetID: a.ID,
		VersionID: a.CurrentVersion.ID, Status: stagecraft.IndexFailed, Error: msg, ThumbnailKey: a.ThumbnailKey})
}

// safeIndex indexes, turning a panic (a bug, or a parser meeting a file it
// cannot handle) into an error so that the worker carries on.
func (w *Worker) safeIndex(ctx context.Context, job *stagecraft.IndexJob) (err error) {
	defer func() {
		if p := recover(); p != nil {
			w.Log.Error("panic while indexing", slog.String("asset_id", job.AssetID), slog.Any("panic", p),
				slog.String("stack", string(debug.Stack())))
			err = stagecraft.Errorf(stagecraft.EINTERNAL, "An internal error stopped the indexing of this file.")
		}
	}()
	return w.index(ctx, job)
}

func (w *Worker) index(ctx context.Context, job *stagecraft.IndexJob) error {
	a, err := w.Store.FindAssetByID(ctx, job.OrgID, job.AssetID)
	if stagecraft.ErrorCode(err) == stagecraft.ENOTFOUND {
		return w.Search.Delete(ctx, job.OrgID, job.AssetID)
	} else if err != nil {
		return err
	}
	v := a.CurrentVersion
	if a.Status == stagecraft.StatusArchived {
		if err := w.Search.Delete(ctx, a.OrgID, a.ID); err != nil {
			return err
		}
		return w.Store.SaveIndexResult(ctx, &stagecraft.IndexResult{OrgID: a.OrgID, AssetID: a.ID, VersionID: v.ID,
			Status: stagecraft.IndexIndexed, ThumbnailKey: a.ThumbnailKey})
	}
	text, err := w.Store.FindAssetText(ctx, v.ID)
	thumb := a.ThumbnailKey
	if stagecraft.ErrorCode(err) == stagecraft.ENOTFOUND {
		text, thumb, err = w.read(ctx, a)
	}
	if err != nil {
		return err
	}
	// The title of an asset uploaded without one follows its current
	// version; SaveIndexResult sets it only while nobody has edited it.
	// The cached title is judged again: text cached before titles were
	// judged holds the document's title as it was ("Slide 1").
	res := &stagecraft.IndexResult{OrgID: a.OrgID, AssetID: a.ID, VersionID: v.ID, Status: stagecraft.IndexIndexed,
		Error: text.Note, ThumbnailKey: thumb, Pages: text.Pages,
		DocumentTitle: stagecraft.DefaultTitle(text.Title, "", v.Filename)}
	if text.Failed {
		res.Status = stagecraft.IndexFailed
	}
	doc := searchDoc(a, text, res.DocumentTitle)
	var cut bool
	if doc.Body, cut = stagecraft.TruncateText(doc.Body, stagecraft.MaxIndexedText); cut && res.Error == "" {
		res.Error = noteTruncated
	}
	if err := w.writeDoc(ctx, doc, res); err != nil {
		return err
	}
	return w.Store.SaveIndexResult(ctx, res)
}

// Notes shown to users when only part of a file, or none of it, could be
// made searchable.
const (
	noteTruncated  = "Only the beginning of this file's text is searchable: it is longer than the indexing limit."
	noteTextFailed = "The text of this file could not be added to the search index; it is findable by its title, description and tags."
)

// writeDoc writes doc to the search index. A backend that refuses it for
// good (not for being down) gets it again without its text, so that the
// asset stays findable by its metadata rather than vanishing from search;
// res then says so.
func (w *Worker) writeDoc(ctx context.Context, doc *stagecraft.SearchDoc, res *stagecraft.IndexResult) error {
	err := w.Search.Index(ctx, doc)
	if err == nil || temporary(err) || doc.Body == "" {
		if err != nil {
			return fmt.Errorf("write search document: %w", err)
		}
		return nil
	}
	w.Log.Error("search index refused the document; indexing its metadata only",
		slog.String("asset_id", doc.AssetID), slog.Any("error", err))
	doc.Body = ""
	if err := w.Search.Index(ctx, doc); err != nil {
		return fmt.Errorf("write search document without its text: %w", err)
	}
	res.Status, res.Error = stagecraft.IndexFailed, noteTextFailed
	return nil
}

// read downloads the current version, extracts its text and renders its
// thumbnail, and caches the text. Problems with the file itself become a
// note on the text (the asset stays findable by its metadata); problems
// reaching storage are returned, to be retried.
func (w *Worker) read(ctx context.Context, a *stagecraft.Asset) (*stagecraft.AssetText, string, error) {
	v := a.CurrentVersion
	path, err := w.download(ctx, v.BlobKey)
	if err != nil {
		return nil, "", err
	}
	defer w.removeTemp(path)

	text := &stagecraft.AssetText{VersionID: v.ID, OrgID: a.OrgID, Language: "simple"}
	res, err := w.Extractor.Extract(ctx, path, v.ContentType)
	var xerr *extract.Error
	switch {
	case err == nil:
		// The cache keeps the name the document gives itself, its own
		// title or its heading, or "" when neither names it.
		text.Title = stagecraft.DocumentTitle(res.Title, res.Heading, v.Filename)
		text.Body, text.Language, text.Truncated = res.Text, res.Language, res.Truncated
		if res.Pages > 0 {
			pages := res.Pages
			text.Pages = &pages
		}
		if res.Text == "" {
			text.Note = "No text was found in this file (it may be empty or scanned); it is findable by its title, description and tags."
		} else if res.Truncated {
			text.Note = noteTruncated
		}
	case errors.As(err, &xerr):
		text.Note = xerr.Message + " It is findable by its title, description and tags."
		switch xerr.Kind {
		case extract.KindBroken, extract.KindTooLarge, extract.KindTimeout:
			text.Failed = true
		case extract.KindUnavailable:
			// The tool may be installed later; do not cache this.
			return text, a.ThumbnailKey, nil
		}
	default:
		return nil, "", fmt.Errorf("extract text: %w", err)
	}
	thumb := w.thumbnail(ctx, a, path)
	if err := w.Store.SaveAssetText(ctx, text); err != nil {
		return nil, "", err
	}
	return text, thumb, nil
}

// thumbnail renders and stores a preview of the first page, returning its
// key, or "" when the file has none. Failures only cost the preview.
func (w *Worker) thumbnail(ctx context.Context, a *stagecraft.Asset, path string) string {
	png, err := w.Extractor.Thumbnail(ctx, path, a.CurrentVersion.ContentType)
	if err != nil {
		var xerr *extract.Error
		if !errors.As(err, &xerr) || xerr.Kind != extract.KindUnsupported {
			w.Log.Info("no thumbnail", slog.String("asset_id", a.ID), slog.Any("error", err))
		}
		return ""
	}
	key := a.CurrentVersion.BlobKey + ".thumb.png"
	if _, err := w.Blobs.Put(ctx, key, bytes.NewReader(png), int64(len(png)), "image/png"); err != nil {
		w.Log.Warn("store thumbnail", slog.String("asset_id", a.ID), slog.Any("error", err))
		return ""
	}
	return key
}

// download copies a blob to a temporary file.
func (w *Worker) download(ctx context.Context, key string) (string, error) {
	rc, _, err := w.Blobs.Open(ctx, key)
	if err != nil {
		return "", fmt.Errorf("open %s: %w", key, err)
	}
	defer func() { _ = rc.Close() }() // read to the end or failed: Close adds nothing
	f, err := os.CreateTemp(w.TempDir, "stagecraft-index-*")
	if err != nil {
		return "", fmt.Errorf("temp file: %w", err)
	}
	if _, err := io.Copy(f, rc); err != nil {
		_ = f.Close() // the copy's error is the one to report
		w.removeTemp(f.Name())
		// A read that breaks off is the store's (or the network's) doing.
		return "", stagecraft.Unavailable("object storage", fmt.Errorf("download %s: %w", key, err))
	}
	if err := f.Close(); err != nil {
		w.removeTemp(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// removeTemp deletes a downloaded file. One left behind costs only disk
// space, so a failure is logged rather than failing the job.
func (w *Worker) removeTemp(path string) {
	if err := os.Remove(path); err != nil {
		w.Log.Warn("remove temporary file", slog.String("path", path), slog.Any("error", err))
	}
}

// searchDoc returns the search document of a, with its text t.
// defaultTitle replaces a title nobody has chosen, as SaveIndexResult
// does on the asset.
func searchDoc(a *stagecraft.Asset, t *stagecraft.AssetText, defaultTitle string) *stagecraft.SearchDoc {
	title := a.Title
	if a.TitleFromFilename {
		title = defaultTitle
	}
	return &stagecraft.SearchDoc{
		AssetID: a.ID, OrgID: a.OrgID, Title: title, Description: a.Description, Tags: a.Tags,
		Body: t.Body, Language: t.Language, Type: a.Type, Status: a.Status, ExpiresAt: a.ExpiresAt,
		Stages: a.Stages, Personas: a.Personas, Industries: a.Industries, Products: a.Products,
		UpdatedAt: a.UpdatedAt,
	}
}
