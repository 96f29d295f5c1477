package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/stagecraft/stagecraft"
)

// runIndexers starts n index workers and one preview worker in g, woken
// by notifications of new jobs and polling as a fallback. One preview
// worker is enough: conversions run one at a time per process anyway, and
// index jobs never wait behind them.
func (a *App) runIndexers(ctx context.Context, g *errgroup.Group, n int) {
	a.retryUnavailablePreviews(ctx)
	wakes := make([]chan struct{}, n+1)
	for i := range wakes {
		wakes[i] = make(chan struct{}, 1)
	}
	notify := a.DB.WaitForIndexJobs(ctx)
	g.Go(func() error {
		// Fan each notification out to every worker; each claims what
		// is due, and SKIP LOCKED keeps them apart.
		for range notify {
			for _, w := range wakes {
				select {
				case w <- struct{}{}:
				default:
				}
			}
		}
		return nil
	})
	for i := range n {
		g.Go(func() error { a.Indexer.Run(ctx, wakes[i]); return nil })
	}
	g.Go(func() error { a.Previews.Run(ctx, wakes[n]); return nil })
}

// retryUnavailablePreviews queues again the previews that could not be
// made because LibreOffice was missing, now that it is installed; without
// it, it says once that decks and documents get no previews.
func (a *App) retryUnavailablePreviews(ctx context.Context) {
	if !a.Converter.CanConvert() {
		a.Log.Warn("LibreOffice (soffice) is not installed: decks and documents get no page previews; see SOFFICE_PATH")
		return
	}
	n, err := a.DB.EnqueuePreviews(ctx, stagecraft.PreviewUnavailable)
	if err != nil {
		a.Log.Warn("retry unavailable previews", slog.Any("error", err))
	} else if n > 0 {
		a.Log.Info("LibreOffice found: making the previews that were unavailable", slog.Int("assets", n))
	}
}

// cmdReindex enqueues every asset and works the queue until it is empty,
// printing progress. Other workers (a running server) help if present.
func cmdReindex(ctx context.Context, cfg Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("reindex", flag.ContinueOnError)
	keepText := fs.Bool("keep-text", false, "reuse text already extracted instead of reading every file again")
	if err := fs.Parse(args); err != nil {
		return err
	}
	app, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer app.Close()
	total, err := app.DB.EnqueueAllIndexJobs(ctx, !*keepText)
	if err != nil {
		return err
	}
	// Previews that failed or lacked a tool get another try: the tools
	// may have been installed or upgraded since.
	previews, err := app.DB.EnqueuePreviews(ctx, stagecraft.PreviewFailed, stagecraft.PreviewUnavailable)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "reindex: %d assets queued, %d previews to make again\n", total, previews)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	g, gctx := errgroup.WithContext(ctx)
	app.Indexer.Poll = 200 * time.Millisecond
	for range cfg.IndexWorkers {
		g.Go(func() error { app.Indexer.Run(gctx, nil); return nil })
	}
	app.Previews.Poll = 200 * time.Millisecond
	g.Go(func() error { app.Previews.Run(gctx, nil); return nil })
	start := time.Now()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		left, err := app.DB.CountIndexJobs(ctx)
		var previewsLeft int
		if err == nil {
			previewsLeft, err = app.DB.CountPreviewJobs(ctx)
		}
		if err != nil {
			cancel()
			_ = g.Wait()
			return err
		}
		done := total - left
		fmt.Fprintf(stdout, "reindex: %d/%d done (%.0f%%), %d previews to make, %s\n", done, total,
			100*float64(done)/float64(max(total, 1)), previewsLeft, time.Since(start).Round(time.Second))
		if left == 0 && previewsLeft == 0 {
			break
		}
		select {
		case <-ctx.Done():
			_ = g.Wait()
			return ctx.Err()
		case <-tick.C:
		}
	}
	cancel()
	_ = g.Wait()
	failed, err := app.DB.CountFailedAssets(context.WithoutCancel(ctx))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "reindex: finished in %s; %d of %d assets failed (see index_error)\n",
		time.Since(start).Round(time.Millisecond), failed, total)
	return nil
}
