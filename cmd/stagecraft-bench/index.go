package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/indexer"
	"github.com/stagecraft/stagecraft/indexer/extract"
	"github.com/stagecraft/stagecraft/internal/pdfgen"
	"github.com/stagecraft/stagecraft/library"
	"github.com/stagecraft/stagecraft/storage/blob"
	"github.com/stagecraft/stagecraft/storage/postgres"
)

// benchIndex measures indexing throughput over a folder of real documents:
// the whole pipeline (download from storage, extract, thumbnail, write the
// search document) against running pdftotext alone on the same PDFs.
func benchIndex(args []string) error {
	fs := flag.NewFlagSet("index", flag.ContinueOnError)
	dir := fs.String("dir", "../shared/testdata/docs", "documents to index")
	rounds := fs.Int("rounds", 5, "times the folder is indexed (the median is reported)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	entries, err := os.ReadDir(*dir)
	if err != nil {
		return fmt.Errorf("-dir %s: %w", *dir, err)
	}
	ctx := context.Background()
	db, cleanup, err := benchDB(ctx, "bench_index")
	if err != nil {
		return err
	}
	defer cleanup()
	tmp, err := os.MkdirTemp("", "stagecraft-bench-index-")
	if err != nil {
		return err
	}
	defer removeAll(tmp)
	store, err := blob.NewLocal(tmp, "http://localhost", bytes.Repeat([]byte("k"), 32))
	if err != nil {
		return err
	}
	_, user, err := db.CreateOrganisation(ctx, "Bench", stagecraft.NewUser{Email: uuid.NewString()[:8] + "@bench.example", Role: stagecraft.RoleAdmin}, "x")
	if err != nil {
		return err
	}
	log := slog.New(slog.DiscardHandler)
	lib := &library.Service{Assets: db, Taxonomy: db, Events: db, Blobs: store, Log: log, Now: time.Now, MaxUpload: 1 << 30}
	worker := &indexer.Worker{Store: db, Blobs: store, Search: &postgres.Search{DB: db}, Extractor: extract.New(extract.DefaultLimits()),
		Log: log, Now: time.Now, ID: "bench", Lease: time.Hour, MaxAttempts: 1, Poll: time.Second}

	var files []string
	var bytesTotal int64
	var pdfs []string
	for _, e := range entries {
		p := filepath.Join(*dir, e.Name())
		info, err := os.Stat(p)
		if err != nil || info.IsDir() {
			continue
		}
		files = append(files, p)
		bytesTotal += info.Size()
		if strings.HasSuffix(strings.ToLower(p), ".pdf") {
			pdfs = append(pdfs, p)
		}
	}
	var pipeline, tool []float64
	for r := range *rounds {
		// Upload every file, then time the worker draining the queue.
		for _, p := range files {
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			id := library.NewAssetID()
			sf, err := lib.StoreFile(ctx, user, id, filepath.Base(p), f)
			_ = f.Close() // read-only: nothing to lose
			if err != nil {
				return fmt.Errorf("%s: %w", p, err)
			}
			if _, err := lib.CreateAsset(ctx, user, id, stagecraft.AssetMeta{}, sf); err != nil {
				return fmt.Errorf("%s: %w", p, err)
			}
		}
		start := time.Now()
		for {
			did, err := worker.ProcessOne(ctx)
			if err != nil {
				return err
			}
			if !did {
				break
			}
		}
		pipeline = append(pipeline, time.Since(start).Seconds())
		start = time.Now()
		for _, p := range pdfs {
			// Under the pipeline's own limits: unbounded, the decompression
			// bomb among the test files runs pdftotext out of memory for
			// minutes.
			ctx, cancel := context.WithTimeout(ctx, extract.DefaultTimeout)
			_ = exec.CommandContext(ctx, "prlimit", fmt.Sprintf("--as=%d", extract.DefaultMaxMemory), "pdftotext", "-q", p, "/dev/null").Run()
			cancel()
		}
		tool = append(tool, time.Since(start).Seconds())
		fmt.Fprintf(os.Stderr, "index round %d/%d: %.2f s\n", r+1, *rounds, pipeline[len(pipeline)-1])
	}
	var pdfBytes int64
	for _, p := range pdfs {
		if info, err := os.Stat(p); err == nil {
			pdfBytes += info.Size()
		}
	}
	mp, mt := median(pipeline), median(tool)
	fmt.Printf("\nIndexing %d files (%.1f MB) from %s, median of %d rounds (%s, %d CPUs)\n\n", len(files),
		float64(bytesTotal)/(1<<20), *dir, *rounds, time.Now().UTC().Format("2006-01-02"), numCPU())
	fmt.Println("| path | seconds (median) | documents/s | MB/s |")
	fmt.Println("|---|---|---|---|")
	fmt.Printf("| whole pipeline, one worker (all %d files) | %.2f | %.1f | %.2f |\n", len(files), mp, float64(len(files))/mp, float64(bytesTotal)/(1<<20)/mp)
	fmt.Printf("| pdftotext alone, same memory cap (the %d PDFs, reference) | %.2f | %.1f | %.2f |\n", len(pdfs), mt, float64(len(pdfs))/mt, float64(pdfBytes)/(1<<20)/mt)
	return nil
}

// benchDB opens a fresh, migrated schema of BENCH_DATABASE_URL.
func benchDB(ctx context.Context, schema string) (*postgres.DB, func(), error) {
	url := os.Getenv("BENCH_DATABASE_URL")
	if url == "" {
		return nil, nil, errors.New("BENCH_DATABASE_URL is not set (make bench-index sets it)")
	}
	admin, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, nil, err
	}
	schema = schema + "_" + strings.ReplaceAll(uuid.NewString()[:8], "-", "")
	if _, err := admin.Exec(ctx, `CREATE SCHEMA `+schema); err != nil {
		closeConn(admin)
		return nil, nil, err
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, nil, err
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema + ",public"
	db, err := postgres.OpenConfig(ctx, cfg, nil)
	if err != nil {
		return nil, nil, err
	}
	cleanup := func() {
		db.Close()
		_, err := admin.Exec(context.Background(), `DROP SCHEMA `+schema+` CASCADE`)
		warn("drop schema "+schema, err)
		closeConn(admin)
	}
	if _, err := db.Migrate(ctx); err != nil {
		cleanup()
		return nil, nil, err
	}
	return db, cleanup, nil
}

// benchSearchable measures how long a 10-page PDF takes from the start of
// its upload until a search for a word inside it finds it, through a real
// `stagecraft serve` (its built-in workers), against the upload alone.
func benchSearchable(args []string) error {
	fs := flag.NewFlagSet("searchable", flag.ContinueOnError)
	runs := fs.Int("runs", 30, "uploads")
	bin := fs.String("bin", "bin/stagecraft", "the stagecraft binary")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dbURL, err := benchURL()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "stagecraft-bench-")
	if err != nil {
		return err
	}
	defer removeAll(dir)
	srv, err := startServer(*bin, dbURL, dir, "local")
	if err != nil {
		return err
	}
	defer srv.stop()
	var upload, searchable []time.Duration
	for i := range *runs {
		word := fmt.Sprintf("zq%sx", strings.ReplaceAll(uuid.NewString()[:8], "-", ""))
		pages := make([][]string, 10)
		for p := range pages {
			pages[p] = []string{fmt.Sprintf("Page %d of the proposal.", p+1), "Pricing, security and implementation details follow."}
		}
		pages[9] = append(pages[9], "Reference code "+word+".")
		pdf := pdfgen.Document{Title: "Proposal " + word, Pages: pages}.Bytes()
		start := time.Now()
		if _, err := postFile(srv, "proposal.pdf", pdf); err != nil {
			return err
		}
		upload = append(upload, time.Since(start))
		for {
			found, err := searchFinds(srv, word)
			if err != nil {
				return err
			}
			if found {
				break
			}
			if time.Since(start) > 60*time.Second {
				return fmt.Errorf("run %d: not searchable after 60 s", i+1)
			}
			time.Sleep(20 * time.Millisecond)
		}
		searchable = append(searchable, time.Since(start))
	}
	fmt.Printf("\nUpload of a 10-page PDF until a search finds a word on its last page, %d runs (%s, %d CPUs)\n\n",
		*runs, time.Now().UTC().Format("2006-01-02"), numCPU())
	fmt.Println("| path | p50 ms | p95 ms | max ms |")
	fmt.Println("|---|---|---|---|")
	fmt.Printf("| upload answered (201), baseline | %.0f | %.0f | %.0f |\n", ms(pct(upload, 50)), ms(pct(upload, 95)), ms(pct(upload, 100)))
	fmt.Printf("| found by search | %.0f | %.0f | %.0f |\n", ms(pct(searchable, 50)), ms(pct(searchable, 95)), ms(pct(searchable, 100)))
	return nil
}

// postFile uploads body as a new asset and returns its id.
func postFile(s *server, name string, body []byte) (string, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	w, _ := mw.CreateFormFile("file", name)
	_, _ = w.Write(body)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, s.base+"/api/v1/assets", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+s.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer func() { _ = resp.Body.Close() }() // read what is needed: nothing to lose
	if resp.StatusCode != http.StatusCreated {
		b, _ := io.ReadAll(resp.Body)
		return "", fmt.Errorf("upload: %s: %s", resp.Status, b)
	}
	var a struct{ ID string }
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		return "", fmt.Errorf("upload: no asset id in the answer: %w", err)
	} else if a.ID == "" {
		return "", errors.New("upload: no asset id in the answer")
	}
	return a.ID, nil
}

func searchFinds(s *server, word string) (bool, error) {
	req, _ := http.NewRequest(http.MethodGet, s.base+"/api/v1/search?q="+word, nil)
	req.Header.Set("Authorization", "Bearer "+s.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false, err
	}
	defer func() { _ = resp.Body.Close() }() // read what is needed: nothing to lose
	var out struct{ Total int }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return false, err
	}
	return out.Total > 0, nil
}
