package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/stagecraft/stagecraft/indexer/convert"
)

// convertTypes are the shared documents the conversion benchmark uses,
// by extension.
var convertTypes = map[string]string{
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

// benchConvert measures page previews: for every deck and document of the
// shared test files that converts, the time to convert it to PDF with
// LibreOffice as the preview worker runs it (fresh locked-down profile,
// prlimit, process group) against the bare `soffice --convert-to pdf`
// with one reused profile, and the time to render its pages; then, through
// a real `stagecraft serve`, the time from the start of a deck's upload
// until its preview is ready.
func benchConvert(args []string) error {
	fs := flag.NewFlagSet("convert", flag.ContinueOnError)
	dir := fs.String("dir", "../shared/testdata/docs", "documents to convert")
	rounds := fs.Int("rounds", 3, "conversions of each document")
	runs := fs.Int("runs", 10, "uploads of the deck through a real server (0: skip)")
	deck := fs.String("deck", "SampleShow.pptx", "the deck uploaded through the server, in -dir")
	bin := fs.String("bin", "bin/stagecraft", "the stagecraft binary")
	if err := fs.Parse(args); err != nil {
		return err
	}
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		return fmt.Errorf("LibreOffice (soffice) is not installed: %w", err)
	}
	entries, err := os.ReadDir(*dir)
	if err != nil {
		return fmt.Errorf("-dir %s: %w", *dir, err)
	}
	tmp, err := os.MkdirTemp("", "stagecraft-bench-convert-")
	if err != nil {
		return err
	}
	defer removeAll(tmp)
	ctx := context.Background()
	c := &convert.Converter{}
	bareProfile := "file://" + filepath.Join(tmp, "bare-profile")
	var ours, bare, render []time.Duration
	files := 0
	for _, e := range entries {
		ct, ok := convertTypes[strings.ToLower(filepath.Ext(e.Name()))]
		if !ok {
			continue
		}
		src := filepath.Join(*dir, e.Name())
		// Documents that do not convert (damaged, encrypted) are left out:
		// they fail in about the time LibreOffice takes to start.
		if _, err := c.ToPDF(ctx, src, ct, tmp); err != nil {
			fmt.Fprintf(os.Stderr, "skip %s: %v\n", e.Name(), err)
			continue
		}
		files++
		for r := range *rounds {
			work, err := os.MkdirTemp(tmp, "run-")
			if err != nil {
				return err
			}
			start := time.Now()
			pdf, err := c.ToPDF(ctx, src, ct, work)
			if err != nil {
				return fmt.Errorf("%s: %w", e.Name(), err)
			}
			ours = append(ours, time.Since(start))
			start = time.Now()
			if _, err := c.RenderPages(ctx, pdf, work); err != nil {
				return fmt.Errorf("%s: render: %w", e.Name(), err)
			}
			render = append(render, time.Since(start))
			start = time.Now()
			out, err := exec.Command(soffice, "-env:UserInstallation="+bareProfile, "--headless", "--norestore",
				"--convert-to", "pdf", "--outdir", work, src).CombinedOutput()
			if err != nil {
				return fmt.Errorf("bare soffice %s: %w: %s", e.Name(), err, out)
			}
			bare = append(bare, time.Since(start))
			fmt.Fprintf(os.Stderr, "%s round %d/%d: %.2f s (bare %.2f s), render %.2f s\n", e.Name(), r+1, *rounds,
				ours[len(ours)-1].Seconds(), bare[len(bare)-1].Seconds(), render[len(render)-1].Seconds())
			removeAll(work)
		}
	}
	fmt.Printf("\nConverting %d decks and documents from %s to PDF, %d rounds each (%s, %d CPUs)\n\n",
		files, *dir, *rounds, time.Now().UTC().Format("2006-01-02"), numCPU())
	fmt.Println("| path | p50 ms | p95 ms | max ms |")
	fmt.Println("|---|---|---|---|")
	row := func(name string, d []time.Duration) {
		fmt.Printf("| %s | %.0f | %.0f | %.0f |\n", name, ms(pct(d, 50)), ms(pct(d, 95)), ms(pct(d, 100)))
	}
	row("bare `soffice --convert-to pdf`, one reused profile (baseline)", bare)
	row("preview conversion: fresh locked-down profile, prlimit, process group", ours)
	row("rendering every page (pdftoppm, 1400 px JPEG)", render)
	fmt.Printf("\nRatio of medians, preview conversion ÷ bare: %.2f\n", pct(ours, 50).Seconds()/pct(bare, 50).Seconds())

	if *runs > 0 {
		return benchViewable(*bin, filepath.Join(*dir, *deck), *runs)
	}
	return nil
}

// benchViewable times a deck from the start of its upload until its
// preview is ready, through a real server and its built-in workers.
func benchViewable(bin, deck string, runs int) error {
	body, err := os.ReadFile(deck)
	if err != nil {
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
	srv, err := startServer(bin, dbURL, dir, "local")
	if err != nil {
		return err
	}
	defer srv.stop()
	var upload, viewable []time.Duration
	pages := 0
	for i := range runs {
		start := time.Now()
		id, err := postFile(srv, filepath.Base(deck), body)
		if err != nil {
			return err
		}
		upload = append(upload, time.Since(start))
		for {
			st, n, err := previewStatus(srv, id)
			if err != nil {
				return err
			}
			if st == "ready" {
				pages = n
				break
			}
			if st == "failed" || st == "unavailable" {
				return fmt.Errorf("run %d: preview %s", i+1, st)
			}
			if time.Since(start) > 5*time.Minute {
				return fmt.Errorf("run %d: no preview after 5 minutes", i+1)
			}
			time.Sleep(50 * time.Millisecond)
		}
		viewable = append(viewable, time.Since(start))
		fmt.Fprintf(os.Stderr, "viewable run %d/%d: %.2f s\n", i+1, runs, viewable[len(viewable)-1].Seconds())
	}
	fmt.Printf("\nUpload of %s (%d pages) until its page previews are ready, one at a time, %d runs\n\n",
		filepath.Base(deck), pages, runs)
	fmt.Println("| path | p50 ms | p95 ms | max ms |")
	fmt.Println("|---|---|---|---|")
	fmt.Printf("| upload answered (201), baseline | %.0f | %.0f | %.0f |\n", ms(pct(upload, 50)), ms(pct(upload, 95)), ms(pct(upload, 100)))
	fmt.Printf("| preview ready (status `ready`) | %.0f | %.0f | %.0f |\n", ms(pct(viewable, 50)), ms(pct(viewable, 95)), ms(pct(viewable, 100)))
	return nil
}

func previewStatus(s *server, id string) (string, int, error) {
	req, _ := http.NewRequest(http.MethodGet, s.base+"/api/v1/assets/"+id, nil)
	req.Header.Set("Authorization", "Bearer "+s.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", 0, err
	}
	defer func() { _ = resp.Body.Close() }() // read what is needed: nothing to lose
	var a struct {
		Preview struct {
			Status string `json:"status"`
			Pages  int    `json:"pages"`
		} `json:"preview"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		return "", 0, err
	}
	return a.Preview.Status, a.Preview.Pages, nil
}
