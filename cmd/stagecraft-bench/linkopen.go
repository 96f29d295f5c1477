package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/stagecraft/stagecraft/internal/pdfgen"
)

// benchLinkOpen measures the public link viewer: GET /l/{token} through a
// real server (token lookup, a link_open event committed, the page
// rendered), from many simulated prospects (distinct X-Forwarded-For
// addresses, so the per-client rate limit does not interfere), against
// the no-op gin handler in the same run.
func benchLinkOpen(args []string) error {
	fs := flag.NewFlagSet("linkopen", flag.ContinueOnError)
	n := fs.Int("n", 3000, "opens")
	conns := fs.Int("c", 8, "concurrent prospects")
	bin := fs.String("bin", "bin/stagecraft", "the stagecraft binary")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dbURL, err := benchURL()
	if err != nil {
		return err
	}
	noopURL, stopNoop, err := startNoop()
	if err != nil {
		return err
	}
	defer stopNoop()
	dir, err := os.MkdirTemp("", "stagecraft-bench-")
	if err != nil {
		return err
	}
	defer removeAll(dir)
	// The server inherits it: prospects' X-Forwarded-For is believed.
	if err := os.Setenv("TRUSTED_PROXIES", "127.0.0.1"); err != nil {
		return err
	}
	srv, err := startServer(*bin, dbURL, dir, "local")
	if err != nil {
		return err
	}
	defer srv.stop()
	// A one-page document, and a 30-page one: the viewer page lists every
	// page.
	one, err := shareDocument(srv, 1)
	if err != nil {
		return err
	}
	thirty, err := shareDocument(srv, 30)
	if err != nil {
		return err
	}
	load := func(url, body string, status int) ([]time.Duration, int64) {
		var mu sync.Mutex
		var lat []time.Duration
		var errs atomic.Int64
		var next atomic.Int64
		var wg sync.WaitGroup
		for range *conns {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := next.Add(1); i <= int64(*n); i = next.Add(1) {
					method, rd := http.MethodGet, io.Reader(nil)
					if body != "" {
						// Every beacon is a new session of a new visitor:
						// each starts a visit and alerts the sharer.
						method, rd = http.MethodPost, strings.NewReader(fmt.Sprintf(body, i))
					}
					req, _ := http.NewRequest(method, url, rd)
					req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36")
					req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255))
					t := time.Now()
					resp, err := http.DefaultClient.Do(req)
					if err != nil {
						errs.Add(1)
						continue
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					_ = resp.Body.Close() // drained: nothing left to lose
					if resp.StatusCode != status {
						errs.Add(1)
						continue
					}
					d := time.Since(t)
					mu.Lock()
					lat = append(lat, d)
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		return lat, errs.Load()
	}
	base, berr := load(noopURL, "", http.StatusNoContent)
	opens1, oerr1 := load(one, "", http.StatusOK)
	opens, oerr := load(thirty, "", http.StatusOK)
	if len(opens) == 0 || len(opens1) == 0 {
		return errors.New("no open succeeded")
	}
	images, ierr := load(thirty+"/pages/1", "", http.StatusOK)
	beacons, eerr := load(thirty+"/events", `{"session_id":"bench-session-%d","page":1,"seconds":0}`, http.StatusNoContent)
	fmt.Printf("\nPublic link opens, %d requests from %d concurrent prospects (%s, %d CPUs)\n\n", *n, *conns,
		time.Now().UTC().Format("2006-01-02"), numCPU())
	fmt.Println("| path | p50 ms | p95 ms | p99 ms | errors |")
	fmt.Println("|---|---|---|---|---|")
	fmt.Printf("| gin no-op GET → 204 (baseline) | %.2f | %.2f | %.2f | %d |\n", ms(pct(base, 50)), ms(pct(base, 95)), ms(pct(base, 99)), berr)
	fmt.Printf("| GET /l/{token}, 1 page (page + link_open committed) | %.2f | %.2f | %.2f | %d |\n", ms(pct(opens1, 50)), ms(pct(opens1, 95)), ms(pct(opens1, 99)), oerr1)
	fmt.Printf("| GET /l/{token}, 30 pages (page + link_open committed) | %.2f | %.2f | %.2f | %d |\n", ms(pct(opens, 50)), ms(pct(opens, 95)), ms(pct(opens, 99)), oerr)
	fmt.Printf("| GET /l/{token}/pages/1 (page image from the blob store) | %.2f | %.2f | %.2f | %d |\n", ms(pct(images, 50)), ms(pct(images, 95)), ms(pct(images, 99)), ierr)
	fmt.Printf("| POST /l/{token}/events, first of a visit (visit + alert committed) | %.2f | %.2f | %.2f | %d |\n", ms(pct(beacons, 50)), ms(pct(beacons, 95)), ms(pct(beacons, 99)), eerr)
	return nil
}

// shareDocument uploads a PDF of n pages, waits for its page images and
// returns a share link's URL.
func shareDocument(srv *server, n int) (string, error) {
	pages := make([][]string, n)
	for i := range pages {
		pages[i] = []string{fmt.Sprintf("Proposal, slide %d", i+1), "Why now, what it costs, what you get."}
	}
	pdf := pdfgen.Document{Title: "Proposal", Pages: pages}.Bytes()
	assetID, err := postFile(srv, fmt.Sprintf("proposal-%d.pdf", n), pdf)
	if err != nil {
		return "", err
	}
	if err := waitPreview(srv, assetID, 2*time.Minute); err != nil {
		return "", err
	}
	req, _ := http.NewRequest(http.MethodPost, srv.base+"/api/v1/links", strings.NewReader(`{"asset_id":"`+assetID+`"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+srv.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	var link struct{ URL string }
	_ = json.NewDecoder(resp.Body).Decode(&link) // no URL is the error, below
	_ = resp.Body.Close()                        // read what is needed: nothing to lose
	if link.URL == "" {
		return "", fmt.Errorf("create link: %s", resp.Status)
	}
	return link.URL, nil
}

// waitPreview waits until the asset's page previews are ready.
func waitPreview(srv *server, assetID string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		req, _ := http.NewRequest(http.MethodGet, srv.base+"/api/v1/assets/"+assetID, nil)
		req.Header.Set("Authorization", "Bearer "+srv.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		var a struct {
			Preview struct{ Status, Error string }
		}
		err = json.NewDecoder(resp.Body).Decode(&a)
		_ = resp.Body.Close() // decoded or failed: nothing more to read
		switch {
		case err != nil:
			return err
		case a.Preview.Status == "ready":
			return nil
		case a.Preview.Status == "failed" || a.Preview.Status == "unavailable":
			return fmt.Errorf("preview %s: %s", a.Preview.Status, a.Preview.Error)
		case time.Now().After(deadline):
			return fmt.Errorf("preview still %s after %v", a.Preview.Status, limit)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
